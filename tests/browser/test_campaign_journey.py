"""A staff member runs a campaign in Chromium without the command line, in English and Arabic:
create, upload a roster, open, send, see who stands where, resend one link and copy it, add
invitees, remind (once), close after confirming; axe-core checks every page on the way."""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, Page

pytestmark = pytest.mark.browser

AxeCheck = Callable[["Page"], None]
Screenshot = Callable[["Page", str], Path]
STAFF = "campaign-staff@example.org"
PASSWORD = "a long staff password 2026"  # noqa: S105 - a test account's password


@pytest.fixture(scope="module")
def portal(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Any]]:
    """An empty portal on loopback with one staff account; yields its URL and the app."""
    from werkzeug.serving import make_server

    from portal import create_app
    from portal.auth import accounts
    from portal.db import create_schema, database

    data_dir = tmp_path_factory.mktemp("campaign-journey")
    server = make_server("127.0.0.1", 0, lambda environ, start: [], threaded=True)
    url = f"http://127.0.0.1:{server.server_port}"
    app = create_app(
        {
            "DATABASE_URL": f"sqlite:///{data_dir}/portal.db",
            "SECRET_KEY": "campaign-journey",
            "PORTAL_DATA_DIR": str(data_dir),
            "SESSION_COOKIE_SECURE": False,
            "RATELIMIT_ENABLED": False,
            "BASE_URL": url,
        }
    )
    create_schema(app)
    with database(app).transaction() as session:
        accounts.create_organisation(session, "UNV", "UN Volunteers", "unv", None)
        accounts.create_user(
            session, STAFF, "staff", hash_method="scrypt:1024:8:1", org_code="UNV",
            name="Campaign Staff", password=PASSWORD,
        )  # fmt: skip
    server.app = app
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield url, app
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()
        database(app).engine.dispose()


def _context(browser: Browser) -> BrowserContext:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, reduced_motion="reduce")
    context.set_default_timeout(15_000)
    return context


def _sign_in(page: Page, url: str, lang: str) -> None:
    page.goto(f"{url}/login")
    page.fill("input[name=email]", STAFF)
    page.fill("input[name=password]", PASSWORD)
    page.locator("form:has(input[name=password]) [type=submit]").click()
    page.wait_for_selector("form.logout-form", state="attached")
    if lang != "en":
        page.select_option("#language-select", lang)
        page.locator(".language-form [type=submit]").click()
        page.wait_for_function(
            "lang => (document.documentElement?.lang || '').split(/[-_]/)[0] === lang", arg=lang
        )


def _first_number(text: str) -> int:
    """The first number in a text, in digits of any script (Arabic pages may use ٠-٩)."""
    return int(re.search(r"\d+", text).group(0))


def _number(page: Page) -> int:
    """The first number of the success message."""
    return _first_number(page.locator(".flash--success").last.inner_text())


def _invitees(page: Page, campaign_url: str) -> int:
    """The number on the campaign page's "Invitees (N)" link."""
    page.goto(campaign_url)
    return _first_number(page.locator("a[href$='/invitees']").first.inner_text())


def _rows(page: Page) -> int:
    return page.locator("table tbody tr").count()


def _upload(page: Page, name: str, content: str) -> None:
    page.locator("a[href$='/roster']").click()
    page.set_input_files(
        "input[type=file]", {"name": name, "mimeType": "text/csv", "buffer": content.encode()}
    )
    page.locator("form[enctype] [type=submit]").click()
    page.wait_for_load_state()


def _press(page: Page, action: str) -> None:
    page.locator(f"form[action$='/{action}'] [type=submit]").click()
    page.wait_for_load_state()


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_staff_run_a_campaign_in_the_browser_alone(
    browser: Browser,
    portal: tuple[str, Any],
    axe_check: AxeCheck,
    screenshot: Screenshot,
    monkeypatch: pytest.MonkeyPatch,
    lang: str,
) -> None:
    from portal.db import utcnow
    from surveys import campaign_views, sending

    url, _ = portal
    context = _context(browser)
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=url)
    page = context.new_page()
    _sign_in(page, url, lang)
    people = [f"{name}.{lang}@example.org" for name in ("ana", "ben", "chen")]

    # Create a campaign (a draft), fill its roster, open it and send the invitations.
    page.goto(f"{url}/surveys/campaigns/new")
    page.select_option("select[name=survey]", "volunteer_exit")
    page.fill("input[name=title]", f"Exit questionnaire ({lang})")
    page.fill("input[name=closes_on]", (date.today() + timedelta(days=60)).isoformat())
    page.locator("main form [type=submit]").click()
    page.wait_for_selector(".flash--success")
    campaign_url = page.url
    _upload(page, "roster.csv", "email,name,language\n" + "".join(f"{p},,{lang}\n" for p in people))
    assert _invitees(page, campaign_url) == 3
    _press(page, "open")
    _press(page, "send-invitations")
    assert _number(page) == 3
    axe_check(page)
    screenshot(page, f"campaign-{lang}")

    # See where each invitee stands, filtered by status.
    page.locator("a[href$='/invitees']").first.click()
    axe_check(page)
    page.select_option("select[name=status]", "invited")
    page.locator("form[role=search] [type=submit]").click()
    page.wait_for_load_state()
    assert _rows(page) == 3
    page.select_option("select[name=status]", "completed")
    page.locator("form[role=search] [type=submit]").click()
    page.wait_for_load_state()
    assert _rows(page) == 0

    # Resend one link: a confirmation first, then the new link shown once, copied by a button.
    page.goto(f"{campaign_url}/invitees?q=ben")
    page.locator("table tbody a").first.click()
    axe_check(page)
    page.locator("a[href$='/resend']").click()
    axe_check(page)
    page.locator("form[action$='/resend'] .button--danger").click()
    page.wait_for_selector("#new-link")
    axe_check(page)
    screenshot(page, f"campaign-link-{lang}")
    link = page.input_value("#new-link")
    assert re.fullmatch(re.escape(url) + r"/s/[\w-]{43}", link)
    page.locator("[data-copy-target]").click()
    page.wait_for_function("() => document.querySelector('[data-copy-status]').textContent")
    assert page.evaluate("() => navigator.clipboard.readText()") == link
    invitee = browser.new_context()
    answering = invitee.new_page()
    answering.goto(link)
    assert answering.url.endswith("/s/answer")
    invitee.close()

    # Add invitees: the new person is added, the one already invited is reported.
    page.goto(campaign_url)
    _upload(page, "more.csv", f"email\n{people[0]}\ndan.{lang}@example.org\n")
    assert people[0] in page.locator("main [role=status] ul").inner_text()
    axe_check(page)
    assert _invitees(page, campaign_url) == 4
    _press(page, "send-invitations")
    assert _number(page) == 1

    # The reminder schedule: nothing is due a minute after the invitations...
    page.locator("a[href$='/edit']").click()
    axe_check(page)
    page.goto(campaign_url)
    _press(page, "send-reminders")
    assert _number(page) == 0
    # ... a week later everyone who has not completed gets one reminder, however often asked.
    later = utcnow() + timedelta(days=8)
    monkeypatch.setattr(sending, "utcnow", lambda: later)
    monkeypatch.setattr(campaign_views, "utcnow", lambda: later)
    _press(page, "send-reminders")
    assert _number(page) == 4
    _press(page, "send-reminders")
    assert _number(page) == 0

    # Close, after confirming; then the erasing of contact data asks first too.
    page.locator("a[href$='/close']").click()
    axe_check(page)
    page.locator("form[action$='/close'] .button--danger").click()
    page.wait_for_selector("a[href$='/purge-contacts']")
    page.locator("a[href$='/purge-contacts']").click()
    axe_check(page)
    page.goto(f"{url}/surveys/campaigns")
    axe_check(page)
    context.close()


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_a_draft_is_deleted_after_its_confirmation(
    browser: Browser, portal: tuple[str, Any], axe_check: AxeCheck, lang: str
) -> None:
    url, _ = portal
    context = _context(browser)
    page = context.new_page()
    _sign_in(page, url, lang)
    page.goto(f"{url}/surveys/campaigns/new")
    page.fill("input[name=title]", f"Draft to delete ({lang})")
    page.locator("main form [type=submit]").click()
    page.wait_for_selector(".flash--success")
    page.locator("a[href$='/delete']").click()
    axe_check(page)
    page.locator("form[action$='/delete'] .button--danger").click()
    page.wait_for_selector(".flash--success")
    assert page.url == f"{url}/surveys/campaigns"
    assert page.locator("main table a", has_text=f"Draft to delete ({lang})").count() == 0
    context.close()


def test_the_campaign_pages_fit_a_360_px_phone(
    browser: Browser, portal: tuple[str, Any], axe_check: AxeCheck
) -> None:
    from portal.db import database, utcnow
    from surveys import campaigns
    from surveys.invitations import create_invitations, issue_link
    from surveys.rosters import RosterEntry

    url, app = portal
    with database(app).transaction() as session:
        campaign = campaigns.create_campaign(session, None, "volunteer_exit", 2026, title="Phone")
        campaigns.open_campaign(session, None, campaign.id)
        entry = RosterEntry(line=2, email="a-rather-long-address.for-a-phone@example.org")
        (invitation,) = create_invitations(session, campaign, [entry])
        issue_link(session, invitation, "invitation", utcnow(), 60)
        invitation.sent_at = utcnow()
        base = f"{url}/surveys/campaigns/{campaign.id}"
        invitee = f"{base}/invitees/{invitation.id}"
    context = browser.new_context(viewport={"width": 360, "height": 740}, reduced_motion="reduce")
    page = context.new_page()
    _sign_in(page, url, "en")
    for address in (
        f"{url}/surveys/campaigns", base, f"{base}/invitees", invitee, f"{invitee}/resend",
        f"{base}/edit", f"{base}/close",
    ):  # fmt: skip
        page.goto(address)
        width = page.evaluate("() => document.documentElement.scrollWidth")
        assert width <= 360, f"{address} is {width} px wide"
    page.goto(f"{invitee}/resend")
    page.locator("form[action$='/resend'] .button--danger").click()
    page.wait_for_selector("#new-link")
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 360
    axe_check(page)
    context.close()
