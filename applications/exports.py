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

from django import forms
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from applications.dossier import (
    CONDITIONS_KEY,
    EVIDENCE_KEY,
    YI,
    conditions_form_class,
    parse_date,
    parse_decimal,
)
from applications.models import Application, ApplicationVersion, Attachment
from applications.programmes import spec_for
from portal.documents import EMPTY, cn_date, fonts, paragraphs
from portal.documents import docx as word
from portal.documents.binding import Enclosure, overlay, page_indexes, prepare
from portal.documents.pdf import DocumentMeta, render_document, write

ELIGIBILITY_KEY = "eligibility"


# --- values --------------------------------------------------------------------------------------

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
    return paragraphs(str(value)) or [EMPTY]


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


def _cover(version: ApplicationVersion, data: dict, cover_section) -> dict:
    application = version.application
    call = application.call
    form = cover_section.form_class()
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
        "title": str(cover_section.title),
        "anchor": "s-cover",
        "blocks": [],
        "dossier_title": str(spec_for(application).dossier_title),
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
    if isinstance(data.get("outline"), list):
        # A version that brings its chapters already laid out (a re-review, 复审: the base's annual reports of
        # the period, frozen when the round started) is shown as stored, after the cover.
        sections = spec_for(version.application).sections(version.application)
        cover_section = next(s for s in sections if s.key == "cover")
        cover = _cover(version, data.get("cover") or {}, cover_section)
        cover["dossier_title"] = str(data.get("dossier_title") or cover["dossier_title"])
        return _anchored([cover, *data["outline"]])
    outline = []
    for section in spec_for(version.application).sections(version.application):
        section_data = data.get(section.key) or {}
        if section.key == "cover":
            outline.append(_cover(version, section_data, section))
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
    return _anchored(outline)


def _anchored(outline: list[dict]) -> list[dict]:
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

TOC_INSTRUCTION = 'TOC \\o "1-3" \\h \\z \\u'
TOC_LEVELS = {1: "toc 1", 2: "toc 2"}
BODY_SIZE = 12  # 小四: a volume of tables rather than a 公文 of 三号 text


def _docx_styles(doc) -> None:
    from docx.enum.style import WD_STYLE_TYPE
    from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT, WD_TAB_LEADER
    from docx.shared import Pt, RGBColor

    word.set_chinese(doc, BODY_SIZE)
    normal = doc.styles["Normal"]
    normal.paragraph_format.space_after = Pt(4)
    normal.paragraph_format.line_spacing = 1.25

    headings = (("Heading 1", 16, fonts.HEADING1), ("Heading 2", 14, fonts.HEADING2),
                ("Heading 3", 12, fonts.HEADING2), ("TOC Heading", 16, fonts.HEADING1))
    for name, size, typeface in headings:
        style = doc.styles[name]
        style.font.size = Pt(size)
        style.font.bold = True
        rpr = style.element.get_or_add_rPr()
        rpr._remove_color()
        style.font.color.rgb = RGBColor(0, 0, 0)
        word.set_fonts(rpr, typeface.word, fonts.LATIN_HEADING)
        style.paragraph_format.space_before = Pt(12 if size > 12 else 8)
        style.paragraph_format.space_after = Pt(6)
        style.paragraph_format.keep_with_next = True  # a heading stays with its table or text
    # Each chapter of the bound volume starts on a new page; the TOC heading is based on Heading 1.
    doc.styles["Heading 1"].paragraph_format.page_break_before = True
    toc_heading = doc.styles["TOC Heading"]
    toc_heading.paragraph_format.page_break_before = False
    toc_heading.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER

    # The entries of the table of contents: Word's built-in "toc 1" / "toc 2" styles.
    tab = word.text_width(doc)
    for level, name in TOC_LEVELS.items():
        style = doc.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = normal
        style.paragraph_format.left_indent = Pt(24 * (level - 1))
        style.paragraph_format.space_after = Pt(2 if level > 1 else 4)
        style.paragraph_format.tab_stops.add_tab_stop(tab, WD_TAB_ALIGNMENT.RIGHT, WD_TAB_LEADER.DOTS)
        style.font.size = Pt(BODY_SIZE if level == 1 else 10.5)


def _docx_page_setup(doc, park_name: str) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    word.page_setup(doc)
    section = doc.sections[0]
    section.different_first_page_header_footer = True  # no header or page number on the cover
    word.page_numbers(doc, size=10.5)
    for header in (section.header, section.even_page_header):
        paragraph = header.paragraphs[0]
        paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        run = paragraph.add_run(park_name)
        run.font.size = Pt(9)


def _bookmark(paragraph, name: str, bookmark_id: int) -> None:
    """A bookmark around the text of ``paragraph`` (what the TOC's hyperlinks and PAGEREFs point at)."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    start = OxmlElement("w:bookmarkStart")
    start.set(qn("w:id"), str(bookmark_id))
    start.set(qn("w:name"), name)
    end = OxmlElement("w:bookmarkEnd")
    end.set(qn("w:id"), str(bookmark_id))
    p = paragraph._p
    ppr = p.find(qn("w:pPr"))
    if ppr is not None:
        ppr.addnext(start)
    else:
        p.insert(0, start)
    p.append(end)


def _toc_name(anchor: str) -> str:
    return "_Toc_" + anchor.replace("-", "_")


def _toc_entry(doc, text: str, anchor: str, level: int):
    """One entry of the table of contents: a hyperlink to the heading's bookmark, a dotted tab and
    its page number (a PAGEREF field, which Word fills in when it updates the fields)."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    paragraph = doc.add_paragraph(style=TOC_LEVELS[level])
    link = OxmlElement("w:hyperlink")
    link.set(qn("w:anchor"), _toc_name(anchor))
    link.set(qn("w:history"), "1")
    for piece in (text, "\t"):
        run = OxmlElement("w:r")
        if piece == "\t":
            run.append(OxmlElement("w:tab"))
        else:
            t = OxmlElement("w:t")
            t.set(qn("xml:space"), "preserve")
            t.text = piece
            run.append(t)
        link.append(run)
    paragraph._p.append(link)
    word.add_field(paragraph, f"PAGEREF {_toc_name(anchor)} \\h", "")
    return paragraph


def _docx_toc(doc, sections: list[dict]) -> None:
    """The table of contents: a TOC field (Word can update it) whose result is the real entries,
    written here, so that the volume has its contents even before anyone updates the field."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    doc.add_paragraph(_("Table of contents"), style="TOC Heading")
    entries = []
    for section in sections:
        entries.append((section["title"], section["anchor"], 1))
        entries += [(b["title"], b["anchor"], 2) for b in section["blocks"] if b["title"]]
    first = None
    for text, anchor, level in entries:
        paragraph = _toc_entry(doc, text, anchor, level)
        first = first if first is not None else paragraph
    # The TOC field begins before the first entry and ends after the last one.
    begin = OxmlElement("w:r")
    fld = OxmlElement("w:fldChar")
    fld.set(qn("w:fldCharType"), "begin")
    fld.set(qn("w:dirty"), "true")
    begin.append(fld)
    instr_run = OxmlElement("w:r")
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = f" {TOC_INSTRUCTION} "
    instr_run.append(instr)
    separate = OxmlElement("w:r")
    sep = OxmlElement("w:fldChar")
    sep.set(qn("w:fldCharType"), "separate")
    separate.append(sep)
    anchor_el = first._p.find(qn("w:pPr"))
    for el in (begin, instr_run, separate)[::-1]:
        if anchor_el is not None:
            anchor_el.addnext(el)
        else:
            first._p.insert(0, el)
    end = OxmlElement("w:r")
    fld_end = OxmlElement("w:fldChar")
    fld_end.set(qn("w:fldCharType"), "end")
    end.append(fld_end)
    paragraph._p.append(end)


def _docx_fields_table(doc, rows: list[dict], widths=(34.0, 66.0)) -> None:
    from docx.shared import Emu

    table, emus = word.table(doc, list(widths), len(rows))
    for row, item in zip(table.rows, rows, strict=True):
        word.cant_split(row)
        label_cell, value_cell = row.cells
        label_cell.width, value_cell.width = Emu(emus[0]), Emu(emus[1])
        word.shade(label_cell, "F2F2F2")
        word.cell_text(label_cell, item["label"], bold=True)
        word.cell_text(value_cell, item["value"])


def _docx_cover(doc, cover: dict) -> None:
    def centred(text, size, *, bold=False, typeface=None, before=0, after=6):
        return word.para(doc, text, size=size, align="center", bold=bold, typeface=typeface,
                         before=before, after=after)

    centred(cover["call_title"], 12, before=24)
    if cover["call_document_number"]:
        centred(cover["call_document_number"], 12)
    centred(cover["dossier_title"], 26, bold=True, typeface=fonts.TITLE, before=96, after=48)
    centred(cover["park_name"], 18, bold=True, typeface=fonts.HEADING1, after=72)
    _docx_fields_table(doc, cover["fields"], widths=(36.0, 64.0))


def _heading(doc, text: str, anchor: str, level: int, bookmark_id: int) -> None:
    _bookmark(doc.add_heading(text, level=level), _toc_name(anchor), bookmark_id)


def dossier_meta(version: ApplicationVersion, cover: dict) -> DocumentMeta:
    keywords = [cover["call_document_number"], _("Version %(n)s") % {"n": version.number}]
    return DocumentMeta(title=f"{cover['dossier_title']} · {cover['park_name']}", author=cover["park_name"],
                        subject=cover["call_title"], keywords=[k for k in keywords if k],
                        created=version.submitted_at)


def render_docx(version: ApplicationVersion) -> bytes:
    """The dossier of ``version`` as a Word document (.docx)."""
    from docx import Document
    from docx.shared import Pt

    outline = dossier_outline(version)
    cover, sections = outline[0], outline[1:]
    doc = Document()
    _docx_styles(doc)
    _docx_page_setup(doc, cover["park_name"])
    word.set_properties(doc, dossier_meta(version, cover), revision=version.number)

    _docx_cover(doc, cover)
    doc.add_page_break()
    _docx_toc(doc, sections)
    bookmark_id = 0
    for section in sections:
        bookmark_id += 1
        _heading(doc, section["title"], section["anchor"], 1, bookmark_id)
        for block in section["blocks"]:
            if block["title"]:
                bookmark_id += 1
                _heading(doc, block["title"], block["anchor"], 2, bookmark_id)
            if block["note"]:
                word.para(doc, block["note"], keep_with_next=True)
            if block["type"] == "fields":
                _docx_fields_table(doc, block["rows"])
            elif block["type"] == "table":
                if block["rows"]:
                    word.rows_table(doc, block["columns"], block["rows"], size=10, header_fill="E7E6E6")
                else:
                    doc.add_paragraph(EMPTY)
            elif block["type"] == "text":
                for text in block["paragraphs"]:
                    paragraph = doc.add_paragraph(text)
                    if text != EMPTY:
                        paragraph.paragraph_format.first_line_indent = Pt(2 * BODY_SIZE)  # two characters
            doc.add_paragraph().paragraph_format.space_after = Pt(0)
    word.update_fields_on_open(doc)
    return word.to_bytes(doc)


# --- PDF -----------------------------------------------------------------------------------------

def _enclosures(version: ApplicationVersion) -> list[Enclosure]:
    """The evidence files of ``version`` to bind into the PDF volume, in the order of the list."""
    snapshots = [a for a in (version.attachments or []) if isinstance(a, dict)]
    stored = Attachment.objects.in_bulk([a.get("id") for a in snapshots if isinstance(a.get("id"), int)])
    enclosures = []
    for n, item in enumerate(snapshots, start=1):
        attachment = stored.get(item.get("id"))
        data = None
        if attachment is not None:
            try:
                with attachment.file.open("rb") as f:
                    data = f.read()
            except OSError:
                data = None
        enclosures.append(Enclosure(
            anchor=f"evidence-{n}",
            title=_("Evidence %(n)s: %(name)s") % {"n": n, "name": item.get("name") or EMPTY},
            kind=str(item.get("kind") or ""),
            sha256=str(item.get("sha256") or ""),
            data=data,
            details=[
                {"label": _model_label(Attachment, "category"), "value": str(item.get("category") or EMPTY)},
                {"label": _model_label(Attachment, "original_name"), "value": str(item.get("name") or EMPTY)},
                {"label": _model_label(Attachment, "kind"), "value": str(item.get("kind") or EMPTY).upper()},
                {"label": "SHA-256", "value": str(item.get("sha256") or EMPTY)},
            ],
        ))
    return enclosures


def render_pdf(version: ApplicationVersion) -> bytes:
    """The dossier of ``version`` as one PDF volume (template ``pdf/dossier.html``): cover, contents,
    the chapters, and the evidence files bound after the list of evidence, each after a divider page."""
    outline = dossier_outline(version)
    for section in outline:
        for block in section["blocks"]:
            if block["type"] == "table":  # each cell with its column's class, for the template
                css = [f"{c['align']} mono" if c["mono"] else c["align"] for c in block["columns"]]
                block["cells"] = [list(zip(row, css, strict=True)) for row in block["rows"]]
    enclosures = _enclosures(version)
    prepare(enclosures)
    document = render_document("pdf/dossier.html", {
        "cover": outline[0],
        "sections": outline[1:],
        "version": version,
        "empty": EMPTY,
        "evidence_key": EVIDENCE_KEY,
        "bound": [e for e in enclosures if e.bound],
        "unbound": [e for e in enclosures if not e.bound],
    }, meta=dossier_meta(version, outline[0]))
    return overlay(write(document), enclosures, page_indexes(document))
