"""The searchable multi-select of countries and goals, by keyboard alone, in English and Arabic;
and the plain select it enhances, without script."""

from __future__ import annotations

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
    from playwright.sync_api import Browser, Page

pytestmark = pytest.mark.browser

NewPage = Callable[..., "Page"]
AxeCheck = Callable[["Page"], None]
Screenshot = Callable[["Page", str], Path]
LogIn = Callable[["Page", str], None]

CHOSEN = "() => [...document.querySelector('#{0}-native').selectedOptions].map(o => o.value)"
FOCUSED = "() => document.activeElement.id || document.activeElement.getAttribute('aria-label')"


def chosen(page: Page, field: str) -> list[str]:
    return list(page.evaluate(CHOSEN.format(field)))


def focused(page: Page) -> str:
    return str(page.evaluate(FOCUSED))


def sent(page: Page, name: str) -> list[str]:
    """What the form would send for the field."""
    script = "name => new FormData(document.querySelector('#countries').form).getAll(name)"
    return list(page.evaluate(script, name))


@pytest.mark.parametrize(
    ("lang", "width", "country_query", "countries", "goal_query"),
    [
        # "bel" finds Belarus, Belgium, Belize: accents and case aside ("Bél" is typed).
        ("en", 1280, "Bél", ["BLR", "BEL", "BLZ"], "educ"),
        ("ar", 360, "بلج", ["BEL"], "التعليم"),
    ],
)
def test_countries_and_goals_are_chosen_and_removed_by_keyboard_alone(
    live_server: str,
    new_page: NewPage,
    log_in: LogIn,
    axe_check: AxeCheck,
    screenshot: Screenshot,
    lang: str,
    width: int,
    country_query: str,
    countries: list[str],
    goal_query: str,
) -> None:
    page = new_page(width=width)
    log_in(page, "contributor")
    page.goto(f"{live_server}/knowledge/submit")
    if lang != "en":
        switch_language(page, lang)
    keyboard = page.keyboard

    # The filter is the next stop after the date (whose own parts take a Tab each), named by the
    # field's label.
    page.focus("#publication_date")
    for _part in range(4):
        keyboard.press("Tab")
        if focused(page) != "publication_date":
            break
    assert focused(page) == "countries"
    combobox = page.get_by_role("combobox", name=page.locator("label[for=countries]").inner_text())
    assert combobox.get_attribute("aria-expanded") == "false"

    # Type to filter; the arrows move through the matches; Space and Enter choose.
    keyboard.type(country_query)
    options = page.locator("#countries-multiselect-listbox [role=option]:visible")
    assert combobox.get_attribute("aria-expanded") == "true"
    assert options.count() == len(countries)
    keyboard.press("ArrowDown")
    keyboard.press("Space")
    if len(countries) > 1:
        keyboard.press("ArrowDown")
        keyboard.press("Enter")
    assert chosen(page, "countries") == sorted(countries[:2], key=countries.index)
    assert page.locator("#countries-multiselect-listbox [aria-selected=true]").count() == min(
        2, len(countries)
    )
    check_page(page, axe_check)
    screenshot(page, f"multiselect-{lang}-{width}-open")

    # Escape closes the list, then clears the filter: every country is back.
    keyboard.press("Escape")
    assert combobox.get_attribute("aria-expanded") == "false"
    keyboard.press("Escape")
    assert combobox.input_value() == ""

    # The chips come before the filter; Shift+Tab reaches the last, Enter removes it and the
    # focus stays in the widget.
    keyboard.press("Shift+Tab")
    last = chosen(page, "countries")[-1]
    assert focused(page).endswith(
        page.locator(f"#countries-native option[value={last}]").inner_text()
    )
    keyboard.press("Enter")
    assert last not in chosen(page, "countries")
    assert focused(page) == "countries" or "countries" not in focused(page)
    if chosen(page, "countries"):
        keyboard.press("Delete")  # on the remaining chip, which took the focus
        assert chosen(page, "countries") == []
    assert focused(page) == "countries"

    # Typing the name and Enter takes the first match; the goals work the same way.
    keyboard.type(country_query)
    keyboard.press("Enter")
    keyboard.press("Tab")
    assert focused(page) == "sdgs"
    keyboard.type(goal_query)
    keyboard.press("Enter")
    assert chosen(page, "sdgs") == ["4"]
    assert sent(page, "countries") == countries[:1] and sent(page, "sdgs") == ["4"]
    keyboard.press("Tab")  # leaving the widget closes its list
    assert page.locator("#sdgs-multiselect-listbox").is_hidden()

    assert_no_horizontal_scroll(page)
    check_page(page, axe_check)
    screenshot(page, f"multiselect-{lang}-{width}-chosen")


def check_page(page: Page, axe_check: AxeCheck) -> None:
    assert_no_problems(page)
    axe_check(page)


def test_without_script_the_plain_select_works(
    browser: Browser, live_server: str, log_in: LogIn, axe_check: AxeCheck
) -> None:
    context = browser.new_context(viewport={"width": 360, "height": 740}, java_script_enabled=False)
    try:
        page = context.new_page()
        log_in(page, "contributor")
        page.goto(f"{live_server}/knowledge/submit")

        countries = page.locator("select#countries[multiple]")
        assert countries.is_visible()
        assert page.locator("#countries-native-hint").is_visible()
        assert page.locator("[role=combobox]").count() == 0
        countries.select_option(["BDI", "BEL"])
        page.locator("select#sdgs").select_option(["4", "8"])
        assert page.evaluate(
            "() => [...document.querySelector('#countries').selectedOptions].map(o => o.value)"
        ) == ["BEL", "BDI"]
        assert_no_horizontal_scroll(page)
    finally:
        context.close()
