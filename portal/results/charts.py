"""Accessible server-side SVG charts of indicator breakdowns and trends (no script, no styles)."""

from __future__ import annotations

import html
import math
import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Final

# Contrast on white (WCAG 2.1): text 17.4:1, muted text 7.0:1, bars 4.5:1 (and 3.9:1 against the
# dark whiskers drawn over them), series line 6.9:1, target line 5.9:1, axis 4.5:1.
TEXT: Final = "#1a1a1a"
MUTED: Final = "#595959"
BAR: Final = "#3a78c2"
SERIES: Final = "#1f5c99"
TARGET: Final = "#a04d00"
AXIS: Final = "#767676"
GRID: Final = "#d0d0d0"
FONT: Final = "system-ui, -apple-system, 'Segoe UI', 'Noto Sans', 'Noto Sans CJK SC', sans-serif"
FONT_SIZE: Final = 14
SMALL: Final = 12

_CHART_ID = re.compile(r"^[A-Za-z][A-Za-z0-9_-]*$")


@dataclass(frozen=True)
class Bar:
    """One row of a breakdown chart; `value` None means suppressed (or no data)."""

    label: str
    value: float | None
    ci95: tuple[float, float] | None = None
    value_text: str | None = None


@dataclass(frozen=True)
class TrendPoint:
    year: int
    value: float | None
    value_text: str | None = None


def percent_text(value: float) -> str:
    """Default value label; callers pass locale-formatted `value_text` where they have one."""
    return f"{value * 100:.1f}%"


def percent_tick(value: float) -> str:
    return f"{value * 100:.0f}%"


def _esc(text: str) -> str:
    return html.escape(text, quote=True)


def _num(number: float) -> str:
    return f"{number:.1f}"


def _text_width(text: str, size: float) -> float:
    # East Asian wide characters take a full em; Latin text averages about 0.6 em.
    return size * sum(1.0 if unicodedata.east_asian_width(c) in "WF" else 0.6 for c in text)


def _nice_max(largest: float) -> float:
    if largest <= 0:
        return 1.0
    magnitude = 10.0 ** math.floor(math.log10(largest))
    return next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= largest)


def _check(value: float | None, what: str) -> None:
    if value is not None and (not math.isfinite(value) or value < 0):
        raise ValueError(f"{what} must be a finite number, zero or more, not {value!r}")


def _text(x: float, y: float, content: str, **attributes: str) -> str:
    extra = "".join(f' {name.replace("_", "-")}="{_esc(v)}"' for name, v in attributes.items())
    return f'<text x="{_num(x)}" y="{_num(y)}"{extra}>{_esc(content)}</text>'


def _line(x1: float, y1: float, x2: float, y2: float, stroke: str, width: float = 1) -> str:
    return (
        f'<line x1="{_num(x1)}" y1="{_num(y1)}" x2="{_num(x2)}" y2="{_num(y2)}" '
        f'stroke="{stroke}" stroke-width="{width}"/>'
    )


def _svg(chart_id: str, kind: str, width: float, height: float, title: str, desc: str) -> str:
    if not _CHART_ID.match(chart_id):
        raise ValueError(f"chart_id {chart_id!r} must be a letter followed by letters/digits/-/_")
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart chart-{kind}" role="img" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc" width="{_num(width)}" '
        f'height="{_num(height)}" viewBox="0 0 {_num(width)} {_num(height)}" '
        f'font-family="{_esc(FONT)}" font-size="{FONT_SIZE}" fill="{TEXT}">'
        f'<title id="{chart_id}-title">{_esc(title)}</title>'
        f'<desc id="{chart_id}-desc">{_esc(desc)}</desc>'
        f'<rect width="100%" height="100%" fill="#ffffff"/>'
    )


def bar_chart(
    bars: Sequence[Bar],
    *,
    title: str,
    description: str,
    chart_id: str,
    suppressed_text: str,
    max_value: float | None = 1.0,
    value_format: Callable[[float], str] = percent_text,
    tick_format: Callable[[float], str] = percent_tick,
    plot_width: int = 360,
) -> str:
    """Horizontal bars with value labels and 95% interval whiskers; one row per breakdown group.

    Labels and texts come translated from the caller. A bar with no value shows `suppressed_text`
    (or its own `value_text`) instead of a bar. `max_value` None scales to the data.
    """
    for bar in bars:
        _check(bar.value, f"value of {bar.label!r}")
        for bound in bar.ci95 or ():
            _check(bound, f"interval of {bar.label!r}")
    reach = [max(b.value, *b.ci95) if b.ci95 else b.value for b in bars if b.value is not None]
    largest = max(reach, default=0.0)
    scale = max(max_value or _nice_max(largest), largest) or 1.0
    texts = [
        b.value_text or (value_format(b.value) if b.value is not None else suppressed_text)
        for b in bars
    ]
    label_width = max((_text_width(b.label, FONT_SIZE) for b in bars), default=0) + 16
    value_width = max((_text_width(t, FONT_SIZE) for t in texts), default=0) + 16
    row, top, axis = 34, 10, 30
    width = label_width + plot_width + value_width
    height = top + row * len(bars) + axis
    plot_bottom = top + row * len(bars)
    parts = [_svg(chart_id, "bar", width, height, title, description)]
    for i in range(5):
        tick = scale * i / 4
        x = label_width + plot_width * i / 4
        parts.append(_line(x, top, x, plot_bottom, GRID))
        parts.append(
            _text(
                x, plot_bottom + 18, tick_format(tick), text_anchor="middle", font_size=str(SMALL)
            )
        )
    parts.append(_line(label_width, top, label_width, plot_bottom, AXIS))
    for i, (bar, text) in enumerate(zip(bars, texts, strict=True)):
        middle = top + row * i + row / 2
        parts.append("<g>")
        parts.append(_text(label_width - 8, middle, bar.label, text_anchor="end", dy="0.35em"))
        if bar.value is None:
            parts.append(
                _text(label_width + 6, middle, text, fill=MUTED, font_style="italic", dy="0.35em")
            )
        else:
            end = label_width + plot_width * bar.value / scale
            parts.append(
                f'<rect x="{_num(label_width)}" y="{_num(middle - 9)}" '
                f'width="{_num(end - label_width)}" height="18" fill="{BAR}"/>'
            )
            if bar.ci95 is not None:
                low, high = (label_width + plot_width * b / scale for b in bar.ci95)
                parts.append(_line(low, middle, high, middle, TEXT, 1.5))
                parts.append(_line(low, middle - 6, low, middle + 6, TEXT, 1.5))
                parts.append(_line(high, middle - 6, high, middle + 6, TEXT, 1.5))
                end = max(end, high)
            parts.append(_text(end + 6, middle, text, dy="0.35em"))
        parts.append("</g>")
    parts.append("</svg>")
    return "".join(parts)


def trend_chart(
    points: Sequence[TrendPoint],
    *,
    title: str,
    description: str,
    chart_id: str,
    series_label: str,
    missing_text: str,
    targets: Sequence[TrendPoint] = (),
    target_label: str = "",
    y_max: float | None = 1.0,
    value_format: Callable[[float], str] = percent_text,
    tick_format: Callable[[float], str] = percent_tick,
    width: int = 640,
    height: int = 320,
) -> str:
    """A line across years, with a dashed target line when targets are given.

    A year whose value is None breaks the line and shows `missing_text` above the axis. Values,
    the series and the target are named in text, never by colour alone.
    """
    if targets and not target_label:
        raise ValueError("a target line needs its target_label")
    for point in (*points, *targets):
        _check(point.value, f"value for {point.year}")
    values = [p.value for p in (*points, *targets) if p.value is not None]
    scale = max(y_max or _nice_max(max(values, default=0)), *values, 0) or 1.0
    years = sorted({p.year for p in (*points, *targets)})
    left, right, top, bottom, inset = 64, 24, 44, 40, 36
    plot_w, plot_h = width - left - right, height - top - bottom

    def x_of(year: int) -> float:
        if len(years) == 1:
            return left + plot_w / 2
        return left + inset + (plot_w - 2 * inset) * (year - years[0]) / (years[-1] - years[0])

    def y_of(value: float) -> float:
        return top + plot_h * (1 - value / scale)

    parts = [_svg(chart_id, "trend", width, height, title, description)]
    for i in range(5):
        y = y_of(scale * i / 4)
        parts.append(_line(left, y, left + plot_w, y, GRID))
        parts.append(_text(left - 8, y, tick_format(scale * i / 4), text_anchor="end",
                           dy="0.35em", font_size=str(SMALL)))  # fmt: skip
    parts.append(_line(left, top + plot_h, left + plot_w, top + plot_h, AXIS))
    for year in years:
        parts.append(_text(x_of(year), top + plot_h + 20, str(year), text_anchor="middle"))
    parts.append(_line(left, 16, left + 24, 16, SERIES, 3))
    parts.append(_text(left + 30, 16, series_label, dy="0.35em"))
    if targets:
        legend_x = left + 54 + _text_width(series_label, FONT_SIZE)
        parts.append(
            f'<line x1="{_num(legend_x)}" y1="16" x2="{_num(legend_x + 24)}" y2="16" '
            f'stroke="{TARGET}" stroke-width="2" stroke-dasharray="6 4"/>'
        )
        parts.append(_text(legend_x + 30, 16, target_label, dy="0.35em"))
        known = sorted((p for p in targets if p.value is not None), key=lambda p: p.year)
        coords = " ".join(f"{_num(x_of(p.year))},{_num(y_of(p.value or 0))}" for p in known)
        parts.append(
            f'<polyline points="{coords}" fill="none" stroke="{TARGET}" stroke-width="2" '
            f'stroke-dasharray="6 4"/>'
        )
        for p in known:
            x, y = x_of(p.year), y_of(p.value or 0)
            parts.append(
                f'<rect x="{_num(x - 4)}" y="{_num(y - 4)}" width="8" height="8" fill="{TARGET}"/>'
            )
    target_at = {p.year: p.value for p in targets if p.value is not None}
    ordered = sorted(points, key=lambda p: p.year)
    segment: list[str] = []
    for step in (*ordered, None):
        if step is not None and step.value is not None:
            segment.append(f"{_num(x_of(step.year))},{_num(y_of(step.value))}")
            continue
        if len(segment) > 1:
            parts.append(f'<polyline points="{" ".join(segment)}" fill="none" '
                         f'stroke="{SERIES}" stroke-width="3"/>')  # fmt: skip
        segment = []
    for p in ordered:
        x = x_of(p.year)
        if p.value is None:
            parts.append(_text(x, top + plot_h - 8, p.value_text or missing_text,
                               text_anchor="middle", fill=MUTED, font_style="italic",
                               font_size=str(SMALL)))  # fmt: skip
            continue
        y = y_of(p.value)
        parts.append(f'<circle cx="{_num(x)}" cy="{_num(y)}" r="5" fill="{SERIES}"/>')
        label = p.value_text or value_format(p.value)
        # Below the point when the target line or the top edge would cover a label above it.
        target = target_at.get(p.year)
        below = (target is not None and target >= p.value) or y - 12 < top
        parts.append(
            _text(x, y + 22 if below else y - 12, label, text_anchor="middle", font_weight="bold")
        )
    parts.append("</svg>")
    return "".join(parts)
