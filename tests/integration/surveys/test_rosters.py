"""Rosters: every cell checked, the whole file refused on one bad cell, one link per good row."""

from __future__ import annotations

import csv
import io
from datetime import date

import openpyxl
import pytest
from sqlalchemy import func, select

from portal.db import database
from portal.tables import Refused
from surveys import rosters
from surveys.models import Invitation, InvitationLink
from tests.factories import make_org
from tests.integration.surveys.builders import make_campaign

HEADER = list(rosters.VOLUNTEER_COLUMNS)


def volunteer_row(number: int, **cells: str) -> dict[str, str]:
    row = {
        "email": f"volunteer{number}@example.org",
        "name": f"Volunteer {number}",
        "language": "fr",
        "gender": "female" if number % 2 else "male",
        "category": "national",
        "modality": "onsite",
        "age": str(20 + number % 40),
        "disability": "no",
        "nationality": "SEN",
        "refugee": "no",
        "duty_station": "SEN",
        "host_entity": "HOST",
        "assignment_start": "2025-01-01",
        "assignment_end": "2026-06-30",
    }
    row.update(cells)
    return row


def csv_bytes(rows: list[dict[str, str]], header: list[str] | None = None) -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=header or HEADER)
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def count(session, model) -> int:
    return int(session.scalar(select(func.count()).select_from(model)))


@pytest.fixture
def campaign_id(app) -> int:
    with database(app).transaction() as session:
        make_org(session, "un_entity", code="HOST")
        return make_campaign(session).id


def test_a_bad_cell_among_1000_rows_is_named_and_nothing_is_stored(
    app, runner, campaign_id, tmp_path
) -> None:
    rows = [volunteer_row(n) for n in range(1, 1001)]
    rows[636]["age"] = "twenty"  # file line 638: the header is line 1
    roster = tmp_path / "roster.csv"
    roster.write_bytes(csv_bytes(rows))
    result = runner.invoke(
        args=[
            "surveys",
            "invite",
            str(campaign_id),
            str(roster),
            "--links-out",
            str(tmp_path / "l.csv"),
        ]
    )
    assert result.exit_code == 1
    assert "Line 638, column age" in result.output
    assert len(result.output.strip().splitlines()) == 1
    assert not (tmp_path / "l.csv").exists()
    with database(app).transaction() as session:
        assert count(session, Invitation) == 0


def test_a_good_roster_of_1000_rows_issues_exactly_one_link_per_row(
    app, runner, campaign_id, tmp_path
) -> None:
    roster = tmp_path / "roster.csv"
    roster.write_bytes(csv_bytes([volunteer_row(n) for n in range(1, 1001)]))
    links_file = tmp_path / "links.csv"
    result = runner.invoke(
        args=["surveys", "invite", str(campaign_id), str(roster), "--links-out", str(links_file)]
    )
    assert result.exit_code == 0, result.output
    with links_file.open(encoding="utf-8") as handle:
        links = list(csv.DictReader(handle))
    assert len(links) == 1000
    assert {row["email"] for row in links} == {f"volunteer{n}@example.org" for n in range(1, 1001)}
    assert len({row["link"] for row in links}) == 1000
    assert all(row["link"].startswith("https://portal.example.org/s/") for row in links)
    with database(app).transaction() as session:
        assert count(session, Invitation) == 1000
        assert count(session, InvitationLink) == 1000
        stored = set(session.scalars(select(InvitationLink.token_hash)))
    token = links[0]["link"].rsplit("/", 1)[1]
    assert token not in stored  # only the hash is kept


def test_unknown_columns_are_named(session, shipped) -> None:
    campaign = make_campaign(session)
    data = csv_bytes(
        [{"email": "a@example.org", "phone": "1", "salary": "2"}], ["email", "phone", "salary"]
    )
    with pytest.raises(Refused) as refused:
        rosters.read_roster(session, campaign.id, "volunteer", data)
    assert "Unknown column(s): phone, salary" in str(refused.value)


def test_every_bad_cell_is_named_by_line_and_column(session) -> None:
    make_org(session, "un_entity", code="HOST")
    campaign = make_campaign(session)
    rows = [
        volunteer_row(1, gender="woman"),
        volunteer_row(2, nationality="XXX", assignment_end="30/06/2026"),
        volunteer_row(3, email="not-an-address", host_entity="NOPE"),
        volunteer_row(4, assignment_start="2026-07-01", assignment_end="2026-06-30"),
    ]
    with pytest.raises(Refused) as refused:
        rosters.read_roster(session, campaign.id, "volunteer", csv_bytes(rows))
    where = {(problem.line, problem.column) for problem in refused.value.problems}
    assert where == {
        (2, "gender"),
        (3, "nationality"),
        (3, "assignment_end"),
        (4, "email"),
        (4, "host_entity"),
        (5, "assignment_end"),
    }
    assert count(session, Invitation) == 0


def test_duplicate_emails_in_the_file_or_the_campaign_are_refused(session) -> None:
    make_org(session, "un_entity", code="HOST")
    campaign = make_campaign(session)
    rows = [volunteer_row(1), volunteer_row(2, email="VOLUNTEER1@example.org")]
    with pytest.raises(Refused, match="already on line 2"):
        rosters.read_roster(session, campaign.id, "volunteer", csv_bytes(rows))
    session.add(Invitation(campaign=campaign, contact_email="volunteer9@example.org"))
    session.flush()
    with pytest.raises(Refused, match="already invited to this campaign"):
        rosters.read_roster(session, campaign.id, "volunteer", csv_bytes([volunteer_row(9)]))


def test_empty_optional_cells_are_allowed_and_email_is_normalised(session) -> None:
    campaign = make_campaign(session)
    data = csv_bytes([{"email": " Someone@Example.ORG "}], ["email", "gender", "age"])
    (entry,) = rosters.read_roster(session, campaign.id, "volunteer", data)
    assert (entry.email, entry.gender, entry.age, entry.locale) == (
        "someone@example.org",
        None,
        None,
        None,
    )


def test_an_xlsx_roster_with_date_cells_is_read(session) -> None:
    make_org(session, "un_entity", code="HOST")
    campaign = make_campaign(session)
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["email", "age", "assignment_start", "host_entity", "language"])
    sheet.append(["x@example.org", 27, date(2025, 2, 1), "HOST", "es"])
    sheet.append(["y@example.org", 31.0, "2025-03-01", "host", None])
    buffer = io.BytesIO()
    workbook.save(buffer)
    first, second = rosters.read_roster(session, campaign.id, "volunteer", buffer.getvalue())
    assert (first.age, first.assignment_start, first.locale) == (27, date(2025, 2, 1), "es")
    assert (second.age, second.organisation_id) == (31, first.organisation_id)


def test_an_xlsx_bad_cell_is_named_by_line_and_column(session) -> None:
    campaign = make_campaign(session)
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["email", "refugee"])
    sheet.append(["x@example.org", "no"])
    sheet.append(["y@example.org", "maybe"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    with pytest.raises(Refused, match="Line 3, column refugee"):
        rosters.read_roster(session, campaign.id, "volunteer", buffer.getvalue())


def test_a_file_that_is_neither_csv_nor_xlsx_is_refused(session) -> None:
    campaign = make_campaign(session)
    with pytest.raises(Refused, match="neither a UTF-8 CSV"):
        rosters.read_roster(session, campaign.id, "volunteer", b"\xd0\xcf\x11\xe0\xff\xfe")


def test_a_semicolon_separated_roster_is_read(session) -> None:
    campaign = make_campaign(session)
    data = b"email;gender\na@example.org;female\n"
    (entry,) = rosters.read_roster(session, campaign.id, "volunteer", data)
    assert entry.gender == "female"


def test_a_partner_roster_needs_organisation_and_office_and_finds_or_adds_the_office(
    session,
) -> None:
    from surveys.invitations import create_invitations

    org = make_org(session, "un_entity", code="AGENCY")
    campaign = make_campaign(session, "partner")
    header = list(rosters.PARTNER_COLUMNS)
    rows = [
        {"email": "hq@agency.org", "organisation": "AGENCY", "office_type": "hq"},
        {
            "email": "ken@agency.org",
            "organisation": "agency",
            "office_type": "country",
            "duty_station": "KEN",
        },
        {"email": "bad@agency.org", "organisation": "AGENCY", "office_type": "country"},
    ]
    with pytest.raises(Refused, match="Line 4, column duty_station"):
        rosters.read_roster(session, campaign.id, "partner", csv_bytes(rows, header))
    entries = rosters.read_roster(session, campaign.id, "partner", csv_bytes(rows[:2], header))
    invitations = create_invitations(session, campaign, entries)
    session.refresh(org)
    offices = {(o.office_type, o.duty_station): o.id for o in org.offices}
    assert [inv.office_id for inv in invitations] == [
        offices["hq", None],
        offices["country", "KEN"],
    ]
