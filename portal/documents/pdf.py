"""PDF documents: tagged PDF/A-3u with their XMP metadata, from templates extending ``pdf/base.html``.

Every template of the portal's PDFs extends ``pdf/base.html``, which holds the GB/T 9704 page (A4,
37 / 35 / 28 / 26 mm margins, 三号 仿宋 body on a 28 pt line, page numbers "— 1 —" in 四号 outside:
odd pages on the right, even on the left, one character in) and the typefaces of ``fonts``;
``pdf/gongwen.html`` adds the parts of a 公文 (红头, 发文字号, 标题, 主送, 落款, 成文日期, 版记).

``render_pdf`` passes ``document`` (a ``DocumentMeta``) and ``fonts`` to the template and writes the
PDF with WeasyPrint's ``pdf_variant="pdf/a-3u"`` and ``pdf_tags=True``: a structure tree, the
language in the catalogue and in the XMP (``dc:language``), and the title, author, subject and
keywords (the 文号) in both the XMP and the document information.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from xml.sax.saxutils import escape

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone

from portal.documents import fonts
from portal.documents.fonts import require_cjk_fonts

PDF_VARIANT = "pdf/a-3u"
GENERATOR = "数字服务出口基地申报评审平台"


def table_columns(spec) -> list[dict]:
    """``[(label, width %, align), …]`` as the columns ``pdf/_table.html`` and ``GongwenDocx.table`` take."""
    return [{"label": label, "width": width, "align": align} for label, width, align in spec]


def table_cells(columns: list[dict], rows: list[list[str]]) -> list[list[tuple[str, str]]]:
    """Each value of ``rows`` with its column's alignment: the ``cells`` of ``pdf/_table.html``."""
    aligns = [c["align"] for c in columns]
    return [list(zip(row, aligns, strict=True)) for row in rows]


@dataclass
class DocumentMeta:
    """What the PDF's metadata says about it."""

    title: str
    author: str
    subject: str = ""
    keywords: list[str] = field(default_factory=list)  # the 文号 first
    lang: str = "zh-Hans"
    created: datetime | None = None

    @property
    def created_iso(self) -> str:
        return timezone.localtime(self.created).isoformat() if self.created else ""

    @property
    def keywords_text(self) -> str:
        return ", ".join(k for k in self.keywords if k)

    def set_on(self, properties, *, author_field: str = "author") -> None:
        """Fill the core properties of a Word or Excel file (python-docx ``core_properties``, openpyxl
        ``wb.properties``; openpyxl calls the author ``creator``)."""
        values = {"title": self.title, "subject": self.subject, author_field: self.author,
                  "keywords": self.keywords_text, "language": "zh-CN"}
        for name, value in values.items():
            setattr(properties, name, value)


def _with_language(metadata, lang: str) -> None:
    """Add ``dc:language`` to the XMP packet WeasyPrint writes (it puts the language in the
    catalogue only), inside its own ``rdf:RDF`` where readers look for it."""
    generate = metadata.generate_rdf_metadata
    description = (
        '<rdf:Description xmlns:dc="http://purl.org/dc/elements/1.1/" rdf:about="">'
        f"<dc:language><rdf:Bag><rdf:li>{escape(lang)}</rdf:li></rdf:Bag></dc:language>"
        "</rdf:Description>"
    ).encode()

    def generate_with_language(*args, **kwargs) -> bytes:
        rdf = generate(*args, **kwargs)
        head, closing, tail = rdf.rpartition(b"</rdf:RDF>")
        return head + description + closing + tail if closing else rdf

    metadata.generate_rdf_metadata = generate_with_language


def template_context(meta: DocumentMeta, context: dict) -> dict:
    return {**context, "document": meta, "fonts": fonts.TYPEFACES}


def render_document(template: str, context: dict, *, meta: DocumentMeta):
    """The laid-out WeasyPrint document (pages, bookmarks), before it is written."""
    from weasyprint import HTML

    require_cjk_fonts()
    html = render_to_string(template, template_context(meta, context))
    document = HTML(string=html, base_url=str(settings.BASE_DIR)).render(pdf_tags=True)
    _with_language(document.metadata, meta.lang)
    return document


def write(document) -> bytes:
    return document.write_pdf(pdf_variant=PDF_VARIANT, pdf_tags=True)


def render_pdf(template: str, context: dict, *, meta: DocumentMeta) -> bytes:
    """``template`` (extending ``pdf/base.html``) rendered with ``context`` as tagged PDF/A-3u.
    Raises ``fonts.MissingFontError`` when no CJK font is installed."""
    return write(render_document(template, context, meta=meta))
