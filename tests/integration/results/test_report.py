"""The printable report (PDF annex) and the matrix at a glance: figures, ratings, suppression."""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from pypdf import PdfReader
from sqlalchemy.orm import Session

from portal.results.glance_charts import NEUTRAL_FILL, STATUS_FILLS
from tests.integration.results import builders

# Each language's words for the figures of `_rated_year`: 9 of 10 satisfied (90.0%) against a
# target of 94% (95.7% of target, green), the annex's title and a column heading.
EXPECTED = {
    "en": ["Results framework annex, 2024", "Notes and sources", "Green: on target",
           "95.7% of target", "90.0%", "94.0%", "n = 10 valid answers"],
    "fr": ["Annexe du cadre de résultats, 2024", "Notes et sources", "Vert\u202f: cible atteinte",
           "95,7% de la cible", "90,0%", "94,0%"],
    # Arabic is shaped right to left: each word comes out whole (pypdf reads the glyphs back in
    # their logical order only when they were shaped), figures as Babel writes them.
    "ar": ["مرفق", "إطار", "النتائج", "الملاحظات", "والمصادر", "أخضر", "الهدف", "مُحقَّق",
           "90.0%", "94.0%"],
}  # fmt: skip


def _rated_year(session: Session) -> None:
    to = builders.campaign(session, "volunteer_exit", 2024)
    for number in range(10):
        answer = "fully_agree" if number < 9 else "fully_disagree"
        gender = "female" if number % 2 else "male"
        builders.volunteer(session, to, answer, gender=gender, category="national", age=25)
    builders.target(session, "1.2.1", 2024, 0.94)


def _suppressed_year(session: Session) -> None:
    """Four volunteers, all satisfied: 100.0% if it were shown, below k = 5."""
    to = builders.campaign(session, "volunteer_exit", 2024)
    for _ in range(4):
        builders.volunteer(session, to, "fully_agree", gender="female", category="national")
    builders.target(session, "1.2.1", 2024, 0.9)


def _text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return "\n".join(page.extract_text() for page in reader.pages)


@pytest.mark.parametrize("lang", sorted(EXPECTED))
def test_report_pdf_holds_the_figures_and_ratings_in_the_page_language(
    session: Session, signed_in: Callable, lang: str
) -> None:
    _rated_year(session)
    client = signed_in("staff")

    response = client.get("/results/report.pdf?year=2024", headers={"Accept-Language": lang})

    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    disposition = response.headers["Content-Disposition"]
    assert disposition == f"attachment; filename=results-annex-2024-{lang}.pdf"
    reader = PdfReader(io.BytesIO(response.data))
    assert reader.metadata is not None and reader.metadata.title
    text = _text(response.data)
    missing = [words for words in EXPECTED[lang] if words not in text]
    assert not missing, text[:3000]
    # Every indicator of the framework is in the annex, each by its code.
    for code in ("1.1", "1.2", "1.2.1", "2.1.1", "2.2.2", "3.1", "3.2.2"):
        assert re.search(rf"(^|\s){re.escape(code)}\s", text), code


def test_report_embeds_its_fonts(session: Session, signed_in: Callable) -> None:
    _rated_year(session)
    client = signed_in("staff")

    data = client.get("/results/report.pdf?year=2024", headers={"Accept-Language": "ar"}).data

    fonts = {
        font.get_object()["/BaseFont"].split("+")[-1]: font.get_object()
        for page in PdfReader(io.BytesIO(data)).pages
        for font in page["/Resources"]["/Font"].values()
    }
    assert {"NotoSans", "NotoSansArabic"} <= set(fonts)
    for font in fonts.values():
        descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"].get_object()
        assert "/FontFile2" in descriptor  # the glyphs are in the file, not on the reader's machine


def test_suppressed_figure_stays_out_of_the_report_and_the_charts(
    session: Session, signed_in: Callable
) -> None:
    _suppressed_year(session)
    client = signed_in("staff")

    report = _text(client.get("/results/report.pdf?year=2024").data)
    page = client.get("/results/?year=2024").get_data(as_text=True)
    tile = page[page.index('id="tile-data-1-2-1"') : page.index('id="tile-data-1-2-2"')]

    assert "Suppressed: fewer valid answers than the publication threshold" in report
    assert "Insufficient data" in report
    for leaked in ("100.0%", "n = 4"):
        assert leaked not in report
        assert leaked not in page
    charts = re.findall(r'<svg [^>]*class="chart chart-.*?</svg>', tile, re.S)
    assert len(charts) == 2 and all("Suppressed" in chart for chart in charts)
    # No bar and no trend point: nothing in the charts stands for the withheld value.
    bar_fills = [f'fill="{fill}"' for fill, _ in (*STATUS_FILLS.values(), NEUTRAL_FILL)]
    for chart in charts:
        assert "<circle" not in chart
        assert not any(fill in chart for fill in bar_fills)


def test_dashboard_tile_draws_value_against_target_described_by_its_table(
    session: Session, signed_in: Callable
) -> None:
    _rated_year(session)
    client = signed_in("staff")

    page = client.get("/results/?year=2024").get_data(as_text=True)
    tile = page[page.index('id="tile-data-1-2-1"') : page.index('id="tile-data-1-2-2"')]

    chart = re.search(r'<svg [^>]*class="chart chart-target"[^>]*>', tile)
    assert chart and 'aria-describedby="data-1-2-1"' in chart.group(0)
    assert 'class="chart chart-sparkline"' in tile
    assert '<table class="glance-table" id="data-1-2-1">' in tile
    assert "<caption>Data of the charts: 1.2.1</caption>" in tile
    assert "badge--green" in tile and "Green: on target" in tile
    assert 'fill="#1a7f37"' in tile  # the bar in the rating's colour, the words beside it
    assert "Target 94.0%" in tile and "95.7%" in tile
    current = tile[tile.index('<tr class="glance-table__current">') :].split("</tr>")[0]
    assert "2024" in current and "90.0%" in current and "Green: on target" in current
    assert "Printable report (PDF)" in page and 'href="/results/report.pdf?year=2024"' in page


def test_results_report_command_writes_the_pdf(
    app: Flask, session: Session, tmp_path: Path
) -> None:
    _rated_year(session)
    session.commit()
    out = tmp_path / "annex.pdf"

    result = app.test_cli_runner().invoke(
        args=["results", "report", "--year", "2024", "--out", str(out), "--lang", "fr"]
    )

    assert result.exit_code == 0, result.output
    assert "report of 2024 (fr) written to" in result.output
    text = _text(out.read_bytes())
    assert "Vert\u202f: cible atteinte" in text and "90,0%" in text  # French spacing


def test_results_report_command_refuses_a_year_outside_every_framework(
    app: Flask, tmp_path: Path
) -> None:
    result = app.test_cli_runner().invoke(
        args=["results", "report", "--year", "1999", "--out", str(tmp_path / "x.pdf")]
    )

    assert result.exit_code != 0
    assert "No results framework covers 1999" in result.output
    assert not (tmp_path / "x.pdf").exists()


def test_report_of_a_year_nobody_may_choose_is_a_clear_400(signed_in: Callable) -> None:
    client: FlaskClient = signed_in("staff")

    response = client.get("/results/report.pdf?year=20x4")

    assert response.status_code == 400
