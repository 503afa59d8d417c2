"""Workbooks that print (openpyxl, also in write-only mode): A4 landscape, fitted to the page width,
the header rows repeated on every page, a header with the document number (文号) and the title, a
footer with the page numbers, and the workbook's properties."""

from __future__ import annotations

from datetime import UTC

from django.utils import timezone

from portal.documents.pdf import DocumentMeta

A4 = 9  # the paper size code of A4 in SpreadsheetML


def _escape(text: str) -> str:
    return (text or "").replace("&", "&&")  # "&" starts a header/footer code


def print_setup(ws, *, number: str, title: str, header_rows: int = 1) -> None:
    """Call before the first row of a write-only sheet."""
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0  # as many pages down as needed
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.print_title_rows = f"1:{header_rows}"
    ws.page_margins.top = ws.page_margins.bottom = 0.75
    ws.page_margins.header = ws.page_margins.footer = 0.3
    ws.oddHeader.left.text = _escape(number)
    ws.oddHeader.right.text = _escape(title)
    ws.oddFooter.center.text = "第 &P 页，共 &N 页"
    for part in (ws.oddHeader.left, ws.oddHeader.right, ws.oddFooter.center):
        part.size = 9


def set_properties(wb, meta: DocumentMeta) -> None:
    props = wb.properties
    meta.set_on(props, author_field="creator")
    props.created = props.modified = (meta.created or timezone.now()).astimezone(UTC).replace(tzinfo=None)
