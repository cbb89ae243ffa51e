"""Bulk import of responses collected elsewhere: the same checks, all rows or none."""

from __future__ import annotations

import csv
import io

import pytest
from sqlalchemy import func, select

from portal.db import database, utcnow
from portal.results.providers import ComputeContext, provider_for
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


def test_future_dates_are_refused_but_an_empty_required_answer_is_a_skip(session) -> None:
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
    # `required` governs the web form only: line 2's empty required cell is a skipped question.
    assert {(p.line, p.column) for p in refused.value.problems} == {(3, "submitted_at")}


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


PARTIAL = ["email", "gender", "submitted_at", "satisfied_experience", "development_contribution"]
CONTEXT_2025 = ComputeContext(2025, 2022, 2025, 5, "developing_2017")


def partial_row(number: int, satisfied: str, developed: str) -> dict[str, str]:
    return {
        "email": f"old{number}@example.org",
        "gender": "female" if number % 2 else "male",
        "submitted_at": "2025-05-0" + str(number % 9 + 1),
        "satisfied_experience": satisfied,
        "development_contribution": developed,
    }


def import_file(session, campaign_id: int, data: bytes) -> int:
    return imports.import_responses(
        session, None, campaign_id, data, now=utcnow(), global_south_flag="developing_2017"
    )


def test_a_file_with_some_question_columns_and_empty_cells_counts_them_as_skipped(
    app, session
) -> None:
    campaign = make_campaign(session, year=2025)
    satisfied = ["fully_agree"] * 3 + ["somewhat_agree", "fully_disagree", "fully_disagree"]
    satisfied += ["dont_know", ""]
    developed = ["fully_agree"] * 5 + ["", "", "not_applicable"]
    rows = [partial_row(n, s, d) for n, (s, d) in enumerate(zip(satisfied, developed, strict=True))]

    assert import_file(session, campaign.id, table(rows, PARTIAL)) == 8

    provide = provider_for(app, "volunteer_exit")
    spec = {"question_key": "satisfied_experience", "breakdown": []}
    satisfied_figure = provide(session, "1.2.1", spec, CONTEXT_2025)
    assert (
        satisfied_figure["numerator"],
        satisfied_figure["valid_n"],
        satisfied_figure["excluded_n"],
    ) == (4, 6, 2)
    assert satisfied_figure["excluded"] == {"dont_know": 1, "not_applicable": 0, "skipped": 1}
    assert satisfied_figure["value"] == pytest.approx(4 / 6)
    assert (satisfied_figure["invited"], satisfied_figure["completed"]) == (8, 8)
    spec = {"question_key": "development_contribution", "breakdown": []}
    developed_figure = provide(session, "1.2.2", spec, CONTEXT_2025)
    assert (
        developed_figure["numerator"],
        developed_figure["valid_n"],
        developed_figure["excluded_n"],
    ) == (5, 5, 3)
    assert developed_figure["excluded"] == {"dont_know": 0, "not_applicable": 1, "skipped": 2}
    # A skipped question is no answer row at all (the web's blank), never an invented code.
    stored = session.execute(
        select(Answer.question_key, func.count()).group_by(Answer.question_key)
    )
    assert dict(stored.all()) == {"satisfied_experience": 7, "development_contribution": 6}


def test_an_invalid_code_in_a_partial_file_is_named_and_nothing_is_stored(session) -> None:
    campaign = make_campaign(session, year=2025)
    rows = [partial_row(1, "fully_agree", ""), partial_row(2, "", "agree")]
    with pytest.raises(Refused, match="Line 3, column development_contribution") as refused:
        import_file(session, campaign.id, table(rows, PARTIAL))
    assert [(p.line, p.column) for p in refused.value.problems] == [(3, "development_contribution")]
    assert session.scalar(select(func.count()).select_from(Response)) == 0
    assert session.scalar(select(func.count()).select_from(Invitation)) == 0


def test_a_follow_up_answer_without_its_controlling_answer_is_refused(session) -> None:
    campaign = make_campaign(session, year=2025)
    columns = ["email", "submitted_at", "development_contribution", "experience_improvements"]
    rows = [
        {
            "email": "a@example.org",
            "submitted_at": "2025-05-01",
            "development_contribution": "fully_agree",
            "experience_improvements": "More feedback",
        }
    ]
    with pytest.raises(Refused) as refused:
        import_file(session, campaign.id, table(rows, columns))
    (problem,) = refused.value.problems
    assert (problem.line, problem.column) == (2, "experience_improvements")
    assert problem.params == {"question": "satisfied_experience"}
    assert "that answer is missing" in str(problem)


def test_a_file_needs_a_question_column_and_its_rows_may_skip_every_question(app, session) -> None:
    campaign = make_campaign(session, year=2025)
    no_questions = table([{"email": "a@example.org", "submitted_at": "2025-05-01"}], PARTIAL[:3])
    with pytest.raises(Refused, match="Line 1: The file has no question column") as refused:
        import_file(session, campaign.id, no_questions)
    assert "satisfied_experience" in str(refused.value)
    undated = {k: v for k, v in partial_row(1, "fully_agree", "").items() if k != "submitted_at"}
    missing_date = table([undated], [*PARTIAL[:2], *PARTIAL[3:]])
    with pytest.raises(Refused, match="Missing column.*submitted_at"):
        import_file(session, campaign.id, missing_date)
    assert session.scalar(select(func.count()).select_from(Response)) == 0

    rows = [partial_row(n, "fully_agree", "") for n in range(5)] + [partial_row(5, "", "")]
    assert import_file(session, campaign.id, table(rows, PARTIAL)) == 6
    spec = {"question_key": "satisfied_experience", "breakdown": []}
    figure = provider_for(app, "volunteer_exit")(session, "1.2.1", spec, CONTEXT_2025)
    assert (figure["numerator"], figure["valid_n"], figure["excluded_n"]) == (5, 5, 1)
    assert figure["excluded"]["skipped"] == 1


def test_a_partner_file_with_only_the_indicator_columns_is_imported(app, session) -> None:
    make_org(session, "un_entity", code="AGENCY")
    campaign = make_campaign(session, "partner", year=2025)
    columns = ["email", "organisation", "office_type", "submitted_at", "expectations_met"]
    codes = ["fully_agree", "fully_agree", "somewhat_agree", "neither", "fully_disagree", ""]
    rows = [
        {
            "email": f"office{n}@agency.org",
            "organisation": "AGENCY",
            "office_type": "country",
            "submitted_at": "2025-09-01",
            "expectations_met": code,
        }
        for n, code in enumerate(codes)
    ]
    # Without duty stations the offices cannot be told apart: give each its own.
    columns.append("duty_station")
    for data, station in zip(rows, ("KEN", "SEN", "ECU", "BGD", "HTI", "JOR"), strict=True):
        data["duty_station"] = station

    assert import_file(session, campaign.id, table(rows, columns)) == 6

    spec = {"question_key": "expectations_met", "breakdown": []}
    figure = provider_for(app, "partner_survey")(session, "1.2", spec, CONTEXT_2025)
    assert (figure["numerator"], figure["valid_n"], figure["excluded_n"]) == (3, 5, 1)
    assert figure["excluded"]["skipped"] == 1
