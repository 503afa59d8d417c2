"""Figures of the statistics pages: 亿元 with two decimals, counts with thousands separators, shares and
growth in per cent (growth signed), "—" for what was not reported."""

from decimal import Decimal

from django import template

from monitoring.statistics import _number

register = template.Library()


@register.filter
def figure(value, kind="money") -> str:
    number = _number(value)
    if number is None:
        return "—"
    if kind == "count":
        return f"{int(number):,}"
    return f"{number.quantize(Decimal('0.01')):,}"


@register.filter
def pct(value) -> str:
    number = _number(value)
    return "—" if number is None else f"{number}%"


@register.filter
def growth(value) -> str:
    number = _number(value)
    if number is None:
        return "—"
    return f"+{number}%" if number > 0 else f"{number}%"
