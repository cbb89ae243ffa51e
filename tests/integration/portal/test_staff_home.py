"""The staff home counts pending work, each count a link to where that work is done; the features
register their counts with the core."""

from __future__ import annotations

import re
from datetime import date, timedelta

from flask_babel import lazy_gettext as _l

from knowledge import products
from portal import work
from portal.auth import account_requests
from portal.auth.permissions import is_admin
from portal.db import utcnow
from portal.models import OutboxMessage
from surveys import campaigns
from tests.conftest import PASSWORD, csrf_from
from tests.factories import make_org, make_user

COUNT = re.compile(
    r'<li class="card" id="work-(?P<key>\w+)">\s*<p class="card__figure"[^>]*>(?P<n>\d+)</p>\s*'
    r'<p><a href="(?P<url>[^"]+)"'
)


def _counts(app, email: str) -> dict[str, tuple[int, str]]:
    client = app.test_client()
    client.post(
        "/login",
        data={"email": email, "password": PASSWORD, "csrf_token": csrf_from(client, "/login")},
    )
    page = client.get("/").get_data(as_text=True)
    return {m["key"]: (int(m["n"]), m["url"]) for m in COUNT.finditer(page)}


def _pending_work(session) -> None:
    """Two submitted products, one account request, two drafts to open (one overdue), one
    campaign closing this week and one failed mail; beside each, what must not count."""
    org = make_org(session, "cso")
    today = utcnow().date()
    for status in ("submitted", "submitted", "published", "rejected"):
        products.create_product(
            session,
            None,
            _product(),
            organisation_id=org.id,
            status=status,
            rejection_reason="Off topic." if status == "rejected" else None,
        )
    account_requests.request_account(
        session,
        account_requests.AccountRequestInput(
            "new@example.org", "New", "Org", "cso", None, "", "en"
        ),
    )
    for opens in (today - timedelta(days=2), today + timedelta(days=6), today + timedelta(days=7)):
        campaigns.create_campaign(session, None, "partner", 2026, opens_on=opens)
    for closes in (today, today + timedelta(days=8)):
        campaign = campaigns.create_campaign(session, None, "partner", 2026, closes_on=closes)
        campaigns.open_campaign(session, None, campaign.id)
    for state in ("failed", "queued", "sent"):
        session.add(OutboxMessage(recipient="x@example.org", template="t", state=state))
    session.commit()


def _product() -> products.ProductInput:
    return products.ProductInput(
        title="Volunteering and the SDGs",
        abstract="How volunteers help.",
        product_type="report",
        language="en",
        publication_date=date(2024, 4, 15),
        countries=("ECU",),
        sdgs=(4,),
    )


def test_staff_see_each_count_linked_to_where_the_work_is(app, session) -> None:
    _pending_work(session)
    staff = make_user(session, "staff")
    session.commit()
    assert _counts(app, staff.email) == {
        "awaiting_review": (2, "/knowledge/review"),
        "account_requests": (1, "/admin/account-requests"),
        "campaigns_to_open": (2, "/surveys/campaigns"),
        "campaigns_closing": (1, "/surveys/campaigns"),
        "failed_mails": (1, "/admin/outbox"),
    }


def test_partners_and_contributors_see_their_links_not_counts(app, session) -> None:
    partner = make_user(session, "partner")
    session.commit()
    assert _counts(app, partner.email) == {}
    client = app.test_client()
    client.post(
        "/login",
        data={
            "email": partner.email,
            "password": PASSWORD,
            "csrf_token": csrf_from(client, "/login"),
        },
    )
    assert "Your work" in client.get("/").get_data(as_text=True)


def test_a_registered_count_shows_to_whom_it_is_meant_with_its_link(app, session) -> None:
    work.register_count(
        app,
        "test_count",
        _l("Audit log"),
        "auth.audit_events",
        is_admin,
        lambda _session, today: today.day,
        99,
        action="auth.user_deactivated",
    )
    admin = make_user(session, "admin")
    staff = make_user(session, "staff")
    session.commit()
    day = utcnow().date().day
    assert _counts(app, admin.email)["test_count"] == (
        day,
        "/admin/audit?action=auth.user_deactivated",
    )
    assert "test_count" not in _counts(app, staff.email)
