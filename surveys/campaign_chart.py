"""The response rate of a campaign over time as an accessible server-side SVG (no script, no CSS).

Same look and colours as the results charts; every text comes translated and formatted from the
caller, and the page shows the same figures in a data table beside the chart.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from dataclasses import dataclass

from portal.results.charts import AXIS, FONT, FONT_SIZE, GRID, MUTED, SERIES, SMALL, TEXT

_CHART_ID = re.compile(r"^[A-Za-z][A-Za-z0-9_-]*$")
MAX_DAY_LABELS = 6


@dataclass(frozen=True)
class RateMark:
    """One point of the series: its day's label, and the rate (None: nobody invited yet)."""

    label: str
    rate: float | None


def _esc(text: str) -> str:
    return html.escape(text, quote=True)


def _n(number: float) -> str:
    return f"{number:.1f}"


def _text(x: float, y: float, content: str, anchor: str = "middle", size: int = SMALL) -> str:
    return (
        f'<text x="{_n(x)}" y="{_n(y)}" text-anchor="{anchor}" font-size="{size}" '
        f'dy="0.35em">{_esc(content)}</text>'
    )


def _line(x1: float, y1: float, x2: float, y2: float, stroke: str) -> str:
    return (
        f'<line x1="{_n(x1)}" y1="{_n(y1)}" x2="{_n(x2)}" y2="{_n(y2)}" stroke="{stroke}" '
        f'stroke-width="1"/>'
    )


def _labelled(count: int) -> set[int]:
    """Indexes of the points whose day is written under the axis: the first, the last and a few
    evenly between, so labels never overlap."""
    if count <= MAX_DAY_LABELS:
        return set(range(count))
    step = (count - 1) / (MAX_DAY_LABELS - 1)
    return {round(i * step) for i in range(MAX_DAY_LABELS)}


def rate_chart(
    marks: Sequence[RateMark],
    *,
    chart_id: str,
    title: str,
    description: str,
    ticks: Sequence[str],
    last_text: str,
    width: int = 640,
    height: int = 280,
) -> str:
    """A line of the response rate (0 to 100%) across days; `ticks` are the labels of 0, 25, 50,
    75 and 100%; `last_text` (the latest rate, formatted) is written at the line's end."""
    if not _CHART_ID.match(chart_id):
        raise ValueError(f"chart_id {chart_id!r} must be a letter followed by letters/digits/-/_")
    if len(ticks) != 5:
        raise ValueError("five tick labels are needed: 0, 25, 50, 75 and 100%")
    for mark in marks:
        if mark.rate is not None and not 0 <= mark.rate <= 1:
            raise ValueError(f"a rate is between 0 and 1, not {mark.rate!r}")
    left, right, top, bottom = 56, 72, 16, 40
    plot_w, plot_h = width - left - right, height - top - bottom

    def x_of(index: int) -> float:
        return left + (plot_w * index / (len(marks) - 1) if len(marks) > 1 else plot_w / 2)

    def y_of(rate: float) -> float:
        return top + plot_h * (1 - rate)

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart chart-rate" role="img" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" font-family="{_esc(FONT)}" font-size="{FONT_SIZE}" '
        f'fill="{TEXT}"><title id="{chart_id}-title">{_esc(title)}</title>'
        f'<desc id="{chart_id}-desc">{_esc(description)}</desc>'
        f'<rect width="100%" height="100%" fill="#ffffff"/>'
    ]
    for i, tick in enumerate(ticks):
        y = y_of(i / 4)
        parts.append(_line(left, y, left + plot_w, y, GRID))
        parts.append(_text(left - 8, y, tick, anchor="end"))
    parts.append(_line(left, top + plot_h, left + plot_w, top + plot_h, AXIS))
    for index in sorted(_labelled(len(marks))):
        x = x_of(index)
        parts.append(_line(x, top + plot_h, x, top + plot_h + 5, AXIS))
        parts.append(_text(x, top + plot_h + 20, marks[index].label))
    known = [(x_of(i), y_of(m.rate)) for i, m in enumerate(marks) if m.rate is not None]
    if len(known) > 1:
        points = " ".join(f"{_n(x)},{_n(y)}" for x, y in known)
        parts.append(
            f'<polyline points="{points}" fill="none" stroke="{SERIES}" stroke-width="3" '
            f'stroke-linejoin="round"/>'
        )
    if known:
        x, y = known[-1]
        parts.append(f'<circle cx="{_n(x)}" cy="{_n(y)}" r="5" fill="{SERIES}"/>')
        parts.append(
            f'<text x="{_n(x + 10)}" y="{_n(y)}" dy="0.35em" font-weight="bold">'
            f"{_esc(last_text)}</text>"
        )
    else:
        parts.append(
            f'<text x="{_n(left + plot_w / 2)}" y="{_n(top + plot_h / 2)}" text-anchor="middle" '
            f'fill="{MUTED}" font-style="italic">{_esc(last_text)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)
