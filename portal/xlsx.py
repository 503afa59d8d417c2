"""Safe values for .xlsx cells, used by every workbook the portal writes.

Text that people typed (a park's name, a rubric criterion, a comment, a panel opinion) is data, never a
formula: a value starting with = + - @ (or a tab or carriage return, which spreadsheet programs strip
before looking) would otherwise be evaluated by Excel or WPS when the file is opened or a cell edited.
Such text is written as a string cell with Excel's "quote prefix" (the leading-apostrophe flag), so that
it stays text even when someone edits the cell. Characters Excel refuses (control characters pasted from
Word) are removed."""

from typing import Any

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def clean_text(value: Any) -> str:
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    return ILLEGAL_CHARACTERS_RE.sub("", str(value))


def looks_like_formula(text: str) -> bool:
    return text.startswith(FORMULA_TRIGGERS)


def safe_cell(ws, value: Any, *, style=None):
    """What to put in a row of ``ws`` (write-only or ordinary worksheet) for ``value``.

    Numbers, dates, booleans and None pass as they are; text is cleaned, and text that looks like a formula
    becomes a string cell with the quote prefix. ``style``: a cell style array (``cell._style``) to copy onto
    the cell, for styled write-only rows."""
    from copy import copy

    from openpyxl.cell import WriteOnlyCell

    if isinstance(value, str):
        value = clean_text(value)
        if looks_like_formula(value) or style is not None:
            cell = WriteOnlyCell(ws, value=value)
            if style is not None:
                cell._style = copy(style)
            if looks_like_formula(value):
                cell.data_type = "s"
                cell.quotePrefix = True
            return cell
        return value
    if style is not None and value is not None:
        cell = WriteOnlyCell(ws, value=value)
        cell._style = copy(style)
        return cell
    return value


def safe_row(ws, values) -> list:
    """``[safe_cell(ws, v) for v in values]``: a row ready for ``ws.append``."""
    return [safe_cell(ws, value) for value in values]
