"""A small server-side SVG strip plot of an application's scores: no script, no inline style (CSP)."""

from decimal import Decimal

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

WIDTH, HEIGHT, PAD = 220, 28, 8


def rubric_maximum(criteria) -> Decimal:
    return sum((c.max_points * c.weight for c in criteria), Decimal("0")) or Decimal("100")


def strip_plot(totals: list[Decimal], *, maximum: Decimal) -> SafeString:
    """Each score a dot on a 0..maximum axis, the mean a vertical mark."""
    span = WIDTH - 2 * PAD

    def x(value) -> str:
        return f"{PAD + float(value) / float(maximum or 1) * span:.1f}"

    dots = format_html_join("", '<circle cx="{}" cy="14" r="4" fill="#a61b1b" fill-opacity="0.6"><title>{}</title>'
                                '</circle>', ((x(t), t) for t in totals))
    mean = ""
    if totals:
        average = sum(totals) / len(totals)
        mean = format_html('<line x1="{0}" x2="{0}" y1="4" y2="24" stroke="#0d6efd" stroke-width="2"/>', x(average))
    return format_html(
        '<svg class="strip-plot" width="{w}" height="{h}" viewBox="0 0 {w} {h}" role="img" aria-label="{label}">'
        '<line x1="{p}" x2="{end}" y1="14" y2="14" stroke="#adb5bd"/>{mean}{dots}'
        '<text x="{p}" y="27" font-size="8" fill="#6c757d">0</text>'
        '<text x="{end}" y="27" font-size="8" fill="#6c757d" text-anchor="end">{max}</text></svg>',
        w=WIDTH, h=HEIGHT, p=PAD, end=WIDTH - PAD, mean=mean, dots=dots, max=maximum,
        label=", ".join(str(t) for t in totals) or "—")
