"""The small charts of the results matrix: what they draw, what they never draw, mirrored in RTL."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest

from portal.results.charts import TrendPoint
from portal.results.glance_charts import NEUTRAL_FILL, STATUS_FILLS, target_chart, trend_sparkline

SVG = "{http://www.w3.org/2000/svg}"


def _parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)  # noqa: S314 -- our own output, parsed to check it is well-formed


def _target(**overrides: object) -> str:
    arguments: dict[str, object] = {
        "value": 0.9,
        "target": 0.94,
        "ci95": (0.6, 0.98),
        "status": "green",
        "title": "1.2.1: value against target, 2024",
        "description": "Value 90.0%; target 94.0%; rating: Green: on target.",
        "chart_id": "value-1-2-1",
        "described_by": "data-1-2-1",
        "value_text": "90.0%",
        "target_label": "Target 94.0%",
    }
    arguments.update(overrides)
    return target_chart(**arguments)  # type: ignore[arg-type]


def _bar(svg: str) -> ET.Element:
    (bar,) = [r for r in _parse(svg).iter(f"{SVG}rect") if r.get("height") == "16"]
    return bar


def test_target_chart_is_an_image_named_and_described_by_its_table() -> None:
    root = _parse(_target())

    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "value-1-2-1-title value-1-2-1-desc"
    assert root.get("aria-describedby") == "data-1-2-1"
    assert root.findtext(f"{SVG}title") == "1.2.1: value against target, 2024"
    assert "Green: on target" in (root.findtext(f"{SVG}desc") or "")


def test_target_chart_draws_bar_in_rating_colour_interval_and_target_marker() -> None:
    svg = _target()
    root = _parse(svg)

    assert _bar(svg).get("fill") == STATUS_FILLS["green"][0]
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert "90.0%" in texts and "Target 94.0%" in texts
    lines = list(root.iter(f"{SVG}line"))
    assert any(line.get("stroke-width") == "3" for line in lines)  # the target marker
    assert sum(line.get("stroke-width") == "1.5" for line in lines) == 3  # whisker and its caps


def test_target_chart_scales_bar_to_the_value() -> None:
    full, half = _bar(_target(value=1.0, ci95=None)), _bar(_target(value=0.5, ci95=None))

    assert float(half.get("width") or 0) == pytest.approx(float(full.get("width") or 0) / 2, 0.02)


@pytest.mark.parametrize("status", ["no_target", ""])
def test_target_chart_without_a_rating_uses_the_neutral_bar(status: str) -> None:
    assert _bar(_target(status=status, target=None)).get("fill") == NEUTRAL_FILL[0]


def test_withheld_value_draws_no_bar_only_its_words() -> None:
    svg = _target(value=None, ci95=None, status="insufficient_data", value_text="Suppressed")

    assert not [r for r in _parse(svg).iter(f"{SVG}rect") if r.get("height") == "16"]
    assert "Suppressed" in svg
    assert 'stroke-width="1.5"' not in svg  # no interval either


def test_right_to_left_chart_grows_from_the_right() -> None:
    ltr, rtl = _bar(_target(ci95=None)), _bar(_target(ci95=None, rtl=True))
    width = 320

    assert float(ltr.get("x") or 0) == pytest.approx(8)
    assert float(rtl.get("x") or 0) + float(rtl.get("width") or 0) == pytest.approx(width - 8)
    assert 'direction="rtl"' in _target(rtl=True)


def test_text_is_escaped_and_ids_are_checked() -> None:
    svg = _target(title="<script>x</script>", value_text="a&b")

    assert "<script>" not in svg and "&lt;script&gt;" in svg and "a&amp;b" in svg
    with pytest.raises(ValueError):
        _target(described_by="data 1")
    with pytest.raises(ValueError):
        _target(value=-0.1)


def _sparkline(points: list[TrendPoint], targets: list[TrendPoint] | None = None) -> str:
    return trend_sparkline(
        points,
        targets=targets or [],
        title="1.2.1 across the years",
        description="2022: 80.0%; 2023: Suppressed; 2024: 90.0%",
        chart_id="trend-1-2-1",
        described_by="data-1-2-1",
    )


def test_sparkline_draws_no_point_for_a_year_without_value() -> None:
    svg = _sparkline([TrendPoint(2022, 0.8), TrendPoint(2023, None), TrendPoint(2024, 0.9)])
    root = _parse(svg)

    assert len(list(root.iter(f"{SVG}circle"))) == 2
    # The line breaks at 2023: no segment joins 2022 and 2024 through a hidden value.
    assert not [p for p in root.iter(f"{SVG}polyline") if p.get("stroke-width") == "3"]
    assert [t.text for t in root.iter(f"{SVG}text")][:3] == ["2022", "2023", "2024"]
    assert "90.0%" in svg and root.get("aria-describedby") == "data-1-2-1"


def test_sparkline_draws_targets_dashed_and_the_last_value() -> None:
    svg = _sparkline(
        [TrendPoint(2022, 0.8), TrendPoint(2023, 0.85)],
        [TrendPoint(2022, 0.9), TrendPoint(2023, 0.9)],
    )

    assert 'stroke-dasharray="5 4"' in svg
    assert len(re.findall(r'<rect [^>]*width="7"', svg)) == 2
    labels = [t.text for t in _parse(svg).iter(f"{SVG}text")]
    assert "85.0%" in labels and "80.0%" not in labels
