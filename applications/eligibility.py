"""The eligibility check (申报条件): operating two years, and the four business thresholds of the
park's region class. A miss is a warning the park must justify, not a block ("特殊潜力")."""

from dataclasses import asdict, dataclass
from datetime import date

from django.utils import timezone
from django.utils.translation import gettext as _

from applications.dossier import parse_date, parse_decimal, parse_int

MIN_OPERATING_YEARS = 2


@dataclass
class Criterion:
    key: str
    label: str
    required: str
    declared: str
    met: bool | None  # None: not filled in yet

    def as_dict(self) -> dict:
        return asdict(self)


def years_between(start: date, end: date) -> int:
    years = end.year - start.year
    if (end.month, end.day) < (start.month, start.day):
        years -= 1
    return years


def _fmt_money(value) -> str:
    return _("%(amount)s (100 million yuan)") % {"amount": f"{value:.2f}"}


def evaluate(*, call, region, data: dict) -> list[Criterion]:
    """``data``: the dossier's fields (all sections merged), as saved or as being typed."""
    criteria = []
    deadline = timezone.localtime(call.park_deadline).date()
    established = parse_date(data.get("established_on"))
    if established:
        years = years_between(established, deadline)
        declared = _("%(years)s years (established %(date)s)") % {
            "years": years, "date": f"{established.year}年{established.month}月{established.day}日"}
        met = years >= MIN_OPERATING_YEARS
    else:
        declared, met = "—", None
    criteria.append(Criterion(
        "operating_years", _("Management body operating for at least two years"),
        _("≥ %(years)s years by %(deadline)s") % {
            "years": MIN_OPERATING_YEARS,
            "deadline": f"{deadline.year}年{deadline.month}月{deadline.day}日"},
        declared, met,
    ))
    threshold = call.thresholds_by_class.get(call.region_class_for(region))
    if threshold is None:
        return criteria
    for key, label, required, parse, fmt in (
        ("total_output", _("Total output"), threshold.total_output, parse_decimal, _fmt_money),
        ("ict_output", _("ICT-services output"), threshold.ict_output, parse_decimal, _fmt_money),
        ("ict_exports", _("ICT-services exports"), threshold.ict_exports, parse_decimal, _fmt_money),
        ("digital_enterprise_count", _("Digital-service enterprises"),
         threshold.digital_enterprises, parse_int, lambda v: _("%(n)s enterprises") % {"n": v}),
    ):
        value = parse(data.get(key))
        criteria.append(Criterion(
            key, label, "≥ " + fmt(required),
            fmt(value) if value is not None else "—",
            None if value is None else value >= required,
        ))
    return criteria


def misses(criteria: list[Criterion]) -> list[Criterion]:
    return [c for c in criteria if c.met is False]
