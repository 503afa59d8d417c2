"""The joint recommendation letter (推荐函) of a recommending unit, as PDF and Word.

The letter follows the 函 layout of 党政机关公文格式 (GB/T 9704) in spirit: the issuing bodies'
names in red, centred and stacked (joint issuance: the unit's commerce body first, then its 网信
and 工信 departments), a red double rule with the letter number (发文字号) under it on the right,
the title, the addressee (主送), the body with the ranked table of parks, 特此函告, the attachment
note, the three signatories and the date, and the 版记 (抄送 between rules) at the end.

``letter_context(recommendation)`` builds everything the letter says as plain strings (JSON-
serialisable); ``render_pdf`` (WeasyPrint, template ``pdf/recommendation_letter.html``) and
``render_docx`` (python-docx) only lay it out, so the two files always say the same thing.

The letter's own text is the content of an official Chinese document, not interface text: it is
written in Chinese here and is not translated.

The figures in the table come from ``item.version.data``, i.e. the exact submitted version that
was recommended, not from the park's current draft.
"""

from __future__ import annotations

import re
from datetime import UTC
from io import BytesIO

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone

from applications.dossier import parse_decimal, parse_int
from applications.exports import (
    BODY_FONT,
    EMPTY,
    HEADING_FONT,
    LATIN_BODY_FONT,
    LATIN_HEADING_FONT,
    _docx_cell,
    _docx_fonts,
    _docx_header_row,
    _docx_table,
    cn_date,
)
from review.models import Recommendation
from review.selectors import co_departments

RED = "#c00"
RED_HEX = "CC0000"

# The text width of an A4 page with the margins of official documents: 210 - 28 - 26 mm, in points.
TEXT_WIDTH_PT = (210 - 28 - 26) / 25.4 * 72

# 序号, 园区名称, 总产值, 信息传输…产值, 电信…出口额, 企业数, 联系人及电话: (label, width %, align).
COLUMNS = [
    ("序号", 6.0, "center"),
    ("园区名称", 23.0, "left"),
    ("总产值（亿元）", 11.0, "right"),
    ("信息传输、软件和信息技术服务业产值（亿元）", 14.0, "right"),
    ("电信、计算机和信息服务出口额（亿元）", 13.0, "right"),
    ("开展数字服务业务企业数（家）", 12.0, "right"),
    ("联系人及电话", 21.0, "left"),
]

_BATCH = re.compile(r"[（(]\s*(第[一二三四五六七八九十百零〇0-9]+批)\s*[）)]$")


# --- text ----------------------------------------------------------------------------------------

def letter_subject(call_title: str) -> str:
    """What is recommended, from the call's title: ``第二批广东省数字服务出口基地申报`` →
    ``第二批广东省数字服务出口基地``; ``国家数字服务出口基地申报（第一批）`` →
    ``第一批国家数字服务出口基地``; ``关于组织申报…的通知`` → ``…``."""
    subject = (call_title or "").strip()
    batch = ""
    match = _BATCH.search(subject)
    if match:
        batch, subject = match.group(1), subject[:match.start()].rstrip()
    subject = subject.removeprefix("关于")
    for prefix in ("组织开展", "组织", "开展", "申报"):
        subject = subject.removeprefix(prefix)
    for suffix in ("的通知", "通知", "工作", "申报"):
        subject = subject.removesuffix(suffix)
    subject = subject.strip()
    if batch and batch not in subject:
        subject = batch + subject
    return subject or (call_title or "").strip()


def _is_organiser(issuer: str, organiser_name: str) -> bool:
    """``商务部办公厅`` is the office of ``中华人民共和国商务部``: the organiser's own line of the
    call's issuers, which is not copied (it is the addressee)."""
    if issuer == organiser_name:
        return True
    short = organiser_name.removeprefix("中华人民共和国")
    return bool(short) and issuer.startswith(short)


def copied_to(call) -> list[str]:
    """抄送: the call's co-issuers other than the organiser, in the call's order."""
    organiser = call.organiser.name
    return [issuer for issuer in call.issuer_list if not _is_organiser(issuer, organiser)]


def _money(value) -> str:
    number = parse_decimal(value)
    return f"{number:.2f}" if number is not None else EMPTY


def _count(value) -> str:
    number = parse_int(value)
    return str(number) if number is not None else EMPTY


def _text(value) -> str:
    return str(value).strip() if value not in (None, "") else ""


def _row(rank: int, item) -> list[str]:
    data = item.version.data or {}
    cover = data.get("cover") or {}
    overview = data.get("overview") or {}
    foundations = data.get("foundations") or {}
    contact = "\n".join(v for v in (_text(cover.get("contact_person")), _text(cover.get("contact_phone")))
                        if v)
    return [
        str(rank),
        _text(cover.get("park_name")) or item.application.park.name,
        _money(overview.get("total_output")),
        _money(foundations.get("ict_output")),
        _money(foundations.get("ict_exports")),
        _count(foundations.get("digital_enterprise_count")),
        contact or EMPTY,
    ]


def _notice(call) -> str:
    """How the body cites the call: its title when that is the notice's title, else its number."""
    title = (call.title or "").strip()
    number = (call.document_number or "").strip()
    if title.startswith("关于") and title.endswith("通知"):
        return f"《{title}》（{number}）" if number else f"《{title}》"
    issuers = call.issuer_list
    by = f"{issuers[0]}等部门" if len(issuers) > 1 else (issuers[0] if issuers else call.organiser.name)
    return f"{by}通知（{number}）" if number else f"{by}通知"


def _header_size(names: list[str]) -> float:
    """The size of the issuers' names: 22 pt (二号), smaller when the longest would not fit a line."""
    longest = max((len(n) for n in names), default=1)
    return float(min(22, int(TEXT_WIDTH_PT * 0.96 / longest)))


def letter_context(recommendation: Recommendation) -> dict:
    """Everything the letter says, as plain strings, shared by the PDF and the Word writer."""
    call = recommendation.call
    unit = recommendation.organization
    departments = co_departments(call, recommendation.region_id)
    issuers = [unit.name] + [d.name for d in departments]
    subject = letter_subject(call.title)
    items = list(recommendation.items.select_related("application__park", "version").order_by("rank"))
    rows = [_row(n, item) for n, item in enumerate(items, start=1)]
    parks = [row[1] for row in rows]

    sent = timezone.localtime(recommendation.sent_at) if recommendation.sent_at else timezone.localtime()
    date = cn_date(sent)
    with_whom = "、".join(d.name for d in departments)
    area = recommendation.region.name if recommendation.region_id else ""
    review = f"会同{with_whom}" if with_whom else ""
    body = [
        f"根据{_notice(call)}要求，{unit.name}{review}组织开展了{area}{subject}申报工作，"
        f"对申报园区的申报材料进行了审核。经研究，现推荐以下{len(rows)}个园区"
        f"（按推荐顺序排列）申报{subject}，有关情况如下：",
    ]
    attachments = [f"{park}申报材料" for park in parks]
    if len(attachments) > 1:
        attachments = [f"{n}. {text}" for n, text in enumerate(attachments, start=1)]

    contact = ""
    if recommendation.sent_by_id:
        person = recommendation.sent_by
        name = (person.full_name or person.get_username()).strip()
        contact = f"（联系人：{name}，电话：{person.phone}）" if person.phone else f"（联系人：{name}）"

    cc = copied_to(call)
    return {
        "issuers": issuers,
        "header_size": _header_size(issuers),
        "letter_number": (recommendation.letter_number or "").strip(),
        "title": f"关于推荐{subject}的函",
        "subject": subject,
        "addressee": f"{call.organiser.name}：",
        "body": body,
        "columns": [{"label": label, "width": width, "align": align} for label, width, align in COLUMNS],
        "rows": rows,
        "parks": parks,
        "closing": "特此函告。",
        "attachments": attachments,
        "signatories": issuers,
        "date": date,
        "contact": contact,
        "cc": cc,
        "cc_text": f"{'，'.join(cc)}。" if cc else "",
        "printed_by": unit.name,
        "printed_on": f"{date}印发",
        "call_title": call.title,
        "document_number": call.document_number,
    }


# --- PDF -----------------------------------------------------------------------------------------

def render_pdf(recommendation: Recommendation) -> bytes:
    """The letter as PDF (WeasyPrint, template ``pdf/recommendation_letter.html``)."""
    from weasyprint import HTML

    context = letter_context(recommendation)
    aligns = [c["align"] for c in context["columns"]]
    context["cells"] = [list(zip(row, aligns, strict=True)) for row in context["rows"]]
    sent = recommendation.sent_at or timezone.now()
    context["created_iso"] = timezone.localtime(sent).isoformat()
    html = render_to_string("pdf/recommendation_letter.html", context)
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()


# --- Word ----------------------------------------------------------------------------------------

def _border(paragraph, edge: str, *, val="single", size=8, color=RED_HEX, space=1) -> None:
    """A rule above or below ``paragraph`` (``edge``: top or bottom); ``size`` in eighths of a pt."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    ppr = paragraph._p.get_or_add_pPr()
    borders = ppr.find(qn("w:pBdr"))
    if borders is None:
        borders = OxmlElement("w:pBdr")
        # w:pBdr comes before w:shd, w:tabs, w:spacing, w:ind, w:jc… in CT_PPr.
        successor = next((child for child in ppr if child.tag in {
            qn(t) for t in ("w:shd", "w:tabs", "w:suppressAutoHyphens", "w:kinsoku", "w:wordWrap",
                            "w:overflowPunct", "w:topLinePunct", "w:autoSpaceDE", "w:autoSpaceDN",
                            "w:bidi", "w:adjustRightInd", "w:snapToGrid", "w:spacing", "w:ind",
                            "w:contextualSpacing", "w:mirrorIndents", "w:suppressOverlap", "w:jc",
                            "w:textDirection", "w:textAlignment", "w:textboxTightWrap",
                            "w:outlineLvl", "w:divId", "w:cnfStyle", "w:rPr", "w:sectPr",
                            "w:pPrChange")}), None)
        if successor is not None:
            successor.addprevious(borders)
        else:
            ppr.append(borders)
    line = OxmlElement(f"w:{edge}")
    line.set(qn("w:val"), val)
    line.set(qn("w:sz"), str(size))
    line.set(qn("w:space"), str(space))
    line.set(qn("w:color"), color)
    if edge == "top":
        borders.insert(0, line)
    else:
        borders.append(line)


def _docx_setup(doc, context: dict, sent_at) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Cm, Pt

    section = doc.sections[0]
    # A4 with the margins of official documents (GB/T 9704): 37 / 35 mm top / bottom, 28 / 26 mm.
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.top_margin, section.bottom_margin = Cm(3.7), Cm(3.5)
    section.left_margin, section.right_margin = Cm(2.8), Cm(2.6)
    section.header_distance, section.footer_distance = Cm(1.5), Cm(2.0)

    normal = doc.styles["Normal"]
    normal.font.size = Pt(16)  # 三号
    rpr = normal.element.get_or_add_rPr()
    _docx_fonts(rpr, BODY_FONT, LATIN_BODY_FONT)
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    lang.set(qn("w:eastAsia"), "zh-CN")
    normal.paragraph_format.space_before = Pt(0)
    normal.paragraph_format.space_after = Pt(0)
    normal.paragraph_format.line_spacing = Pt(28)
    theme_lang = doc.settings.element.find(qn("w:themeFontLang"))
    if theme_lang is not None:
        theme_lang.set(qn("w:eastAsia"), "zh-CN")

    props = doc.core_properties
    props.title = context["title"]
    props.subject = context["call_title"]
    props.author = context["printed_by"]
    props.keywords = context["letter_number"]
    props.language = "zh-CN"
    if sent_at is not None:
        props.created = timezone.localtime(sent_at, UTC)  # python-docx writes "Z"


def _docx_page_number(doc) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    from applications.exports import _docx_field

    footer = doc.sections[0].footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    footer.add_run("— ")
    _docx_field(footer, "PAGE", "1")
    footer.add_run(" —")
    for run in footer.runs:
        run.font.size = Pt(14)  # 四号


def _para(doc, text="", *, size=None, align=None, bold=False, indent=False, heading=False,
          color=None, before=0, after=0, exact=None):
    from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
    from docx.shared import Pt, RGBColor

    paragraph = doc.add_paragraph()
    fmt = paragraph.paragraph_format
    if align:
        paragraph.alignment = {"center": WD_ALIGN_PARAGRAPH.CENTER, "right": WD_ALIGN_PARAGRAPH.RIGHT,
                               "justify": WD_ALIGN_PARAGRAPH.JUSTIFY}[align]
    fmt.space_before, fmt.space_after = Pt(before), Pt(after)
    if exact:
        fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        fmt.line_spacing = Pt(exact)
    if indent:
        fmt.first_line_indent = Pt(2 * (size or 16))  # two characters
    if text:
        run = paragraph.add_run(text)
        if size:
            run.font.size = Pt(size)
        run.bold = bold or None
        if color:
            run.font.color.rgb = RGBColor.from_string(color)
        if heading:
            _docx_fonts(run._r.get_or_add_rPr(), HEADING_FONT, LATIN_HEADING_FONT)
    return paragraph


def _docx_parks_table(doc, context: dict) -> None:
    from docx.shared import Emu

    columns = context["columns"]
    table, widths = _docx_table(doc, [c["width"] for c in columns], len(context["rows"]) + 1)
    header = table.rows[0]
    _docx_header_row(header)
    for cell, column, width in zip(header.cells, columns, widths, strict=True):
        cell.width = Emu(width)
        _docx_cell(cell, column["label"], bold=True, align="center", size=10.5)
        for run in cell.paragraphs[0].runs:
            _docx_fonts(run._r.get_or_add_rPr(), HEADING_FONT, LATIN_HEADING_FONT)
    for row, values in zip(table.rows[1:], context["rows"], strict=True):
        for cell, value, column, width in zip(row.cells, values, columns, widths, strict=True):
            cell.width = Emu(width)
            _docx_cell(cell, value, align=column["align"], size=10.5)
    for row in table.rows:
        for cell in row.cells:
            cell.paragraphs[0].paragraph_format.line_spacing = 1.15


def render_docx(recommendation: Recommendation) -> bytes:
    """The letter as a Word document (.docx), with the same content as the PDF."""
    from docx import Document

    context = letter_context(recommendation)
    doc = Document()
    _docx_setup(doc, context, recommendation.sent_at)
    _docx_page_number(doc)

    # 发文机关标志: the issuers' names, red, centred, stacked; a red double rule under them.
    size = context["header_size"]
    names = context["issuers"]
    for n, name in enumerate(names):
        paragraph = _para(doc, name, size=size, align="center", bold=True, heading=True, color=RED_HEX,
                          exact=size * 1.35)
        if n == len(names) - 1:
            paragraph.paragraph_format.space_after = _pt(4)
            _border(paragraph, "bottom", val="thickThinSmallGap", size=24, space=4)
    if context["letter_number"]:
        _para(doc, context["letter_number"], align="right", before=6)
    _para(doc, context["title"], size=22, align="center", bold=True, heading=True, before=24, after=18,
          exact=34)
    _para(doc, context["addressee"])
    for text in context["body"]:
        _para(doc, text, indent=True, align="justify")
    _docx_parks_table(doc, context)
    _para(doc, context["closing"], indent=True, before=6)
    if context["attachments"]:
        _para(doc)
        first, rest = context["attachments"][0], context["attachments"][1:]
        _para(doc, f"附件：{first}", indent=True)
        for text in rest:
            paragraph = _para(doc, text)
            paragraph.paragraph_format.left_indent = _pt(16 * 5)  # under the first attachment's name
    _para(doc)
    _para(doc)
    for name in context["signatories"]:
        _para(doc, name, align="right")
    _para(doc, context["date"], align="right")
    if context["contact"]:
        _para(doc, context["contact"], indent=True, before=14)

    # 版记: 抄送 and 印发 between rules.
    _para(doc, after=24)
    if context["cc"]:
        paragraph = _para(doc, f"抄送：{context['cc_text']}", size=14, exact=24)
        paragraph.paragraph_format.left_indent = _pt(14)
        paragraph.paragraph_format.right_indent = _pt(14)
        _border(paragraph, "top", color="000000", size=8, space=4)
        _border(paragraph, "bottom", color="000000", size=4, space=4)
    paragraph = _para(doc, f"{context['printed_by']}　　{context['printed_on']}", size=14, exact=24)
    paragraph.paragraph_format.left_indent = _pt(14)
    paragraph.paragraph_format.right_indent = _pt(14)
    if not context["cc"]:
        _border(paragraph, "top", color="000000", size=8, space=4)
    _border(paragraph, "bottom", color="000000", size=8, space=4)

    out = BytesIO()
    doc.save(out)
    return out.getvalue()


def _pt(value: float):
    from docx.shared import Pt

    return Pt(value)
