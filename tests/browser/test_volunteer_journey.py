"""A UN Volunteer's exit questionnaire in Chromium, in French on a 360-px phone, end to end."""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, Page

pytestmark = pytest.mark.browser

AxeCheck = Callable[["Page"], None]
Screenshot = Callable[["Page", str], Path]


@pytest.fixture(scope="module")
def survey_link(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Any]]:
    """A portal on loopback with an open exit questionnaire and one French invitee's link."""
    from werkzeug.serving import make_server

    from portal import create_app
    from portal.db import create_schema, database, utcnow
    from surveys import campaigns
    from surveys.invitations import create_invitations, issue_link
    from surveys.rosters import RosterEntry

    data_dir = tmp_path_factory.mktemp("survey-journey")
    server = make_server("127.0.0.1", 0, lambda environ, start: [], threaded=True)
    url = f"http://127.0.0.1:{server.server_port}"
    app = create_app(
        {
            "DATABASE_URL": f"sqlite:///{data_dir}/portal.db",
            "SECRET_KEY": "survey-journey",
            "PORTAL_DATA_DIR": str(data_dir),
            "SESSION_COOKIE_SECURE": False,
            "BASE_URL": url,
        }
    )
    create_schema(app)
    with database(app).transaction() as session:
        campaign = campaigns.create_campaign(session, None, "volunteer_exit", utcnow().year)
        campaigns.open_campaign(session, None, campaign.id)
        entry = RosterEntry(line=2, email="aminata@example.org", locale="fr", gender="female")
        (invitation,) = create_invitations(session, campaign, [entry])
        token = issue_link(session, invitation, "invitation", utcnow(), 60)
    server.app = app
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"{url}/s/{token}", app
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()
        database(app).engine.dispose()


def _phone(browser: Browser) -> BrowserContext:
    context = browser.new_context(
        viewport={"width": 360, "height": 740}, locale="fr-FR", reduced_motion="reduce"
    )
    context.set_default_timeout(15_000)
    return context


def _choose(page: Page, question: str, code: str) -> None:
    """Tap the option's label, as a person does on a phone."""
    page.locator(f"label.choice:has(input[name={question}][value={code}])").click()


def _next(page: Page) -> None:
    page.locator(".form-actions button[name=action][value=next]").click()
    page.wait_for_load_state()


def _assert_no_sideways_scroll(page: Page) -> None:
    width, viewport = page.evaluate("() => [document.documentElement.scrollWidth, innerWidth]")
    assert width <= viewport, f"{page.url} is {width}px wide on a {viewport}px screen"


def _check(page: Page, axe_check: AxeCheck, screenshot: Screenshot, name: str) -> None:
    _assert_no_sideways_scroll(page)
    axe_check(page)
    screenshot(page, f"survey-volunteer-fr-360-{name}")


def test_a_volunteer_answers_over_pages_leaves_comes_back_and_finishes(
    browser: Browser, survey_link: tuple[str, Any], axe_check: AxeCheck, screenshot: Screenshot
) -> None:
    link, app = survey_link
    first_visit = _phone(browser)
    page = first_visit.new_page()
    page.goto(link)
    assert page.url.endswith("/s/answer") and "/s/answer" in page.url
    assert page.locator("html").get_attribute("lang") == "fr"
    assert page.get_by_text("Avant et au début de votre affectation").is_visible()
    _check(page, axe_check, screenshot, "1-page1")

    # A missing required date is reported next to its field, in an accessible error summary.
    _next(page)
    assert page.locator("#q-assignment_end_date-error").is_visible()
    assert page.locator(".error-summary a[href='#q-assignment_end_date']").count() == 1
    _check(page, axe_check, screenshot, "2-error")

    page.fill("#q-assignment_end_date", "2026-06-30")
    _choose(page, "preparation_adequate", "somewhat_agree")
    _next(page)
    assert re.search(r"\b2\b.*\b4\b", page.locator(".progress__text").inner_text())
    _choose(page, "security_support", "fully_agree")
    _choose(page, "supervision_support", "neither")
    _check(page, axe_check, screenshot, "3-page2")
    _next(page)
    assert re.search(r"\b3\b.*\b4\b", page.locator(".progress__text").inner_text())
    first_visit.close()  # the volunteer leaves

    coming_back = _phone(browser)
    page = coming_back.new_page()
    page.goto(link)
    assert re.search(r"\b3\b.*\b4\b", page.locator(".progress__text").inner_text())
    page.locator(".form-actions button[name=action][value=back]").click()
    assert page.locator("input[name=supervision_support][value=neither]").is_checked()
    _next(page)
    _choose(page, "satisfied_experience", "fully_agree")
    _choose(page, "development_contribution", "somewhat_agree")
    page.locator("label.choice:has(input[name=skills_gained][value=intercultural])").click()
    page.locator("label.choice:has(input[name=skills_gained][value=languages])").click()
    _check(page, axe_check, screenshot, "4-page3")
    _next(page)
    _choose(page, "recommend_volunteering", "yes_definitely")
    page.fill("#q-comments", "Merci pour cette expérience.")
    _check(page, axe_check, screenshot, "5-page4")
    page.locator(".form-actions button[name=action][value=submit]").click()
    page.locator("#done-title").wait_for()  # the confirmation answers the final page
    assert page.get_by_text("Merci pour vos réponses").is_visible()
    _check(page, axe_check, screenshot, "6-done")

    reopened = page.goto(link)
    assert reopened is not None and reopened.status == 410
    _check(page, axe_check, screenshot, "7-used-link")
    coming_back.close()

    from sqlalchemy import select

    from portal.db import database
    from surveys.models import Answer, Response

    with database(app).transaction() as session:
        assert len(session.scalars(select(Response)).all()) == 1
        skills = set(
            session.scalars(select(Answer.value_code).where(Answer.question_key == "skills_gained"))
        )
    assert skills == {"intercultural", "languages"}
