"""A ministry contributor's journey in Spanish (real Chromium): from account request to publication.

Request an account, be approved by staff, set a password from the mailed link, submit a product
with a PDF, see it pending; staff publish it; it appears on the public pages. Every page passes axe
(WCAG 2.1 A/AA) and is saved to docs/screenshots/.
"""

from __future__ import annotations

import email
import email.policy
import re
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from knowledge.demo import minimal_pdf

if TYPE_CHECKING:
    from playwright.sync_api import Page

NAME = "Lucía Paredes"
EMAIL = "lucia.paredes@inclusion.gob.ec"
PASSWORD = "voluntariado para todos 2030"
TITLE = "Estrategia nacional de voluntariado juvenil 2025-2030"
LINK = re.compile(r"https?://[^\s\"<>]+/password/reset/[^\s\"<>]+")


def _deliver_queued_mail(outbox_root: Path) -> None:
    """What `portal worker --once` does for the live portal: its queued mail becomes .eml files
    in its data folder (the live server runs no worker of its own)."""
    from portal.db import Database
    from portal.mail import Mailer
    from portal.worker import deliver_all_due

    for database_file in outbox_root.glob("portal-browser*/portal.db"):
        database = Database(f"sqlite:///{database_file}")
        try:
            mailer = Mailer("", "portal@example.org", database_file.parent / "outbox")
            deliver_all_due(database, mailer)
        finally:
            database.engine.dispose()


def _set_password_link(outbox_root: Path, address: str) -> str:
    """The set-password link of the approval mail (written as .eml when SMTP_URL is unset)."""
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        _deliver_queued_mail(outbox_root)
        for path in sorted(outbox_root.glob("portal-browser*/outbox/*.eml")):
            message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
            if message["To"] == address:
                body = message.get_body(preferencelist=("plain",))
                assert body is not None
                found = LINK.search(body.get_content())
                assert found, "no set-password link in the approval mail"
                return found.group(0)
        time.sleep(0.2)
    raise AssertionError(f"no approval mail to {address} in the outbox")


@pytest.fixture
def check_page(axe_check: Callable, screenshot: Callable) -> Callable[[Page, str], None]:
    def check(page: Page, name: str) -> None:
        assert (page.locator("html").get_attribute("lang") or "").startswith("es")
        axe_check(page)
        screenshot(page, f"knowledge-journey-{name}")
        problems = page.portal_problems.messages  # type: ignore[attr-defined]
        assert not problems, "\n".join(problems)

    return check


def test_ministry_contributor_shares_a_product_that_staff_publish(
    live_server: str,
    new_page: Callable[..., Page],
    log_in: Callable[[Page, str], None],
    check_page: Callable[[Page, str], None],
    tmp_path_factory: pytest.TempPathFactory,
    tmp_path: Path,
) -> None:
    # 1. The contributor asks for an account.
    visitor = new_page(locale="es-ES")
    visitor.goto(f"{live_server}/account/request")
    check_page(visitor, "1-request-account")
    visitor.fill("#name", NAME)
    visitor.fill("#email", EMAIL)
    visitor.fill("#organisation_name", "Ministerio de Inclusión Económica y Social")
    visitor.select_option("#organisation_kind", "member_state")
    visitor.select_option("#country", "ECU")
    visitor.fill("#reason", "Compartir la estrategia nacional de voluntariado.")
    visitor.locator("form:has(#reason) [type=submit]").click()
    visitor.wait_for_load_state()
    check_page(visitor, "2-request-sent")

    # 2. Staff approve it.
    staff = new_page(locale="es-ES")
    log_in(staff, "staff")
    staff.goto(f"{live_server}/admin/account-requests")
    check_page(staff, "3-account-requests")
    request_card = staff.locator("section.card", has=staff.locator("h2", has_text=NAME))
    request_card.locator("button.button--primary").click()
    staff.wait_for_load_state()

    # 3. The approval mail's link lets the contributor set a password, then sign in.
    link = _set_password_link(tmp_path_factory.getbasetemp(), EMAIL)
    contributor = new_page(locale="es-ES")
    contributor.goto(link)
    check_page(contributor, "4-set-password")
    contributor.fill("#password", PASSWORD)
    contributor.fill("#confirm", PASSWORD)
    contributor.locator("form:has(#confirm) [type=submit]").click()
    contributor.wait_for_url(re.compile(r"/login"))
    contributor.fill("input[name=email]", EMAIL)
    contributor.fill("input[name=password]", PASSWORD)
    contributor.locator("form:has(input[name=password]) [type=submit]").click()
    contributor.wait_for_selector("form.logout-form", state="attached")

    # 4. The contributor submits a product with a PDF and sees it pending.
    pdf = tmp_path / "estrategia-voluntariado.pdf"
    pdf.write_bytes(minimal_pdf(TITLE, ["Plan nacional para el voluntariado de las juventudes."]))
    contributor.goto(f"{live_server}/knowledge/submit")
    check_page(contributor, "5-submit-form")
    contributor.fill("#title", TITLE)
    contributor.fill("#abstract", "Objetivos y acciones para el voluntariado juvenil en Ecuador.")
    contributor.select_option("#product_type", "policy_brief")
    contributor.select_option("#language", "es")
    contributor.fill("#publication_date", "2025-03-10")
    # Countries and goals through the searchable multi-select: type, Enter takes the first match.
    for field, query in (
        ("#countries", "Ecuador"),
        ("#sdgs", "Educación de calidad"),  # goal 4
        ("#sdgs", "Trabajo decente"),  # goal 8
    ):
        contributor.fill(field, "")
        contributor.locator(field).press_sequentially(query)
        contributor.locator(field).press("Enter")
    contributor.set_input_files("#file", str(pdf))
    contributor.locator("button[name=action][value=submit]").click()
    contributor.wait_for_url(re.compile(r"/knowledge/\d+$"))
    product_url = contributor.url
    assert contributor.locator("h1").inner_text().strip() == TITLE
    status = contributor.locator(".flash--info strong").inner_text().strip()
    check_page(contributor, "6-product-pending")
    contributor.goto(f"{live_server}/knowledge/mine")
    assert TITLE in contributor.locator("main").inner_text()
    assert status in contributor.locator("main").inner_text()
    check_page(contributor, "7-my-products")
    anonymous = new_page(locale="es-ES")
    anonymous.goto(f"{live_server}/knowledge/")
    assert TITLE not in anonymous.locator("main").inner_text()

    # 5. Staff publish it from the review queue.
    staff.goto(f"{live_server}/knowledge/review")
    check_page(staff, "8-review-queue")
    staff.locator("main a", has_text=TITLE).click()
    staff.wait_for_url(re.compile(r"/knowledge/review/\d+$"))
    check_page(staff, "9-review")
    staff.locator("form[action$='/publish'] button").click()
    staff.wait_for_url(re.compile(r"/knowledge/review$"))
    assert TITLE not in staff.locator("main").inner_text()

    # 6. It is on the public pages: the list, the product page with its file, the sitemap.
    # The index is updated after the publish response was sent: a reader may need a reload or two.
    listing = anonymous.locator("main a", has_text=TITLE).first
    for _attempt in range(40):
        anonymous.goto(f"{live_server}/knowledge/?language=es&country=ECU")
        if listing.count():
            break
        anonymous.wait_for_timeout(250)
    listing.wait_for()
    check_page(anonymous, "10-browse")
    anonymous.locator("main a", has_text=TITLE).first.click()
    anonymous.wait_for_url(product_url)
    assert anonymous.locator(".flash--info").count() == 0
    assert anonymous.locator('a[download][href*="/files/"]').inner_text().strip() == pdf.name
    check_page(anonymous, "11-product-public")
    sitemap = anonymous.request.get(f"{live_server}/sitemap.xml").text()
    assert product_url in sitemap
