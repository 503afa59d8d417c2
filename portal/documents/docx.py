"""Word files (python-docx): the 公文 writer ``GongwenDocx`` and the helpers every Word file of the
portal uses (fonts named for East Asian text, complex fields, tables with repeated header rows,
paragraph rules, the GB/T 9704 page and its page numbers, document properties).

``GongwenDocx(gongwen)`` lays out a ``Gongwen`` in the order of GB/T 9704: ``head()`` (红头, 发文字号,
red rule, 标题, 主送), then the app's body (``paragraph``, ``table``), ``ending(last)`` (the last
paragraph kept on one page with the 附件说明, 落款 and 成文日期) and ``colophon()`` (版记: 抄送 and
印发机关 with the 印发日期 right-aligned, between rules).
"""

from __future__ import annotations

from datetime import UTC
from io import BytesIO

from django.utils import timezone

from portal.documents import fonts
from portal.documents.gongwen import RED_HEX, Gongwen
from portal.documents.pdf import DocumentMeta

BODY_SIZE = 16    # 三号
TITLE_SIZE = 22   # 二号
COLOPHON_SIZE = 14  # 四号
LINE = 28         # 22 lines a page

_PPR_AFTER_BORDER = ("w:shd", "w:tabs", "w:suppressAutoHyphens", "w:kinsoku", "w:wordWrap", "w:overflowPunct",
                     "w:topLinePunct", "w:autoSpaceDE", "w:autoSpaceDN", "w:bidi", "w:adjustRightInd",
                     "w:snapToGrid", "w:spacing", "w:ind", "w:contextualSpacing", "w:mirrorIndents",
                     "w:suppressOverlap", "w:jc", "w:textDirection", "w:textAlignment", "w:textboxTightWrap",
                     "w:outlineLvl", "w:divId", "w:cnfStyle", "w:rPr", "w:sectPr", "w:pPrChange")


# --- fonts, language, properties -----------------------------------------------------------------

def set_fonts(rpr, east_asian: str, latin: str | None = None) -> None:
    """Name the East Asian (and Latin) font of a run or style; theme fonts would win otherwise."""
    from docx.oxml.ns import qn

    names = rpr.get_or_add_rFonts()
    for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        names.attrib.pop(qn(theme), None)
    names.set(qn("w:eastAsia"), east_asian)
    if latin:
        names.set(qn("w:ascii"), latin)
        names.set(qn("w:hAnsi"), latin)


def set_run_font(run, typeface: fonts.Typeface, latin: str | None = None) -> None:
    set_fonts(run._r.get_or_add_rPr(), typeface.word, latin)


def set_chinese(doc, normal_size: float, typeface: fonts.Typeface = fonts.BODY) -> None:
    """The Normal style in ``typeface`` and Chinese, and the theme's East Asian language zh-CN
    (python-docx's template says ja-JP, which picks a Japanese font)."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Pt

    normal = doc.styles["Normal"]
    normal.font.size = Pt(normal_size)
    rpr = normal.element.get_or_add_rPr()
    set_fonts(rpr, typeface.word, fonts.LATIN_BODY)
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    lang.set(qn("w:eastAsia"), "zh-CN")
    theme_lang = doc.settings.element.find(qn("w:themeFontLang"))
    if theme_lang is not None:
        theme_lang.set(qn("w:eastAsia"), "zh-CN")


def set_properties(doc, meta: DocumentMeta, *, revision: int | None = None) -> None:
    props = doc.core_properties
    meta.set_on(props)
    if meta.created is not None:
        props.created = timezone.localtime(meta.created, UTC)  # python-docx writes "Z"
    if revision is not None:
        props.revision = revision


# --- fields --------------------------------------------------------------------------------------

def add_field(paragraph, instruction: str, placeholder: str, *, italic=False, dirty=False):
    """A complex field (begin / instrText / separate / result / end) at the end of ``paragraph``;
    ``dirty``: Word recomputes the result when it opens the file. Returns the end run, so that a
    caller can put the field's result (``placeholder`` or its own runs) before it."""
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
    if placeholder:
        result = paragraph.add_run(placeholder)  # the field's result, shown until Word updates it
        result.italic = italic or None
    end = char("end")
    p.append(end)
    return end


def update_fields_on_open(doc) -> None:
    """Ask Word to recompute fields (the TOC, page numbers) when the file is opened."""
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


# --- page ----------------------------------------------------------------------------------------

def page_setup(doc) -> None:
    """A4 with the margins of official documents (GB/T 9704): 37 / 35 mm top / bottom, 28 / 26 mm."""
    from docx.shared import Cm

    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.top_margin, section.bottom_margin = Cm(3.7), Cm(3.5)
    section.left_margin, section.right_margin = Cm(2.8), Cm(2.6)
    section.header_distance, section.footer_distance = Cm(1.5), Cm(2.0)


def text_width(doc):
    section = doc.sections[0]
    return section.page_width - section.left_margin - section.right_margin


def page_numbers(doc, size: float = COLOPHON_SIZE) -> None:
    """"— 1 —" in 四号 outside: odd pages on the right, even pages on the left, one character in."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    doc.settings.odd_and_even_pages_header_footer = True
    section = doc.sections[0]
    footers = ((section.footer, WD_ALIGN_PARAGRAPH.RIGHT), (section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT))
    for footer, align in footers:
        paragraph = footer.paragraphs[0]
        paragraph.alignment = align
        if align == WD_ALIGN_PARAGRAPH.RIGHT:
            paragraph.paragraph_format.right_indent = Pt(size)
        else:
            paragraph.paragraph_format.left_indent = Pt(size)
        paragraph.add_run("— ")
        add_field(paragraph, "PAGE", "1")
        paragraph.add_run(" —")
        for run in paragraph.runs:
            run.font.size = Pt(size)
            set_run_font(run, fonts.BODY, fonts.LATIN_BODY)


# --- paragraphs ----------------------------------------------------------------------------------

def border(paragraph, edge: str, *, val="single", size=8, color=RED_HEX, space=1) -> None:
    """A rule above or below ``paragraph`` (``edge``: top or bottom); ``size`` in eighths of a pt."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    ppr = paragraph._p.get_or_add_pPr()
    borders = ppr.find(qn("w:pBdr"))
    if borders is None:
        borders = OxmlElement("w:pBdr")
        successors = {qn(t) for t in _PPR_AFTER_BORDER}  # w:pBdr's place in CT_PPr
        successor = next((child for child in ppr if child.tag in successors), None)
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


def at_foot_of_page(paragraph, doc) -> None:
    """Put ``paragraph`` in a frame at the foot of the text area of its page (consecutive paragraphs
    with the same frame share it): how the 版记 sits at the bottom of the last page."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Emu

    ppr = paragraph._p.get_or_add_pPr()
    frame = OxmlElement("w:framePr")
    frame.set(qn("w:w"), str(int(Emu(text_width(doc)).pt * 20)))  # twips
    frame.set(qn("w:wrap"), "notBeside")
    frame.set(qn("w:hAnchor"), "margin")
    frame.set(qn("w:xAlign"), "center")
    frame.set(qn("w:vAnchor"), "margin")
    frame.set(qn("w:yAlign"), "bottom")
    predecessors = {qn(t) for t in ("w:pStyle", "w:keepNext", "w:keepLines", "w:pageBreakBefore")}
    before = [child for child in ppr if child.tag in predecessors]  # w:framePr's place in CT_PPr
    if before:
        before[-1].addnext(frame)
    else:
        ppr.insert(0, frame)


def para(doc, text="", *, size=None, align=None, bold=False, indent=False, typeface=None, color=None,
         before=0, after=0, exact=None, keep_with_next=False):
    """One paragraph of ``text`` ("\\n" becomes a line break); ``indent``: two characters in."""
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
        fmt.first_line_indent = Pt(2 * (size or BODY_SIZE))
    if keep_with_next:
        fmt.keep_with_next = True
        fmt.keep_together = True
    if text:
        run = paragraph.add_run(text)
        if size:
            run.font.size = Pt(size)
        run.bold = bold or None
        if color:
            run.font.color.rgb = RGBColor.from_string(color)
        if typeface is not None:
            latin = fonts.LATIN_HEADING if typeface is fonts.HEADING1 else fonts.LATIN_BODY
            set_run_font(run, typeface, latin)
    return paragraph


# --- tables --------------------------------------------------------------------------------------

def cell_text(cell, text: str, *, bold=False, align="left", mono=False, size=10.5, typeface=None) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    paragraph = cell.paragraphs[0]
    if align != "left":  # the default
        paragraph.alignment = {"center": WD_ALIGN_PARAGRAPH.CENTER, "right": WD_ALIGN_PARAGRAPH.RIGHT}[align]
    run = paragraph.add_run(text)  # "\n" becomes a line break
    run.font.size = Pt(7.5 if mono else size)
    run.bold = bold or None
    if mono:
        run.font.name = fonts.MONO.fallback
    elif typeface is not None:
        set_run_font(run, typeface, fonts.LATIN_HEADING if typeface is fonts.HEADING1 else fonts.LATIN_BODY)


def shade(cell, fill="E7E6E6") -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), fill)
    cell._tc.get_or_add_tcPr().append(shd)


def header_row(row) -> None:
    """Repeated at the top of every page, never split."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    tr_pr = row._tr.get_or_add_trPr()
    for tag in ("w:cantSplit", "w:tblHeader"):
        el = OxmlElement(tag)
        el.set(qn("w:val"), "true")
        tr_pr.append(el)


def table(doc, widths_percent: list[float], n_rows: int):
    """A grid table of ``n_rows`` with column widths in percent of the text width."""
    new = doc.add_table(rows=n_rows, cols=len(widths_percent))
    new.style = doc.styles["Table Grid"]
    new.autofit = False
    width = text_width(doc)
    widths = [int(width * w / 100) for w in widths_percent]
    for column, emu in zip(new.columns, widths, strict=True):
        column.width = emu  # the grid, which LibreOffice reads
    return new, widths


def rows_table(doc, columns: list[dict], rows: list[list[str]], *, size=10.5, header_fill=None):
    """``columns`` (``label``, ``width`` %, ``align``, optional ``mono``) and their ``rows``, with the
    header row repeated on every page and every row kept whole."""
    from docx.shared import Emu

    grid, widths = table(doc, [c["width"] for c in columns], len(rows) + 1)
    header = grid.rows[0]
    header_row(header)
    for cell, column, width in zip(header.cells, columns, widths, strict=True):
        cell.width = Emu(width)
        if header_fill:
            shade(cell, header_fill)
        cell_text(cell, column["label"], bold=True, align="center", size=size, typeface=fonts.HEADING1)
    for row, values in zip(grid.rows[1:], rows, strict=True):
        cant_split(row)
        for cell, value, column, width in zip(row.cells, values, columns, widths, strict=True):
            cell.width = Emu(width)
            cell_text(cell, value, align=column["align"], mono=column.get("mono", False), size=size)
    return grid


def cant_split(row) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    el = OxmlElement("w:cantSplit")
    el.set(qn("w:val"), "true")
    row._tr.get_or_add_trPr().append(el)


def to_bytes(doc) -> bytes:
    out = BytesIO()
    doc.save(out)
    return out.getvalue()


# --- the 公文 ------------------------------------------------------------------------------------

class GongwenDocx:
    """A ``Gongwen`` as a Word document; the caller adds the body between ``head`` and ``ending``."""

    def __init__(self, gongwen: Gongwen):
        from docx import Document
        from docx.shared import Pt

        self.gongwen = gongwen
        self.doc = Document()
        set_chinese(self.doc, BODY_SIZE)
        normal = self.doc.styles["Normal"].paragraph_format
        normal.space_before = Pt(0)
        normal.space_after = Pt(0)
        normal.line_spacing = Pt(LINE)
        page_setup(self.doc)
        page_numbers(self.doc)
        set_properties(self.doc, gongwen.meta())

    def head(self) -> None:
        """发文机关标志 (the issuers, red, centred, stacked), 发文字号, the red double rule, 标题, 主送."""
        g, doc = self.gongwen, self.doc
        size = g.header_size
        centred_number = bool(g.number) and g.number_position == "center"
        for n, name in enumerate(g.issuers):
            paragraph = para(doc, name, size=size, align="center", bold=True, typeface=fonts.TITLE,
                             color=RED_HEX, exact=size * 1.35)
            if n == len(g.issuers) - 1 and not centred_number:
                paragraph.paragraph_format.space_after = _pt(4)
                border(paragraph, "bottom", val="thickThinSmallGap", size=24, space=4)
        if centred_number:
            paragraph = para(doc, g.number, align="center", before=12, after=4)
            border(paragraph, "bottom", val="thickThinSmallGap", size=24, space=4)
        elif g.number:
            para(doc, g.number, align="right", before=6)
        para(doc, "\n".join(g.title_lines), size=TITLE_SIZE, align="center", bold=True, typeface=fonts.TITLE,
             before=24, after=18, exact=34)
        para(doc, g.addressee)

    def paragraph(self, text: str, **kwargs):
        """A paragraph of the text: two characters in, justified."""
        return para(self.doc, text, indent=True, align="justify", **kwargs)

    def table(self, columns: list[dict], rows: list[list[str]], *, size=10.5):
        grid = rows_table(self.doc, columns, rows, size=size)
        for row in grid.rows:
            for cell in row.cells:
                cell.paragraphs[0].paragraph_format.line_spacing = 1.15
        return grid

    def ending(self, last: list[str] = ()) -> None:
        """The last paragraphs of the text, the 附件说明, the 落款 and the 成文日期, kept on one page
        (the signature is never alone on a page without text)."""
        g, doc = self.gongwen, self.doc
        for text in last:
            self.paragraph(text, keep_with_next=True, before=6)
        if g.attachments:
            para(doc, keep_with_next=True)
            first, *rest = g.attachments
            paragraph = para(doc, f"附件：{first}", keep_with_next=True)
            # 附件 two characters in; the names hang after "附件：" (five characters in).
            paragraph.paragraph_format.left_indent = _pt(BODY_SIZE * 5)
            paragraph.paragraph_format.first_line_indent = _pt(-BODY_SIZE * 3)
            for text in rest:
                paragraph = para(doc, text, keep_with_next=True)
                paragraph.paragraph_format.left_indent = _pt(BODY_SIZE * 5)
        para(doc, keep_with_next=True)
        para(doc, keep_with_next=True)
        for name in g.signatories:
            para(doc, name, align="right", keep_with_next=True).paragraph_format.right_indent = _pt(BODY_SIZE * 2)
        para(doc, g.date, align="right").paragraph_format.right_indent = _pt(BODY_SIZE * 2)
        if g.contact:
            self.paragraph(g.contact, before=14)

    def colophon(self) -> None:
        """版记: 抄送 and 印发机关 / 印发日期 (right-aligned) between rules, thick first and last, in a frame
        at the foot of the last page."""
        from docx.enum.text import WD_TAB_ALIGNMENT

        g, doc = self.gongwen, self.doc
        para(doc, after=24)
        if g.cc:
            paragraph = para(doc, f"抄送：{g.cc_text}", size=COLOPHON_SIZE, exact=24, keep_with_next=True)
            paragraph.paragraph_format.left_indent = _pt(COLOPHON_SIZE)
            paragraph.paragraph_format.right_indent = _pt(COLOPHON_SIZE)
            border(paragraph, "top", color="000000", size=8, space=4)
            border(paragraph, "bottom", color="000000", size=4, space=4)
            at_foot_of_page(paragraph, doc)
        paragraph = para(doc, f"{g.printed_by}\t{g.printed_on}", size=COLOPHON_SIZE, exact=24)
        at_foot_of_page(paragraph, doc)
        fmt = paragraph.paragraph_format
        fmt.left_indent = _pt(COLOPHON_SIZE)
        fmt.right_indent = _pt(COLOPHON_SIZE)
        fmt.tab_stops.add_tab_stop(text_width(doc) - _pt(2 * COLOPHON_SIZE), WD_TAB_ALIGNMENT.RIGHT)
        if not g.cc:
            border(paragraph, "top", color="000000", size=8, space=4)
        border(paragraph, "bottom", color="000000", size=8, space=4)

    def bytes(self) -> bytes:
        return to_bytes(self.doc)

    def write(self, *, body: list[str], columns: list[dict] | None = None, rows: list[list[str]] | None = None,
              table_size: float = 10.5, after: list[str] = (), closing: list[str] = ()) -> bytes:
        """The whole document in the usual order: head, the ``body`` paragraphs, the table of ``rows`` (when
        given), the paragraphs ``after`` it, the ``closing`` ones kept with the 落款 and date, the 版记."""
        self.head()
        for text in body:
            self.paragraph(text)
        if columns and rows is not None:
            self.table(columns, rows, size=table_size)
        for text in after:
            self.paragraph(text)
        self.ending(list(closing))
        self.colophon()
        return self.bytes()


def _pt(value: float):
    from docx.shared import Pt

    return Pt(value)
