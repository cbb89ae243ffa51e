"""The indicator provider of the two surveys: figures from the answer counts by group.

The figures read the count table kept current with every response (`surveys.count_reading`).
`counts_query`, `answer_counts` and `invitation_totals` are the same counts computed from the
responses themselves, in one GROUP BY: the reference the table is checked against.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from typing import Any

import pandas as pd
from sqlalchemy import Select, and_, case, func, literal, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from portal.results.computations import survey_indicator
from portal.results.entries import mark_no_data
from portal.results.figures import IndicatorFigure
from portal.results.providers import ComputeContext, IndicatorProvider
from portal.results.suppression import GROUP_KEYS
from portal.results.vocabulary import AnswerCodes
from surveys.count_reading import counted_answers, counted_invitations
from surveys.definition_files import latest, load_all
from surveys.models import Answer, Campaign, Invitation, Response

SURVEY_OF_SOURCE: Mapping[str, str] = {
    "partner_survey": "partner",
    "volunteer_exit": "volunteer_exit",
}
# Agreement questions: answered on the five-point scale, or with one of these excluded codes.
INDICATOR_QUESTION_TYPE = "likert5"
NON_SUBSTANTIVE_CODES = ("dont_know", "not_applicable")


@cache
def declared_questions(survey_key: str) -> dict[str, AnswerCodes]:
    """The agreement questions of the survey's newest shipped definition, with their codes."""
    definition = latest(load_all(), survey_key)
    return {
        question.key: AnswerCodes(
            tuple(c for c in question.codes if c not in NON_SUBSTANTIVE_CODES),
            tuple(c for c in question.codes if c in NON_SUBSTANTIVE_CODES),
        )
        for question in definition.questions
        if question.type == INDICATOR_QUESTION_TYPE
    }


def _equals(column: Any, value: str) -> ColumnElement[Any]:
    """True, False, or NULL when the attribute is unknown (the computations' three states)."""
    return case((column.is_(None), None), (column == value, literal(1)), else_=literal(0))


def _flag(column: Any) -> ColumnElement[Any]:
    return case((column.is_(None), None), (column.is_(True), literal(1)), else_=literal(0))


def group_columns() -> dict[str, ColumnElement[Any]]:
    """Each breakdown group of GROUP_KEYS as an expression over the response's snapshot."""
    columns = {
        "female": _equals(Response.gender, "female"),
        "national": _equals(Response.category, "national"),
        "international": _equals(Response.category, "international"),
        "youth": _flag(Response.youth),
        "disability": _flag(Response.disability),
        "onsite": _equals(Response.modality, "onsite"),
        "online": _equals(Response.modality, "online"),
        "global_south": _flag(Response.global_south),
        "africa": _flag(Response.africa),
        "sids": _flag(Response.sids),
        "ldc": _flag(Response.ldc),
        "lldc": _flag(Response.lldc),
        "refugee": _flag(Response.refugee),
    }
    assert tuple(columns) == GROUP_KEYS  # noqa: S101 - the computations' contract
    return columns


def counts_query(
    survey_key: str, question_key: str, year: int, organisation_id: int | None = None
) -> Select[Any]:
    """Responses of the year by answer to the question and by group; skipped answers as NULL.

    With `organisation_id`, only that organisation's responses (a partner's own results).
    """
    groups = [expression.label(name) for name, expression in group_columns().items()]
    answer = Answer.value_code.label("answer")
    joined = (
        select(answer, *groups, func.count().label("n"))
        .select_from(Response)
        .join(Campaign, Campaign.id == Response.campaign_id)
        .outerjoin(
            Answer,
            and_(Answer.response_id == Response.id, Answer.question_key == question_key),
        )
        .where(Campaign.survey_key == survey_key, Response.reporting_year == year)
    )
    if organisation_id is not None:
        joined = joined.where(Response.organisation_id == organisation_id)
    return joined.group_by(answer, *groups)


def answer_counts(
    session: Session,
    survey_key: str,
    question_key: str,
    year: int,
    organisation_id: int | None = None,
) -> pd.DataFrame:
    """The grouped counts as the computations take them: `answer`, one column per group, `n`."""
    query = counts_query(survey_key, question_key, year, organisation_id)
    rows = session.execute(query).all()
    frame = pd.DataFrame(rows, columns=["answer", *GROUP_KEYS, "n"])
    for key in GROUP_KEYS:
        # SQLite gives 0/1, PostgreSQL integers too (CASE of literals): make them True/False/None.
        frame[key] = frame[key].map({1: True, 0: False}).astype(object)
        frame[key] = frame[key].where(frame[key].notna(), None)
    frame["answer"] = frame["answer"].astype(object).where(frame["answer"].notna(), None)
    frame["n"] = frame["n"].astype("int64")
    return frame


def invitation_totals(
    session: Session, survey_key: str, year: int, organisation_id: int | None = None
) -> tuple[int, int]:
    """(invited, completed) of the survey for reporting year `year`, for its response rate.

    The rate is computed on the population the year's figures count. Each invitation belongs to
    exactly one reporting year: an answered invitation to the reporting year of its response
    (the campaign's year for the partner survey, the response date's year for the exit
    questionnaire, as `counts_query` counts it), an unanswered one to its campaign's year. So:

    - completed = the year's responses, the respondents behind every figure of the year;
    - invited = completed + the invitations of the year's campaigns not answered (yet);
    - completed <= invited always, and summed over the years both give the campaigns' own
      totals (invited and completed of each campaign, as its progress page shows them).

    A campaign of year Y answered partly in Y+1 thus adds its late respondents to Y+1 (invited
    and completed alike) and its non-respondents to Y. An invitation answered late moves from
    Y's invited to Y+1's. With `organisation_id`, that organisation's invitations only.
    """
    answered = Response.id.is_not(None)
    year_of = case((answered, Response.reporting_year), else_=Campaign.year)
    query = (
        select(func.count(Invitation.id), func.count(Response.id))
        .select_from(Invitation)
        .join(Campaign, Campaign.id == Invitation.campaign_id)
        .outerjoin(Response, Response.invitation_id == Invitation.id)
        .where(Campaign.survey_key == survey_key, year_of == year)
    )
    if organisation_id is not None:
        organisation = case((answered, Response.organisation_id), else_=Invitation.organisation_id)
        query = query.where(organisation == organisation_id)
    invited, completed = session.execute(query).one()
    return int(invited), int(completed)


def _field(spec: Any, name: str) -> Any:
    """A registry entry's field, whether given as a mapping or as the registry's dataclass."""
    return spec.get(name) if isinstance(spec, Mapping) else getattr(spec, name, None)


def _breakdown_keys(spec: Any) -> list[str]:
    keys = []
    for item in _field(spec, "breakdown") or ():
        key = item if isinstance(item, str) else _field(item, "key")
        if key in GROUP_KEYS:
            keys.append(str(key))
    return keys


def survey_figure(
    session: Session, survey_key: str, spec: Any, context: ComputeContext, *, recount: bool = False
) -> IndicatorFigure:
    """The figure of one survey indicator for `context.year`, with its breakdown and rate.

    An `organisation_id` in the spec restricts it to that organisation's responses; the figure
    then says so by carrying the same `organisation_id`. The counts come from the count table;
    with `recount`, from the responses themselves (the reference, for checks and benchmarks).
    """
    organisation_id = _field(spec, "organisation_id")
    question_key = str(_field(spec, "question_key"))
    answers, invitations = (
        (answer_counts, invitation_totals) if recount else (counted_answers, counted_invitations)
    )
    counts = answers(session, survey_key, question_key, context.year, organisation_id)
    invited, completed = invitations(session, survey_key, context.year, organisation_id)
    figure = survey_indicator(
        counts,
        groups=_breakdown_keys(spec),
        k=context.suppress_below,
        invited=invited or None,
        completed=completed if invited else None,
    )
    # Where nobody answered there is no data, which is not a suppressed figure.
    figure = mark_no_data(
        figure,
        int(counts["n"].sum()),
        {
            key: int(counts.loc[counts[key].eq(True), "n"].sum())
            for key in figure.get("breakdown", {})
        },
    )
    if organisation_id is not None:
        figure["organisation_id"] = organisation_id
    return figure


def provider_for(survey_key: str, *, recount: bool = False) -> IndicatorProvider:
    """The provider registered for a survey's indicator source (with `recount`: the reference
    provider, computing every figure from the responses)."""

    def provide(session: Session, code: str, spec: Any, context: ComputeContext) -> IndicatorFigure:
        return survey_figure(session, survey_key, spec, context, recount=recount)

    return provide
