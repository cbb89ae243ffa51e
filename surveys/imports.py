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

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import Any

from sqlalchemy.orm import Session

from portal import audit
from portal.errors import InputError
from portal.markers import N_
from portal.models import User
from portal.tables import Problem, Refused, read_table
from surveys.answer_counts import AnswerTally
from surveys.answer_rules import clean_complete, validate_complete
from surveys.answering import AlreadyAnswered, submit_response
from surveys.campaigns import OBJECT_TYPE, campaign_definition, get_campaign
from surveys.invitations import create_invitations
from surveys.questionnaire import SurveyDefinition
from surveys.rosters import REQUIRED_COLUMNS, ROSTER_COLUMNS, RowCheck, check_rows

# Codes of a multiple-choice answer are separated by semicolons in one cell.
CODE_SEPARATOR = ";"
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
    errors = validate_complete(definition, formdata, require=False)
    for key, (message, params) in errors.items():
        row.bad(key, message, **params)
    if errors:
        return None
    cleaned, _ = clean_complete(definition, formdata, require=False)
    return cleaned


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
    docstring). Audited with the number of responses; the rows themselves are not linked to
    anyone in the trail.
    """
    campaign = get_campaign(session, campaign_id)
    if campaign.state == "draft":
        raise InputError(
            N_("Open the campaign before importing responses: it fixes the questions.")
        )
    definition = campaign_definition(campaign)
    optional = [c for c in ROSTER_COLUMNS[campaign.survey_key] if c not in REQUIRED_COLUMNS]
    required = (*REQUIRED_COLUMNS, "submitted_at")
    table = read_table(data, required, [*optional, *_keys(definition)], source=source)
    _check_question_columns(table.columns, _keys(definition), source)

    def extra(row: RowCheck) -> ImportedAnswers | None:
        submitted_at = _submitted_at(row, now)
        answers = _answers(row, definition)
        if submitted_at is None or answers is None:
            return None
        return ImportedAnswers(submitted_at, answers)

    checked = check_rows(session, campaign.id, campaign.survey_key, table, extra, source=source)
    entries = [entry for entry, _ in checked]
    invitations = create_invitations(session, campaign, entries, source="import")
    tally = AnswerTally()
    for invitation, (entry, imported) in zip(invitations, checked, strict=True):
        try:
            submit_response(
                session,
                invitation,
                definition,
                imported.answers,
                imported.submitted_at,
                global_south_flag,
                tally,
            )
        except AlreadyAnswered:
            message = N_("This office has already answered the survey.")
            raise Refused([Problem(message, {}, entry.line, "organisation")], source) from None
    tally.apply(session)  # the answer counts, in the import's transaction
    audit.record(
        session,
        actor,
        "surveys.responses_imported",
        OBJECT_TYPE,
        campaign.id,
        responses=len(invitations),
    )
    return len(invitations)


def _keys(definition: SurveyDefinition) -> list[str]:
    return [question.key for question in definition.questions]
