"""The answer counts recounted from the stored responses: rebuild, check and uncounting.

The recount is the full computation the table stands for, in three GROUP BYs over
`survey_response` and `survey_answer`, with the groups of `surveys.answer_counts.GROUP_SOURCES`
(the rule of the indicators' reference query, `surveys.indicators.group_columns`).
`rebuild_counts` replaces the table (or one reporting year of it) by the recount; `check_counts`
lists where the two differ; `uncount_responses` is for a writer about to delete responses.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    Select,
    String,
    case,
    delete,
    distinct,
    func,
    insert,
    literal_column,
    select,
    text,
    union_all,
)
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from portal import audit
from portal.models import User
from surveys.answer_counts import (
    GROUP_BITS,
    GROUP_SOURCES,
    KEY_COLUMNS,
    NO_ORGANISATION,
    AnswerTally,
    CountKey,
)
from surveys.models import Answer, AnswerCount, Response

OBJECT_TYPE = "survey_answer_count"


@dataclass(frozen=True)
class Difference:
    """A key where the table and the recount disagree (0: no row)."""

    key: CountKey
    stored: int
    recounted: int


def _cells(year: int | None, response_ids: Collection[int] | None) -> Any:
    """Each response (of `year`, or among `response_ids`) with its key columns but question and
    code: campaign, reporting year, the cell's two masks and the organisation (0: none)."""
    known: ColumnElement[Any] = literal_column("0")
    member: ColumnElement[Any] = literal_column("0")
    for key, column, value in GROUP_SOURCES:
        bit: ColumnElement[Any] = literal_column(str(GROUP_BITS[key]))
        attribute = getattr(Response, column)
        known = known + case((attribute.is_not(None), bit), else_=literal_column("0"))
        test = attribute == value if value is not None else attribute.is_(True)
        member = member + case((test, bit), else_=literal_column("0"))
    query = select(
        Response.id,
        Response.campaign_id,
        Response.reporting_year,
        known.label("groups_known"),
        member.label("groups_in"),
        func.coalesce(Response.organisation_id, NO_ORGANISATION).label("organisation_id"),
    )
    if year is not None:
        query = query.where(Response.reporting_year == year)
    if response_ids is not None:
        query = query.where(Response.id.in_(list(response_ids)))
    return query.subquery("cells")


def recount_query(
    year: int | None = None, response_ids: Collection[int] | None = None
) -> Select[Any]:
    """The rows of the table recounted from the stored responses (of `year`, or of the
    responses `response_ids`): the key columns and n, as `KEY_COLUMNS` + n."""
    cells = _cells(year, response_ids)
    empty = literal_column("''", String)
    head = (cells.c.campaign_id, cells.c.reporting_year)
    tail = (cells.c.groups_known, cells.c.groups_in, cells.c.organisation_id)
    answers = Answer.__table__.join(cells, Answer.response_id == cells.c.id)
    coded = Answer.value_code.is_not(None)
    responses = select(
        *head,
        empty.label("question_key"),
        empty.label("answer_code"),
        *tail,
        func.count().label("n"),
    ).group_by(*head, *tail)
    answered = (
        select(
            *head,
            Answer.question_key,
            empty.label("answer_code"),
            *tail,
            func.count(distinct(cells.c.id)).label("n"),
        )
        .select_from(answers)
        .where(coded)
        .group_by(*head, Answer.question_key, *tail)
    )
    codes = (
        select(
            *head,
            Answer.question_key,
            Answer.value_code.label("answer_code"),
            *tail,
            func.count().label("n"),
        )
        .select_from(answers)
        .where(coded)
        .group_by(*head, Answer.question_key, Answer.value_code, *tail)
    )
    return select(union_all(responses, answered, codes).subquery("recounted"))


def recount(
    session: Session, year: int | None = None, response_ids: Collection[int] | None = None
) -> dict[CountKey, int]:
    """The recounted table as a mapping of key to n (no zero)."""
    rows = session.execute(recount_query(year, response_ids)).all()
    return {tuple(row[:-1]): int(row[-1]) for row in rows}


def stored_counts(session: Session, year: int | None = None) -> dict[CountKey, int]:
    """The table as it is, as a mapping of key to n (rows of zero left out)."""
    columns = [getattr(AnswerCount, column) for column in KEY_COLUMNS]
    query = select(*columns, AnswerCount.n).where(AnswerCount.n != 0)
    if year is not None:
        query = query.where(AnswerCount.reporting_year == year)
    return {tuple(row[:-1]): int(row[-1]) for row in session.execute(query)}


def check_counts(session: Session, year: int | None = None) -> list[Difference]:
    """Every key where the table differs from the recount (of `year`, or of every year)."""
    stored, recounted = stored_counts(session, year), recount(session, year)
    return [
        Difference(key, stored.get(key, 0), recounted.get(key, 0))
        for key in sorted(stored.keys() | recounted.keys())
        if stored.get(key, 0) != recounted.get(key, 0)
    ]


def _lock(session: Session) -> None:
    """Hold off concurrent writers until the rebuild commits, so that none adds to a row the
    rebuild is about to recount (SQLite: the transaction began IMMEDIATE, writers wait anyway)."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text(f"LOCK TABLE {AnswerCount.__tablename__} IN EXCLUSIVE MODE"))


def rebuild_counts(session: Session, actor: User | None, year: int | None = None) -> int:
    """The action: replace the counts (of `year`, or all) by the recount; returns the rows.

    Readers keep reading the old rows until the commit. Audit: "surveys.counts_rebuilt".
    """
    _lock(session)
    cleared = delete(AnswerCount)
    if year is not None:
        cleared = cleared.where(AnswerCount.reporting_year == year)
    session.execute(cleared)
    session.execute(insert(AnswerCount).from_select([*KEY_COLUMNS, "n"], recount_query(year)))
    rows = int(session.scalar(_rows_of(year)) or 0)
    audit.record(session, actor, "surveys.counts_rebuilt", OBJECT_TYPE, year=year, rows=rows)
    return rows


def _rows_of(year: int | None) -> Select[Any]:
    query = select(func.count()).select_from(AnswerCount)
    return query if year is None else query.where(AnswerCount.reporting_year == year)


def uncount_responses(session: Session, response_ids: Collection[int]) -> None:
    """Take responses out of the counts, from their stored rows: call it before deleting them
    (or changing what they count for), in the same transaction. A writer deleting responses also
    clears their invitations' `used_at`: the response rate counts an invitation not used as not
    answered (`surveys.count_reading.counted_invitations`)."""
    tally = AnswerTally()
    for key, n in recount(session, response_ids=response_ids).items():
        tally.add(key, -n)
    tally.apply(session)
