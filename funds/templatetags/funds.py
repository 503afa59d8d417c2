"""``{% load funds %}``: a state as its programme names it, and amounts in 万元."""

from decimal import Decimal

from django import template

from portal.workflow import flow_of

register = template.Library()


@register.filter
def state_label(obj) -> str:
    return str(flow_of(obj).label_of(obj.state)) if obj is not None else ""


@register.filter
def wan(amount) -> str:
    """Yuan as 万元 with two decimals (the guide states caps in 万元)."""
    if amount in (None, ""):
        return "—"
    return f"{Decimal(amount) / Decimal(10000):.2f}"
