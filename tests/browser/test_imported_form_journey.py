"""An XLSForm uploaded by staff, answered in French on a 360-px phone, counted in the indicators."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from tests.conftest import PASSWORD
from tests.xlsform_helpers import exit_form_rows, workbook

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

pytestmark = pytest.mark.browser

AxeCheck = Callable[["Page"], None]
Screenshot = Callable[["Page", str], Path]


@pytest.fixture(scope="module")
def portal(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Any, str]]:
    """A portal on loopback (no demo data, figures shown from one answer) and a staff account."""
    from werkzeug.serving import make_server

    from portal import create_app
    from portal.db import create_schema, database
    from tests.factories import make_user

    data_dir = tmp_path_factory.mktemp("imported-form")
    server = make_server("127.0.0.1", 0, lambda environ, start: [], threaded=True)
    url = f"http://127.0.0.1:{server.server_port}"
    app = create_app(
        {
            "DATABASE_URL": f"sqlite:///{data_dir}/portal.db",
            "SECRET_KEY": "imported-form",
            "PORTAL_DATA_DIR": str(data_dir),
            "SESSION_COOKIE_SECURE": False,
            "RATELIMIT_ENABLED": False,
            "PORTAL_SUPPRESS_BELOW": 1,
            "BASE_URL": url,
        }
    )
    create_schema(app)
    with database(app).transaction() as session:
        staff_email = make_user(session, "staff").email
    server.app = app
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield url, app, staff_email
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()
        database(app).engine.dispose()


def _choose(page: Page, question: str, code: str) -> None:
    page.locator(f"label.choice:has(input[name={question}][value={code}])").click()


def _press(page: Page, action: str) -> None:
    page.locator(f".form-actions button[name=action][value={action}]").click()
    page.wait_for_load_state()


def _no_sideways_scroll(page: Page) -> None:
    width, viewport = page.evaluate("() => [document.documentElement.scrollWidth, innerWidth]")
    assert width <= viewport, f"{page.url} is {width}px wide on a {viewport}px screen"


def _upload(browser: Browser, url: str, email: str, form: Path) -> Any:
    """Staff sign in, upload the form, and keep the signed-in context (for the API)."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(f"{url}/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", PASSWORD)
    page.locator("form:has(input[name=password]) [type=submit]").click()
    page.wait_for_selector("form.logout-form", state="attached")
    page.goto(f"{url}/surveys/forms")
    page.set_input_files("input[name=xlsform]", str(form))
    page.locator("form[enctype='multipart/form-data'] [type=submit]").click()
    page.wait_for_load_state()
    assert "volunteer_exit" in page.locator("main").inner_text()
    return context


def test_an_uploaded_form_is_answered_on_a_phone_in_french_and_counted(
    browser: Browser,
    portal: tuple[str, Any, str],
    axe_check: AxeCheck,
    screenshot: Screenshot,
    tmp_path: Path,
) -> None:
    url, app, staff_email = portal
    form = tmp_path / "exit-v4.xlsx"
    form.write_bytes(workbook(exit_form_rows(version="4")))
    staff = _upload(browser, url, staff_email, form)

    from portal.db import database, utcnow
    from surveys import campaigns
    from surveys.invitations import create_invitations, issue_link
    from surveys.rosters import RosterEntry

    year = utcnow().year
    with database(app).transaction() as session:
        campaign = campaigns.create_campaign(session, None, "volunteer_exit", year)
        campaigns.open_campaign(session, None, campaign.id)
        assert campaign.definition_version.version == 4  # the uploaded form
        entry = RosterEntry(line=2, email="awa@example.org", locale="fr", gender="female")
        (invitation,) = create_invitations(session, campaign, [entry])
        token = issue_link(session, invitation, "invitation", utcnow(), 60)

    phone = browser.new_context(viewport={"width": 360, "height": 740}, locale="fr-FR")
    page = phone.new_page()
    page.goto(f"{url}/s/{token}")
    assert page.locator("html").get_attribute("lang") == "fr"
    assert page.get_by_text("About you (fr)").first.is_visible()
    _choose(page, "first_assignment", "yes")
    page.fill("#q-months", "61")
    _press(page, "next")
    assert "Entre 1 et 60 mois" in page.locator("#q-months-error").inner_text()
    assert page.locator(".error-summary").evaluate("node => node === document.activeElement")
    _no_sideways_scroll(page)
    axe_check(page)
    page.fill("#q-months", "8")
    _press(page, "next")
    # Relevance across pages: the advice (first assignment) and the skills (over six months).
    assert page.locator("#q-first_time_advice").is_visible()
    assert page.locator("input[name=skills]").count() == 2
    _choose(page, "satisfied_experience", "fully_agree")
    _choose(page, "development_contribution", "somewhat_agree")
    _choose(page, "skills", "digital")
    page.fill("#q-first_time_advice", "Apprenez la langue locale.")
    _no_sideways_scroll(page)
    axe_check(page)
    screenshot(page, "imported-form-fr-360-page2")
    _press(page, "submit")
    page.locator("#done-title").wait_for()  # the confirmation answers the final page
    phone.close()

    api = staff.request.get(f"{url}/api/v1/indicators?year={year}")
    assert api.status == 200
    figures = {item["code"]: item for item in json.loads(api.text())["indicators"]}
    for code in ("1.2.1", "1.2.2"):
        assert (figures[code]["valid_n"], figures[code]["value"]) == (1, 1.0)
    assert figures["1.2.1"]["breakdown"]["female"]["valid_n"] == 1
    staff.close()
