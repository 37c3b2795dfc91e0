"""Charts drawn at build time as inline SVG: no script, no web font, every bar a link to its source."""

from __future__ import annotations

from markupsafe import Markup, escape

BAR_HEIGHT = 22
GAP = 8
LABEL_WIDTH = 150
PLOT_WIDTH = 230
VALUE_WIDTH = 80


def bar_chart(title: str, bars: list[tuple[str, float, str, str]], unit: str) -> Markup:
    """Horizontal bars: (label, value, formatted value, link). Scaled to the largest value of the measure.

    The chart is a labelled group, not an image: an image's content is hidden from assistive technology,
    and each bar is a link a reader must be able to reach (named by its label and value)."""
    top = max((value for _, value, _, _ in bars), default=0.0) or 1.0
    height = 28 + len(bars) * (BAR_HEIGHT + GAP)
    width = LABEL_WIDTH + PLOT_WIDTH + VALUE_WIDTH
    suffix = "%" if unit == "percent" else ""
    parts = [
        f'<svg class="chart" role="group" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'xmlns="http://www.w3.org/2000/svg" aria-label="{escape(title)}">',
        f"<title>{escape(title)}</title>",
        f'<text class="chart-title" x="0" y="16">{escape(title)}</text>',
    ]
    for index, (label, value, shown, href) in enumerate(bars):
        y = 28 + index * (BAR_HEIGHT + GAP)
        length = max(2.0, PLOT_WIDTH * value / top)
        parts.append(
            f'<a href="{escape(href)}" aria-label="{escape(label)}: {escape(shown)}{suffix}"><text class="chart-label" x="0" y="{y + 15}">{escape(label)}</text>'
            f'<rect class="chart-bar" x="{LABEL_WIDTH}" y="{y}" width="{length:.1f}" height="{BAR_HEIGHT}" rx="3"/>'
            f'<text class="chart-value" x="{LABEL_WIDTH + length + 6:.1f}" y="{y + 15}">{escape(shown)}{suffix}</text></a>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))
