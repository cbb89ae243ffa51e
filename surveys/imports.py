"""Bulk import of responses collected elsewhere: roster columns, submitted_at and the answers.

A file may hold only some of the survey's questions (INDICATORS.md, rule 8): a question without a
column, or with an empty cell, is a skipped question. It is stored as no answer at all, exactly as
a question left blank on the web, so the indicators count it as skipped and leave it out of the
denominator. `required` governs the web form only. What a file must hold: the `email` and
`submitted_at` columns (plus, for the partner survey, the organisation and office type of each
row, as for rosters) and at least one question column. Each row is a response, even one whose
question cells are all empty (a respondent who skipped every question the file holds, e.g. the
indicator question of a file holding only that); invitees who did not answer belong in a roster.
Codes, numbers, dates and conditions are checked as on the web; an answer to a follow-up question
whose condition is not met, or whose controlling answer is missing, is refused: an import never
invents an answer.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal import audit
from portal.errors import InputError
from portal.markers import N_
from portal.models import User
from portal.tables import Problem, Refused, Row, stream_table
from surveys.answer_counts import AnswerTally
from surveys.answer_rules import check_complete
from surveys.campaigns import OBJECT_TYPE, campaign_definition, get_campaign
from surveys.imported_responses import ImportedResponse, insert_imported_responses
from surveys.invitations import office_for
from surveys.models import Campaign, Response
from surveys.questionnaire import SurveyDefinition
from surveys.rosters import REQUIRED_COLUMNS, ROSTER_COLUMNS, RosterEntry, RowCheck, RowChecker

# Codes of a multiple-choice answer are separated by semicolons in one cell.
CODE_SEPARATOR = ";"
#: Rows checked and stored at a time: bounds what an import of any length holds in memory.
BATCH = 5_000
#: A file refused with this many problems is not read further (the message names the first few).
MAX_PROBLEMS = 1_000
MSG_NO_QUESTION_COLUMN = N_(
    "The file has no question column; give at least one of these columns: %(columns)s."
)


@dataclass(frozen=True)
class ImportedAnswers:
    submitted_at: datetime
    answers: dict[str, Any]


def _submitted_at(row: RowCheck, now: datetime) -> datetime | None:
    value = row.cells.get("submitted_at", "")
    if not value:
        row.bad("submitted_at", N_("This cell must not be empty."))
        return None
    try:
        if len(value) == 10:
            moment = datetime.combine(date.fromisoformat(value), time(12), UTC)
        else:
            moment = datetime.fromisoformat(value.replace(" ", "T", 1))
            moment = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment
    except ValueError:
        row.bad(
            "submitted_at",
            N_("%(value)s is not a date (YYYY-MM-DD) or date and time."),
            value=value[:40],
        )
        return None
    if moment > now:
        row.bad("submitted_at", N_("The date %(value)s is in the future."), value=value[:40])
        return None
    return moment.astimezone(UTC)


def _answers(row: RowCheck, definition: SurveyDefinition) -> dict[str, Any] | None:
    """The row's answers, skipped questions left out; None (and problems noted) if any is bad."""
    formdata: dict[str, list[str]] = {}
    for question in definition.questions:
        cell = row.cells.get(question.key, "")
        if not cell.strip():
            continue
        if question.type == "multiple":
            formdata[question.key] = [code.strip() for code in cell.split(CODE_SEPARATOR)]
        else:
            formdata[question.key] = [cell]
    # One pass: the same cleaned answers as clean_complete once validate_complete found nothing.
    cleaned, errors = check_complete(definition, formdata, require=False)
    for key, (message, params) in errors.items():
        row.bad(key, message, **params)
    return None if errors else cleaned


def _check_question_columns(
    columns: Sequence[str], keys: Sequence[str], source: str | None
) -> None:
    """Refuse a file without any question column: it would hold responses without answers."""
    if not set(columns) & set(keys):
        problem = Problem(MSG_NO_QUESTION_COLUMN, {"columns": ", ".join(keys)}, line=1)
        raise Refused([problem], source)


def import_responses(
    session: Session,
    actor: User | None,
    campaign_id: int,
    data: bytes,
    *,
    now: datetime,
    global_south_flag: str,
    source: str | None = None,
) -> int:
    """Store every row as an invitation used on `submitted_at` with its response; all or none.

    The same checks as rosters (unknown columns, each bad cell by line and column, e-mails unique
    in the campaign) and as the answering pages (codes, conditions), except that no question is
    required: a missing column or an empty cell is a skipped question (see the module's
    docstring). The file is read and stored BATCH rows at a time, with no limit on its length;
    after the first bad row nothing more is stored, the rest is only checked, and the import is
    refused whole (the caller's transaction rolls back). Audited with the number of responses;
    the rows themselves are not linked to anyone in the trail.
    """
    campaign = get_campaign(session, campaign_id)
    if campaign.state == "draft":
        raise InputError(
            N_("Open the campaign before importing responses: it fixes the questions.")
        )
    if campaign.state == "closed":
        raise InputError(N_("The campaign is closed; no one can be invited to it any more."))
    definition = campaign_definition(campaign)
    optional = [c for c in ROSTER_COLUMNS[definition.asks] if c not in REQUIRED_COLUMNS]
    required = (*REQUIRED_COLUMNS, "submitted_at")
    table = stream_table(data, required, [*optional, *_keys(definition)], source=source)
    _check_question_columns(table.columns, _keys(definition), source)

    def extra(row: RowCheck) -> ImportedAnswers | None:
        submitted_at = _submitted_at(row, now)
        answers = _answers(row, definition)
        if submitted_at is None or answers is None:
            return None
        return ImportedAnswers(submitted_at, answers)

    checker = RowChecker(session, campaign.id, definition.asks, extra)
    offices = _AnsweredOffices(session, campaign)
    count = 0
    tally = AnswerTally()
    for rows in _batches(table.rows):
        checked = checker.check(rows)
        if checker.problems or table.problems:
            if len(checker.problems) + len(table.problems) >= MAX_PROBLEMS:
                break
            continue  # nothing more is stored; the rest of the file is only checked
        batch = offices.place(checked, checker.problems)
        if not checker.problems:
            insert_imported_responses(
                session, campaign, definition, batch, global_south_flag, tally
            )
            count += len(batch)
    problems = sorted([*table.problems, *checker.problems], key=lambda p: p.line or 0)
    if problems:
        raise Refused(problems, source)
    table.finish()
    tally.apply(session)  # the answer counts, in the import's transaction
    audit.record(
        session, actor, "surveys.responses_imported", OBJECT_TYPE, campaign.id, responses=count
    )
    return count


class _AnsweredOffices:
    """The partner survey's rule of one response per office, across the campaign and the file."""

    def __init__(self, session: Session, campaign: Campaign) -> None:
        self.session, self.partner = session, campaign.survey_key == "partner"
        answered = select(Response.office_id).where(
            Response.campaign_id == campaign.id, Response.office_id.is_not(None)
        )
        self.answered = set(session.scalars(answered)) if self.partner else set()

    def place(
        self, checked: list[tuple[RosterEntry, ImportedAnswers]], problems: list[Problem]
    ) -> list[ImportedResponse]:
        batch = []
        for entry, imported in checked:
            office_id = office_for(self.session, entry).id if self.partner else None
            if office_id is not None and office_id in self.answered:
                message = N_("This office has already answered the survey.")
                problems.append(Problem(message, {}, entry.line, "organisation"))
            elif office_id is not None:
                self.answered.add(office_id)
            batch.append(
                ImportedResponse(entry, office_id, imported.submitted_at, imported.answers)
            )
        return batch


def _batches(rows: Iterator[Row]) -> Iterator[list[Row]]:
    while batch := list(itertools.islice(rows, BATCH)):
        yield batch


def _keys(definition: SurveyDefinition) -> list[str]:
    return [question.key for question in definition.questions]
