"""The search page in Chromium, in English and Chinese: a query, a facet ticked with the keyboard,
the next page; axe-core finds no WCAG 2.1 A/AA violation at any step."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from tests.browser.test_portal_pages import (
    assert_no_horizontal_scroll,
    assert_no_problems,
    switch_language,
)

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = pytest.mark.browser

NewPage = Callable[..., "Page"]
AxeCheck = Callable[["Page"], None]
Screenshot = Callable[["Page", str], Path]
# (language, query, facet ticked, results per page): the demo data has 12 English products on
# volunteers and 2 Chinese ones on 志愿服务, so each journey has a second page.
JOURNEYS = [("en", "volunteer", "en", 4), ("zh", "志愿服务", "zh", 1)]


def result_titles(page: Page) -> list[str]:
    return [title.strip() for title in page.locator("ol.link-list h3 a").all_inner_texts()]


def check_step(page: Page, axe_check: AxeCheck, screenshot: Screenshot, name: str) -> None:
    assert_no_problems(page)
    axe_check(page)
    screenshot(page, name)


@pytest.mark.parametrize(("lang", "query", "language", "per_page"), JOURNEYS)
def test_search_facet_and_next_page(
    live_server: str,
    new_page: NewPage,
    axe_check: AxeCheck,
    screenshot: Screenshot,
    lang: str,
    query: str,
    language: str,
    per_page: int,
) -> None:
    page = new_page(width=1280)
    page.goto(f"{live_server}/knowledge/?per_page={per_page}")
    if lang != "en":
        switch_language(page, lang)

    # 1. Type a query and press Enter.
    box = page.get_by_role("searchbox")
    box.fill(query)
    box.press("Enter")
    page.wait_for_url(re.compile(r"[?&]q="))
    first_titles = result_titles(page)
    assert len(first_titles) == per_page
    assert page.locator("ol.link-list mark").count() > 0
    heading = page.locator("#results-title").inner_text()
    total = int(re.sub(r"\D", "", heading))
    check_step(page, axe_check, screenshot, f"search-{lang}-1-results")

    # 2. Tick a language facet with the keyboard and apply the filters.
    facet = page.locator(f"form.facets input[type=checkbox][name=language][value={language}]")
    facet.focus()
    page.keyboard.press("Space")
    assert facet.is_checked()
    page.locator("form.facets button[type=submit]").focus()
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(rf"[?&]language={language}"))
    assert facet.is_checked()
    assert page.locator("#search-q").input_value() == query
    filtered = int(re.sub(r"\D", "", page.locator("#results-title").inner_text()))
    assert per_page < filtered <= total
    filtered_titles = result_titles(page)
    check_step(page, axe_check, screenshot, f"search-{lang}-2-facet")

    # 3. The next page keeps the query, the facet and the page size.
    page.locator("a[rel=next]").click()
    page.wait_for_url(re.compile(r"[?&]page=2"))
    assert re.search(rf"[?&]language={language}", page.url)
    assert re.search(rf"[?&]per_page={per_page}", page.url)
    second_titles = result_titles(page)
    assert second_titles and not set(second_titles) & set(filtered_titles)
    assert page.locator(".pagination [aria-current=page]").inner_text().strip() == "2"
    check_step(page, axe_check, screenshot, f"search-{lang}-3-next-page")


def test_search_results_on_a_phone(
    live_server: str, new_page: NewPage, axe_check: AxeCheck, screenshot: Screenshot
) -> None:
    page = new_page(width=360)
    page.goto(f"{live_server}/knowledge/?q=volunteer+policy")

    assert result_titles(page)
    assert_no_horizontal_scroll(page)
    check_step(page, axe_check, screenshot, "search-en-360-results")


def test_no_result_suggests_a_spelling(
    live_server: str, new_page: NewPage, axe_check: AxeCheck, screenshot: Screenshot
) -> None:
    page = new_page(width=1280)
    page.goto(f"{live_server}/knowledge/?q=volunter+polcy")

    suggestion = page.locator(".notice--info a")
    assert suggestion.inner_text().strip() == "volunteer policy"
    check_step(page, axe_check, screenshot, "search-en-4-did-you-mean")
    suggestion.click()
    page.wait_for_url(re.compile(r"q=volunteer\+policy"))
    assert result_titles(page)
