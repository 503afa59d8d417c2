"""The indicators of the annual progress report (年度建设进展报告), as the seeds name them.

Seed 000 附件1 四(二)/(三) (the thresholds), 四(八) (statistics monitoring) and the 2025 goals
(数字服务出口占外贸出口比重 ≥ 30%, 数字服务企业占基地企业比重 ≥ 30%); seed 000 附件2 (园区概况: 总产值、出口额、
企业数、从业人员数、知识产权和软件著作权数). Money in 亿元 with two decimals (Decimal), counts as non-negative
integers. The statistics dashboard, the forms and the frozen versions all read this one list."""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Indicator:
    field: str
    label: str
    kind: str  # "money" (亿元, Decimal, two places) or "count" (non-negative integer)


INDICATORS: tuple[Indicator, ...] = (
    Indicator("total_output", _("Total output (100 million yuan)"), "money"),
    Indicator("ict_output", _("Output of information transmission, software and IT services (100 million yuan)"),
              "money"),
    Indicator("ict_value_added",
              _("Value added of information transmission, software and IT services (100 million yuan)"), "money"),
    Indicator("ict_services_exports",
              _("Exports of telecommunications, computer and information services (100 million yuan)"), "money"),
    Indicator("digital_service_exports", _("Digital service exports (100 million yuan)"), "money"),
    Indicator("foreign_trade_exports", _("Total foreign trade exports (100 million yuan)"), "money"),
    Indicator("enterprise_count", _("Enterprises in the base"), "count"),
    Indicator("digital_service_enterprise_count", _("Enterprises carrying out digital service business"), "count"),
    Indicator("employee_count", _("Employees"), "count"),
    Indicator("ip_count", _("Intellectual property rights (patents and trademarks)"), "count"),
    Indicator("software_copyright_count", _("Software copyrights"), "count"),
)
INDICATOR_FIELDS = tuple(i.field for i in INDICATORS)
MONEY_FIELDS = tuple(i.field for i in INDICATORS if i.kind == "money")
COUNT_FIELDS = tuple(i.field for i in INDICATORS if i.kind == "count")

# 2025 goal of seed 000: digital service exports ≥ 30% of foreign trade exports (and the same share of enterprises).
EXPORT_SHARE_GOAL = Decimal("30")
ENTERPRISE_SHARE_GOAL = Decimal("30")


def share(part, whole) -> Decimal | None:
    """``part`` as a percentage of ``whole``, two decimals; None when either is missing or ``whole`` is 0."""
    if part is None or whole in (None, 0, Decimal(0)):
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


# (part, whole, message): a part cannot exceed its whole (a share above 100% is a typing error).
COUNTER_CHECKS = (
    ("ict_value_added", "ict_output", _("The value added cannot exceed the output.")),
    ("ict_output", "total_output", _("The output of the sector cannot exceed the base's total output.")),
    ("digital_service_exports", "foreign_trade_exports",
     _("Digital service exports cannot exceed total foreign trade exports.")),
    ("digital_service_enterprise_count", "enterprise_count",
     _("Digital service enterprises cannot outnumber the base's enterprises.")),
)
