"""Numbers as people write them: scores with two decimals ("5.30"), points as "100分"."""

from decimal import Decimal, InvalidOperation

from django import template

register = template.Library()


def _decimal(value) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None


@register.filter
def score(value, empty="—") -> str:
    """A score or statistic with two decimals: 5.3 → "5.30"; nothing → "—"."""
    number = _decimal(value)
    return empty if number is None else f"{number.quantize(Decimal('0.01'))}"


@register.filter
def points(value) -> str:
    """Maximum points without a needless decimal: 100.0 → "100分", 7.5 → "7.5分"."""
    number = _decimal(value)
    if number is None:
        return "—"
    text = str(int(number)) if number == number.to_integral_value() else format(number.normalize(), "f")
    return f"{text}分"
