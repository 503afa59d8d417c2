"""The maximum support of one item request, from the item's data (thresholds, caps, shares) alone.

Seed 004 三 gives each item its standard; 六(二) adds for all: "任何单位获得的项目支持资金不得超过项目实际开销".
"""

from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class Support:
    maximum: Decimal           # yuan; 0 when the item's standard is not reached
    reached: bool              # the threshold (or the prerequisite) is met
    explanation: str           # how the maximum came about, for the applicant and the reviewers


def _tier_cap(item, metric: Decimal | None) -> Decimal | None:
    """The cap of the highest tier ``metric`` reaches (exceeds, for a strict minimum); None below them all."""
    if not item.tiers:
        return Decimal(item.cap) if item.cap is not None else None
    if metric is None:
        return None
    cap = None
    for minimum, tier_cap in sorted((Decimal(str(a)), Decimal(str(b))) for a, b in item.tiers):
        if metric > minimum or (not item.strict and metric == minimum):
            cap = tier_cap
    return cap


def yuan(value: Decimal) -> str:
    return f"{value / Decimal(10000):.2f}万元"


def maximum_support(item, *, metric: Decimal | None, units: int | None, expenditure: Decimal | None,
                    prerequisite_met: bool = True) -> Support:
    """The most the item may give: the tier's (or flat) cap, per unit when the item counts units, at most the
    total cap, at most the item's share of the expenditure, and never more than the actual expenditure."""
    if item.prerequisite and not prerequisite_met:
        return Support(ZERO, False, _("The prerequisite is not met: %(p)s.") % {"p": item.prerequisite})
    cap = _tier_cap(item, metric)
    if cap is None:
        return Support(ZERO, False, _("Below the lowest threshold of the item."))
    steps = [_("cap %(cap)s") % {"cap": yuan(cap)}]
    if item.per_unit:
        count = min(units or 0, item.max_units) if item.max_units else (units or 0)
        cap = cap * count
        steps.append(_("× %(n)s (%(per)s)") % {"n": count, "per": item.per_unit})
    if item.total_cap is not None and cap > item.total_cap:
        cap = Decimal(item.total_cap)
        steps.append(_("at most %(cap)s in all") % {"cap": yuan(cap)})
    spent = expenditure if expenditure is not None else ZERO
    if item.expenditure_ratio is not None:
        share = (spent * Decimal(item.expenditure_ratio)).quantize(Decimal("0.01"))
        if share < cap:
            cap = share
            steps.append(_("%(pct)s%% of the expenditure") % {"pct": int(Decimal(item.expenditure_ratio) * 100)})
    if spent < cap:
        cap = spent
        steps.append(_("not more than the actual expenditure"))
    return Support(cap.quantize(Decimal("0.01")), True, "，".join(str(s) for s in steps))
