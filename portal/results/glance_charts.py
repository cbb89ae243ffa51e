"""Small server-side SVG charts for the results matrix: a value against its target, a trend line.

Both are drawn to sit in a tile beside a data table that says the same thing: the SVG names the
table with `aria-describedby`, and its own title and description carry the figures as text. A
figure with no value (suppressed or no data) draws no bar and no point: only the caller's text.
In a right-to-left page the drawing is mirrored (bars grow leftwards, the years run leftwards).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from portal.results.charts import (
    _CHART_ID,
    AXIS,
    FONT,
    FONT_SIZE,
    GRID,
    MUTED,
    SERIES,
    SMALL,
    TARGET,
    TEXT,
    TrendPoint,
    _check,
    _esc,
    _nice_max,
    _num,
    _text_width,
    percent_text,
)

# Bar fills by rating, each with an outline of at least 3:1 on white (WCAG 1.4.11): green 5.1:1,
# yellow's dark outline 5.4:1 (the fill itself is light), no rating UN blue 4.6:1.
STATUS_FILLS = {
    "green": ("#1a7f37", "#1a7f37"),
    "yellow": ("#ffd34d", "#8a6a00"),
}
NEUTRAL_FILL = ("#3a78c2", "#2b5f9e")
TRACK = "#eceff2"


class _Mirror:
    """x positions of a drawing that is mirrored in a right-to-left page (texts there are set
    right to left, so their "start" anchor is already their right end)."""

    def __init__(self, width: float, rtl: bool) -> None:
        self.width, self.rtl = width, rtl

    def x(self, x: float) -> float:
        return self.width - x if self.rtl else x


def _open(
    chart_id: str, kind: str, width: float, height: float, title: str, desc: str, described_by: str
) -> str:
    for name in (chart_id, described_by):
        if not _CHART_ID.match(name):
            raise ValueError(f"id {name!r} must be a letter followed by letters/digits/-/_")
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart chart-{kind}" role="img" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc" aria-describedby="{described_by}" '
        f'width="{_num(width)}" height="{_num(height)}" viewBox="0 0 {_num(width)} {_num(height)}" '
        f'font-family="{_esc(FONT)}" font-size="{FONT_SIZE}" fill="{TEXT}">'
        f'<title id="{chart_id}-title">{_esc(title)}</title>'
        f'<desc id="{chart_id}-desc">{_esc(desc)}</desc>'
    )


def _label(m: _Mirror, x: float, y: float, content: str, anchor: str, **extra: str) -> str:
    attributes = "".join(f' {name.replace("_", "-")}="{_esc(v)}"' for name, v in extra.items())
    direction = ' direction="rtl"' if m.rtl else ""
    return (
        f'<text x="{_num(m.x(x))}" y="{_num(y)}" text-anchor="{anchor}"{direction}'
        f"{attributes}>{_esc(content)}</text>"
    )


def _vline(m: _Mirror, x: float, y1: float, y2: float, stroke: str, width: float) -> str:
    at = _num(m.x(x))
    return (
        f'<line x1="{at}" y1="{_num(y1)}" x2="{at}" y2="{_num(y2)}" '
        f'stroke="{stroke}" stroke-width="{width}"/>'
    )


def _hline(m: _Mirror, x1: float, x2: float, y: float, stroke: str, width: float) -> str:
    a, b = sorted((m.x(x1), m.x(x2)))
    return (
        f'<line x1="{_num(a)}" y1="{_num(y)}" x2="{_num(b)}" y2="{_num(y)}" '
        f'stroke="{stroke}" stroke-width="{width}"/>'
    )


def target_chart(
    *,
    value: float | None,
    target: float | None,
    ci95: Sequence[float] | None,
    status: str,
    title: str,
    description: str,
    chart_id: str,
    described_by: str,
    value_text: str,
    target_label: str,
    max_value: float | None = 1.0,
    tick_format: Callable[[float], str] = percent_text,
    rtl: bool = False,
    width: int = 320,
) -> str:
    """One bar for the value (coloured by its rating) with its 95% interval, a marker at the target.

    `value` None (suppressed, no data) draws no bar: `value_text` says why. `target_label` (e.g.
    "Target 90.0%") sits above the marker. `max_value` None scales to the figures.
    """
    for number, what in (
        (value, "value"),
        (target, "target"),
        *((b, "interval") for b in ci95 or ()),
    ):
        _check(number, what)
    reach = [n for n in (value, target, *(ci95 or ())) if n is not None]
    scale = max(max_value or _nice_max(max(reach, default=0.0)), *reach, 0.0) or 1.0
    m = _Mirror(width, rtl)
    label_room = _text_width(value_text, FONT_SIZE) + 12
    left, right = 8.0, width - 8 - label_room
    track_top, track_bottom, ticks_y, height = 26.0, 50.0, 70.0, 78

    def x_of(number: float) -> float:
        return left + (right - left) * number / scale

    parts = [_open(chart_id, "target", width, height, title, description, described_by)]
    a, b = sorted((m.x(left), m.x(right)))
    parts.append(
        f'<rect x="{_num(a)}" y="{_num(track_top)}" width="{_num(b - a)}" '
        f'height="{_num(track_bottom - track_top)}" fill="{TRACK}"/>'
    )
    for tick in (0.0, scale / 2, scale):
        parts.append(_vline(m, x_of(tick), track_bottom, track_bottom + 4, AXIS, 1))
        anchor = "start" if tick == 0 else "end" if tick == scale else "middle"
        parts.append(
            _label(
                m, x_of(tick), ticks_y, tick_format(tick), anchor, font_size=str(SMALL), fill=MUTED
            )
        )
    middle = (track_top + track_bottom) / 2
    if value is None:
        parts.append(
            _label(
                m,
                left + 6,
                middle,
                value_text,
                "start",
                dy="0.35em",
                fill=MUTED,
                font_style="italic",
            )
        )
    else:
        fill, outline = STATUS_FILLS.get(status, NEUTRAL_FILL)
        a, b = sorted((m.x(left), m.x(x_of(value))))
        parts.append(
            f'<rect x="{_num(a)}" y="{_num(middle - 8)}" width="{_num(max(b - a, 1))}" height="16" '
            f'fill="{fill}" stroke="{outline}" stroke-width="1.5"/>'
        )
        end = x_of(value)
        if ci95:
            low, high = (x_of(bound) for bound in ci95)
            parts.append(_hline(m, low, high, middle, TEXT, 1.5))
            parts.append(_vline(m, low, middle - 6, middle + 6, TEXT, 1.5))
            parts.append(_vline(m, high, middle - 6, middle + 6, TEXT, 1.5))
            end = max(end, high)
        if target is not None and end - 4 <= x_of(target) <= end + label_room:
            end = max(end, x_of(target) + 2)  # the label would sit on the target marker
        parts.append(
            _label(m, end + 6, middle, value_text, "start", dy="0.35em", font_weight="bold")
        )
    if target is not None:
        at = x_of(target)
        parts.append(_vline(m, at, track_top - 6, track_bottom + 2, TARGET, 3))
        anchor = "start" if at - left < 40 else "end" if right - at < 40 else "middle"
        parts.append(_label(m, at, 14, target_label, anchor, font_size=str(SMALL), fill=TARGET))
    parts.append("</svg>")
    return "".join(parts)


def trend_sparkline(
    points: Sequence[TrendPoint],
    *,
    targets: Sequence[TrendPoint] = (),
    title: str,
    description: str,
    chart_id: str,
    described_by: str,
    max_value: float | None = 1.0,
    value_format: Callable[[float], str] = percent_text,
    rtl: bool = False,
    width: int = 320,
    height: int = 104,
) -> str:
    """The value across the years (a solid line, broken where a year has none), the targets dashed.

    Years are labelled; the last year with a value carries its figure. A year with no value draws
    nothing at all, so that no suppressed figure can be read off the chart.
    """
    for point in (*points, *targets):
        _check(point.value, f"value for {point.year}")
    values = [p.value for p in (*points, *targets) if p.value is not None]
    scale = max(max_value or _nice_max(max(values, default=0.0)), *values, 0.0) or 1.0
    years = sorted({p.year for p in (*points, *targets)})
    m = _Mirror(width, rtl)
    left, right, top, bottom = 28.0, width - 28.0, 24.0, height - 30.0

    def x_of(year: int) -> float:
        if len(years) == 1:
            return (left + right) / 2
        return left + (right - left) * (year - years[0]) / (years[-1] - years[0])

    def y_of(number: float) -> float:
        return bottom - (bottom - top) * number / scale

    parts = [_open(chart_id, "sparkline", width, height, title, description, described_by)]
    parts.append(_hline(m, left - 12, right + 12, y_of(scale), GRID, 1))
    parts.append(_hline(m, left - 12, right + 12, bottom, AXIS, 1))
    for year in years:
        parts.append(_label(m, x_of(year), height - 10, str(year), "middle", font_size=str(SMALL)))
    known = sorted((p for p in targets if p.value is not None), key=lambda p: p.year)
    if known:
        coords = " ".join(f"{_num(m.x(x_of(p.year)))},{_num(y_of(p.value or 0))}" for p in known)
        parts.append(
            f'<polyline points="{coords}" fill="none" stroke="{TARGET}" stroke-width="2" '
            'stroke-dasharray="5 4"/>'
        )
        for p in known:
            x, y = m.x(x_of(p.year)), y_of(p.value or 0)
            parts.append(
                f'<rect x="{_num(x - 3.5)}" y="{_num(y - 3.5)}" width="7" height="7" '
                f'fill="{TARGET}"/>'
            )
    ordered = sorted(points, key=lambda p: p.year)
    segment: list[str] = []
    for step in (*ordered, None):
        if step is not None and step.value is not None:
            segment.append(f"{_num(m.x(x_of(step.year)))},{_num(y_of(step.value))}")
            continue
        if len(segment) > 1:
            parts.append(
                f'<polyline points="{" ".join(segment)}" fill="none" stroke="{SERIES}" '
                'stroke-width="3"/>'
            )
        segment = []
    shown = [p for p in ordered if p.value is not None]
    for p in shown:
        x, y = m.x(x_of(p.year)), y_of(p.value or 0)
        parts.append(f'<circle cx="{_num(x)}" cy="{_num(y)}" r="4.5" fill="{SERIES}"/>')
    if shown:
        last = shown[-1]
        y = y_of(last.value or 0)
        label = last.value_text or value_format(last.value or 0)
        parts.append(
            _label(
                m,
                x_of(last.year),
                y - 10 if y - 10 > 12 else y + 20,
                label,
                "middle",
                font_weight="bold",
                font_size=str(SMALL),
            )
        )
    parts.append("</svg>")
    return "".join(parts)
