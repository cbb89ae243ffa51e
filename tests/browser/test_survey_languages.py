"""The exit questionnaire in Arabic and Russian on a 360-px phone: axe-clean, a compact header,
answers kept across a language switch, focus on the error summary, English fallback isolated."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, Page

pytestmark = pytest.mark.browser

AxeCheck = Callable[["Page"], None]
Screenshot = Callable[["Page", str], Path]
INVITEES = ("ar", "ru", "switch-fr", "error-ru", "fallback-ar", "enter-en")


@pytest.fixture(scope="module")
def links(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """A portal on loopback with an open exit questionnaire (newest version) and one pinned to
    version 2 (no Arabic), and a link per invitee of INVITEES, named by their language."""
    from werkzeug.serving import make_server

    from portal import create_app
    from portal.db import create_schema, database, utcnow
    from surveys import campaigns
    from surveys.definition_files import load_all
    from surveys.invitations import create_invitations, issue_link
    from surveys.rosters import RosterEntry

    data_dir = tmp_path_factory.mktemp("survey-languages")
    server = make_server("127.0.0.1", 0, lambda environ, start: [], threaded=True)
    url = f"http://127.0.0.1:{server.server_port}"
    app = create_app(
        {
            "DATABASE_URL": f"sqlite:///{data_dir}/portal.db",
            "SECRET_KEY": "survey-languages",
            "PORTAL_DATA_DIR": str(data_dir),
            "SESSION_COOKIE_SECURE": False,
            "RATELIMIT_ENABLED": False,
            "BASE_URL": url,
        }
    )
    create_schema(app)
    found: dict[str, str] = {}
    with database(app).transaction() as session:
        newest = campaigns.create_campaign(session, None, "volunteer_exit", utcnow().year)
        older = campaigns.create_campaign(session, None, "volunteer_exit", utcnow().year - 1)
        for campaign in (newest, older):
            campaigns.open_campaign(session, None, campaign.id)
        # As if opened before version 3 was shipped.
        older.definition_version = campaigns.sync_definition(
            session, load_all()[("volunteer_exit", 2)]
        )
        for number, name in enumerate(INVITEES):
            locale = name.rsplit("-", 1)[-1]
            campaign = older if name.startswith("fallback") else newest
            entry = RosterEntry(line=number + 2, email=f"v{number}@example.org", locale=locale)
            (invitation,) = create_invitations(session, campaign, [entry])
            found[name] = f"{url}/s/{issue_link(session, invitation, 'invitation', utcnow(), 60)}"
    server.app = app
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield found
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()
        database(app).engine.dispose()


@pytest.fixture
def phone(browser: Browser) -> Iterator[Callable[[], Page]]:
    contexts: list[BrowserContext] = []

    def open_page() -> Page:
        context = browser.new_context(
            viewport={"width": 360, "height": 740}, locale="en-US", reduced_motion="reduce"
        )
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


def _choose(page: Page, question: str, code: str) -> None:
    page.locator(f"label.choice:has(input[name={question}][value={code}])").click()


def _next(page: Page) -> None:
    page.locator(".form-actions button[name=action][value=next]").click()
    page.wait_for_load_state()


def _switch_language(page: Page, code: str) -> None:
    page.select_option("#language-select", code)
    page.locator("button[name=action][value=language]").click()
    page.wait_for_load_state()


def _header_share(page: Page) -> float:
    height, viewport = page.evaluate(
        "() => [document.querySelector('.site-header').getBoundingClientRect().height,"
        " window.innerHeight]"
    )
    return float(height) / float(viewport)


def _check(page: Page, axe_check: AxeCheck, screenshot: Screenshot, name: str) -> None:
    screenshot(page, f"survey-volunteer-{name}")
    width, viewport = page.evaluate("() => [document.documentElement.scrollWidth, innerWidth]")
    assert width <= viewport, f"{page.url} is {width}px wide on a {viewport}px screen"
    assert _header_share(page) <= 0.2, f"the header takes {_header_share(page):.0%} of the screen"
    axe_check(page)


@pytest.mark.parametrize(
    ("lang", "direction", "page_title", "thanks"),
    [
        ("ar", "rtl", "قبل مهمتك وفي بدايتها", "شكرًا لك على إجاباتك"),
        ("ru", "ltr", "До начала и в начале назначения", "Благодарим вас за ответы"),
    ],
)
def test_a_volunteer_answers_the_whole_questionnaire_in_arabic_or_russian(
    phone: Callable[[], Page],
    links: dict[str, str],
    axe_check: AxeCheck,
    screenshot: Screenshot,
    lang: str,
    direction: str,
    page_title: str,
    thanks: str,
) -> None:
    page = phone()
    page.goto(links[lang])
    html = page.locator("html")
    assert (html.get_attribute("lang"), html.get_attribute("dir")) == (lang, direction)
    assert page.get_by_role("heading", name=page_title).is_visible()
    assert page.locator("main [lang=en]").count() == 0  # nothing falls back to English
    _check(page, axe_check, screenshot, f"{lang}-360-1-page1")
    page.fill("#q-assignment_end_date", "2026-06-30")
    _choose(page, "preparation_adequate", "somewhat_agree")
    _next(page)
    _choose(page, "security_support", "not_applicable")
    _check(page, axe_check, screenshot, f"{lang}-360-2-page2")
    _next(page)
    _choose(page, "satisfied_experience", "fully_agree")
    _choose(page, "skills_gained", "languages")
    _check(page, axe_check, screenshot, f"{lang}-360-3-page3")
    _next(page)
    _choose(page, "recommend_volunteering", "yes_definitely")
    _check(page, axe_check, screenshot, f"{lang}-360-4-page4")
    page.locator(".form-actions button[name=action][value=submit]").click()
    page.locator("#done-title").wait_for()  # the confirmation answers the final page
    assert page.get_by_text(thanks).is_visible()
    _check(page, axe_check, screenshot, f"{lang}-360-5-done")


def test_switching_language_mid_page_keeps_what_was_typed_and_ticked(
    phone: Callable[[], Page], links: dict[str, str], axe_check: AxeCheck
) -> None:
    page = phone()
    page.goto(links["switch-fr"])
    assert page.locator("html").get_attribute("lang") == "fr"
    _next(page)  # the date is required: now on page 1 with an error, then fill it in
    page.fill("#q-assignment_end_date", "2026-06-30")
    _choose(page, "preparation_adequate", "somewhat_agree")
    _next(page)
    _choose(page, "security_support", "fully_agree")
    _choose(page, "supervision_support", "neither")

    _switch_language(page, "ar")
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert page.get_by_role("heading", name="أثناء مهمتك").is_visible()
    assert page.locator("input[name=security_support][value=fully_agree]").is_checked()
    assert page.locator("input[name=supervision_support][value=neither]").is_checked()
    axe_check(page)

    page.locator(".form-actions button[name=action][value=back]").click()
    _switch_language(page, "ru")
    assert page.locator("#q-assignment_end_date").input_value() == "2026-06-30"
    assert page.locator("input[name=preparation_adequate][value=somewhat_agree]").is_checked()
    assert page.get_by_role("heading", name="До начала и в начале назначения").is_visible()


def test_enter_in_a_field_goes_to_the_next_page_not_the_language_switch(
    phone: Callable[[], Page], links: dict[str, str]
) -> None:
    page = phone()
    page.goto(links["enter-en"])
    page.fill("#q-assignment_end_date", "2026-06-30")
    page.locator("#q-assignment_end_date").press("Enter")
    page.wait_for_load_state()
    assert page.get_by_text("During your assignment").first.is_visible()


def test_a_validation_error_moves_the_focus_to_the_error_summary(
    phone: Callable[[], Page], links: dict[str, str], axe_check: AxeCheck, screenshot: Screenshot
) -> None:
    page = phone()
    page.goto(links["error-ru"])
    _next(page)
    summary = page.locator(".error-summary")
    assert summary.is_visible()
    assert page.evaluate("() => document.activeElement.classList.contains('error-summary')")
    assert summary.get_attribute("role") == "alert"
    link = summary.locator("a[href='#q-assignment_end_date']")
    assert link.inner_text().startswith("Какого числа завершилось")
    _check(page, axe_check, screenshot, "ru-360-error")
    link.click()
    assert page.evaluate("() => document.activeElement.id") == "q-assignment_end_date"


def test_english_fallback_in_an_arabic_page_is_isolated_and_marked(
    phone: Callable[[], Page], links: dict[str, str], axe_check: AxeCheck, screenshot: Screenshot
) -> None:
    page = phone()
    page.goto(links["fallback-ar"])
    assert page.locator("html").get_attribute("dir") == "rtl"
    legend = page.locator("label[for=q-assignment_end_date] bdi[lang=en][dir=auto]")
    assert legend.inner_text() == "On what date did (or will) your assignment end?"
    # Isolated, the question mark stays at the end of the English sentence (on the right).
    mark_x, text_right = page.evaluate(
        """() => {
            const bdi = document.querySelector("label[for=q-assignment_end_date] bdi");
            const range = document.createRange();
            const node = bdi.firstChild;
            range.setStart(node, node.length - 1);
            range.setEnd(node, node.length);
            return [range.getBoundingClientRect().left, bdi.getBoundingClientRect().right];
        }"""
    )
    assert text_right - mark_x < 12
    # The interface around it is still Arabic.
    assert page.locator(".required-marker").first.inner_text() == "(مطلوب)"
    _check(page, axe_check, screenshot, "ar-360-fallback")
