"""Keeping the answer counts current: each response's cell and its changes to the count table.

Every change of stored responses or answers (a submission, an import, a merge of organisations,
a deletion) adds its changes to an `AnswerTally` and applies it in the same transaction. The
changes come from the very rows written, so the table counts exactly what the indicators'
reference query (`surveys.indicators.counts_query`) counts: answers to questions hidden by a
relevance rule are never stored, hence never counted. `surveys.answer_recount` checks and
rebuilds the table from the stored rows.

Concurrent writers never lose an increment: `INSERT ... ON CONFLICT DO UPDATE SET n = n +
excluded.n`, run for the rows in key order (two transactions lock shared rows in the same
order, so they wait for each other instead of deadlocking); on SQLite writers are serialised by
BEGIN IMMEDIATE.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from functools import cache
from typing import Any, cast

from sqlalchemy import Table, and_, bindparam, delete, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from portal.results.suppression import GROUP_KEYS
from surveys.models import AnswerCount

RESPONSES = ""  # question_key of a cell's responses; answer_code of a question's respondents
NO_ORGANISATION = 0
# One bit per group, in GROUP_KEYS order.
GROUP_BITS: Mapping[str, int] = {key: 1 << index for index, key in enumerate(GROUP_KEYS)}
KEY_COLUMNS = (
    "campaign_id", "reporting_year", "question_key", "answer_code", "groups_known", "groups_in",
    "organisation_id",
)  # fmt: skip
# (campaign, reporting year, question, code, groups known, groups in, organisation)
CountKey = tuple[int, int, str, str, int, int, int]
# Where each group comes from in a response: (group, column, value); a value of None means the
# column is the group's own flag (True, False or NULL).
GROUP_SOURCES: tuple[tuple[str, str, str | None], ...] = (
    ("female", "gender", "female"),
    ("national", "category", "national"),
    ("international", "category", "international"),
    ("youth", "youth", None),
    ("disability", "disability", None),
    ("onsite", "modality", "onsite"),
    ("online", "modality", "online"),
    ("global_south", "global_south", None),
    ("africa", "africa", None),
    ("sids", "sids", None),
    ("ldc", "ldc", None),
    ("lldc", "lldc", None),
    ("refugee", "refugee", None),
)
assert tuple(key for key, _, _ in GROUP_SOURCES) == GROUP_KEYS  # noqa: S101 - one order


def group_flags(snapshot: Mapping[str, Any]) -> dict[str, bool | None]:
    """The groups of a response from its attribute snapshot: True, False, or None (unknown).

    The same rule as `surveys.indicators.group_columns`, which says it in SQL.
    """
    flags: dict[str, bool | None] = {}
    for key, column, value in GROUP_SOURCES:
        given = snapshot.get(column)
        flags[key] = None if given is None else (given == value if value else bool(given))
    return flags


def cell_of(snapshot: Mapping[str, Any]) -> tuple[int, int]:
    """(groups known, groups in) of a response: its cell as two bit masks."""
    known = member = 0
    for key, flag in group_flags(snapshot).items():
        if flag is not None:
            known |= GROUP_BITS[key]
            if flag:
                member |= GROUP_BITS[key]
    return known, member


def flags_of(known: int, member: int) -> dict[str, bool | None]:
    """The groups of a cell given as its two bit masks (the inverse of `cell_of`)."""
    return {key: (bool(member & bit) if known & bit else None) for key, bit in GROUP_BITS.items()}


class AnswerTally:
    """Changes to the count table gathered in memory, then applied in one go (`apply`)."""

    def __init__(self) -> None:
        self.changes: defaultdict[CountKey, int] = defaultdict(int)

    def add_response(
        self,
        campaign_id: int,
        snapshot: Mapping[str, Any],
        answers: Iterable[Mapping[str, Any]],
        sign: int = 1,
    ) -> None:
        """Count one response (`sign` -1: uncount it) from its snapshot and its answer rows.

        `snapshot` holds `reporting_year`, `organisation_id` and the group attributes (the
        columns of `Response`); `answers` the rows of `Answer` (`question_key`, `value_code`).
        """
        year = int(snapshot["reporting_year"])
        organisation = snapshot.get("organisation_id") or NO_ORGANISATION
        known, member = cell_of(snapshot)

        def key(question: str, code: str) -> CountKey:
            return (campaign_id, year, question, code, known, member, organisation)

        self.changes[key(RESPONSES, RESPONSES)] += sign
        answered: set[str] = set()
        for row in answers:
            code = row.get("value_code")
            if code is None:  # text, date or number: not a coded answer
                continue
            self.changes[key(row["question_key"], code)] += sign
            answered.add(row["question_key"])
        for question in answered:
            self.changes[key(question, RESPONSES)] += sign

    def add(self, key: CountKey, n: int) -> None:
        self.changes[key] += n

    def apply(self, session: Session) -> int:
        """Write the gathered changes (then forgotten); returns the rows touched."""
        rows: list[dict[str, Any]] = [
            {**dict(zip(KEY_COLUMNS, key, strict=True)), "n": n}
            for key, n in sorted(self.changes.items())
            if n != 0
        ]
        self.changes.clear()
        increases = [row for row in rows if row["n"] > 0]
        if increases:
            # One statement run for many rows: compiled once per process, not per submission.
            session.connection().execute(_upsert(session.get_bind().dialect.name), increases)
        decreases = [row for row in rows if row["n"] < 0]
        if decreases:
            _decrease(session, decreases)
        return len(rows)


@cache
def _upsert(dialect: str) -> Any:
    """INSERT ... ON CONFLICT (key) DO UPDATE SET n = n + excluded.n, for the database's dialect."""
    table = cast(Table, AnswerCount.__table__)
    if dialect == "postgresql":
        statement: Any = postgresql.insert(table)
    elif dialect == "sqlite":
        statement = sqlite.insert(table)
    else:  # pragma: no cover - the portal runs on these two
        raise NotImplementedError(f"answer counts need an upsert on {dialect}")
    return statement.on_conflict_do_update(
        index_elements=list(KEY_COLUMNS), set_={"n": table.c.n + statement.excluded.n}
    )


def _decrease(session: Session, rows: list[dict[str, Any]]) -> None:
    """Lower existing rows (an upsert would check its negative row first), then delete those
    brought to zero: an empty cell counts nothing."""
    table = cast(Table, AnswerCount.__table__)
    keyed = and_(*(table.c[column] == bindparam(f"key_{column}") for column in KEY_COLUMNS))
    lower = update(table).where(keyed).values(n=table.c.n + bindparam("key_n"))
    params = [{f"key_{column}": value for column, value in row.items()} for row in rows]
    session.connection().execute(lower, params)
    session.connection().execute(delete(table).where(keyed, table.c.n == 0), params)


def count_response(
    session: Session,
    campaign_id: int,
    snapshot: Mapping[str, Any],
    answers: Iterable[Mapping[str, Any]],
    tally: AnswerTally | None = None,
) -> None:
    """Count a stored response: into `tally` when given (the caller applies it), else now."""
    target = tally if tally is not None else AnswerTally()
    target.add_response(campaign_id, snapshot, answers)
    if tally is None:
        target.apply(session)


def move_organisation(session: Session, from_id: int, to_id: int) -> int:
    """Move the counts of organisation `from_id` to `to_id` (organisations merged); returns the
    rows moved. Cells of both add up."""
    columns = [getattr(AnswerCount, column) for column in KEY_COLUMNS]
    rows = session.execute(
        select(*columns, AnswerCount.n).where(AnswerCount.organisation_id == from_id)
    ).all()
    tally = AnswerTally()
    for *key, n in rows:
        tally.add(tuple(key), -n)
        tally.add((*key[:-1], to_id), n)
    tally.apply(session)
    return len(rows)
