"""The rows of response exports: answers read in batches, cells from getters built once per export.

Three shapes: the identifiable rows (response id, exact snapshot, every answer), the anonymous rows
(a row number in shuffled order, the k-anonymous snapshot, no free text) and the free-text rows
(question and answer only, shuffled within each question).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from portal.errors import NotFound
from portal.formulas import safe_cell as neutralise
from portal.models import Organisation
from surveys.campaigns import campaign_definition
from surveys.models import Answer, Campaign, Response
from surveys.questionnaire import CHOICE_TYPES, text_for
from surveys.response_columns import (
    DATE_TYPES,
    VERSION_COLUMN,
    YES_NO_ATTRIBUTES,
    Column,
    columns_for,
    free_text_columns,
)

BATCH = 1000
Transaction = Callable[[], AbstractContextManager[Session]]

# A yes/no attribute as text; "" when not known.
_YES_NO: Mapping[bool | None, str] = {True: "yes", False: "no", None: ""}
# A cell from (the row's source, the response's answers by question key). The source is the
# response's row in the identifiable export, its anonymised attributes in the anonymous one.
Getter = Callable[[Any, Mapping[str, list[Any]]], Any]


def answer_getter(column: Column, locale: str) -> Getter:
    """The cell of a question column: built once per export, with the code order and the option
    labels worked out beforehand, neutralised where a value is not one of the survey's own."""
    question = column.question
    if question is None:
        return lambda source, answers: ""
    key = question.key
    if question.type not in CHOICE_TYPES:
        return lambda source, answers: neutralise(answers[key][0]) if key in answers else ""
    order = {code: place for place, code in enumerate(question.codes)}
    raw = {option.code: text_for(option.label, locale) for option in question.options}
    # A single known answer (the usual case) is a look-up; several are put in the survey's order.
    if column.labels:
        single = {code: neutralise(text) for code, text in raw.items()}
    else:
        single = {code: neutralise(code) for code in order}

    def several(codes: list[Any]) -> str:
        ordered = sorted(codes, key=lambda code: order.get(code, len(order)))
        if column.labels:
            return "; ".join(raw[code] if code in raw else str(code) for code in ordered)
        return ";".join(ordered)

    def cell(source: Any, answers: Mapping[str, list[Any]]) -> Any:
        codes = answers.get(key)
        if not codes:
            return ""
        if len(codes) == 1 and codes[0] in single:
            return single[codes[0]]
        return neutralise(several(codes))

    return cell


def _fact_getter(column: Column, organisations: Mapping[int, str], version: int) -> Getter:
    """The cell of a response fact or snapshot attribute, from the response's row."""
    key = column.key
    if key == "response":
        return lambda response, answers: response.id
    if key == "submitted_on":
        return lambda response, answers: response.submitted_at.date().isoformat()
    if key == "reporting_year":
        return lambda response, answers: response.reporting_year
    if key == "organisation":
        codes = {number: neutralise(code) for number, code in organisations.items()}
        return lambda response, answers: codes.get(response.organisation_id, "")
    if key == VERSION_COLUMN:
        return lambda response, answers: version
    if key in YES_NO_ATTRIBUTES:
        return lambda response, answers: _YES_NO[getattr(response, key)]
    return lambda response, answers: neutralise(getattr(response, key) or "")


def row_getters(
    columns: Sequence[Column], organisations: Mapping[int, str], locale: str, version: int
) -> list[Getter]:
    """One getter per column of the identifiable rows, from (response row, answers)."""
    return [
        answer_getter(column, locale)
        if column.question is not None
        else _fact_getter(column, organisations, version)
        for column in columns
    ]


def _shown_getter(column: Column, locale: str, version: int) -> Getter:
    """A cell of the anonymous export, from (anonymised attributes with the row number under
    "response", answers): the number, an anonymised attribute or date answer, or an answer."""
    key = column.key
    if key == "response":
        return lambda shown, answers: shown["response"]
    if key == VERSION_COLUMN:
        return lambda shown, answers: version
    if key == "reporting_year":  # a number stays a number
        return lambda shown, answers: int(shown[key]) if shown.get(key) else ""
    if column.question is None or column.question.type in DATE_TYPES:
        return lambda shown, answers: neutralise(shown.get(key, ""))
    return answer_getter(column, locale)


def answers_by_response(
    session: Session, response_ids: list[int]
) -> dict[int, dict[str, list[Any]]]:
    grouped: dict[int, dict[str, list[Any]]] = {}
    # By the batch's ids: a campaign filter would let the planner scan all the campaign's answers
    # once per batch instead of using the (response_id, question_key) index. Code and text come
    # as one value, and the rows as the driver's own tuples: integers, strings and floats need
    # no conversion on SQLite or PostgreSQL, and building a result row for each answer cost
    # more than the rest of the export's inner loop.
    result = session.connection().execute(
        select(
            Answer.response_id,
            Answer.question_key,
            func.coalesce(Answer.value_code, Answer.value_text),
            Answer.value_number,
        ).where(Answer.response_id.in_(response_ids))
    )
    rows: Sequence[Any] = result.cursor.fetchall()
    result.close()
    for response_id, key, value, number in rows:
        if value is None and number is not None:
            value = int(number) if float(number).is_integer() else number
        answers = grouped.get(response_id)
        if answers is None:
            grouped[response_id] = {key: [value]}
        elif key in answers:
            answers[key].append(value)
        else:
            answers[key] = [value]
    return grouped


def organisation_codes(session: Session) -> dict[int, str]:
    return dict(session.execute(select(Organisation.id, Organisation.code)).all())


def _campaign(session: Session, campaign_id: int) -> Campaign:
    campaign = session.get(Campaign, campaign_id)
    if campaign is None:
        raise NotFound(f"campaign {campaign_id}")
    return campaign


def iter_rows(
    transaction: Transaction, campaign_id: int, locale: str, up_to: int | None = None
) -> Iterator[list[Any]]:
    """The identifiable rows: two header rows (keys, then labels), then one neutralised row per
    response with its id and exact snapshot (up to the response id `up_to`, when given: the
    responses an audited export counted).

    Each batch is read in a short transaction of its own (`transaction()` gives one), so that a
    long export neither holds SQLite's write lock nor builds up objects in memory.
    """
    with transaction() as session:
        campaign = _campaign(session, campaign_id)
        columns = columns_for(campaign, campaign_definition(campaign), locale)
        organisations = organisation_codes(session)
        version = campaign.definition_version.version
    yield [column.key for column in columns]
    yield [neutralise(column.label) for column in columns]
    getters = row_getters(columns, organisations, locale, version)
    after = 0
    while True:
        with transaction() as session:
            # Plain rows, not ORM objects: nothing accumulates in an identity map.
            query = select(*Response.__table__.columns).where(
                Response.campaign_id == campaign_id, Response.id > after
            )
            if up_to is not None:
                query = query.where(Response.id <= up_to)
            batch = session.connection().execute(query.order_by(Response.id).limit(BATCH)).all()
            if not batch:
                return
            answers = answers_by_response(session, [row.id for row in batch])
        for response in batch:
            by_question = answers.get(response.id, {})
            yield [get(response, by_question) for get in getters]
        after = batch[-1].id


def iter_anonymous_rows(
    transaction: Transaction,
    campaign_id: int,
    locale: str,
    order: Sequence[int],
    attributes: Mapping[int, Mapping[str, str]],
) -> Iterator[list[Any]]:
    """The anonymous rows: two header rows, then one row per response id of `order` (shuffled),
    numbered from 1, with its anonymised `attributes` and its answers other than free text."""
    with transaction() as session:
        campaign = _campaign(session, campaign_id)
        columns = columns_for(campaign, campaign_definition(campaign), locale, free_text=False)
        version = campaign.definition_version.version
    yield [column.key for column in columns]
    yield [neutralise(column.label) for column in columns]
    getters = [_shown_getter(column, locale, version) for column in columns]
    number = 0
    for start in range(0, len(order), BATCH):
        ids = list(order[start : start + BATCH])
        with transaction() as session:
            answers = answers_by_response(session, ids)
        for response_id in ids:
            number += 1
            shown = {**attributes[response_id], "response": number}
            by_question = answers.get(response_id, {})
            yield [get(shown, by_question) for get in getters]


def iter_free_text_rows(
    transaction: Transaction, campaign_id: int, locale: str, order: Sequence[int]
) -> Iterator[list[Any]]:
    """The free-text rows: two header rows, then question key, question and answer for each
    answer id of `order` (grouped by question, shuffled within), nothing else."""
    with transaction() as session:
        definition = campaign_definition(_campaign(session, campaign_id))
    columns = free_text_columns(locale)
    yield [column.key for column in columns]
    yield [neutralise(column.label) for column in columns]
    questions = {
        question.key: text_for(question.label, locale) for question in definition.questions
    }
    for start in range(0, len(order), BATCH):
        ids = list(order[start : start + BATCH])
        with transaction() as session:
            rows = dict(
                (answer_id, (key, text))
                for answer_id, key, text in session.execute(
                    select(Answer.id, Answer.question_key, Answer.value_text).where(
                        Answer.id.in_(ids)
                    )
                )
            )
        for answer_id in ids:
            key, text = rows[answer_id]
            yield [key, neutralise(questions.get(key, key)), neutralise(text)]
