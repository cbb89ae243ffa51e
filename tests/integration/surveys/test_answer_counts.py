"""The answer counts equal the full recomputation, on random responses (SQLite and PostgreSQL).

Random respondents (groups, organisations, survey, campaign, date) answer random subsets of
questions of every kind (likert, multiple and single choice, text); some invitations stay
unanswered, some responses are then deleted. Every frame, figure and response rate read from the
count table equals the one the reference GROUP BY over the responses gives.
"""

from __future__ import annotations

import itertools
from datetime import UTC, datetime

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, select, update

from portal.results.computations import survey_indicator
from portal.results.suppression import GROUP_KEYS
from surveys.answer_recount import check_counts, uncount_responses
from surveys.answering import submit_response
from surveys.campaigns import campaign_definition
from surveys.count_reading import counted_answers, counted_invitations
from surveys.indicators import answer_counts, invitation_totals
from surveys.models import Answer, Invitation, Response
from tests.factories import make_org
from tests.integration.surveys.builders import make_campaign

YEARS = (2024, 2025, 2026)
QUESTIONS = {
    "volunteer_exit": (
        "satisfied_experience", "development_contribution", "skills_gained", "next_step",
        "comments",
    ),
    "partner": ("expectations_met", "recruitment_efficient", "modalities_used", "comments"),
}  # fmt: skip
INDICATOR_QUESTIONS = {"satisfied_experience", "development_contribution", "expectations_met"}
_emails = itertools.count(1)

person = st.fixed_dictionaries(
    {
        "survey": st.sampled_from(tuple(QUESTIONS)),
        "campaign": st.integers(0, 1),
        "year": st.sampled_from(YEARS),
        "answered": st.integers(0, 5).map(bool),  # about one in six never answers
        "organisation": st.integers(0, 2),
        "gender": st.sampled_from((None, "female", "male", "other")),
        "category": st.sampled_from((None, "national", "international")),
        "modality": st.sampled_from((None, "onsite", "online")),
        "age": st.one_of(st.none(), st.integers(16, 70)),
        "disability": st.sampled_from((None, True, False)),
        "refugee": st.sampled_from((None, True, False)),
        "nationality": st.sampled_from((None, "KEN", "FRA", "FJI", "AFG", "BRA", "NPL")),
        "seed": st.integers(0, 2**16),
    }
)


def _answers(definition, survey: str, seed: int) -> dict:
    """Answers to a seeded subset of the survey's questions, of each question's kind."""
    answers: dict = {}
    for index, key in enumerate(QUESTIONS[survey]):
        draw = (seed >> (2 * index)) & 3
        if draw == 0:
            continue  # skipped
        question = definition.question(key)
        codes = list(question.codes)
        if question.type == "multiple":
            answers[key] = codes[: draw + (seed & 1)] or codes[:1]
        elif question.type == "text":
            answers[key] = "A comment"
        else:
            answers[key] = codes[(seed // (index + 3)) % len(codes)]
    return answers


def _respond(session, campaigns, organisations, people) -> list[int]:
    ids = []
    for person in people:
        campaign = campaigns[person["survey"]][person["campaign"]]
        attributes = {
            key: person[key]
            for key in ("gender", "category", "modality", "age", "disability", "refugee")
        }
        invitation = Invitation(
            campaign=campaign, source="import", contact_email=f"p{next(_emails)}@example.org",
            nationality=person["nationality"],
            organisation_id=organisations[person["organisation"]],
            **attributes,
        )  # fmt: skip
        session.add(invitation)
        session.flush()
        if not person["answered"]:
            continue
        definition = campaign_definition(campaign)
        answers = _answers(definition, person["survey"], person["seed"])
        moment = datetime(person["year"], 6, 1, 12, tzinfo=UTC)
        ids.append(
            submit_response(session, invitation, definition, answers, moment, "developing_2017")
        )
    return ids


def _rows(frame: pd.DataFrame) -> list[tuple]:
    """A frame's cells as sorted tuples, equal cells added up (row order means nothing)."""
    summed: dict[tuple, int] = {}
    for row in frame.itertuples(index=False):
        key = tuple(str(value) for value in row[:-1])
        summed[key] = summed.get(key, 0) + int(row[-1])
    return sorted((key, n) for key, n in summed.items() if n)


def _assert_table_equals_reference(session, organisations) -> None:
    assert check_counts(session) == []
    for survey, questions in QUESTIONS.items():
        # All organisations together, and one alone (as the partner view asks).
        for year, organisation in itertools.product(YEARS, (None, organisations[1])):
            assert counted_invitations(session, survey, year, organisation) == (
                invitation_totals(session, survey, year, organisation)
            )
            for question in questions:
                table = counted_answers(session, survey, question, year, organisation)
                reference = answer_counts(session, survey, question, year, organisation)
                assert list(table.columns) == ["answer", *GROUP_KEYS, "n"]
                assert _rows(table) == _rows(reference)
                if question in INDICATOR_QUESTIONS and len(reference):
                    assert survey_indicator(table, k=3) == survey_indicator(reference, k=3)


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    people=st.lists(person, max_size=30),
    deleted=st.lists(st.integers(0, 29), max_size=5, unique=True),
)
def test_indicators_from_the_counts_equal_the_full_recomputation(
    app, session, people, deleted
) -> None:
    savepoint = session.begin_nested()
    try:
        organisations = [None, make_org(session).id, make_org(session).id]
        campaigns = {
            survey: [make_campaign(session, survey, year=year) for year in (2024, 2025)]
            for survey in QUESTIONS
        }
        ids = _respond(session, campaigns, organisations, people)
        _assert_table_equals_reference(session, organisations)
        gone = [ids[index] for index in deleted if index < len(ids)]
        if gone:
            uncount_responses(session, gone)
            invitations = select(Response.invitation_id).where(Response.id.in_(gone))
            session.execute(
                update(Invitation).where(Invitation.id.in_(invitations)).values(used_at=None)
            )
            session.execute(delete(Answer).where(Answer.response_id.in_(gone)))
            session.execute(delete(Response).where(Response.id.in_(gone)))
            assert not session.scalars(select(Response.id).where(Response.id.in_(gone))).all()
            _assert_table_equals_reference(session, organisations)
    finally:
        savepoint.rollback()
