"""The administrators' pages and the staff home in a real browser: axe-core in English and Arabic
at phone and desktop widths, and an account deactivated and reactivated with the keyboard."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from tests.browser.conftest import DEMO_ACCOUNTS, DEMO_PASSWORD
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
LogIn = Callable[["Page", str], None]
Screenshot = Callable[["Page", str], Path]
CONTRIBUTOR = DEMO_ACCOUNTS["contributor"]


def _check(page: Page, axe_check: AxeCheck) -> None:
    axe_check(page)
    assert_no_horizontal_scroll(page)


@pytest.mark.parametrize("width", [360, 1280])
@pytest.mark.parametrize("lang", ["en", "ar"])
def test_admin_pages_and_staff_home_have_no_axe_violation(
    live_server: str,
    new_page: NewPage,
    axe_check: AxeCheck,
    log_in: LogIn,
    screenshot: Screenshot,
    lang: str,
    width: int,
) -> None:
    page = new_page(width=width)
    log_in(page, "admin")
    if lang != "en":
        switch_language(page, lang)
    for path in ("/", "/admin/users", "/admin/audit?object_type=user", "/admin/audit"):
        page.goto(f"{live_server}{path}")
        assert page.locator("html").get_attribute("lang") == lang
        _check(page, axe_check)
    assert page.locator("table tbody tr").count() > 0
    screenshot(page, f"admin-audit-{lang}-{width}")
    page.goto(f"{live_server}/admin/users?q=contributor%40demo")
    page.locator("table tbody a").first.click()
    page.wait_for_selector("#deactivate-confirm")
    _check(page, axe_check)
    screenshot(page, f"admin-user-{lang}-{width}")
    assert_no_problems(page)


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_refused_filters_and_confirmations_are_reported_accessibly(
    live_server: str, new_page: NewPage, axe_check: AxeCheck, log_in: LogIn, lang: str
) -> None:
    page = new_page(width=360)
    log_in(page, "admin")
    if lang != "en":
        switch_language(page, lang)
    page.goto(f"{live_server}/admin/audit?since=2026-03-03&until=2026-03-01")
    assert page.locator(".error-summary").is_visible()
    _check(page, axe_check)
    page.goto(f"{live_server}/admin/users?q=contributor%40demo")
    page.locator("table tbody a").first.click()
    box = page.locator("#deactivate-confirm")
    assert box.get_attribute("required") is not None  # the browser asks first
    box.evaluate("box => { box.required = false; }")  # then the server does
    page.locator("form:has(#deactivate-confirm) [type=submit]").click()
    page.wait_for_selector(".error-summary")
    assert page.locator("#deactivate-confirm").is_visible()
    _check(page, axe_check)


def test_the_staff_home_counts_pending_work_with_links(
    live_server: str,
    new_page: NewPage,
    axe_check: AxeCheck,
    log_in: LogIn,
    screenshot: Screenshot,
) -> None:
    page = new_page(width=360)
    log_in(page, "staff")
    keys = page.locator(".card[id^=work-]").evaluate_all("cards => cards.map(c => c.id)")
    assert keys == [
        "work-awaiting_review",
        "work-account_requests",
        "work-campaigns_to_open",
        "work-campaigns_closing",
        "work-failed_mails",
    ]
    screenshot(page, "home-staff-counts-360")
    review = page.locator("#work-awaiting_review")
    assert review.locator(".card__figure").inner_text().strip().isdigit()
    review.get_by_role("link").click()
    page.wait_for_url(f"{live_server}/knowledge/review")
    _check(page, axe_check)


def _sign_in_status(new_page: NewPage, live_server: str, email: str) -> str:
    page = new_page(width=1280)
    page.goto(f"{live_server}/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.locator("form:has(input[name=password]) [type=submit]").click()
    page.wait_for_load_state()
    return "out" if page.locator("form.logout-form").count() == 0 else "in"


def test_an_admin_deactivates_and_reactivates_an_account_with_the_keyboard(
    live_server: str, new_page: NewPage, axe_check: AxeCheck, log_in: LogIn
) -> None:
    page = new_page(width=1280)
    log_in(page, "admin")
    page.goto(f"{live_server}/admin/users")
    page.fill("#q", CONTRIBUTOR)
    page.press("#q", "Enter")
    page.get_by_role("link", name=CONTRIBUTOR).focus()
    page.keyboard.press("Enter")
    page.wait_for_selector("#deactivate-confirm")
    try:
        page.focus("#deactivate-confirm")
        page.keyboard.press("Space")
        page.locator("form:has(#deactivate-confirm) [type=submit]").focus()
        page.keyboard.press("Enter")
        page.wait_for_selector(".flash--success")
        assert "deactivated" in page.locator(".flash--success").inner_text()
        assert _sign_in_status(new_page, live_server, CONTRIBUTOR) == "out"
    finally:
        reactivate = page.get_by_role("button", name="Reactivate the account")
        if reactivate.count():
            reactivate.click()
            page.wait_for_selector(".flash--success")
    assert _sign_in_status(new_page, live_server, CONTRIBUTOR) == "in"
    page.get_by_role("link", name="Audit events about this account").click()
    actions = page.locator("table tbody td:nth-child(4)").all_inner_texts()
    assert actions[:2] == ["auth.user_reactivated", "auth.user_deactivated"]
    _check(page, axe_check)
