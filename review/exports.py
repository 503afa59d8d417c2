"""Files of the expert review for the provincial officer: the ranking as Excel and PDF, and the
template workbook for importing the expert pool.

- ``ranking_xlsx(call)``: a write-only (streamed) workbook. Sheet 汇总 is the ranking in rank order (the
  stored ranking when it is current, read as tuples; else ``selectors.ranking(call)``); then, up to
  ``PER_SHEET_LIMIT`` applications, one sheet per expert (the parks the
  expert scored, each criterion, total, status, comment) and one sheet per application (each expert's
  sheet); above it (a national round) one sheet 评分明细 with every score sheet, grouped by park. Two queries over the
  score sheets, each iterated in chunks and ordered so that every sheet is written in one pass:
  memory stays bounded whatever the number of applications. Every sheet is closed as soon as it
  is complete, so that a call with thousands of applications does not hold thousands of files open.
  Drafts are listed with their status; the statistics of 汇总 count submitted sheets only.
- ``ranking_pdf(call)``: the summary table (template ``pdf/ranking.html``, A4 landscape).
- ``expert_template_xlsx()``: the header row ``review.imports.TEMPLATE_HEADERS``, two example rows
  and a sheet 说明 describing each column and the allowed specialties.

The files are Chinese documents: they are produced in zh-hans whatever the language of the
request; the column headers are written in Chinese here.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from io import BytesIO

from django.utils import timezone, translation

from applications.models import Call
from portal.documents import EMPTY, cn_date
from portal.documents.pdf import DocumentMeta, render_pdf
from portal.documents.xlsx import print_setup, set_properties
from portal.xlsx import safe_cell, safe_row
from review.imports import TEMPLATE_HEADERS
from review.models import PanelOpinion, RankingRow, RankingSnapshot, ScoreSheet, Specialty
from review.selectors.experts import applications_for_review, ranking, rubric_of

SUMMARY_TITLE = "汇总"
CHUNK = 2000
YES, NO = "是", "否"

SUMMARY_HEADERS = [
    ("排名", 6), ("园区名称", 40), ("所在城市", 10), ("评分表数", 9), ("平均分", 9), ("中位数", 9),
    ("截尾平均分", 11), ("标准差", 9), ("最低分", 9), ("最高分", 9), ("极差", 9), ("分差过大", 9),
    ("专家组意见", 60),
]

# --- cells ---------------------------------------------------------------------------------------

# Excel refuses these in sheet titles; control characters are not valid XML either.
_TITLE_FORBIDDEN = re.compile(r"[\[\]:*?/\\\x00-\x1f\x7f]")
MAX_TITLE = 31


class SheetTitles:
    """Sheet titles that Excel accepts: forbidden characters removed, at most 31 characters, unique
    in the workbook (Excel compares titles case-insensitively), a suffix （2）, （3）… when needed."""

    def __init__(self, reserved=()):
        self._used = {"history"}  # reserved by Excel
        self._used.update(t.casefold() for t in reserved)
        self._next: dict[str, int] = {}  # base → the next suffix to try: no quadratic search

    def __call__(self, name: str, fallback: str = "工作表") -> str:
        base = _TITLE_FORBIDDEN.sub("", name or "").strip().strip("'").strip() or fallback
        title = base[:MAX_TITLE]
        key = title.casefold()
        n = self._next.get(key, 1)
        while title.casefold() in self._used:
            n += 1
            suffix = f"（{n}）"
            title = base[:MAX_TITLE - len(suffix)].rstrip("'") + suffix
        self._next[key] = n
        self._used.add(title.casefold())
        return title


def _new_sheet(wb, title: str):
    """``wb.create_sheet(title)`` of a write-only workbook, without openpyxl's duplicate-title check,
    which scans every title already in the workbook (quadratic: tens of seconds for 5,000 sheets).
    ``SheetTitles`` has already made ``title`` valid and unique."""
    from openpyxl.worksheet._write_only import WriteOnlyWorksheet

    ws = WriteOnlyWorksheet(parent=None, title=title)  # without a parent the title is not checked…
    ws._parent = wb
    ws._WorkbookChild__title = title  # …nor set
    if ws.title != title:  # another openpyxl: the ordinary way
        return wb.create_sheet(title)
    wb._add_sheet(ws)
    return ws


class _Cells:
    """Styled write-only cells of one workbook. Setting a style on a cell looks it up in the
    workbook's style tables, which is slow; each style is set once on a prototype cell and copied
    (``_style`` is the cell's tuple of style indices, copied the way openpyxl copies styles)."""

    def __init__(self, ws):
        """``ws``: any worksheet of the workbook (the style tables are the workbook's)."""
        from openpyxl.cell import WriteOnlyCell
        from openpyxl.styles import Alignment, Font, PatternFill

        header = WriteOnlyCell(ws)
        header.font, header.fill = Font(bold=True), PatternFill("solid", fgColor="E7E6E6")
        header.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        title = WriteOnlyCell(ws)
        title.font = Font(bold=True, size=12)
        two = WriteOnlyCell(ws)
        two.number_format = "0.00"
        self._prototypes = {"header": header._style, "title": title._style, "two": two._style}

    def styled(self, ws, value, style: str):
        return safe_cell(ws, value, style=self._prototypes[style])

    def header(self, ws, labels: list[str]) -> list:
        return [self.styled(ws, label, "header") for label in labels]

    def title(self, ws, text: str) -> list:
        return [self.styled(ws, text, "title")]

    def two(self, ws, value):
        """A statistic with two decimals."""
        return None if value is None else self.styled(ws, value, "two")


def _text(ws, value):
    """A string cell: cleaned, and never a formula (a park name or a comment is data); see portal.xlsx."""
    if value is None or value == "":
        return None
    return safe_cell(ws, str(value))


def _score(value):
    """A criterion's score as stored ("12.5") as a number; anything unreadable as it is."""
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return str(value)


def _widths(ws, widths: list[float]) -> None:
    """Column widths; in a write-only sheet they must be set before the first row."""
    from openpyxl.utils import get_column_letter

    for index, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(index)].width = width


def _points(value: Decimal) -> str:
    return f"{value.normalize():f}" if value == value.to_integral_value() else f"{value:f}"


def _criterion_label(criterion) -> str:
    return f"{criterion.name}（{_points(criterion.max_points)}分）"


def _status_labels() -> dict[str, str]:
    return {value: str(label) for value, label in ScoreSheet.Status.choices}


# --- ranking: Excel ------------------------------------------------------------------------------

SUMMARY_FIELDS = ("rank", "application__park__name", "application__park__region__name", "n", "mean", "median",
                  "trimmed_mean", "sd", "lowest", "highest", "range", "flagged", "application_id")


def _summary_rows(call: Call) -> list[tuple]:
    """The ranking for 汇总 as tuples of SUMMARY_FIELDS, in rank order: the stored ranking when it is
    current (not marked stale, and counting the call's submitted sheets as they are now): read as tuples,
    nothing recomputed; else computed now (``ranking``)."""
    snapshot = RankingSnapshot.objects.filter(call=call, stale_since__isnull=True).first()
    if snapshot is not None and snapshot.sheets == ScoreSheet.objects.filter(
            application__in=applications_for_review(call), status=ScoreSheet.Status.SUBMITTED).count():
        return list(RankingRow.objects.filter(snapshot=snapshot).order_by("position").values_list(*SUMMARY_FIELDS))
    rows = []
    for item in ranking(call):
        park = item["application"].park
        rows.append((item["rank"], park.name, park.region.name if park.region else "", item["n"], item["mean"],
                     item["median"], item["trimmed_mean"], item["sd"], item["lowest"], item["highest"],
                     item["range"], item["flagged"], item["application"].pk))
    return rows


def _summary_sheet(ws, cells: _Cells, rows: list[tuple], opinions: dict[int, str], *, number: str,
                   title: str) -> None:
    _widths(ws, [w for _label, w in SUMMARY_HEADERS])
    print_setup(ws, number=number, title=title)
    ws.freeze_panes = "C2"
    ws.append(cells.header(ws, [label for label, _w in SUMMARY_HEADERS]))
    two = cells.two
    for rank, park, city, n, mean, median, trimmed, sd, lowest, highest, spread, flagged, application_id in rows:
        ws.append([
            rank, _text(ws, park), _text(ws, city or ""), n, two(ws, mean), two(ws, median), two(ws, trimmed),
            two(ws, sd), lowest, highest, spread, YES if flagged else NO, _text(ws, opinions.get(application_id, "")),
        ])
    ws.close()


def _sheets_ordered(call: Call, *order_by: str):
    return ScoreSheet.objects.filter(assignment__call=call).select_related(
        "assignment__expert__user", "application__park").order_by(*order_by).iterator(chunk_size=CHUNK)


def _detail_sheets(wb, cells: _Cells, titles: SheetTitles, sheets, criteria: list, *, key, start, first_label: str,
                   first_width: float, first_value, number: str, title: str) -> None:
    """One worksheet per run of consecutive ``sheets`` with the same ``key``, written as the rows
    arrive (nothing held but the current row); ``start(sheet)`` gives (title, fallback, heading)."""
    labels = [first_label] + [_criterion_label(c) for c in criteria] + ["总分", "状态", "评审意见"]
    widths = [first_width] + [12] * len(criteria) + [9, 9, 60]
    keys = [str(c.pk) for c in criteria]
    statuses = _status_labels()
    ws, current = None, None
    for sheet in sheets:
        k = key(sheet)
        if ws is None or k != current:
            if ws is not None:
                ws.close()
            name, fallback, heading = start(sheet)
            ws, current = _new_sheet(wb, titles(name, fallback)), k
            _widths(ws, widths)
            print_setup(ws, number=number, title=f"{title} · {heading}", header_rows=2)
            ws.freeze_panes = "B3"
            ws.append(cells.title(ws, heading))
            ws.append(cells.header(ws, labels))
        scores = sheet.scores if isinstance(sheet.scores, dict) else {}
        ws.append([_text(ws, first_value(sheet))] + [_score(scores.get(k)) for k in keys]
                  + [sheet.total, statuses.get(sheet.status, sheet.status), _text(ws, sheet.comment)])
    if ws is not None:
        ws.close()


def _expert_name(sheet: ScoreSheet) -> str:
    return sheet.assignment.expert.user.display_name


PER_SHEET_LIMIT = 500
"""Up to this many applications the workbook has one sheet per expert and per application; above it,
one detail sheet 评分明细 (openpyxl keeps every write-only worksheet until it saves, about 26 KB each)."""
DETAIL_TITLE = "评分明细"


def _counting(rows, progress, *, start: float, end: float, expected: int):
    """Pass the rows through, reporting progress from ``start`` to ``end`` every CHUNK rows."""
    for n, row in enumerate(rows, start=1):
        if progress is not None and n % CHUNK == 0:
            progress(start + (end - start) * min(1.0, n / max(1, expected)))
        yield row


DETAIL_FIELDS = ("application__park__name", "application__park__region__name", "assignment__expert__user__full_name",
                 "assignment__expert__user__first_name", "assignment__expert__user__last_name",
                 "assignment__expert__user__username", "scores", "total", "status", "comment")


def _detail_sheet(wb, cells: _Cells, titles: SheetTitles, sheets, criteria: list) -> None:
    """One worksheet with every score sheet as a row, grouped by park, the experts by name. ``sheets``
    are tuples of DETAIL_FIELDS (no model instances: at 25,000 sheets building them took half the time)."""
    ws = _new_sheet(wb, titles(DETAIL_TITLE))
    labels = (["园区名称", "所在城市", "评审专家"] + [_criterion_label(c) for c in criteria]
              + ["总分", "状态", "评审意见"])
    _widths(ws, [40, 10, 16] + [12] * len(criteria) + [9, 9, 60])
    ws.freeze_panes = "D2"
    ws.append(cells.header(ws, labels))
    keys = [str(c.pk) for c in criteria]
    statuses = _status_labels()
    for park, city, full_name, first, last, username, scores, total, status, comment in sheets:
        expert = full_name or f"{first} {last}".strip() or username  # User.display_name
        scores = scores if isinstance(scores, dict) else {}
        ws.append([_text(ws, park), _text(ws, city or ""), _text(ws, expert)]
                  + [_score(scores.get(k)) for k in keys]
                  + [total, statuses.get(status, status), _text(ws, comment)])
    ws.close()


def ranking_xlsx(call: Call, *, progress=None, path=None) -> bytes | None:
    """The ranking of ``call`` as an .xlsx workbook (see the module docstring). Eight queries at most.

    ``progress(fraction)`` is called as the work advances (the Celery task stores it); with ``path`` the
    file is written there and nothing is returned (no copy of it in memory)."""
    from openpyxl import Workbook

    with translation.override("zh-hans"):
        rows = _summary_rows(call)
        opinions = dict(PanelOpinion.objects.filter(application__call=call).values_list("application_id", "text"))
        criteria = rubric_of(call)
        expected = sum(row[3] for row in rows)  # submitted sheets; drafts are few
        many = len(rows) > PER_SHEET_LIMIT
        if progress is not None:
            progress(0.1)
        wb = Workbook(write_only=True)
        title = f"{call.title} 专家评审结果"
        set_properties(wb, DocumentMeta(title=title, author=call.organiser.name, subject=call.title,
                                        keywords=[call.document_number, "专家评审结果"]))
        printed = {"number": call.document_number, "title": title}
        summary = wb.create_sheet(SUMMARY_TITLE)
        cells = _Cells(summary)
        titles = SheetTitles(reserved=[SUMMARY_TITLE])
        _summary_sheet(summary, cells, rows, opinions, **printed)
        del rows

        if many:
            sheets = ScoreSheet.objects.filter(assignment__call=call).order_by(
                "application__park__name", "application_id", "assignment__expert__user__full_name",
                "assignment__expert_id").values_list(*DETAIL_FIELDS).iterator(chunk_size=CHUNK)
            _detail_sheet(wb, cells, titles, _counting(sheets, progress, start=0.15, end=0.9, expected=expected),
                          criteria)
        else:
            # One sheet per expert, in the order of the pool; the parks by name.
            _detail_sheets(
                wb, cells, titles, _counting(_sheets_ordered(
                    call, "assignment__expert__user__full_name", "assignment__expert_id", "application__park__name",
                    "application_id"), progress, start=0.15, end=0.5, expected=expected),
                criteria, key=lambda s: s.assignment.expert_id,
                start=lambda s: (_expert_name(s), "专家", f"评审专家：{_expert_name(s)}"),
                first_label="园区名称", first_width=40, first_value=lambda s: s.application.park.name, **printed)

            # One sheet per application that has score sheets, by park name; the experts by name.
            _detail_sheets(
                wb, cells, titles, _counting(_sheets_ordered(
                    call, "application__park__name", "application_id", "assignment__expert__user__full_name",
                    "assignment__expert_id"), progress, start=0.5, end=0.9, expected=expected),
                criteria, key=lambda s: s.application_id,
                start=lambda s: (s.application.park.name, "园区", f"园区：{s.application.park.name}"),
                first_label="评审专家", first_width=16, first_value=_expert_name, **printed)

        if path is not None:
            wb.save(path)
            return None
        out = BytesIO()
        wb.save(out)
    return out.getvalue()


# --- ranking: PDF --------------------------------------------------------------------------------

def _fmt(value) -> str:
    return EMPTY if value is None else f"{value:.2f}"


def ranking_pdf(call: Call) -> bytes:
    """The summary of the ranking of ``call`` as PDF (WeasyPrint, template ``pdf/ranking.html``)."""
    with translation.override("zh-hans"):
        rows = []
        sheets = 0
        for item in ranking(call):
            park = item["application"].park
            sheets += item["n"]
            rows.append({
                "rank": item["rank"] if item["rank"] is not None else EMPTY,
                "park": park.name, "city": park.region.name if park.region else EMPTY, "n": item["n"],
                "score": _fmt(item["score"]), "mean": _fmt(item["mean"]), "median": _fmt(item["median"]),
                "sd": _fmt(item["sd"]), "range": _fmt(item["range"]),
                "flagged": YES if item["flagged"] else "", "is_flagged": item["flagged"],
            })
        now = timezone.localtime()
        title = f"{call.title} 专家评审结果汇总"
        meta = DocumentMeta(title=title, author=call.organiser.name, subject=call.title,
                            keywords=[call.document_number, "专家评审结果汇总"], created=now)
        return render_pdf("pdf/ranking.html", {
            "title": title,
            "call": call,
            "method": str(call.get_ranking_method_display()),
            "range_flag": _points(call.score_range_flag),
            "generated_on": cn_date(now),
            "generated_iso": now.isoformat(),
            "rows": rows,
            "n_applications": len(rows),
            "n_sheets": sheets,
            "empty": EMPTY,
        }, meta=meta)


# --- the expert pool import template -------------------------------------------------------------

def _specialty_labels() -> list[tuple[str, str]]:
    """(code, Chinese label) of each specialty, as the import reads them."""
    with translation.override("zh-hans"):
        return [(value, str(label)) for value, label in Specialty.choices]


def _template_rows(labels: dict[str, str]) -> list[list]:
    return [
        ["expert_lin", "林教授", "教授", "华南师范大学", "广州",
         "、".join([labels[Specialty.SOFTWARE], labels[Specialty.OUTSOURCING]]),
         "13800138000", "lin@example.edu.cn", 20, YES, None],
        ["expert_wang", "王研究员", "研究员", "广东省社会科学院", "深圳",
         "、".join([labels[Specialty.TRADE_POLICY], labels[Specialty.STATISTICS]]),
         "020-83331234", "wang@example.org.cn", 10, YES, "深圳市南山软件产业基地管理服务中心"],
    ]


COLUMN_NOTES = {
    "用户名": ("必填", "登录用户名，不含空格，最多150个字符。系统中已有该用户名时，更新该专家的信息。"),
    "姓名": ("必填", "专家姓名，最多60个字。"),
    "职称": ("选填", "如“教授”“研究员”“高级工程师”，最多60个字。"),
    "工作单位": ("必填", "单位全称，最多120个字；用于回避检查（工作单位即申报园区的管理机构或其龙头企业时回避）。"),
    "所在城市": ("选填", "地级市名称，如“广州”或“广州市”，或行政区划代码，如 440100；用于同城回避。"),
    "专业领域": ("选填", "一个或多个，以顿号“、”分隔，只能从下方“可选专业领域”中选取（填写名称或代码均可）。"),
    "手机": ("选填", "11位手机号码，或带区号的固定电话，如 020-83331234。请将本列设为文本格式。"),
    "邮箱": ("选填", "电子邮箱，用于发送设置密码的链接和评审通知。"),
    "最大评审数": ("选填", "每个批次最多评审的申报数量，1至500的整数；不填为20。"),
    "是否启用": ("选填", "填“是”或“否”；不填为“是”。停用的专家不参与分配。"),
    "声明关联单位": ("选填", "专家曾任职或存在利益关系的单位全称，多个以顿号“、”或分号“；”分隔；用于回避检查。"),
}


def expert_template_xlsx() -> bytes:
    """The template for importing experts: sheet 1 the header row and two example rows (replace
    them), sheet 说明 the meaning of each column and the allowed specialties."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    specialties = _specialty_labels()
    labels = dict(specialties)
    bold, fill = Font(bold=True), PatternFill("solid", fgColor="E7E6E6")
    wrap = Alignment(wrap_text=True, vertical="top")

    wb = Workbook()
    set_properties(wb, DocumentMeta(title="评审专家信息导入模板", author="数字服务出口基地申报评审平台",
                                    subject="评审专家库导入", keywords=["专家信息导入模板"]))
    ws = wb.active
    ws.title = "专家信息"
    print_setup(ws, number="", title="评审专家信息导入模板")
    ws.append(safe_row(ws, TEMPLATE_HEADERS))
    for row in _template_rows(labels):
        ws.append(safe_row(ws, row))
    widths = {"用户名": 16, "姓名": 12, "职称": 12, "工作单位": 28, "所在城市": 10, "专业领域": 36, "手机": 16,
              "邮箱": 26, "最大评审数": 11, "是否启用": 10, "声明关联单位": 40}
    for index, header in enumerate(TEMPLATE_HEADERS, start=1):
        letter = get_column_letter(index)
        ws.column_dimensions[letter].width = widths.get(header, 14)
        cell = ws.cell(row=1, column=index)
        cell.font, cell.fill = bold, fill
        if header in ("用户名", "手机"):  # text, so that Excel keeps the digits as typed
            ws.column_dimensions[letter].number_format = "@"
            for row in range(2, ws.max_row + 1):
                ws.cell(row=row, column=index).number_format = "@"
        if header == "是否启用":
            choice = DataValidation(type="list", formula1=f'"{YES},{NO}"', allow_blank=True)
            choice.add(f"{letter}2:{letter}2001")
            ws.add_data_validation(choice)
    ws.freeze_panes = "A2"

    notes = wb.create_sheet("说明")
    print_setup(notes, number="", title="评审专家信息导入模板 · 填写说明")
    notes.append(["列名", "是否必填", "填写说明"])
    for header in TEMPLATE_HEADERS:
        required, text = COLUMN_NOTES.get(header, ("选填", ""))
        notes.append(safe_row(notes, [header, required, text]))
    notes.append([])
    notes.append(["第一行为列名，请勿修改；示例行（第2、3行）请替换为实际专家信息。每个文件最多2000名专家；"
                  "导入时先检查所有行，有一行不通过则全部不导入。"])
    notes.append([])
    start = notes.max_row + 1
    notes.append(["可选专业领域", "代码"])
    for value, label in specialties:
        notes.append(safe_row(notes, [label, value]))
    for cell in notes[1]:
        cell.font, cell.fill = bold, fill
    for cell in notes[start]:
        cell.font, cell.fill = bold, fill
    notes.column_dimensions["A"].width = 36
    notes.column_dimensions["B"].width = 16
    notes.column_dimensions["C"].width = 90
    for row in notes.iter_rows(min_row=2, max_row=len(TEMPLATE_HEADERS) + 1):
        for cell in row:
            cell.alignment = wrap

    out = BytesIO()
    wb.save(out)
    return out.getvalue()
