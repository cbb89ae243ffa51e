"""The portal shell in a real browser: languages, phone and desktop widths, keyboard, sign-in."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlparse

import pytest

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = pytest.mark.browser

# English is the starting language; the others are reached through the switcher.
LANGUAGES = ["en", "fr", "es", "zh", "ar", "ru"]
WIDTHS = [360, 1280]
ENGLISH_SKIP_LINK = "Skip to main content"

NewPage = Callable[..., "Page"]
AxeCheck = Callable[["Page"], None]
Screenshot = Callable[["Page", str], Path]


def switch_language(page: Page, lang: str) -> None:
    """Use the header's language form the way a visitor does: pick, then press the button."""
    page.select_option("#language-select", lang)
    page.locator(".language-form [type=submit]").click()
    page.wait_for_function(
        "lang => (document.documentElement?.lang || '').split(/[-_]/)[0] === lang", arg=lang
    )


def assert_shell_in_language(page: Page, lang: str) -> None:
    html = page.locator("html")
    assert (html.get_attribute("lang") or "").split("-")[0].split("_")[0] == lang
    assert html.get_attribute("dir") == ("rtl" if lang == "ar" else "ltr")
    skip_text = page.locator(".skip-link").inner_text().strip()
    if lang == "en":
        assert skip_text == ENGLISH_SKIP_LINK
    else:
        assert skip_text and skip_text != ENGLISH_SKIP_LINK, f"shell not translated to {lang}"


def assert_no_horizontal_scroll(page: Page) -> None:
    scroll_width, viewport_width = page.evaluate(
        "() => [document.documentElement.scrollWidth, window.innerWidth]"
    )
    assert scroll_width <= viewport_width, (
        f"{page.url} scrolls sideways: {scroll_width}px of content in {viewport_width}px"
    )


def assert_no_problems(page: Page) -> None:
    problems = page.portal_problems.messages  # type: ignore[attr-defined]
    assert not problems, "\n".join(problems)


def open_in_language(new_page: NewPage, url: str, lang: str, width: int) -> Page:
    page = new_page(width=width)
    page.goto(url)
    if lang != "en":
        switch_language(page, lang)
    return page


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("lang", LANGUAGES)
def test_home_page_in_each_language_has_no_axe_violation(
    live_server: str,
    new_page: NewPage,
    axe_check: AxeCheck,
    screenshot: Screenshot,
    lang: str,
    width: int,
) -> None:
    page = open_in_language(new_page, f"{live_server}/", lang, width)

    assert urlparse(page.url).path == "/"
    assert_shell_in_language(page, lang)
    assert page.locator("main#main h1").count() >= 1
    assert_no_horizontal_scroll(page)
    axe_check(page)
    assert_no_problems(page)
    screenshot(page, f"home-{lang}-{width}")


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("lang", LANGUAGES)
def test_login_page_in_each_language_has_no_axe_violation(
    live_server: str,
    new_page: NewPage,
    axe_check: AxeCheck,
    screenshot: Screenshot,
    lang: str,
    width: int,
) -> None:
    # Switching on the login page itself also checks that the switcher returns to the same page.
    page = open_in_language(new_page, f"{live_server}/login", lang, width)

    assert urlparse(page.url).path == "/login"
    assert_shell_in_language(page, lang)
    assert page.locator("input[name=email]").is_visible()
    assert page.locator("input[name=password]").is_visible()
    assert_no_horizontal_scroll(page)
    axe_check(page)
    assert_no_problems(page)
    screenshot(page, f"login-{lang}-{width}")


def test_keyboard_reaches_the_skip_link_first_and_it_moves_focus_to_main(
    live_server: str, new_page: NewPage
) -> None:
    page = new_page(width=1280)
    page.goto(f"{live_server}/")

    page.keyboard.press("Tab")
    focused = page.evaluate(
        "() => ({cls: document.activeElement.className,"
        " href: document.activeElement.getAttribute('href')})"
    )
    assert focused == {"cls": "skip-link", "href": "#main"}
    box = page.locator(".skip-link").bounding_box()
    assert box is not None and box["y"] >= 0 and box["width"] > 1 and box["height"] > 1

    page.keyboard.press("Enter")
    page.wait_for_function("() => document.activeElement && document.activeElement.id === 'main'")


def test_focused_controls_show_a_visible_focus_indicator(
    live_server: str, new_page: NewPage
) -> None:
    page = new_page(width=1280)
    page.goto(f"{live_server}/login")
    page.focus("input[name=email]")
    page.keyboard.press("Tab")  # keyboard focus, so :focus-visible applies

    outline = page.evaluate(
        "() => { const s = getComputedStyle(document.activeElement);"
        " return [s.outlineStyle, parseFloat(s.outlineWidth), s.boxShadow]; }"
    )
    style, width, shadow = outline
    assert (style != "none" and width >= 2) or shadow != "none", outline


def test_staff_member_signs_in_through_the_form(
    live_server: str,
    new_page: NewPage,
    axe_check: AxeCheck,
    screenshot: Screenshot,
    log_in: Callable[[Page, str], None],
) -> None:
    page = new_page(width=360)

    log_in(page, "staff")

    assert urlparse(page.url).path != "/login"
    assert page.locator(".login-link").count() == 0
    page.locator(".account-menu summary").click()
    assert page.locator(".account-menu__panel").is_visible()
    assert page.locator("form.logout-form [type=submit]").is_visible()
    assert_no_horizontal_scroll(page)
    axe_check(page)
    assert_no_problems(page)
    screenshot(page, "home-staff-360")


def test_signed_in_member_signs_out_from_the_account_menu(
    live_server: str, new_page: NewPage, log_in: Callable[[Page, str], None]
) -> None:
    page = new_page(width=1280)
    log_in(page, "partner")

    page.locator(".account-menu summary").click()
    page.locator("form.logout-form [type=submit]").click()
    page.wait_for_selector(".login-link")

    assert page.locator("form.logout-form").count() == 0


def test_missing_page_shows_the_error_page_with_a_way_home(
    live_server: str, new_page: NewPage, axe_check: AxeCheck, screenshot: Screenshot
) -> None:
    page = new_page(width=360)

    response = page.goto(f"{live_server}/no-such-page")

    assert response is not None and response.status == 404
    assert page.locator("main#main h1").count() == 1
    assert page.locator("main a[href='/']").count() >= 1
    assert_no_horizontal_scroll(page)
    axe_check(page)
    screenshot(page, "error-404-360")


def test_failed_sign_in_reports_the_problem_accessibly(
    live_server: str, new_page: NewPage, axe_check: AxeCheck, screenshot: Screenshot
) -> None:
    page = new_page(width=360)
    page.goto(f"{live_server}/login")

    page.fill("input[name=email]", "staff@demo.unv.org")
    page.fill("input[name=password]", "not-the-password")
    page.locator("form:has(input[name=password]) [type=submit]").click()
    page.wait_for_selector(".error-summary, .flash--error, .field__error")

    assert page.locator("form.logout-form").count() == 0
    assert page.locator("[role=alert]").count() >= 1
    assert_no_horizontal_scroll(page)
    axe_check(page)
    screenshot(page, "login-error-360")
