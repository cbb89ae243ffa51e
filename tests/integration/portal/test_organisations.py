"""One organisation, once: approval proposes the match, merging moves every row, 3.1.2 follows."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

import pytest
from sqlalchemy import func, select

from knowledge.indicators import knowledge_indicator
from knowledge.models import KnowledgeProduct, SearchOutbox, SupportRecord
from portal.auth import account_requests, organisations
from portal.auth.account_requests import NEW_ORGANISATION
from portal.db import utcnow
from portal.errors import InputError
from portal.models import AuditEvent, Office, Organisation, User
from surveys.models import Campaign, Invitation, Response
from tests.conftest import csrf_from
from tests.factories import make_org, make_user
from tests.integration.knowledge.conftest import make_product
from tests.integration.knowledge.test_indicators import context
from tests.integration.surveys.builders import make_campaign, make_invitation


@pytest.fixture
def staff(session) -> User:
    user = make_user(session, "staff", org=make_org(session, "unv", code="UNV"))
    session.commit()
    return user


def _count(session, model, **where) -> int:
    query = select(func.count()).select_from(model)
    for column, value in where.items():
        query = query.where(getattr(model, column) == value)
    return session.scalar(query)


def _events(session, action: str) -> list[AuditEvent]:
    session.rollback()
    session.expire_all()
    query = select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)
    return list(session.scalars(query))


@dataclass
class Pair:
    duplicate: Organisation
    keep: Organisation
    twin: Office  # the duplicate's office that the kept organisation also has
    kept_twin: Office
    campaign_id: int

    def __post_init__(self) -> None:
        self.ids = {self.duplicate.id: "duplicate", self.keep.id: "keep"}


def _arrange(session, suffix: str = "") -> Pair:
    """Two records of one ministry, each with users, offices, products, support and surveys."""
    keep = make_org(
        session, "member_state", f"MOY-KEN{suffix}", name="Ministry of Youth (MoY)", country="KEN"
    )
    duplicate = make_org(
        session, "other", code=f"MINISTRY-OF-YOUTH{suffix}", name="Ministry of youth", country="KEN"
    )
    kept_twin = Office(organisation=keep, office_type="country", duty_station="KEN", name="K")
    twin = Office(organisation=duplicate, office_type="country", duty_station="KEN", name="D")
    session.add_all([kept_twin, twin, Office(organisation=duplicate, office_type="hq", name="H")])
    session.flush()
    make_user(session, "contributor", org=duplicate).office_id = twin.id
    make_user(session, "contributor", org=duplicate)
    make_user(session, "contributor", org=keep)
    for organisation in (duplicate, duplicate, keep):
        make_product(session, organisation, publication_date=date(2024, 5, 1))
    session.add(
        SupportRecord(
            recipient_kind="member_state",
            recipient_name="Ministry",
            recipient_country="KEN",
            recipient_organisation_id=duplicate.id,
            year=2024,
            process="national_policy",
        )
    )
    campaign = make_campaign(session, "partner")
    invitation, _token = make_invitation(
        session, campaign, organisation_id=duplicate.id, office_type="country", duty_station="KEN"
    )
    make_invitation(session, campaign, organisation_id=duplicate.id, office_type="hq")
    _respond(session, invitation)
    session.commit()
    return Pair(duplicate, keep, twin, kept_twin, campaign.id)


def _respond(session, invitation: Invitation) -> Response:
    response = Response(
        invitation_id=invitation.id,
        campaign_id=invitation.campaign_id,
        definition_version_id=invitation.campaign.definition_version_id,
        submitted_at=utcnow(),
        reporting_year=invitation.campaign.year,
        organisation_id=invitation.organisation_id,
        office_id=invitation.office_id,
        office_type=invitation.office_type,
    )
    session.add(response)
    session.flush()
    return response


def _rows(session, pair: Pair) -> dict[str, int]:
    """Rows naming the kept organisation (or its offices), per table."""
    keep = pair.keep.id
    return {
        "organisations": _count(session, Organisation),
        "users": _count(session, User, organisation_id=keep),
        "users_in_kept_office": _count(session, User, office_id=pair.kept_twin.id),
        "offices": _count(session, Office, organisation_id=keep),
        "products": _count(session, KnowledgeProduct, organisation_id=keep),
        "support": _count(session, SupportRecord, recipient_organisation_id=keep),
        "invitations": _count(session, Invitation, organisation_id=keep),
        "invitations_in_kept_office": _count(session, Invitation, office_id=pair.kept_twin.id),
        "responses": _count(session, Response, organisation_id=keep),
        "responses_of_kept_office": _count(session, Response, office_id=pair.kept_twin.id),
    }


def _merge(app, session, pair: Pair, actor=None) -> dict[str, int]:
    with app.app_context():
        moved = organisations.merge_organisations(session, actor, pair.duplicate.id, pair.keep.id)
    session.commit()
    return moved


BEFORE = {
    "organisations": 3,
    "users": 1,
    "users_in_kept_office": 0,
    "offices": 1,
    "products": 1,
    "support": 0,
    "invitations": 0,
    "invitations_in_kept_office": 0,
    "responses": 0,
    "responses_of_kept_office": 0,
}


def test_a_merge_moves_every_kind_of_row_and_deletes_the_duplicate(app, session, staff) -> None:
    pair = _arrange(session)
    duplicate_id = pair.duplicate.id
    assert _rows(session, pair) == BEFORE
    queued = _count(session, SearchOutbox)
    moved = _merge(app, session, pair, staff)
    assert _rows(session, pair) == {
        "organisations": 2,
        "users": 3,
        "users_in_kept_office": 1,
        "offices": 2,  # its own country office (joined by the twin) and the duplicate's hq
        "products": 3,
        "support": 1,
        "invitations": 2,
        "invitations_in_kept_office": 1,
        "responses": 1,
        "responses_of_kept_office": 1,
    }
    assert session.get(Organisation, duplicate_id) is None
    assert session.get(Office, pair.twin.id) is None
    assert moved == {
        "knowledge": 3,
        "surveys": 3,
        "users": 2,
        "offices": 1,
        "offices_joined": 1,
    }
    (event,) = _events(session, "auth.organisations_merged")
    assert (event.actor_id, event.object_type, event.object_id) == (
        staff.id,
        "organisation",
        pair.keep.id,
    )
    assert event.details == {"duplicate_id": duplicate_id, "keep_id": pair.keep.id, "moved": moved}
    # The two moved products are indexed again under their new organisation.
    assert _count(session, SearchOutbox) == queued + 2


def test_a_conflict_refuses_the_whole_merge_and_changes_nothing(app, session) -> None:
    pair = _arrange(session)
    invitation, _token = make_invitation(
        session,
        session.get(Campaign, pair.campaign_id),
        organisation_id=pair.keep.id,
        office_type="country",
        duty_station="KEN",
    )
    _respond(session, invitation)  # both country offices answered the same campaign
    session.commit()
    before = _rows(session, pair)
    with app.app_context(), pytest.raises(InputError, match="answered the campaign"):
        organisations.merge_organisations(session, None, pair.duplicate.id, pair.keep.id)
    session.commit()
    session.expire_all()
    assert _rows(session, pair) == before
    assert _count(session, KnowledgeProduct, organisation_id=pair.duplicate.id) == 2
    assert session.get(Organisation, pair.duplicate.id) is not None
    assert _events(session, "auth.organisations_merged") == []


def test_an_organisation_is_not_merged_into_itself(app, session) -> None:
    org = make_org(session, "cso")
    session.commit()
    with app.app_context(), pytest.raises(InputError, match="into itself"):
        organisations.merge_organisations(session, None, org.id, org.id)


def test_3_1_2_counts_the_kept_organisation_once_after_a_merge(app, session) -> None:
    first = make_org(session, "cso", name="Volunteers of Kenya", country="KEN")
    second = make_org(session, "cso", name="VOLUNTEERS OF KENYA", country="KEN")
    make_product(session, first, publication_date=date(2024, 3, 1))
    make_product(session, second, publication_date=date(2024, 4, 1))
    session.commit()

    def counted() -> int:
        return knowledge_indicator(session, "3.1.2", {}, context(2024))["value"]

    assert counted() == 2
    with app.app_context():
        organisations.merge_organisations(session, None, second.id, first.id)
    session.commit()
    assert counted() == 1


def _shape(event: AuditEvent, pair: Pair) -> tuple:
    """The audit row apart from the actor, with the pair's ids named by their part."""
    names = pair.ids
    details = {
        key: names.get(value, value) if key.endswith("_id") else value
        for key, value in event.details.items()
    }
    return event.action, event.object_type, names[event.object_id], details


def test_the_web_and_the_command_line_write_the_same_audit_row(
    app, client, auth, runner, session, staff
) -> None:
    on_the_web, typed = _arrange(session), _arrange(session, "-B")
    auth.login(staff.email)
    url = f"/admin/organisations/merge?duplicate={on_the_web.duplicate.code}&keep=MOY-KEN"
    page = client.get(url)
    assert page.status_code == 200 and _count(session, Organisation) == 5  # nothing merged yet
    token = csrf_from(client, url)
    data = {"duplicate": on_the_web.duplicate.code, "keep": "MOY-KEN", "csrf_token": token}
    assert client.post("/admin/organisations/merge", data=data).status_code == 302
    result = runner.invoke(args=["portal", "merge-orgs", typed.duplicate.code, "MOY-KEN-B"])
    assert result.exit_code == 0, result.output
    assert "merged into MOY-KEN-B" in result.output

    web, cli = _events(session, "auth.organisations_merged")
    assert (web.actor_id, cli.actor_id) == (staff.id, None)
    assert _shape(web, on_the_web) == _shape(cli, typed)
    assert web.details["moved"]["surveys"] == 3


def test_the_web_merge_needs_the_csrf_token_and_staff(app, client, auth, session, staff) -> None:
    pair = _arrange(session)
    data = {"duplicate": pair.duplicate.code, "keep": pair.keep.code}
    auth.login(staff.email)
    assert client.post("/admin/organisations/merge", data=data).status_code == 400
    session.rollback()
    assert session.get(Organisation, pair.duplicate.id) is not None


def test_a_refused_merge_on_the_web_says_why_and_the_command_line_exits_1(
    app, client, auth, runner, session, staff
) -> None:
    org = make_org(session, "cso", code="ALONE")
    session.commit()
    auth.login(staff.email)
    token = csrf_from(client, "/admin/organisations/merge?duplicate=ALONE&keep=ALONE")
    data = {"duplicate": "ALONE", "keep": "ALONE", "csrf_token": token}
    response = client.post("/admin/organisations/merge", data=data, follow_redirects=True)
    assert "cannot be merged into itself" in response.get_data(as_text=True)
    result = runner.invoke(args=["portal", "merge-orgs", "ALONE", "NOPE"])
    assert result.exit_code == 1 and "Unknown organisation code NOPE" in result.output
    session.rollback()
    assert session.get(Organisation, org.id) is not None


def test_the_organisations_page_suggests_the_duplicates(client, auth, session, staff) -> None:
    _arrange(session)
    make_org(session, "cso", code="OXFAM", name="Oxfam")
    session.commit()
    auth.login(staff.email)
    page = client.get("/admin/organisations").get_data(as_text=True)
    assert "duplicate=MINISTRY-OF-YOUTH&amp;keep=MOY-KEN" in page
    assert "duplicate=OXFAM" not in page


# Account approval


def _request(session, name: str, kind: str = "member_state", country: str | None = "KEN") -> int:
    data = account_requests.AccountRequestInput(
        "focal@youth.go.ke", "Focal Point", name, kind, country, "", "en"
    )
    request_id = account_requests.request_account(session, data).id
    session.commit()
    return request_id


def _selected(page: str, request_id: int) -> str | None:
    select_html = page[page.index(f'id="organisation-{request_id}"') :]
    select_html = select_html[: select_html.index("</select>")]
    found = re.search(r'<option selected value="([^"]*)"', select_html)
    return found.group(1) if found else None


def test_the_approval_page_preselects_the_matching_organisation(
    client, auth, session, staff
) -> None:
    make_org(session, "member_state", code="MOY", name="MoY", country="KEN")
    make_org(session, "member_state", code="MOY-UGA", name="Ministry of Youth", country="UGA")
    matched = _request(session, "ministry of youth (MoY)", kind="other")
    unmatched = _request(session, "Kenya Red Cross", kind="cso")
    auth.login(staff.email)
    page = client.get("/admin/account-requests").get_data(as_text=True)
    assert _selected(page, matched) == "MOY"
    assert _selected(page, unmatched) == ""  # nothing is created unless chosen
    assert "Create a new organisation (code KRC-KEN)" in page


def test_an_approval_without_a_choice_creates_nothing(client, auth, session, staff) -> None:
    request_id = _request(session, "Kenya Red Cross", kind="cso")
    auth.login(staff.email)
    token = csrf_from(client, "/admin/account-requests")
    response = client.post(
        f"/admin/account-requests/{request_id}/approve",
        data={"organisation": "", "csrf_token": token},
        follow_redirects=True,
    )
    assert "Choose the organisation, or choose to create a new one." in response.get_data(
        as_text=True
    )
    session.rollback()
    assert _count(session, Organisation) == 1 and _count(session, User) == 1


def test_choosing_a_new_organisation_creates_one_with_a_readable_unique_code(
    client, auth, session, staff
) -> None:
    make_org(session, "cso", code="KRC-KEN", name="Kenya Rugby Club", country="KEN")
    request_id = _request(session, "Kenya Red Cross", kind="cso")
    auth.login(staff.email)
    page = client.get("/admin/account-requests").get_data(as_text=True)
    assert "Create a new organisation (code KRC-KEN-2)" in page
    assert 'value="KRC-KEN-2"' in page  # the code staff confirm, editable
    token = csrf_from(client, "/admin/account-requests")
    client.post(
        f"/admin/account-requests/{request_id}/approve",
        data={"organisation": NEW_ORGANISATION, "new_code": "KRC-KEN-2", "csrf_token": token},
    )
    session.rollback()
    user = session.scalar(select(User).where(User.email == "focal@youth.go.ke"))
    assert (user.organisation.code, user.organisation.name) == ("KRC-KEN-2", "Kenya Red Cross")
    assert (user.organisation.kind, user.organisation.country) == ("cso", "KEN")


def test_approving_into_the_match_creates_no_organisation(client, auth, session, staff) -> None:
    make_org(session, "member_state", code="MOY", name="MoY", country="KEN")
    request_id = _request(session, "Ministry of Youth", kind="other")
    auth.login(staff.email)
    token = csrf_from(client, "/admin/account-requests")
    client.post(
        f"/admin/account-requests/{request_id}/approve",
        data={"organisation": "MOY", "csrf_token": token},
    )
    session.rollback()
    user = session.scalar(select(User).where(User.email == "focal@youth.go.ke"))
    assert user.organisation.code == "MOY"
    assert _count(session, Organisation) == 2
