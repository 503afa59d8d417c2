from django import template

from portal.documents.text import title_lines as _title_lines

register = template.Library()


@register.filter
def title_lines(title: str) -> list[str]:
    """A document title in lines of balanced length, never a lone character on a line."""
    return _title_lines(str(title))
