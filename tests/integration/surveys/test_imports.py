"""Bulk import of responses collected elsewhere: the same checks, all rows or none."""

from __future__ import annotations

import csv
import io

import pytest
from sqlalchemy import func, select

from portal.db import database, utcnow
from portal.tables import Refused
from surveys import imports
from surveys.models import Answer, Invitation, Response
from tests.factories import make_org
from tests.integration.surveys.builders import make_campaign

COLUMNS = [
    "email",
    "gender",
    "age",
    "nationality",
    "submitted_at",
    "assignment_end_date",
    "satisfied_experience",
    "development_contribution",
    "skills_gained",
    "recommend_volunteering",
    "comments",
]


def row(number: int, **cells: str) -> dict[str, str]:
    data = {
        "email": f"v{number}@example.org",
        "gender": "female",
        "age": "26",
        "nationality": "KEN",
        "submitted_at": "2025-03-04",
        "assignment_end_date": "2025-02-28",
        "satisfied_experience": "fully_agree",
        "development_contribution": "dont_know",
        "skills_gained": "technical; digital",
        "recommend_volunteering": "yes_probably",
        "comments": "",
    }
    data.update(cells)
    return data


def table(rows: list[dict[str, str]], columns: list[str] = COLUMNS) -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns)
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue().encode()


def test_imported_responses_are_stored_with_their_date_and_snapshot(session) -> None:
    campaign = make_campaign(session, year=2025)
    data = table([row(1), row(2, submitted_at="2024-12-30T10:00:00", gender="male")])
    assert (
        imports.import_responses(
            session, None, campaign.id, data, now=utcnow(), global_south_flag="developing_2017"
        )
        == 2
    )
    responses = session.scalars(select(Response).order_by(Response.id)).all()
    assert [r.reporting_year for r in responses] == [2025, 2024]
    assert [(r.gender, r.youth, r.africa) for r in responses] == [
        ("female", True, True),
        ("male", True, True),
    ]
    skills = session.scalars(
        select(Answer.value_code).where(Answer.question_key == "skills_gained")
    ).all()
    assert sorted(skills) == ["digital", "digital", "technical", "technical"]
    sources = set(session.scalars(select(Invitation.source)))
    assert sources == {"import"}


def test_a_bad_answer_is_named_by_line_and_question_and_nothing_is_stored(session) -> None:
    campaign = make_campaign(session)
    rows = [row(1), row(2, satisfied_experience="delighted"), row(3, skills_gained="none; digital")]
    with pytest.raises(Refused) as refused:
        imports.import_responses(
            session,
            None,
            campaign.id,
            table(rows),
            now=utcnow(),
            global_south_flag="developing_2017",
        )
    where = {(p.line, p.column) for p in refused.value.problems}
    assert where == {(3, "satisfied_experience"), (4, "skills_gained")}
    assert session.scalar(select(func.count()).select_from(Response)) == 0


def test_missing_required_answers_and_future_dates_are_refused(session) -> None:
    campaign = make_campaign(session)
    rows = [row(1, recommend_volunteering=""), row(2, submitted_at="2999-01-01")]
    with pytest.raises(Refused) as refused:
        imports.import_responses(
            session,
            None,
            campaign.id,
            table(rows),
            now=utcnow(),
            global_south_flag="developing_2017",
        )
    assert {(p.line, p.column) for p in refused.value.problems} == {
        (2, "recommend_volunteering"),
        (3, "submitted_at"),
    }


def test_an_answer_to_a_question_the_others_hide_is_refused(session) -> None:
    campaign = make_campaign(session)
    columns = [*COLUMNS, "experience_improvements"]
    rows = [row(1, experience_improvements="More pay")]  # satisfied: the question is not asked
    with pytest.raises(Refused, match="Line 2, column experience_improvements"):
        imports.import_responses(
            session, None, campaign.id, table(rows, columns), now=utcnow(), global_south_flag="x"
        )


def test_unknown_columns_are_named(session) -> None:
    campaign = make_campaign(session)
    with pytest.raises(Refused, match="Unknown column"):
        imports.import_responses(
            session,
            None,
            campaign.id,
            table([{"email": "a@b.org", "mood": "x"}], ["email", "mood"]),
            now=utcnow(),
            global_south_flag="developing_2017",
        )


def test_a_partner_office_imported_twice_is_refused(session) -> None:
    make_org(session, "un_entity", code="AGENCY")
    campaign = make_campaign(session, "partner")
    columns = [
        "email",
        "organisation",
        "office_type",
        "duty_station",
        "submitted_at",
        "respondent_role",
        "volunteers_hosted",
        "modalities_used",
        "expectations_met",
        "recruitment_efficient",
        "would_recommend",
    ]
    base = {
        "organisation": "AGENCY",
        "office_type": "country",
        "duty_station": "KEN",
        "submitted_at": "2026-01-10",
        "respondent_role": "supervisor",
        "volunteers_hosted": "12",
        "modalities_used": "online",
        "expectations_met": "neither",
        "recruitment_efficient": "fully_agree",
        "would_recommend": "yes_definitely",
    }
    rows = [dict(base, email="one@agency.org"), dict(base, email="two@agency.org")]
    with pytest.raises(Refused, match="Line 3, column organisation"):
        imports.import_responses(
            session, None, campaign.id, table(rows, columns), now=utcnow(), global_south_flag="x"
        )


def test_cli_import_prints_the_count_or_one_error_line(app, runner, tmp_path) -> None:
    with database(app).transaction() as session:
        campaign_id = make_campaign(session).id
    good, bad = tmp_path / "good.csv", tmp_path / "bad.csv"
    good.write_bytes(table([row(1), row(2)]))
    bad.write_bytes(table([row(3, age="200")]))
    result = runner.invoke(args=["surveys", "import-responses", str(campaign_id), str(good)])
    assert (result.exit_code, result.output.strip()) == (0, "2 responses imported")
    result = runner.invoke(args=["surveys", "import-responses", str(campaign_id), str(bad)])
    assert result.exit_code == 1
    assert "Line 2, column age" in result.output
    with database(app).transaction() as session:
        assert session.scalar(select(func.count()).select_from(Response)) == 2
