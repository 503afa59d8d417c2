"""Cleaning free text read straight from a request (outside a Django form)."""

import unicodedata


def clean_text(value, *, max_length: int) -> str:
    """Drop NUL and other control characters (keeping new lines and tabs), and cut to ``max_length``."""
    text = str(value or "")[: max_length * 2]
    text = "".join(ch for ch in text if ch in "\n\t" or unicodedata.category(ch) != "Cc")
    return text[:max_length]
