"""统计监测: the computations of the statistics dashboard, over plain rows (no model, no query).

A *row* is one base's accepted annual report for one year: a mapping with ``base`` (any hashable key),
``year`` and the indicator values (``Decimal`` money in 亿元, ``int`` counts, or ``None`` when not
reported). The selectors turn the database into rows; everything here is arithmetic on them (no query),
tested apart. An *indicator* is anything with ``field`` and ``kind`` (``bases.indicators.INDICATORS``);
a *ratio* (``Ratio``) is a share of two indicators of the same report (``bases.indicators.share``: per
cent, two decimals, ``None`` when a figure is missing or the whole is zero), with the work plan's target.

- ``growth(current, previous)``: year-on-year growth in percent, ``None`` when a year is missing;
- ``base_table(rows, ...)``: per base, per indicator, the value of each year and its growth, with the
  years the base did not report;
- ``target_status(value, target)``: a share against a work-plan target (seed 000 附件1 二、发展目标:
  到2025年省基地内数字服务出口占外贸出口比重达到30%以上; 数字服务企业占基地企业比重达到30%以上);
- ``year_totals(rows, ...)``: the sums over the bases that reported in a year, and the shares of the sums.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext_lazy as _

from bases.indicators import ENTERPRISE_SHARE_GOAL, EXPORT_SHARE_GOAL, share
from portal.home.templatetags.numbers import _decimal as _number  # a Decimal, or None for a blank or bad value

ONE_DECIMAL = Decimal("0.1")


@dataclass(frozen=True)
class Ratio:
    """A share computed from two figures of the same report, with the work plan's target if any."""

    key: str
    label: object  # str or a lazy translation
    numerator: str
    denominator: str
    target: Decimal | None = None  # percent
    target_year: int | None = None
    source: str = ""


WORK_PLAN = "粤商务服函〔2022〕122号 附件1 二、发展目标"
TARGET_YEAR = 2025
EXPORT_SHARE = Ratio("digital_export_share", _("Digital service exports in foreign trade exports"),
                     "digital_service_exports", "foreign_trade_exports", EXPORT_SHARE_GOAL, TARGET_YEAR, WORK_PLAN)
ENTERPRISE_SHARE = Ratio("digital_enterprise_share", _("Digital service enterprises in the base's enterprises"),
                         "digital_service_enterprise_count", "enterprise_count", ENTERPRISE_SHARE_GOAL, TARGET_YEAR,
                         WORK_PLAN)
RATIOS = (EXPORT_SHARE, ENTERPRISE_SHARE)


def growth(current, previous) -> Decimal | None:
    """Growth from ``previous`` to ``current`` in percent, one decimal; ``None`` when either is missing
    or ``previous`` is not positive (growth from nothing is not a number)."""
    now, before = _number(current), _number(previous)
    if now is None or before is None or before <= 0:
        return None
    return ((now - before) * 100 / before).quantize(ONE_DECIMAL, rounding=ROUND_HALF_UP)


@dataclass
class TargetStatus:
    value: Decimal | None
    target: Decimal | None
    gap: Decimal | None  # percentage points, negative when below
    met: bool | None  # None: no value or no target

    @property
    def label(self) -> str:
        if self.met is None:
            return "—"
        return str(_("met") if self.met else _("below"))


def target_status(value, ratio: Ratio) -> TargetStatus:
    """A share against the ratio's target (``met`` is ``None`` when either is missing)."""
    number = _number(value)
    if number is None or ratio.target is None:
        return TargetStatus(value=number, target=ratio.target, gap=None, met=None)
    gap = (number - ratio.target).quantize(ONE_DECIMAL, rounding=ROUND_HALF_UP)
    return TargetStatus(value=number, target=ratio.target, gap=gap, met=number >= ratio.target)


@dataclass
class Cell:
    """One indicator of one base in one year."""

    year: int
    value: Decimal | int | None
    growth: Decimal | None = None
    reported: bool = True  # False: no accepted report for that year
    status: TargetStatus | None = None  # ratios with a target


@dataclass
class BaseRow:
    base: object
    years: list[int]
    missing_years: list[int]
    cells: dict[str, list[Cell]] = field(default_factory=dict)  # indicator or ratio key → one cell per year

    def latest(self, key: str) -> Cell | None:
        """The last reported cell of ``key`` (the most recent year with a report)."""
        for cell in reversed(self.cells.get(key, [])):
            if cell.reported and cell.value is not None:
                return cell
        return None


def reported_years(rows: Iterable[Mapping]) -> list[int]:
    return sorted({int(r["year"]) for r in rows})


def _by_base(rows: Iterable[Mapping]) -> dict[object, dict[int, Mapping]]:
    grouped: dict[object, dict[int, Mapping]] = {}
    for row in rows:
        grouped.setdefault(row["base"], {})[int(row["year"])] = row
    return grouped


def _series(reports: Mapping[int, Mapping], years: Sequence[int], value) -> list[Cell]:
    cells, previous = [], None
    for year in years:
        report = reports.get(year)
        if report is None:
            cells.append(Cell(year=year, value=None, reported=False))
            previous = None
            continue
        current = value(report)
        # growth against the year just before only: a gap year breaks the chain
        before = previous if previous is not None and previous[0] == year - 1 else None
        cells.append(Cell(year=year, value=current, growth=growth(current, before[1]) if before else None))
        previous = (year, current)
    return cells


def base_table(rows: Iterable[Mapping], *, indicators: Sequence, ratios: Sequence[Ratio] = (),
               years: Sequence[int] | None = None, bases: Sequence | None = None) -> list[BaseRow]:
    """Per base (in the order of ``bases``, or of first appearance), each indicator and ratio over
    ``years`` (by default every year some base reported). A base listed in ``bases`` without any report
    appears with every year missing."""
    rows = list(rows)
    years = sorted(years) if years is not None else reported_years(rows)
    grouped = _by_base(rows)
    order = list(bases) if bases is not None else list(grouped)
    table = []
    for base in order:
        reports = grouped.get(base, {})
        row = BaseRow(base=base, years=list(years), missing_years=[y for y in years if y not in reports])
        for indicator in indicators:
            row.cells[indicator.field] = _series(reports, years, lambda r, k=indicator.field: r.get(k))
        for ratio in ratios:
            cells = _series(reports, years, lambda r, q=ratio: share(r.get(q.numerator), r.get(q.denominator)))
            for cell in cells:
                if cell.reported:
                    cell.status = target_status(cell.value, ratio)
            row.cells[ratio.key] = cells
        table.append(row)
    return table


@dataclass
class YearTotal:
    year: int
    bases: int  # bases with a report that year
    sums: dict[str, Decimal | int | None]
    growth: dict[str, Decimal | None]
    shares: dict[str, Decimal | None]
    status: dict[str, TargetStatus]


def year_totals(rows: Iterable[Mapping], *, indicators: Sequence, ratios: Sequence[Ratio] = (),
                years: Sequence[int] | None = None) -> list[YearTotal]:
    """The sum of each indicator over the bases that reported it that year, its growth like for like
    (over the bases that reported the figure in the year before too, so that a new base is not growth), and
    each ratio of the sums (the bases' aggregate share: Σ numerator / Σ denominator, over the bases
    reporting both figures, so that a base missing one figure does not skew the share)."""
    rows = list(rows)
    years = sorted(years) if years is not None else reported_years(rows)
    by_year: dict[int, list[Mapping]] = {y: [] for y in years}
    for row in rows:
        if int(row["year"]) in by_year:
            by_year[int(row["year"])].append(row)
    totals = []
    for year in years:
        reports = by_year[year]
        before = {r["base"]: r for r in by_year.get(year - 1, [])} if year - 1 in by_year else {}
        sums: dict[str, Decimal | int | None] = {}
        for indicator in indicators:
            values = [r.get(indicator.field) for r in reports if r.get(indicator.field) is not None]
            sums[indicator.field] = sum(values, Decimal(0) if indicator.kind == "money" else 0) if values else None
        shares, status = {}, {}
        for ratio in ratios:
            pairs = [(_number(r.get(ratio.numerator)), _number(r.get(ratio.denominator))) for r in reports]
            pairs = [(a, b) for a, b in pairs if a is not None and b is not None]
            shares[ratio.key] = share(sum(a for a, _b in pairs), sum(b for _a, b in pairs)) if pairs else None
            status[ratio.key] = target_status(shares[ratio.key], ratio)
        grow = {}
        for indicator in indicators:
            # like for like: the bases that reported the figure both years
            pairs = [(_number(r.get(indicator.field)), _number(before[r["base"]].get(indicator.field)))
                     for r in reports if r["base"] in before]
            pairs = [(a, b) for a, b in pairs if a is not None and b is not None]
            grow[indicator.field] = (growth(sum(a for a, _b in pairs), sum(b for _a, b in pairs))
                                   if pairs else None)
        totals.append(YearTotal(year=year, bases=len(reports), sums=sums, growth=grow, shares=shares,
                                status=status))
    return totals
