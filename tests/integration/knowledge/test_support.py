"""The technical-support register: staff add, list and edit records; bad input names its field."""

from __future__ import annotations

from sqlalchemy import select

from knowledge.models import SupportRecord
from portal.models import AuditEvent
from tests.factories import make_org
from tests.integration.knowledge.conftest import count_rows, form_post, reread


def test_staff_add_support_to_a_member_state(login, people, session) -> None:
    client = login(people.staff)

    response = form_post(
        client,
        "/knowledge/support/new",
        {
            "recipient_kind": "member_state",
            "recipient_country": "SEN",
            "year": "2024",
            "supported_process": "national_policy",
            "description": "Review of the national youth volunteering policy.",
        },
    )

    assert response.status_code == 302
    record = session.scalars(select(SupportRecord)).one()
    assert (record.recipient_kind, record.recipient_country, record.year) == (
        "member_state",
        "SEN",
        2024,
    )
    assert record.process == "national_policy"
    assert record.recipient_name == "Senegal"
    assert record.created_by_id == people.staff.id
    event = session.scalars(select(AuditEvent).where(AuditEvent.object_id == record.id)).one()
    assert event.action == "knowledge.support.added"
    page = client.get("/knowledge/support?year=2024").get_data(as_text=True)
    assert "Review of the national youth volunteering policy." in page
    assert "Review of the national" not in client.get("/knowledge/support?year=2023").get_data(
        as_text=True
    )


def test_country_team_without_its_country_is_refused_on_the_country_field(
    login, people, session
) -> None:
    response = form_post(
        login(people.staff),
        "/knowledge/support/new",
        {"recipient_kind": "unct", "year": "2024", "supported_process": "cca_unsdcf"},
    )

    assert response.status_code == 200
    assert 'id="recipient_country-error"' in response.get_data(as_text=True)
    assert count_rows(session, SupportRecord) == 0


def test_un_entity_must_be_an_organisation_of_that_kind(login, people, session) -> None:
    ngo = make_org(session, "cso")
    session.commit()

    response = form_post(
        login(people.staff),
        "/knowledge/support/new",
        {
            "recipient_kind": "un_entity",
            "recipient_organisation": str(ngo.id),
            "year": "2024",
            "supported_process": "cca_unsdcf",
        },
    )

    assert response.status_code == 200
    assert 'id="recipient_organisation-error"' in response.get_data(as_text=True)
    assert count_rows(session, SupportRecord) == 0


def test_staff_edit_a_record(login, people, session) -> None:
    agency = make_org(session, "un_entity", name="UN Development Programme")
    session.commit()
    client = login(people.staff)
    form_post(
        client,
        "/knowledge/support/new",
        {
            "recipient_kind": "unct",
            "recipient_country": "KEN",
            "year": "2023",
            "supported_process": "cca_unsdcf",
        },
    )
    record = session.scalars(select(SupportRecord)).one()
    edit_page = client.get(f"/knowledge/support/{record.id}/edit").get_data(as_text=True)
    assert 'value="2023"' in edit_page

    form_post(
        client,
        f"/knowledge/support/{record.id}/edit",
        {
            "recipient_kind": "un_entity",
            "recipient_organisation": str(agency.id),
            "year": "2024",
            "supported_process": "cca_unsdcf",
        },
    )

    reread(session)
    record = session.get(SupportRecord, record.id)
    assert record.recipient_kind == "un_entity"
    assert record.recipient_organisation_id == agency.id
    assert record.recipient_name == "UN Development Programme"
    assert record.year == 2024


def test_contributors_cannot_open_the_register(login, people) -> None:
    assert login(people.contributor).get("/knowledge/support").status_code == 403


def test_an_out_of_range_year_filter_is_a_400_naming_it(login, people) -> None:
    client = login(people.staff)
    for year in ("99999999999999999999", "1999", "2101"):
        response = client.get(f"/knowledge/support?year={year}")
        assert response.status_code == 400, year
        assert f"{year[:20]} is not a year" in response.get_data(as_text=True)
    assert client.get("/knowledge/support?year=2024").status_code == 200
