"""The survey indicator provider: one GROUP BY query, the computations' frame, correct figures."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import event

from portal.results.providers import ComputeContext, provider_for
from portal.results.suppression import GROUP_KEYS
from surveys import indicators, progress
from surveys.answering import submit_response
from surveys.campaigns import campaign_definition
from tests.factories import make_org
from tests.integration.surveys.builders import answers_for, make_campaign, make_invitation

CONTEXT = ComputeContext(
    year=2025,
    period_start=2022,
    period_end=2025,
    suppress_below=5,
    global_south_flag="developing_2017",
)
SPEC = {
    "code": "1.2.1",
    "source": "volunteer_exit",
    "question_key": "satisfied_experience",
    "breakdown": [{"key": "female", "annex": "a"}, {"key": "youth"}, {"key": "refugee"}],
}


def add_responses(session, campaign, people: list[tuple[dict, str | None]], when: datetime) -> None:
    definition = campaign_definition(campaign)
    for attributes, answer in people:
        invitation, _ = make_invitation(session, campaign, **attributes)
        answers = answers_for(definition)
        if answer is None:
            answers.pop("satisfied_experience", None)
        else:
            answers["satisfied_experience"] = answer
        answers.pop("experience_improvements", None)
        submit_response(session, invitation, definition, answers, when, "developing_2017")


@pytest.fixture
def volunteers(session):
    campaign = make_campaign(session, year=2025)
    when = datetime(2025, 6, 1, tzinfo=UTC)
    women = [({"gender": "female", "age": 25, "nationality": "KEN"}, "fully_agree")] * 4
    women += [({"gender": "female", "age": 40, "nationality": "FRA"}, "somewhat_agree")] * 2
    men = [({"gender": "male", "age": 35, "nationality": "KEN"}, "fully_disagree")] * 3
    men += [({"gender": "male", "age": 22}, "dont_know")]
    men += [({"gender": "male", "age": 50}, "neither")] * 2 + [({"gender": None}, "neither")]
    add_responses(session, campaign, women + men, when)
    # Answered in 2026: counts for 2026 whatever the campaign's year.
    add_responses(
        session, campaign, [({"gender": "female"}, "fully_agree")], datetime(2026, 1, 2, tzinfo=UTC)
    )
    session.flush()
    return campaign


def test_counts_are_one_group_by_query_in_the_computations_shape(app, session, volunteers) -> None:
    statements: list[str] = []
    connection = session.connection()

    def record(conn, cursor, statement, *args) -> None:
        statements.append(statement)

    event.listen(connection, "before_cursor_execute", record)
    try:
        frame = indicators.answer_counts(session, "volunteer_exit", "satisfied_experience", 2025)
    finally:
        event.remove(connection, "before_cursor_execute", record)
    assert len(statements) == 1 and "GROUP BY" in statements[0]
    assert list(frame.columns) == ["answer", *GROUP_KEYS, "n"]
    assert int(frame["n"].sum()) == 13
    by_answer = frame.groupby("answer", dropna=False)["n"].sum().to_dict()
    assert by_answer == {
        "fully_agree": 4,
        "somewhat_agree": 2,
        "fully_disagree": 3,
        "dont_know": 1,
        "neither": 3,
    }
    women = frame[frame["female"] == True]  # noqa: E712 - object column of True/False/None
    assert int(women["n"].sum()) == 6
    unknown_gender = frame[frame["female"].isna()]
    assert int(unknown_gender["n"].sum()) == 1
    assert set(frame["youth"].dropna()) <= {True, False}


def test_the_provider_computes_value_parts_breakdown_and_response_rate(
    app, session, volunteers
) -> None:
    figure = provider_for(app, "volunteer_exit")(session, "1.2.1", SPEC, CONTEXT)
    assert (figure["numerator"], figure["valid_n"], figure["excluded_n"]) == (6, 12, 1)
    assert figure["value"] == pytest.approx(0.5)
    assert figure["parts"] == {
        "fully_agree": pytest.approx(4 / 12),
        "somewhat_agree": pytest.approx(2 / 12),
    }
    assert figure["breakdown"]["female"]["value"] == pytest.approx(1.0)
    assert figure["breakdown"]["female"]["valid_n"] == 6
    assert set(figure["breakdown"]) == {"female", "youth", "refugee"}
    assert figure["breakdown"]["youth"]["suppressed"] is True  # 4 valid answers: below k
    assert figure["breakdown"]["refugee"]["suppressed"] is True
    # The year's respondents only: the one who answered in 2026 counts in 2026's rate.
    assert (figure["invited"], figure["completed"]) == (13, 13)


def test_a_skipped_question_is_excluded_not_counted_as_disagreement(app, session) -> None:
    campaign = make_campaign(session, year=2025)
    when = datetime(2025, 3, 1, tzinfo=UTC)
    add_responses(session, campaign, [({}, "fully_agree")] * 5 + [({}, None)], when)
    spec = dict(SPEC, breakdown=[])
    figure = provider_for(app, "volunteer_exit")(session, "1.2.1", spec, CONTEXT)
    assert (figure["value"], figure["valid_n"], figure["excluded_n"]) == (1.0, 5, 1)
    assert figure["excluded"] == {"dont_know": 0, "not_applicable": 0, "skipped": 1}


def test_an_unanswered_optional_question_gives_a_suppressed_figure(app, session) -> None:
    campaign = make_campaign(session, year=2025)
    add_responses(session, campaign, [({}, "fully_agree")] * 5, datetime(2025, 3, 1, tzinfo=UTC))
    spec = dict(SPEC, question_key="preparation_adequate", breakdown=[])
    figure = provider_for(app, "volunteer_exit")(session, "x", spec, CONTEXT)
    assert (figure["suppressed"], figure["value"]) == (True, None)


def test_the_partner_survey_counts_by_campaign_year(app, session) -> None:
    org = make_org(session, "un_entity")
    campaign = make_campaign(session, "partner", year=2025)
    definition = campaign_definition(campaign)
    for number, station in enumerate(("KEN", "SEN", "ECU", "BGD", "HTI", "JOR")):
        invitation, _ = make_invitation(
            session, campaign, organisation_id=org.id, office_type="country", duty_station=station
        )
        answers = answers_for(definition, expectations_met="fully_agree" if number else "neither")
        submit_response(
            session,
            invitation,
            definition,
            answers,
            datetime(2026, 2, 1, tzinfo=UTC),
            "developing_2017",
        )
    spec = {"source": "partner_survey", "question_key": "expectations_met", "breakdown": []}
    figure = provider_for(app, "partner_survey")(session, "1.2", spec, CONTEXT)
    assert (figure["numerator"], figure["valid_n"]) == (5, 6)
    assert figure["breakdown"] == {}
    empty = provider_for(app, "partner_survey")(
        session, "1.2", spec, ComputeContext(2026, 2022, 2025, 5, "developing_2017")
    )
    assert empty["suppressed"] is True and empty["invited"] is None


def test_a_partner_organisations_own_figure_counts_only_its_offices(app, session) -> None:
    own, other = make_org(session, "un_entity"), make_org(session, "un_entity")
    campaign = make_campaign(session, "partner", year=2025)
    definition = campaign_definition(campaign)
    offices = [(own, station) for station in ("KEN", "SEN", "ECU", "BGD", "HTI")]
    offices += [(other, station) for station in ("KEN", "SEN")]
    for org, station in offices:
        invitation, _ = make_invitation(
            session, campaign, organisation_id=org.id, office_type="country", duty_station=station
        )
        answer = "fully_agree" if org is own else "fully_disagree"
        answers = answers_for(definition, expectations_met=answer)
        submit_response(
            session,
            invitation,
            definition,
            answers,
            datetime(2025, 5, 1, tzinfo=UTC),
            "developing_2017",
        )
    make_invitation(session, campaign, organisation_id=own.id, office_type="hq")
    spec = {"question_key": "expectations_met", "breakdown": [], "organisation_id": own.id}
    figure = provider_for(app, "partner_survey")(session, "1.2", spec, CONTEXT)
    assert figure["organisation_id"] == own.id
    assert (figure["value"], figure["valid_n"]) == (1.0, 5)
    assert (figure["invited"], figure["completed"]) == (6, 5)
    everyone = provider_for(app, "partner_survey")(
        session, "1.2", dict(spec, organisation_id=None), CONTEXT
    )
    assert "organisation_id" not in everyone and everyone["valid_n"] == 7


def test_both_survey_sources_have_a_provider(app) -> None:
    assert provider_for(app, "partner_survey") is not None
    assert provider_for(app, "volunteer_exit") is not None


def _rates(app, session, year: int) -> tuple[int, int, int]:
    """(invited, completed, respondents the figure counts) of 1.2.1 in `year`."""
    spec = dict(SPEC, breakdown=[])
    context = ComputeContext(year, 2022, 2026, 5, "developing_2017")
    figure = provider_for(app, "volunteer_exit")(session, "1.2.1", spec, context)
    return figure["invited"], figure["completed"], figure["valid_n"] + figure["excluded_n"]


def test_the_response_rate_counts_the_population_of_the_years_figures(app, session) -> None:
    late_2025 = make_campaign(session, year=2025)
    add_responses(session, late_2025, [({}, "fully_agree")] * 6, datetime(2025, 11, 3, tzinfo=UTC))
    add_responses(session, late_2025, [({}, "neither")] * 5, datetime(2026, 1, 15, tzinfo=UTC))
    for _ in range(4):
        make_invitation(session, late_2025)  # never answered
    next_2026 = make_campaign(session, year=2026)
    add_responses(session, next_2026, [({}, "fully_agree")] * 2, datetime(2026, 3, 1, tzinfo=UTC))
    make_invitation(session, next_2026)
    session.flush()

    # 2025: its 6 respondents and the campaign's 4 non-respondents; 2026: 5 late + 2 + 1.
    assert _rates(app, session, 2025) == (10, 6, 6)
    assert _rates(app, session, 2026) == (8, 7, 7)
    # Each invitation counts in one year: the years add up to the campaigns' own totals.
    assert (
        progress.campaign_progress(session, late_2025).invited
        + progress.campaign_progress(session, next_2026).invited
        == 10 + 8
    )
    assert progress.response_count(session, late_2025) == 11
    assert progress.campaign_progress(session, late_2025).response_rate == pytest.approx(11 / 15)
