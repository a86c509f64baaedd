"""Charts as inline SVG, drawn on the server by the same code for the dashboard
and the PDF reports (no JavaScript, prints sharp, WeasyPrint renders it)."""

from decimal import Decimal

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

INK = "#1f2937"
MUTED = "#6b7280"
GRID = "#e5e7eb"
ACCENT = "#b91c1c"
BAR = "#2563eb"
# Named in the SVG itself: WeasyPrint does not apply the page's CSS to it, and
# fontconfig's plain sans-serif would give Chinese the Japanese glyph forms.
FONT = "'Noto Sans CJK SC', 'PingFang SC', 'Microsoft YaHei', sans-serif"


def _number(value) -> str:
    if value is None:
        return "—"
    value = Decimal(value)
    if value == value.to_integral():
        return f"{int(value):,}"
    return f"{value:,.2f}"


def _nice_top(value: float) -> float:
    if value <= 0:
        return 1
    magnitude = 10 ** (len(str(int(value))) - 1)
    for step in (1, 2, 4, 5, 10):
        if step * magnitude >= value:
            return step * magnitude
    return 10 * magnitude


def line_chart(points: list[tuple[str, object]], *, title: str, width=560, height=200):
    """A line over the periods; gaps where a value is missing."""
    left, right, top, bottom = 48, 12, 28, 28
    plot_w, plot_h = width - left - right, height - top - bottom
    values = [float(v) for _label, v in points if v is not None]
    peak = _nice_top(max(values, default=0))
    step = plot_w / max(len(points) - 1, 1)

    def y(value):
        return top + plot_h - float(value) / peak * plot_h

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'class="chart" role="img" aria-label="{escape(title)}" '
        f'font-family="{FONT}">',
        f'<text x="0" y="16" font-size="13" fill="{INK}" font-weight="bold">'
        f"{escape(title)}</text>",
    ]
    for fraction in (0, 0.5, 1):
        line_y = top + plot_h - fraction * plot_h
        parts.append(
            f'<line x1="{left}" x2="{width - right}" y1="{line_y:.1f}" '
            f'y2="{line_y:.1f}" stroke="{GRID}"/>'
            f'<text x="{left - 6}" y="{line_y + 4:.1f}" font-size="10" '
            f'text-anchor="end" fill="{MUTED}">{_number(peak * fraction)}</text>'
        )
    path, pen_down = [], False
    for index, (label, value) in enumerate(points):
        x = left + index * step
        every = max(len(points) // 6, 1)
        if (
            index % every == 0
            and len(points) - 1 - index >= every
            or (index == len(points) - 1)
        ):
            anchor = "end" if index == len(points) - 1 else "middle"
            parts.append(
                f'<text x="{x:.1f}" y="{height - 8}" font-size="10" '
                f'text-anchor="{anchor}" fill="{MUTED}">{escape(label)}</text>'
            )
        if value is None:
            pen_down = False
            continue
        path.append(f"{'L' if pen_down else 'M'}{x:.1f},{y(value):.1f}")
        pen_down = True
        parts.append(
            f'<circle cx="{x:.1f}" cy="{y(value):.1f}" r="2.5" fill="{ACCENT}"/>'
        )
    if path:
        parts.append(
            f'<path d="{" ".join(path)}" fill="none" stroke="{ACCENT}" '
            f'stroke-width="2"/>'
        )
    last = next((v for _label, v in reversed(points) if v is not None), None)
    if last is not None:
        parts.append(
            f'<text x="{width - right}" y="16" font-size="12" text-anchor="end" '
            f'fill="{ACCENT}">{_number(last)}</text>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))


def bar_chart(rows: list[tuple[str, object]], *, title: str, width=560) -> SafeString:
    """Horizontal bars, one per row, with the value at the end."""
    label_w, bar_h, gap, top = 190, 16, 6, 26
    height = top + len(rows) * (bar_h + gap) + 4
    peak = max((float(v) for _label, v in rows if v is not None), default=0) or 1
    plot_w = width - label_w - 70
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'class="chart" role="img" aria-label="{escape(title)}" '
        f'font-family="{FONT}">',
        f'<text x="0" y="16" font-size="13" fill="{INK}" font-weight="bold">'
        f"{escape(title)}</text>",
    ]
    for index, (label, value) in enumerate(rows):
        y = top + index * (bar_h + gap)
        length = float(value or 0) / peak * plot_w
        short = label if len(label) <= 15 else label[:14] + "…"
        parts.append(
            f'<text x="{label_w - 6}" y="{y + bar_h - 4}" font-size="11" '
            f'text-anchor="end" fill="{INK}">{escape(short)}</text>'
            f'<rect x="{label_w}" y="{y}" width="{max(length, 1):.1f}" '
            f'height="{bar_h}" fill="{BAR}" rx="2"/>'
            f'<text x="{label_w + length + 6:.1f}" y="{y + bar_h - 4}" '
            f'font-size="11" fill="{MUTED}">{_number(value)}</text>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))
