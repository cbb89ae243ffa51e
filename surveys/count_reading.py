"""The answer counts read back as the indicator computations take them, and the response rate.

A year's figures cost the same at a thousand or a million responses: they read the count table
(`surveys.answer_counts`), a few rows per respondent cell, never the responses. The frame has the
rows and columns of the reference query (`surveys.indicators.answer_counts`): one row per answer
(None: skipped) and cell, so the suppression audit plans over the same cells.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from portal.results.suppression import GROUP_KEYS
from surveys.answer_counts import RESPONSES, flags_of
from surveys.models import AnswerCount, Campaign, Invitation

COLUMNS = ["answer", *GROUP_KEYS, "n"]


def _scoped(query: Any, survey_key: str, organisation_id: int | None) -> Any:
    query = query.join(Campaign, Campaign.id == AnswerCount.campaign_id).where(
        Campaign.survey_key == survey_key
    )
    if organisation_id is not None:
        query = query.where(AnswerCount.organisation_id == organisation_id)
    return query


def counted_answers(
    session: Session,
    survey_key: str,
    question_key: str,
    year: int,
    organisation_id: int | None = None,
) -> pd.DataFrame:
    """The year's answers to the question by group, from the count table: `answer` (None for
    skipped), one column per group (True, False or None), `n`. With `organisation_id`, only
    that organisation's responses."""
    query = _scoped(
        select(
            AnswerCount.question_key,
            AnswerCount.answer_code,
            AnswerCount.groups_known,
            AnswerCount.groups_in,
            func.sum(AnswerCount.n),
        ),
        survey_key,
        organisation_id,
    )
    query = query.where(
        AnswerCount.reporting_year == year,
        AnswerCount.question_key.in_((RESPONSES, question_key)),
    ).group_by(
        AnswerCount.question_key,
        AnswerCount.answer_code,
        AnswerCount.groups_known,
        AnswerCount.groups_in,
    )
    responses: dict[tuple[int, int], int] = {}
    answered: dict[tuple[int, int], int] = {}
    rows: list[tuple[str | None, int, int, int]] = []
    for question, code, known, member, n in session.execute(query):
        cell = (int(known), int(member))
        if question == RESPONSES:
            responses[cell] = responses.get(cell, 0) + int(n)
        elif code == RESPONSES:
            answered[cell] = int(n)
        elif n:
            rows.append((code, *cell, int(n)))
    for cell, n in responses.items():
        # Skipped: the cell's responses that gave the question no code.
        if skipped := n - answered.get(cell, 0):
            rows.append((None, *cell, skipped))
    return _frame(rows)


def _frame(rows: list[tuple[str | None, int, int, int]]) -> pd.DataFrame:
    """The computations' frame, built column by column (object columns keep None as None)."""
    rows.sort(key=lambda row: (row[1], row[2], row[0] or ""))
    cells = [flags_of(known, member) for _, known, member, _ in rows]
    columns: dict[str, pd.Series[Any]] = {
        "answer": pd.Series([row[0] for row in rows], dtype=object)
    }
    for key in GROUP_KEYS:
        columns[key] = pd.Series([cell[key] for cell in cells], dtype=object)
    columns["n"] = pd.Series([row[3] for row in rows], dtype="int64")
    return pd.DataFrame(columns, columns=COLUMNS)


def counted_invitations(
    session: Session, survey_key: str, year: int, organisation_id: int | None = None
) -> tuple[int, int]:
    """(invited, completed) for the year's response rate, as `surveys.indicators.
    invitation_totals` defines them: completed = the year's responses; invited = completed + the
    invitations of the year's campaigns not answered. The responses come from the count table;
    the invitations not answered are those not used (an invitation is used in the transaction
    that stores its response, and only then), read from an index of their own."""
    completed_query = _scoped(
        select(func.coalesce(func.sum(AnswerCount.n), 0)), survey_key, organisation_id
    ).where(
        AnswerCount.reporting_year == year,
        AnswerCount.question_key == RESPONSES,
        AnswerCount.answer_code == RESPONSES,
    )
    completed = int(session.scalar(completed_query) or 0)
    campaigns = select(Campaign.id).where(Campaign.survey_key == survey_key, Campaign.year == year)
    unanswered_query = (
        select(func.count())
        .select_from(Invitation)
        .where(Invitation.campaign_id.in_(campaigns), Invitation.used_at.is_(None))
    )
    if organisation_id is not None:
        unanswered_query = unanswered_query.where(Invitation.organisation_id == organisation_id)
    return completed + int(session.scalar(unanswered_query) or 0), completed
