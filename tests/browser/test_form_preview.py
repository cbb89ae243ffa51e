"""Staff survey forms in the browser: the preview in Arabic and Russian on a phone, the versions
page and a diff, all axe-clean; the preview walks pages with relevance and stores nothing."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = pytest.mark.browser

AxeCheck = Callable[["Page"], None]
Screenshot = Callable[["Page", str], Path]


def _choose(page: Page, question: str, code: str) -> None:
    page.locator(f"label.choice:has(input[name={question}][value={code}])").click()


def _next(page: Page) -> None:
    page.locator(".form-actions button[name=action][value=next]").click()
    page.wait_for_load_state()


@pytest.mark.parametrize(
    ("lang", "direction", "banner", "follow_up"),
    [
        ("ar", "rtl", "معاينة — لا يُحفظ أي شيء.", "ما الذي كان من شأنه أن يجعلها أفضل؟"),
        ("ru", "ltr", "Предварительный просмотр — ничего не сохраняется.", "Что могло бы"),
    ],
)
def test_the_preview_in_arabic_and_russian_is_axe_clean_and_follows_relevance(
    new_page: Callable[..., Page],
    log_in: Callable[[Page, str], None],
    live_server: str,
    axe_check: AxeCheck,
    screenshot: Screenshot,
    lang: str,
    direction: str,
    banner: str,
    follow_up: str,
) -> None:
    page = new_page(width=360)
    log_in(page, "staff")
    page.goto(f"{live_server}/surveys/forms/volunteer_exit/3/preview?lang={lang}")
    assert page.locator("html").get_attribute("dir") == direction
    assert banner in page.locator(".flash--info").inner_text()
    screenshot(page, f"survey-preview-{lang}-360-page1")
    axe_check(page)
    page.fill("#q-assignment_end_date", "2026-06-30")
    _next(page)
    _next(page)
    _choose(page, "satisfied_experience", "fully_disagree")
    _choose(page, "development_contribution", "fully_agree")
    _choose(page, "skills_gained", "digital")
    _next(page)
    assert follow_up in page.locator("#survey-form").inner_text()
    screenshot(page, f"survey-preview-{lang}-360-page4")
    axe_check(page)
    assert not page.portal_problems.messages  # type: ignore[attr-defined]


def test_the_forms_page_and_a_diff_are_axe_clean(
    new_page: Callable[..., Page],
    log_in: Callable[[Page, str], None],
    live_server: str,
    axe_check: AxeCheck,
) -> None:
    page = new_page()
    log_in(page, "staff")
    page.goto(f"{live_server}/surveys/forms")
    assert page.locator("#survey-volunteer_exit").is_visible()
    axe_check(page)
    page.goto(f"{live_server}/surveys/forms/volunteer_exit/diff?from=2&to=3")
    assert page.locator("h1").inner_text().startswith("Changes from version 2 to version 3")
    axe_check(page)
