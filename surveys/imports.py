"""Bulk import of responses collected elsewhere: roster columns, submitted_at and the answers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import Any

from sqlalchemy.orm import Session

from portal.errors import InputError
from surveys import definitions
from surveys.answering import AlreadyAnswered, submit_response
from surveys.campaigns import campaign_definition
from surveys.definitions import N_, SurveyDefinition
from surveys.invitations import create_invitations
from surveys.models import Campaign
from surveys.rosters import ROSTER_COLUMNS, check_rows
from surveys.uploads import CellProblem, FileRefused, read_table

# Codes of a multiple-choice answer are separated by semicolons in one cell.
CODE_SEPARATOR = ";"


@dataclass(frozen=True)
class ImportedAnswers:
    submitted_at: datetime
    answers: dict[str, Any]


def _submitted_at(row: Any, now: datetime) -> datetime | None:
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


def _answers(row: Any, definition: SurveyDefinition) -> dict[str, Any] | None:
    formdata: dict[str, list[str]] = {}
    for question in definition.questions:
        cell = row.cells.get(question.key, "")
        if not cell:
            continue
        if question.type == "multiple":
            formdata[question.key] = [code.strip() for code in cell.split(CODE_SEPARATOR)]
        else:
            formdata[question.key] = [cell]
    errors = definitions.validate_complete(definition, formdata)
    for key, (message, params) in errors.items():
        row.bad(key, message, **params)
    if errors:
        return None
    cleaned, _ = definitions.clean_complete(definition, formdata)
    return cleaned


def import_responses(
    session: Session, campaign: Campaign, data: bytes, now: datetime, global_south_flag: str
) -> int:
    """Store every row as an invitation used on `submitted_at` with its response; all or none.

    The same checks as rosters (unknown columns, each bad cell by line and column, e-mails unique
    in the campaign) and as the answering pages (codes, required answers, conditions).
    """
    if campaign.state == "draft":
        raise InputError(
            N_("Open the campaign before importing responses: it fixes the questions.")
        )
    definition = campaign_definition(campaign)
    allowed = (*ROSTER_COLUMNS[campaign.survey_key], "submitted_at", *_keys(definition))
    table = read_table(data, allowed, ("email", "submitted_at"))

    def extra(row: Any) -> ImportedAnswers | None:
        submitted_at = _submitted_at(row, now)
        answers = _answers(row, definition)
        if submitted_at is None or answers is None:
            return None
        return ImportedAnswers(submitted_at, answers)

    checked = check_rows(session, campaign.id, campaign.survey_key, table, extra)
    entries = [entry for entry, _ in checked]
    invitations = create_invitations(session, campaign, entries, source="import")
    for invitation, (entry, imported) in zip(invitations, checked, strict=True):
        try:
            submit_response(
                session,
                invitation,
                definition,
                imported.answers,
                imported.submitted_at,
                global_south_flag,
            )
        except AlreadyAnswered:
            problem = CellProblem(
                N_("This office has already answered the survey."), {}, entry.line, "organisation"
            )
            raise FileRefused([problem]) from None
    return len(invitations)


def _keys(definition: SurveyDefinition) -> list[str]:
    return [question.key for question in definition.questions]
