"""The annual-report workbook of an organiser (年度报告汇总表), write-only openpyxl (rows streamed to the file).

- 汇总: per year, the bases that reported, the sum of each indicator, the growth of digital-service exports
  (like for like) and the bases' aggregate shares against the work plan's 2025 targets;
- 基地年度指标: one row per base and year (accepted reports only), every indicator, the growth of
  digital-service exports and both shares with the target reached or not;
- 缺报情况: the bases without an accepted report for a year of the table.

A Chinese document whatever the language of the request; text typed by people goes through
``portal.xlsx`` (never a formula). Three queries whatever the number of bases."""

from __future__ import annotations

from django.utils import timezone, translation

from bases.indicators import INDICATORS
from monitoring import statistics
from monitoring.selectors import accepted_rows
from portal.documents.pdf import DocumentMeta
from portal.documents.xlsx import print_setup, set_properties
from portal.xlsx import safe_row
from publicity.models import DesignatedBase
from review.exports import _Cells

LEVELS = {"national": "国家级", "provincial": "省级"}
# The column headers, in Chinese whatever the catalogue says (bases.indicators names the fields).
HEADERS = {
    "total_output": "总产值（亿元）",
    "ict_output": "信息传输、软件和信息技术服务业产值（亿元）",
    "ict_value_added": "信息传输、软件和信息技术服务业增加值（亿元）",
    "ict_services_exports": "电信、计算机和信息服务出口额（亿元）",
    "digital_service_exports": "数字服务出口额（亿元）",
    "foreign_trade_exports": "外贸出口额（亿元）",
    "enterprise_count": "基地企业数（家）",
    "digital_service_enterprise_count": "开展数字服务业务企业数（家）",
    "employee_count": "从业人员数（人）",
    "ip_count": "知识产权数（件）",
    "software_copyright_count": "软件著作权数（件）",
}
SHARE_HEADERS = {"digital_export_share": "数字服务出口占外贸出口比重（%）",
                 "digital_enterprise_share": "数字服务企业占基地企业比重（%）"}


def _label(indicator) -> str:
    return HEADERS[indicator.field]


def _status(status) -> str:
    if status is None or status.met is None:
        return ""
    return "是" if status.met else "否"


def annual_reports_xlsx(organiser, *, path, progress=None) -> None:
    from openpyxl import Workbook
    from openpyxl.utils import get_column_letter

    with translation.override("zh-hans"):
        bases = list(DesignatedBase.objects.filter(organiser=organiser).order_by("level", "province", "city",
                                                                                 "name", "pk"))
        rows = accepted_rows([b.pk for b in bases])
        if progress is not None:
            progress(0.1)
        years = statistics.reported_years(rows)
        totals = statistics.year_totals(rows, indicators=INDICATORS, ratios=statistics.RATIOS, years=years)
        table = statistics.base_table(rows, indicators=INDICATORS, ratios=statistics.RATIOS, years=years,
                                      bases=[b.pk for b in bases])
        by_pk = {b.pk: b for b in bases}
        title = f"{organiser.name} 数字服务出口基地年度建设进展报告汇总"
        number = f"{years[0]}—{years[-1]}年度" if years else ""
        wb = Workbook(write_only=True)
        set_properties(wb, DocumentMeta(title=title, author=organiser.name, subject="数字服务出口基地统计监测",
                                        keywords=["年度建设进展报告", "统计监测"], created=timezone.now()))
        summary = wb.create_sheet("汇总")
        cells = _Cells(summary)
        share, enterprises = statistics.EXPORT_SHARE, statistics.ENTERPRISE_SHARE
        headers = (["年度", "报送基地数"] + [_label(i) for i in INDICATORS]
                   + ["数字服务出口额同比增长（%）", SHARE_HEADERS[share.key], f"{share.target_year}年目标（%）",
                      "差距（百分点）", SHARE_HEADERS[enterprises.key]])
        print_setup(summary, number=number, title=title, header_rows=2)
        for column, width in enumerate([8, 10] + [14] * (len(headers) - 2), start=1):
            summary.column_dimensions[get_column_letter(column)].width = width
        summary.append(cells.title(summary, title))
        summary.append(cells.header(summary, headers))
        for total in totals:
            status = total.status[share.key]
            summary.append(safe_row(summary, [total.year, total.bases]
                                    + [total.sums[i.field] for i in INDICATORS]
                                    + [total.growth["digital_service_exports"], total.shares[share.key],
                                       share.target, status.gap, total.shares[enterprises.key]]))
        summary.append(safe_row(summary, [f"目标依据：{statistics.WORK_PLAN}：到{share.target_year}年省基地内"
                                          f"数字服务出口占外贸出口比重达到{share.target}%以上，数字服务企业占基地企业"
                                          f"比重达到{enterprises.target}%以上。金额单位：亿元人民币。"]))

        detail = wb.create_sheet("基地年度指标")
        detail_headers = (["基地", "级别", "省份", "城市", "年度"] + [_label(i) for i in INDICATORS]
                          + ["数字服务出口额同比增长（%）", SHARE_HEADERS[share.key], "达到2025年目标",
                             SHARE_HEADERS[enterprises.key], "达到2025年目标"])
        print_setup(detail, number=number, title=title, header_rows=1)
        detail.append(cells.header(detail, detail_headers))
        missing = []
        count = max(len(table), 1)
        for n, row in enumerate(table, start=1):
            base = by_pk[row.base]
            for i, year in enumerate(row.years):
                export_cell = row.cells[share.key][i]
                if not export_cell.reported:
                    continue
                enterprise_cell = row.cells[enterprises.key][i]
                detail.append(safe_row(detail, [base.name, LEVELS.get(base.level, base.level), base.province,
                                                base.city, year]
                                       + [row.cells[ind.field][i].value for ind in INDICATORS]
                                       + [row.cells["digital_service_exports"][i].growth, export_cell.value,
                                          _status(export_cell.status), enterprise_cell.value,
                                          _status(enterprise_cell.status)]))
            if row.missing_years:
                missing.append((base, row.missing_years))
            if progress is not None and n % 50 == 0:
                progress(0.1 + 0.8 * n / count)

        gaps = wb.create_sheet("缺报情况")
        print_setup(gaps, number=number, title=title, header_rows=1)
        gaps.append(cells.header(gaps, ["基地", "级别", "城市", "未报送或未通过的年度"]))
        for base, years_missing in missing:
            gaps.append(safe_row(gaps, [base.name, LEVELS.get(base.level, base.level), base.city,
                                        "、".join(f"{y}年" for y in years_missing)]))
        wb.save(path)
