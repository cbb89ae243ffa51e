"""The results pages in a real browser: dashboard (English, Arabic, Chinese) and indicator page
(English, Chinese), charts, axe-core, phone and desktop widths, screenshots for docs/screenshots/.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from playwright.sync_api import Page

LANGUAGES = ["en", "zh"]
DASHBOARD_LANGUAGES = ["en", "ar", "zh"]
WIDTHS = [1280, 360]
YEAR = 2025  # the demo's last complete year, inside the 2022-2025 framework

NewPage = Callable[..., "Page"]
AxeCheck = Callable[["Page"], None]
Screenshot = Callable[["Page", str], Path]
LogIn = Callable[["Page", str], None]


def _open(page: Page, url: str, lang: str) -> None:
    page.goto(url)
    if lang != "en":
        page.select_option("#language-select", lang)
        page.locator(".language-form [type=submit]").click()
        page.wait_for_function(
            "lang => (document.documentElement?.lang || '').split(/[-_]/)[0] === lang", arg=lang
        )


def _check_page(page: Page, axe_check: AxeCheck) -> None:
    scroll_width, viewport = page.evaluate(
        "() => [document.documentElement.scrollWidth, window.innerWidth]"
    )
    assert scroll_width <= viewport, f"{page.url} scrolls sideways"
    axe_check(page)
    problems = page.portal_problems.messages  # type: ignore[attr-defined]
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("lang", DASHBOARD_LANGUAGES)
def test_results_matrix_shows_every_indicator_at_a_glance(
    live_server: str,
    new_page: NewPage,
    log_in: LogIn,
    axe_check: AxeCheck,
    screenshot: Screenshot,
    lang: str,
    width: int,
) -> None:
    page = new_page(width=width)
    log_in(page, "staff")

    _open(page, f"{live_server}/results/?year={YEAR}", lang)

    assert str(YEAR) in page.locator("main h1").inner_text()
    tiles = page.locator("main .glance-tile")
    assert tiles.count() == 18
    assert page.locator("main .glance-tile .badge .badge__text").count() == 18
    assert page.locator("main .glance-tile svg.chart-target").count() == 18
    assert page.locator("main .glance-tile svg.chart-sparkline").count() == 18
    # Every chart is described by a table that is there, with its caption.
    described = page.eval_on_selector_all(
        "main svg.chart[aria-describedby]",
        "charts => charts.map(c => !!document.getElementById(c.getAttribute('aria-describedby'))"
        " && !!document.getElementById(c.getAttribute('aria-describedby')).caption)",
    )
    assert len(described) == 36 and all(described)
    # The annex-like tables follow, one per outcome, with the same 18 rows.
    assert page.locator("main table:not(.glance-table)").count() == 3
    assert page.locator("main tbody th[scope=row] a").count() == 18
    assert page.locator("main a[href*='/results/report.pdf']").count() == 1
    if lang == "zh":
        assert "对联合国志愿人员表示满意的联合国合作伙伴百分比" in page.locator("main").inner_text()
    if lang == "ar":
        assert page.evaluate("() => document.documentElement.dir") == "rtl"
    for index in range(tiles.count()):
        box = tiles.nth(index).bounding_box() or {}
        assert box.get("x", -1) >= 0 and box["x"] + box["width"] <= width
    _check_page(page, axe_check)
    screenshot(page, f"results-dashboard-{lang}-{width}")


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("lang", LANGUAGES)
def test_indicator_page_draws_its_trend_and_breakdown_charts(
    live_server: str,
    new_page: NewPage,
    log_in: LogIn,
    axe_check: AxeCheck,
    screenshot: Screenshot,
    lang: str,
    width: int,
) -> None:
    page = new_page(width=width)
    log_in(page, "staff")

    _open(page, f"{live_server}/results/1.2.1?year={YEAR}", lang)

    trend = page.locator("svg.chart-trend")
    bars = page.locator("svg.chart-bar")
    assert trend.is_visible() and bars.is_visible()
    assert (trend.bounding_box() or {}).get("width", 0) > 200
    assert bars.locator("rect[fill='#3a78c2']").count() >= 5
    assert page.locator("main table caption").count() >= 2
    _check_page(page, axe_check)
    screenshot(page, f"results-indicator-{lang}-{width}")


def test_chart_downloads_as_svg(live_server: str, new_page: NewPage, log_in: LogIn) -> None:
    page = new_page(width=1280)
    log_in(page, "staff")
    page.goto(f"{live_server}/results/1.2.1?year={YEAR}")

    with page.expect_download() as download:
        page.locator("a[href*='/chart/trend.svg']").click()

    assert download.value.suggested_filename == f"indicator-1.2.1-trend-{YEAR}.svg"
    assert Path(download.value.path()).read_text(encoding="utf-8").startswith("<svg")


def test_staff_indicator_page_with_its_forms_has_no_axe_violation(
    live_server: str, new_page: NewPage, log_in: LogIn, axe_check: AxeCheck, screenshot: Screenshot
) -> None:
    page = new_page(width=1280)
    log_in(page, "staff")

    page.goto(f"{live_server}/results/1.1.2?year={YEAR}")

    assert page.locator("form[action*='/value'] input[name=value]").is_visible()
    assert page.locator("svg.chart-bar").count() == 2  # the share of women, and the counts
    _check_page(page, axe_check)
    screenshot(page, "results-indicator-staff-en-1280")


def test_partner_view_has_no_axe_violation(
    live_server: str, new_page: NewPage, log_in: LogIn, axe_check: AxeCheck, screenshot: Screenshot
) -> None:
    page = new_page(width=360)
    log_in(page, "partner")

    page.goto(f"{live_server}/results/partner?year={YEAR}")

    assert page.locator("main .glance-tile").count() == 2
    assert page.locator("main .glance-tile svg.chart-target").count() == 2
    assert page.locator("main .glance-tile table caption").count() == 2
    _check_page(page, axe_check)
    screenshot(page, "results-partner-en-360")
