"""Word and PDF dossiers (申报材料) of a submitted, immutable ``ApplicationVersion``.

``dossier_outline(version)`` turns the version into one format-neutral structure (plain strings,
JSON-serialisable); ``render_docx`` (python-docx) and ``render_pdf`` (WeasyPrint) both only lay that
structure out, so the Word and the PDF dossier always say the same thing.

Outline: a list of sections, in the order of the guide (DOMAIN.md §3). Each section is
``{"key", "title", "anchor", "blocks"}``; the first one (``key == "cover"``) also carries the cover
page (``dossier_title``, ``call_title``, ``call_document_number``, ``issuers``, ``park_name``,
``fields``). The table of contents is left to each writer. A block is one of

- ``{"type": "fields", "title", "anchor", "note", "rows": [{"label", "value"}]}``: label | value;
- ``{"type": "text", "title", "anchor", "note", "paragraphs": [str]}``: a long text;
- ``{"type": "table", "title", "anchor", "note", "columns": [{"label", "width", "align", "mono"}],
  "rows": [[str]]}``: repeating rows, ``width`` in percent of the text width.

``title`` and ``note`` may be empty. Values are already formatted: decimals as ``12.34``, dates as
``2022年7月10日``, booleans as 是/否, anything empty as ``—``. Strings are translated into the
language active when the outline is built (the settings' ``zh-hans`` in Celery and commands).
"""

from __future__ import annotations

from datetime import UTC
from io import BytesIO

from django import forms
from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from applications.dossier import (
    CONDITIONS_KEY,
    EVIDENCE_KEY,
    SECTIONS,
    SECTIONS_BY_KEY,
    YI,
    conditions_form_class,
    parse_date,
    parse_decimal,
)
from applications.models import Application, ApplicationVersion, Attachment

EMPTY = "—"
ELIGIBILITY_KEY = "eligibility"


# --- values --------------------------------------------------------------------------------------

def cn_date(value) -> str:
    """``2022年7月10日``, the way dates are written in the dossier."""
    return f"{value.year}年{value.month}月{value.day}日"


def _is_empty(value) -> bool:
    return value is None or value == "" or value == [] or value == ()


def _is_money(field: forms.Field) -> bool:
    # ``dossier.money()``: the only decimal fields with 12 digits, two of them decimals (亿元).
    return isinstance(field, forms.DecimalField) and field.max_digits == 12 and field.decimal_places == 2


def _is_number(field: forms.Field) -> bool:
    return isinstance(field, forms.IntegerField | forms.DecimalField | forms.FloatField)


def field_label(field: forms.Field) -> str:
    label = str(field.label)
    if _is_money(field):
        return _("%(label)s (%(unit)s)") % {"label": label, "unit": YI}
    return label


def display(field: forms.Field, value) -> str:
    """One saved JSON value of ``field`` as the dossier prints it."""
    if isinstance(field, forms.BooleanField):
        return _("Yes") if value else _("No")
    if _is_empty(value):
        return EMPTY
    if isinstance(field, forms.DecimalField | forms.FloatField):
        number = parse_decimal(value)
        return f"{number:.2f}" if number is not None else str(value)
    if isinstance(field, forms.DateField):
        day = parse_date(value)
        return cn_date(day) if day else str(value)
    if isinstance(field, forms.MultipleChoiceField):
        names = dict((str(k), str(v)) for k, v in field.choices)
        values = value if isinstance(value, list | tuple) else [value]
        return "\n".join(names.get(str(v), str(v)) for v in values) or EMPTY
    return str(value)


def _paragraphs(value) -> list[str]:
    if _is_empty(value):
        return [EMPTY]
    return [line.strip() for line in str(value).splitlines() if line.strip()] or [EMPTY]


def _width_weight(field: forms.Field) -> float:
    if isinstance(field, forms.DateField) or _is_number(field):
        return 2.0
    max_length = getattr(field, "max_length", None) or 200
    return 2.5 if max_length <= 60 else 3.5 if max_length <= 200 else 5.0


def _columns(specs: list[tuple[str, float, str, bool]]) -> list[dict]:
    """(label, weight, align, mono) → columns with widths in percent that add up to 100."""
    total = sum(weight for _label, weight, _align, _mono in specs)
    return [
        {"label": label, "width": round(100 * weight / total, 2), "align": align, "mono": mono}
        for label, weight, align, mono in specs
    ]


def _model_label(model, name: str) -> str:
    return capfirst(str(model._meta.get_field(name).verbose_name))


# --- outline -------------------------------------------------------------------------------------

def _block(kind: str, title="", note="", **content) -> dict:
    return {"type": kind, "title": str(title), "anchor": "", "note": str(note), **content}


def _form_blocks(form: forms.Form, data: dict) -> list[dict]:
    """Consecutive short fields become one label | value table; each long text its own block."""
    blocks: list[dict] = []
    figures: list[dict] = []
    for name, field in form.fields.items():
        value = data.get(name)
        if isinstance(field.widget, forms.Textarea):
            if figures:
                blocks.append(_block("fields", rows=figures))
                figures = []
            blocks.append(_block("text", title=field_label(field), paragraphs=_paragraphs(value)))
        else:
            figures.append({"label": field_label(field), "value": display(field, value)})
    if figures:
        blocks.append(_block("fields", rows=figures))
    return blocks


def _rows_block(rows_spec, rows: list[dict]) -> dict:
    fields = [(name, f) for name, f in rows_spec.form_class().fields.items() if name != "DELETE"]
    columns = _columns(
        [(_("No."), 0.8, "center", False)]
        + [(field_label(f), _width_weight(f), "right" if _is_number(f) else "left", False)
           for _name, f in fields]
    )
    body = [
        [str(i)] + [display(f, row.get(name)) for name, f in fields]
        for i, row in enumerate((r for r in rows if isinstance(r, dict)), start=1)
    ]
    return _block("table", title=rows_spec.title, columns=columns, rows=body)


def _cover(version: ApplicationVersion, data: dict) -> dict:
    application = version.application
    call = application.call
    form = SECTIONS_BY_KEY["cover"].form_class()
    park_name = data.get("park_name") or application.park.name
    fields = [
        {"label": field_label(f), "value": display(f, data.get(name))}
        for name, f in form.fields.items() if name != "park_name"
    ]
    submitted = timezone.localtime(version.submitted_at)
    fields += [
        {"label": _model_label(ApplicationVersion, "number"), "value": str(version.number)},
        {"label": _model_label(ApplicationVersion, "submitted_at"),
         "value": f"{cn_date(submitted)} {submitted:%H:%M}"},
    ]
    return {
        "key": "cover",
        "title": str(SECTIONS_BY_KEY["cover"].title),
        "anchor": "s-cover",
        "blocks": [],
        "dossier_title": _("Digital Service Export Base Application Dossier"),
        "call_title": call.title,
        "call_document_number": call.document_number,
        "issuers": call.issuer_list,
        "park_name": str(park_name),
        "park_label": str(form.fields["park_name"].label),
        "fields": fields,
    }


def _evidence_blocks(attachments: list[dict]) -> list[dict]:
    columns = _columns([
        (_("No."), 0.8, "center", False),
        (_model_label(Attachment, "category"), 2.6, "left", False),
        (_model_label(Attachment, "original_name"), 3.4, "left", False),
        (_model_label(Attachment, "kind"), 1.1, "center", False),
        (_("Size (KB)"), 1.4, "right", False),
        ("SHA-256", 5.2, "left", True),
    ])
    rows = []
    for i, item in enumerate(attachments, start=1):
        size = item.get("size")
        rows.append([
            str(i),
            str(item.get("category") or EMPTY),
            str(item.get("name") or EMPTY),
            str(item.get("kind") or EMPTY).upper(),
            f"{size / 1024:.1f}" if isinstance(size, int | float) else EMPTY,
            str(item.get("sha256") or EMPTY),
        ])
    return [_block("table", columns=columns, rows=rows)]


def _condition_blocks(conditions: list[str], data: dict, attachments: list[dict]) -> list[dict]:
    choices = [(str(a.get("id")), str(a.get("name") or a.get("id"))) for a in attachments]
    form = conditions_form_class(conditions, choices)()
    blocks = []
    for i, condition in enumerate(conditions, start=1):
        rows = []
        for suffix in ("declared", "explanation", "evidence"):
            field = form.fields[f"c{i}_{suffix}"]
            rows.append({"label": field_label(field), "value": display(field, data.get(f"c{i}_{suffix}"))})
        blocks.append(_block("fields", title=_("Condition %(n)s") % {"n": i}, note=condition, rows=rows))
    return blocks


def _eligibility_blocks(version: ApplicationVersion) -> list[dict]:
    columns = _columns([
        (_("Criterion"), 4.0, "left", False),
        (_("Required"), 3.0, "left", False),
        (_("Declared"), 3.0, "left", False),
        (_("Result"), 1.4, "center", False),
    ])
    result = {True: _("Met"), False: _("Not met"), None: EMPTY}
    rows = [
        [str(c.get("label") or EMPTY), str(c.get("required") or EMPTY), str(c.get("declared") or EMPTY),
         result.get(c.get("met"), EMPTY)]
        for c in version.eligibility or [] if isinstance(c, dict)
    ]
    note = _("Criteria not met: %(n)s") % {"n": version.misses} if version.misses else ""
    blocks = [_block("table", note=note, columns=columns, rows=rows)]
    if version.misses or version.justification.strip():
        blocks.append(_block("text", title=_model_label(Application, "justification"),
                             paragraphs=_paragraphs(version.justification)))
    return blocks


def dossier_outline(version: ApplicationVersion) -> list[dict]:
    """The content of the dossier of ``version``, shared by the Word and the PDF writer."""
    data = version.data or {}
    attachments = [a for a in (version.attachments or []) if isinstance(a, dict)]
    outline = []
    for section in SECTIONS:
        section_data = data.get(section.key) or {}
        if section.key == "cover":
            outline.append(_cover(version, section_data))
            continue
        if section.form_class is not None:
            blocks = _form_blocks(section.form_class(), section_data)
            blocks += [_rows_block(rows, section_data.get(rows.prefix) or []) for rows in section.rows]
        elif section.key == EVIDENCE_KEY:
            blocks = _evidence_blocks(attachments)
        elif section.key == CONDITIONS_KEY:
            conditions = [str(c) for c in version.application.call.basic_conditions or []]
            blocks = _condition_blocks(conditions, section_data, attachments)
        else:  # a section added to SECTIONS that no writer knows yet
            blocks = []
        outline.append({"key": section.key, "title": str(section.title), "blocks": blocks})
    outline.append({"key": ELIGIBILITY_KEY, "title": _("Eligibility check"),
                    "blocks": _eligibility_blocks(version)})
    for section in outline:
        section["anchor"] = f"s-{section['key']}"
        for n, block in enumerate(section["blocks"], start=1):
            block["anchor"] = f"s-{section['key']}-{n}"
    return outline


def export_filename(version: ApplicationVersion, fmt: str) -> str:
    """A download name such as ``<park>-申报材料-v2.docx`` (the park's name is the user's text)."""
    park = "".join(ch for ch in version.application.park.name if ch not in '\\/:*?"<>|').strip()
    return f"{park or version.application_id}-申报材料-v{version.number}.{fmt}"


# --- Word ----------------------------------------------------------------------------------------

BODY_FONT = "Noto Serif CJK SC"
HEADING_FONT = "Noto Sans CJK SC"
MONO_FONT = "Noto Sans Mono CJK SC"
LATIN_BODY_FONT = "Times New Roman"
LATIN_HEADING_FONT = "Arial"
TOC_INSTRUCTION = 'TOC \\o "1-3" \\h \\z \\u'


def _docx_fonts(rpr, east_asian: str, latin: str | None = None) -> None:
    from docx.oxml.ns import qn

    fonts = rpr.get_or_add_rFonts()
    for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(theme), None)  # a theme font would win over the named one
    fonts.set(qn("w:eastAsia"), east_asian)
    if latin:
        fonts.set(qn("w:ascii"), latin)
        fonts.set(qn("w:hAnsi"), latin)


def _docx_styles(doc) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Pt, RGBColor

    normal = doc.styles["Normal"]
    normal.font.size = Pt(12)
    rpr = normal.element.get_or_add_rPr()
    _docx_fonts(rpr, BODY_FONT, LATIN_BODY_FONT)
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    lang.set(qn("w:eastAsia"), "zh-CN")
    normal.paragraph_format.space_after = Pt(4)
    normal.paragraph_format.line_spacing = 1.25

    for name, size in (("Heading 1", 16), ("Heading 2", 14), ("Heading 3", 12), ("TOC Heading", 16)):
        style = doc.styles[name]
        style.font.size = Pt(size)
        style.font.bold = True
        rpr = style.element.get_or_add_rPr()
        rpr._remove_color()
        style.font.color.rgb = RGBColor(0, 0, 0)
        _docx_fonts(rpr, HEADING_FONT, LATIN_HEADING_FONT)
        style.paragraph_format.space_before = Pt(12 if size > 12 else 8)
        style.paragraph_format.space_after = Pt(6)
    # Each chapter of the bound volume starts on a new page; the TOC heading is based on Heading 1.
    doc.styles["Heading 1"].paragraph_format.page_break_before = True
    toc_heading = doc.styles["TOC Heading"]
    toc_heading.paragraph_format.page_break_before = False
    toc_heading.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER

    # Theme fonts for East Asian text in Chinese, not Japanese (python-docx's template says ja-JP).
    theme_lang = doc.settings.element.find(qn("w:themeFontLang"))
    if theme_lang is not None:
        theme_lang.set(qn("w:eastAsia"), "zh-CN")


def _docx_field(paragraph, instruction: str, placeholder: str, *, italic=False, dirty=False) -> None:
    """A complex field (begin / instrText / separate / result / end); ``dirty``: Word recomputes
    the result when it opens the file."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    def char(kind):
        run = OxmlElement("w:r")
        fld = OxmlElement("w:fldChar")
        fld.set(qn("w:fldCharType"), kind)
        if kind == "begin" and dirty:
            fld.set(qn("w:dirty"), "true")
        run.append(fld)
        return run

    instr_run = OxmlElement("w:r")
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = f" {instruction} "
    instr_run.append(instr)
    p = paragraph._p
    p.append(char("begin"))
    p.append(instr_run)
    p.append(char("separate"))
    result = paragraph.add_run(placeholder)  # the field's result, shown until Word updates it
    result.italic = italic or None
    p.append(char("end"))


def _docx_update_fields_on_open(doc) -> None:
    """Ask Word to recompute fields (the TOC) when the file is opened; order matters in settings."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    settings_el = doc.settings.element
    if settings_el.find(qn("w:updateFields")) is not None:
        return
    update = OxmlElement("w:updateFields")
    update.set(qn("w:val"), "true")
    for successor in ("w:hdrShapeDefaults", "w:footnotePr", "w:endnotePr", "w:compat", "w:docVars",
                      "w:rsids", "m:mathPr", "w:attachedSchema", "w:themeFontLang"):
        found = settings_el.find(qn(successor))
        if found is not None:
            found.addprevious(update)
            return
    settings_el.append(update)


def _docx_page_setup(doc, park_name: str) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm, Pt

    section = doc.sections[0]
    # A4 with the margins of official documents (GB/T 9704): 37 / 35 mm top / bottom, 28 / 26 mm.
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.top_margin, section.bottom_margin = Cm(3.7), Cm(3.5)
    section.left_margin, section.right_margin = Cm(2.8), Cm(2.6)
    section.header_distance, section.footer_distance = Cm(1.5), Cm(2.0)
    section.different_first_page_header_footer = True  # no header or page number on the cover

    header = section.header.paragraphs[0]
    header.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    run = header.add_run(park_name)
    run.font.size = Pt(9)
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _docx_field(footer, "PAGE", "1")
    for r in footer.runs:
        r.font.size = Pt(10)


def _docx_text_width(doc):
    section = doc.sections[0]
    return section.page_width - section.left_margin - section.right_margin


def _docx_cell(cell, text: str, *, bold=False, align="left", mono=False, size=10.5) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    paragraph = cell.paragraphs[0]
    if align != "left":  # the default
        paragraph.alignment = {"center": WD_ALIGN_PARAGRAPH.CENTER, "right": WD_ALIGN_PARAGRAPH.RIGHT}[align]
    run = paragraph.add_run(text)  # "\n" becomes a line break
    run.font.size = Pt(7.5 if mono else size)
    run.bold = bold or None
    if mono:
        run.font.name = MONO_FONT


def _docx_shade(cell, fill="E7E6E6") -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), fill)
    cell._tc.get_or_add_tcPr().append(shd)


def _docx_header_row(row) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    tr_pr = row._tr.get_or_add_trPr()
    for tag in ("w:cantSplit", "w:tblHeader"):  # repeated on every page, never split
        el = OxmlElement(tag)
        el.set(qn("w:val"), "true")
        tr_pr.append(el)


def _docx_table(doc, widths_percent: list[float], n_rows: int):
    table = doc.add_table(rows=n_rows, cols=len(widths_percent))
    table.style = doc.styles["Table Grid"]
    table.autofit = False
    text_width = _docx_text_width(doc)
    widths = [int(text_width * w / 100) for w in widths_percent]
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width  # the grid, which LibreOffice reads
    return table, widths


def _docx_rows_table(doc, block: dict) -> None:
    from docx.shared import Emu

    columns = block["columns"]
    if not block["rows"]:
        doc.add_paragraph(EMPTY)
        return
    table, widths = _docx_table(doc, [c["width"] for c in columns], len(block["rows"]) + 1)
    rows = table.rows
    header = rows[0]
    _docx_header_row(header)
    for cell, column, width in zip(header.cells, columns, widths, strict=True):
        cell.width = Emu(width)
        _docx_shade(cell)
        _docx_cell(cell, column["label"], bold=True, align="center", size=10)
    for row, values in zip(rows[1:], block["rows"], strict=True):
        for cell, value, column, width in zip(row.cells, values, columns, widths, strict=True):
            cell.width = Emu(width)
            _docx_cell(cell, value, align=column["align"], mono=column["mono"], size=10)


def _docx_fields_table(doc, rows: list[dict], widths=(34.0, 66.0)) -> None:
    from docx.shared import Emu

    table, emus = _docx_table(doc, list(widths), len(rows))
    for row, item in zip(table.rows, rows, strict=True):
        label_cell, value_cell = row.cells
        label_cell.width, value_cell.width = Emu(emus[0]), Emu(emus[1])
        _docx_shade(label_cell, "F2F2F2")
        _docx_cell(label_cell, item["label"], bold=True)
        _docx_cell(value_cell, item["value"])


def _docx_cover(doc, cover: dict) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    def centred(text, size, *, bold=False, heading=False, before=0, after=6):
        paragraph = doc.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        paragraph.paragraph_format.space_before = Pt(before)
        paragraph.paragraph_format.space_after = Pt(after)
        run = paragraph.add_run(text)
        run.font.size = Pt(size)
        run.bold = bold or None
        if heading:
            _docx_fonts(run._r.get_or_add_rPr(), HEADING_FONT, LATIN_HEADING_FONT)
        return paragraph

    centred(cover["call_title"], 12, before=24)
    if cover["call_document_number"]:
        centred(cover["call_document_number"], 12)
    centred(cover["dossier_title"], 26, bold=True, heading=True, before=96, after=48)
    centred(cover["park_name"], 18, bold=True, heading=True, after=72)
    _docx_fields_table(doc, cover["fields"], widths=(36.0, 64.0))


def _docx_toc(doc) -> None:
    doc.add_paragraph(_("Table of contents"), style="TOC Heading")
    _docx_field(
        doc.add_paragraph(), TOC_INSTRUCTION,
        _("Right-click here and choose “Update Field” (or press F9) to build the table of contents."),
        italic=True, dirty=True,
    )


def render_docx(version: ApplicationVersion) -> bytes:
    """The dossier of ``version`` as a Word document (.docx)."""
    from docx import Document
    from docx.shared import Pt

    outline = dossier_outline(version)
    cover, sections = outline[0], outline[1:]
    doc = Document()
    _docx_styles(doc)
    _docx_page_setup(doc, cover["park_name"])
    props = doc.core_properties
    props.title = f"{cover['dossier_title']} · {cover['park_name']}"
    props.subject = cover["call_title"]
    props.author = cover["park_name"]
    props.created = timezone.localtime(version.submitted_at, UTC)  # python-docx writes "Z"
    props.revision = version.number
    props.language = "zh-CN"

    _docx_cover(doc, cover)
    doc.add_page_break()
    _docx_toc(doc)
    for section in sections:
        doc.add_heading(section["title"], level=1)
        for block in section["blocks"]:
            if block["title"]:
                doc.add_heading(block["title"], level=2)
            if block["note"]:
                doc.add_paragraph(block["note"])
            if block["type"] == "fields":
                _docx_fields_table(doc, block["rows"])
            elif block["type"] == "table":
                _docx_rows_table(doc, block)
            elif block["type"] == "text":
                for text in block["paragraphs"]:
                    paragraph = doc.add_paragraph(text)
                    if text != EMPTY:
                        paragraph.paragraph_format.first_line_indent = Pt(24)  # two characters
            doc.add_paragraph().paragraph_format.space_after = Pt(0)
    _docx_update_fields_on_open(doc)
    out = BytesIO()
    doc.save(out)
    return out.getvalue()


# --- PDF -----------------------------------------------------------------------------------------

def render_pdf(version: ApplicationVersion) -> bytes:
    """The dossier of ``version`` as PDF (WeasyPrint, template ``pdf/dossier.html``)."""
    from weasyprint import HTML

    outline = dossier_outline(version)
    for section in outline:
        for block in section["blocks"]:
            if block["type"] == "table":  # each cell with its column's class, for the template
                css = [f"{c['align']} mono" if c["mono"] else c["align"] for c in block["columns"]]
                block["cells"] = [list(zip(row, css, strict=True)) for row in block["rows"]]
    html = render_to_string("pdf/dossier.html", {
        "cover": outline[0],
        "sections": outline[1:],
        "version": version,
        "submitted_iso": timezone.localtime(version.submitted_at).isoformat(),
        "empty": EMPTY,
    })
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()
