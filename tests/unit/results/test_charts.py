"""Server-side SVG charts: escaped text, accessible names, no inline styles, honest marks."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from portal.results.charts import Bar, TrendPoint, bar_chart, trend_chart

SVG = "{http://www.w3.org/2000/svg}"


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)  # noqa: S314 -- our own output, parsed to check it is well-formed


def breakdown_chart(*bars: Bar, title: str = "Satisfaction by group") -> str:
    return bar_chart(
        list(bars),
        title=title,
        description="Share of volunteers who agree, by group, with 95% intervals",
        chart_id="chart-1-2-1",
        suppressed_text="suppressed",
    )


def test_bar_chart_escapes_labels() -> None:
    svg = breakdown_chart(Bar("<script>alert(1)</script>", 0.5))
    assert "<script" not in svg
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in svg


def test_chart_escapes_title_and_description_quotes() -> None:
    svg = breakdown_chart(Bar("A", 0.5), title='Women & "youth" <b>')
    assert parse(svg).find(f"{SVG}title").text == 'Women & "youth" <b>'  # type: ignore[union-attr]
    assert "<b>" not in svg


def test_charts_have_no_style_attributes_or_elements() -> None:
    svgs = [
        breakdown_chart(Bar("A", 0.5, (0.4, 0.6)), Bar("B", None)),
        trend_chart(
            [TrendPoint(2022, 0.8), TrendPoint(2023, None)],
            title="Trend",
            description="By year",
            chart_id="t",
            series_label="Value",
            missing_text="suppressed",
            targets=[TrendPoint(2023, 0.9)],
            target_label="Target",
        ),
    ]
    for svg in svgs:
        assert "style" not in svg.replace("font-style", "")
        assert all(not el.tag.endswith("style") for el in parse(svg).iter())
        assert all("style" not in el.attrib for el in parse(svg).iter())


def test_chart_is_an_image_named_by_its_title_and_description() -> None:
    root = parse(breakdown_chart(Bar("A", 0.5)))
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "chart-1-2-1-title chart-1-2-1-desc"
    assert root.find(f"{SVG}title").get("id") == "chart-1-2-1-title"  # type: ignore[union-attr]
    assert root.find(f"{SVG}desc").get("id") == "chart-1-2-1-desc"  # type: ignore[union-attr]


def test_suppressed_group_shows_text_and_no_bar() -> None:
    root = parse(breakdown_chart(Bar("Female", 0.5), Bar("Disability", None)))
    rows = root.findall(f"{SVG}g")
    assert len(rows[1].findall(f"{SVG}rect")) == 0
    assert [t.text for t in rows[1].iter(f"{SVG}text")] == ["Disability", "suppressed"]


def test_bar_shows_its_value_as_text_and_interval_as_whiskers() -> None:
    root = parse(breakdown_chart(Bar("Female", 0.872, (0.81, 0.91))))
    row = root.findall(f"{SVG}g")[0]
    assert [t.text for t in row.iter(f"{SVG}text")] == ["Female", "87.2%"]
    assert len(row.findall(f"{SVG}line")) == 3
    assert len(row.findall(f"{SVG}rect")) == 1


def test_caller_formatted_value_text_wins() -> None:
    svg = breakdown_chart(Bar("Female", 0.872, value_text="87,2 %"))
    assert "87,2 %" in svg and "87.2%" not in svg


def test_chart_id_must_be_a_safe_identifier() -> None:
    with pytest.raises(ValueError):
        bar_chart([], title="t", description="d", chart_id='x" onload="', suppressed_text="s")


def test_negative_or_nan_values_are_rejected() -> None:
    with pytest.raises(ValueError):
        breakdown_chart(Bar("A", -0.1))
    with pytest.raises(ValueError):
        breakdown_chart(Bar("A", float("nan")))


def trend(points: list[TrendPoint], targets: list[TrendPoint] | None = None) -> str:
    return trend_chart(
        points,
        title="1.2.1 over time",
        description="Yearly values",
        chart_id="trend",
        series_label="Value",
        missing_text="suppressed",
        targets=targets or [],
        target_label="Target" if targets else "",
    )


def test_trend_line_breaks_at_a_missing_year_and_says_so() -> None:
    points = [TrendPoint(y, v) for y, v in [(2022, 0.8), (2023, 0.82), (2024, None), (2025, 0.9)]]
    root = parse(trend(points))
    assert len(root.findall(f"{SVG}polyline")) == 1  # 2025 alone is a point, not a line
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert "suppressed" in texts and "80.0%" in texts and "2024" in texts


def test_trend_target_is_a_labelled_dashed_line() -> None:
    root = parse(trend([TrendPoint(2024, 0.8)], [TrendPoint(2024, 0.9), TrendPoint(2025, 0.92)]))
    dashed = [p for p in root.findall(f"{SVG}polyline") if p.get("stroke-dasharray")]
    assert len(dashed) == 1
    assert "Target" in [t.text for t in root.iter(f"{SVG}text")]


def test_trend_target_needs_a_label() -> None:
    with pytest.raises(ValueError, match="target_label"):
        trend_chart(
            [TrendPoint(2024, 0.8)],
            title="t",
            description="d",
            chart_id="t",
            series_label="Value",
            missing_text="-",
            targets=[TrendPoint(2024, 0.9)],
        )


def test_count_chart_scales_to_the_data() -> None:
    svg = bar_chart(
        [Bar("Member States", 40, value_text="40"), Bar("CSOs", 12, value_text="12")],
        title="3.1.2",
        description="By kind",
        chart_id="c",
        suppressed_text="suppressed",
        max_value=None,
        tick_format=lambda v: f"{v:g}",
    )
    assert ">50<" in svg  # the nice axis maximum above 40
