"""The eligibility check: the basic conditions (申报条件) and the four business thresholds
(申报业务标准) of the park's region class.

The basic conditions are requirements: a management body that has not operated two years by the
deadline cannot submit (seed 000 附件1 三(一): "园区管理机构具有独立法人资格且运营2年（含）以上").
"发展数字服务有特殊潜力的区域可适当降低条件" stands under the business thresholds alone: a threshold
miss is a warning the park must justify, not a block (DOMAIN.md §2a)."""

from dataclasses import asdict, dataclass
from datetime import date

from django.utils import timezone
from django.utils.translation import gettext as _

from applications.dossier import enterprise_total, exports_in_yuan, parse_date, parse_decimal

MIN_OPERATING_YEARS = 2
REQUIREMENT = "requirement"  # a basic condition: not met, no submission
THRESHOLD = "threshold"  # a business threshold: not met, a justification


@dataclass
class Criterion:
    key: str
    label: str
    required: str
    declared: str
    met: bool | None  # None: not filled in yet
    kind: str = THRESHOLD

    def as_dict(self) -> dict:
        return asdict(self)


def years_between(start: date, end: date) -> int:
    years = end.year - start.year
    if (end.month, end.day) < (start.month, start.day):
        years -= 1
    return years


def reaches_years(start: date, years: int = MIN_OPERATING_YEARS) -> date:
    """The first day on which a body established on ``start`` has operated ``years`` full years."""
    try:
        return start.replace(year=start.year + years)
    except ValueError:  # 29 February
        return date(start.year + years, 3, 1)


def cn_day(value: date) -> str:
    return f"{value.year}年{value.month}月{value.day}日"


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
        declared, met, REQUIREMENT,
    ))
    threshold = call.thresholds_by_class.get(call.region_class_for(region))
    if threshold is None:
        return criteria
    for key, label, required, parse, fmt in (
        ("total_output", _("Total output"), threshold.total_output, parse_decimal, _fmt_money),
        ("ict_output", _("ICT-services output"), threshold.ict_output, parse_decimal, _fmt_money),
        # In yuan: computed from US dollars and the rate when the park entered dollars.
        ("ict_exports", _("ICT-services exports"), threshold.ict_exports, exports_in_yuan, _fmt_money),
        # The three parts, those in both systems counted once.
        ("digital_enterprise_count", _("Digital-service enterprises"),
         threshold.digital_enterprises, enterprise_total, lambda v: _("%(n)s enterprises") % {"n": v}),
    ):
        value = parse(data if parse in (exports_in_yuan, enterprise_total) else data.get(key))
        criteria.append(Criterion(
            key, label, "≥ " + fmt(required),
            fmt(value) if value is not None else "—",
            None if value is None else value >= required,
        ))
    return criteria


def misses(criteria: list[Criterion]) -> list[Criterion]:
    """Business thresholds not met: each needs the park's justification ("特殊潜力")."""
    return [c for c in criteria if c.met is False and c.kind == THRESHOLD]


def unmet_requirements(criteria: list[Criterion]) -> list[Criterion]:
    """Basic conditions not met: no justification admits them."""
    return [c for c in criteria if c.met is False and c.kind == REQUIREMENT]


def operating_years_message(*, call, data: dict) -> str:
    """The refusal for a management body younger than two years at the deadline, with the date it
    reaches two years; empty when the condition is met or not filled in."""
    established = parse_date(data.get("established_on"))
    deadline = timezone.localtime(call.park_deadline).date()
    if not established or years_between(established, deadline) >= MIN_OPERATING_YEARS:
        return ""
    return _("The management body must have operated for at least %(years)s years by the deadline "
             "(%(deadline)s); established on %(established)s, it reaches %(years)s years on %(reached)s. "
             "This basic condition is a requirement and cannot be justified.") % {
        "years": MIN_OPERATING_YEARS, "deadline": cn_day(deadline), "established": cn_day(established),
        "reached": cn_day(reaches_years(established))}
