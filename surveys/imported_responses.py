"""Stores checked imported responses a batch at a time: invitations, responses and answers as
multi-row INSERTs, with what the web's submit_response stores for each (used invitation, roster
snapshot, answer rows). The one place imported responses are written."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from types import SimpleNamespace
from typing import Any, cast

from sqlalchemy import Table, insert, select
from sqlalchemy.orm import Session

from portal.db import utcnow
from surveys.answer_counts import AnswerTally, count_response
from surveys.answering import answer_rows, response_snapshot
from surveys.models import Answer, Campaign, Invitation, Response
from surveys.questionnaire import SurveyDefinition
from surveys.rosters import RosterEntry


@dataclass(frozen=True)
class ImportedResponse:
    """A checked row: its roster entry, office (partner survey), date and answers."""

    entry: RosterEntry
    office_id: int | None
    submitted_at: datetime
    answers: dict[str, Any]


@dataclass(frozen=True)
class InsertedResponses:
    """What one batch stored: the response rows and answer rows as inserted (with their ids)."""

    responses: list[dict[str, Any]]
    answers: list[dict[str, Any]]


def insert_imported_responses(
    session: Session,
    campaign: Campaign,
    definition: SurveyDefinition,
    batch: Sequence[ImportedResponse],
    global_south_flag: str,
    tally: AnswerTally,
) -> InsertedResponses:
    """Insert each response with its used invitation and its answers, in the caller's transaction,
    and count each into `tally`, which the caller applies in that same transaction."""
    if not batch:
        return InsertedResponses([], [])
    now = utcnow()
    invitations = [_invitation_row(campaign, item, now) for item in batch]
    # Plain multi-row INSERTs, ids read back by their unique keys: RETURNING in parameter order
    # costs a statement per row on SQLite.
    # Core INSERTs of the tables: the ORM's bulk path handles each row's attributes in Python.
    session.execute(insert(_table(Invitation)), invitations)
    emails = [row["contact_email"] for row in invitations]
    by_email: dict[str | None, int] = {
        email: id_
        for email, id_ in session.execute(
            select(Invitation.contact_email, Invitation.id).where(
                Invitation.campaign_id == campaign.id, Invitation.contact_email.in_(emails)
            )
        )
    }
    invitation_ids = [by_email[email] for email in emails]
    responses = []
    for row, invitation_id, item in zip(invitations, invitation_ids, batch, strict=True):
        # The row's values read as attributes, for the one snapshot rule of answering (an ORM
        # Invitation per row cost a tenth of the import).
        snapshot = response_snapshot(SimpleNamespace(**row), campaign, item.submitted_at,
                                     global_south_flag)  # fmt: skip
        responses.append({"invitation_id": invitation_id, **snapshot})
    session.execute(insert(_table(Response)), responses)
    by_invitation = {
        invitation_id: id_
        for invitation_id, id_ in session.execute(
            select(Response.invitation_id, Response.id).where(
                Response.invitation_id.in_(invitation_ids)
            )
        )
    }
    response_ids = [by_invitation[id_] for id_ in invitation_ids]
    answers: list[dict[str, Any]] = []
    for response, response_id, item in zip(responses, response_ids, batch, strict=True):
        response["id"] = response_id
        answers += answer_rows(definition, response_id, campaign.id, item.answers)
    if answers:
        session.execute(insert(_table(Answer)), answers)
    by_response: dict[int, list[dict[str, Any]]] = {}
    for answer in answers:
        by_response.setdefault(answer["response_id"], []).append(answer)
    for response in responses:
        count_response(session, campaign.id, response, by_response.get(response["id"], []), tally)
    return InsertedResponses(responses, answers)


def _table(model: type[Invitation | Response | Answer]) -> Table:
    return cast(Table, model.__table__)


def _invitation_row(campaign: Campaign, item: ImportedResponse, now: datetime) -> dict[str, Any]:
    entry = item.entry
    return {
        "campaign_id": campaign.id,
        "source": "import",
        "contact_email": entry.email,
        "contact_name": entry.name,
        "locale": entry.locale,
        "gender": entry.gender,
        "category": entry.category,
        "modality": entry.modality,
        "age": entry.age,
        "disability": entry.disability,
        "nationality": entry.nationality,
        "refugee": entry.refugee,
        "duty_station": entry.duty_station,
        "organisation_id": entry.organisation_id,
        "office_type": entry.office_type,
        "office_id": item.office_id,
        "assignment_start": entry.assignment_start,
        "assignment_end": entry.assignment_end,
        "created_at": now,
        "used_at": item.submitted_at,
        "partial_answers": None,
        "current_page": 0,
        "reminder_count": 0,
    }
