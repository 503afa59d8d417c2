"""Server-side SVG charts of the statistics dashboard (like ``review/charts.py``): no script, no inline
style (CSP), and accessible: each chart is ``role="img"`` labelled by its ``<title>`` and ``<desc>``, each
bar carries its value in a ``<title>`` and as text, and the page puts a data table next to it.

- ``bars(items, ...)``: one horizontal bar per item (a base's share of digital-service exports), with the
  target as a dashed vertical line;
- ``columns(years, series, ...)``: per year a group of columns, one per series (the bases' total exports
  of two years, or several indicators of one base), with a legend (one line per series).
"""

from __future__ import annotations

from decimal import Decimal

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

PALETTE = ["#a61b1b", "#0d6efd", "#198754", "#6f42c1", "#fd7e14", "#20c997", "#6c757d", "#d63384"]
TEXT = "#212529"
MUTED = "#6c757d"
TARGET = "#0a58ca"


def _f(value) -> float:
    return float(value) if value is not None else 0.0


def _n(value: float) -> str:
    return f"{value:.1f}"


def _label(value, unit: str) -> str:
    return "—" if value is None else f"{value}{unit}"


def _frame(*, dom_id: str, title: str, desc: str, width: int, height: int, body: SafeString) -> SafeString:
    return format_html(
        '<svg class="monitoring-chart" id="{id}" width="{w}" height="{h}" viewBox="0 0 {w} {h}" role="img" '
        'aria-labelledby="{id}-title {id}-desc" preserveAspectRatio="xMinYMin meet">'
        '<title id="{id}-title">{title}</title><desc id="{id}-desc">{desc}</desc>{body}</svg>',
        id=dom_id, w=width, h=height, title=title, desc=desc, body=body)


def bars(items: list[tuple[str, Decimal | None]], *, dom_id: str, title: str, desc: str, unit: str = "%",
         target: Decimal | None = None, target_label: str = "", maximum: Decimal | None = None) -> SafeString:
    """Horizontal bars, one per ``(label, value)``; ``None`` values are drawn as "—" without a bar."""
    label_width, bar_width, row, pad = 230, 380, 22, 8
    width = label_width + bar_width + 70
    top = 24 if target is not None else 8
    height = top + row * max(len(items), 1) + 22
    values = [v for _l, v in items if v is not None]
    scale = max([_f(maximum)] + [_f(v) for v in values] + [_f(target) * 1.1 if target is not None else 0]) or 1.0

    def x(value) -> float:
        return label_width + _f(value) / scale * bar_width

    parts = []
    for i, (label, value) in enumerate(items):
        y = top + i * row
        name = label if len(label) <= 16 else label[:15] + "…"
        parts.append(format_html('<text x="{}" y="{}" font-size="11" fill="{}" text-anchor="end">{}</text>',
                                 label_width - pad, y + 15, TEXT, name))
        shown = _label(value, unit)
        if value is not None:
            met = target is not None and value >= target
            parts.append(format_html(
                '<rect x="{}" y="{}" width="{}" height="{}" fill="{}"><title>{}：{}</title></rect>',
                label_width, y + 3, _n(max(x(value) - label_width, 0.5)), row - 6,
                PALETTE[2] if met else PALETTE[0], label, shown))
        parts.append(format_html('<text x="{}" y="{}" font-size="11" fill="{}">{}</text>',
                                 _n((x(value) if value is not None else label_width) + 4), y + 15, TEXT, shown))
    axis_y = top + row * max(len(items), 1)
    parts.append(format_html('<line x1="{0}" x2="{0}" y1="{1}" y2="{2}" stroke="{3}"/>',
                             label_width, top - 2, axis_y, MUTED))
    parts.append(format_html('<text x="{}" y="{}" font-size="10" fill="{}">0</text>', label_width, axis_y + 14, MUTED))
    parts.append(format_html('<text x="{}" y="{}" font-size="10" fill="{}" text-anchor="end">{}</text>',
                             label_width + bar_width, axis_y + 14, MUTED, _label(round(scale, 1), unit)))
    if target is not None:
        tx = _n(x(target))
        parts.append(format_html(
            '<line class="target" x1="{0}" x2="{0}" y1="{1}" y2="{2}" stroke="{3}" stroke-width="2" '
            'stroke-dasharray="5 3"><title>{4}</title></line>', tx, top - 6, axis_y, TARGET, target_label))
        parts.append(format_html('<text x="{}" y="{}" font-size="10" fill="{}" text-anchor="middle">{}</text>',
                                 tx, top - 10, TARGET, target_label))
    return _frame(dom_id=dom_id, title=title, desc=desc, width=width, height=height,
                  body=mark_safe("".join(parts)))  # noqa: S308 - every part is format_html output


def columns(years: list[int], series: list[tuple[str, dict[int, Decimal | int | None]]], *, dom_id: str,
            title: str, desc: str, unit: str = "") -> SafeString:
    """Per year a group of columns, one per ``(name, {year: value})`` series, with a legend."""
    left, plot_h, top, bottom = 40, 180, 12, 40
    group = max(110, 40 * max(len(series), 1) + 30)
    width = max(left + group * max(len(years), 1) + 20, 300)
    height = top + plot_h + bottom + 18 * len(series)
    values = [_f(v) for _n, data in series for v in data.values() if v is not None]
    scale = max(values + [0.0]) or 1.0
    column = (group - 20) / max(len(series), 1)
    parts = [format_html('<line x1="{0}" x2="{1}" y1="{2}" y2="{2}" stroke="{3}"/>',
                         left, width - 10, top + plot_h, MUTED)]
    for g, year in enumerate(years):
        gx = left + g * group + 10
        for s, (name, data) in enumerate(series):
            value = data.get(year)
            colour = PALETTE[s % len(PALETTE)]
            cx = gx + s * column
            shown = _label(value, unit)
            if value is not None:
                h = _f(value) / scale * (plot_h - 16)
                parts.append(format_html(
                    '<rect x="{}" y="{}" width="{}" height="{}" fill="{}"><title>{} {}年：{}</title>'
                    '</rect>', _n(cx), _n(top + plot_h - h), _n(column - 3), _n(max(h, 0.5)), colour, name, year,
                    shown))
                parts.append(format_html(
                    '<text x="{}" y="{}" font-size="9" fill="{}" text-anchor="middle">{}</text>',
                    _n(cx + (column - 3) / 2), _n(top + plot_h - h - 3), TEXT, value))
            else:
                parts.append(format_html(
                    '<text x="{}" y="{}" font-size="9" fill="{}" text-anchor="middle">—</text>',
                    _n(cx + (column - 3) / 2), top + plot_h - 3, MUTED))
        parts.append(format_html('<text x="{}" y="{}" font-size="11" fill="{}" text-anchor="middle">{}年</text>',
                                 _n(gx + (group - 20) / 2), top + plot_h + 16, TEXT, year))
    legend_y = top + plot_h + bottom
    parts.append(format_html_join("", (
        '<rect x="{}" y="{}" width="10" height="10" fill="{}"/>'
        '<text x="{}" y="{}" font-size="10" fill="{}">{}</text>'), (
        (left, legend_y + i * 18 - 9, PALETTE[i % len(PALETTE)], left + 14, legend_y + i * 18, TEXT,
         name if len(name) <= 40 else name[:39] + "…")
        for i, (name, _data) in enumerate(series))))
    return _frame(dom_id=dom_id, title=title, desc=desc, width=width, height=height,
                  body=mark_safe("".join(parts)))  # noqa: S308 - every part is format_html output
