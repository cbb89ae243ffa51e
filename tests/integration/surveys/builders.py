"""Builders for survey tests: campaigns, invitations with tokens, complete answers, page forms."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from portal.db import utcnow
from surveys import campaigns
from surveys.answer_rules import validate_complete
from surveys.invitations import create_invitations, issue_link
from surveys.models import Campaign, Invitation
from surveys.page_flow import visible_questions
from surveys.questionnaire import Question, SurveyDefinition
from surveys.rosters import RosterEntry

_counter = itertools.count(1)
# The questions behind the survey indicators: optional on the web since version 2 of both
# definitions, yet answered in the complete answers built here (as when they were required).
INDICATOR_KEYS = frozenset(
    {
        "expectations_met",
        "recruitment_efficient",
        "satisfied_experience",
        "development_contribution",
    }
)


def make_campaign(
    session: Session,
    survey_key: str = "volunteer_exit",
    *,
    year: int | None = None,
    state: str = "open",
    closes_on: date | None = None,
) -> Campaign:
    """A campaign (flushed): draft, open or closed."""
    now = utcnow()
    campaign = campaigns.create_campaign(
        session, None, survey_key, year or now.year, closes_on=closes_on
    )
    if state in ("open", "closed"):
        campaigns.open_campaign(session, None, campaign.id, now=now)
    if state == "closed":
        campaigns.close_campaign(session, None, campaign.id, now=now)
    return campaign


def make_invitation(
    session: Session, campaign: Campaign, valid_days: int = 60, **attributes: Any
) -> tuple[Invitation, str]:
    """An invitation with a fresh link; returns it and the token."""
    number = next(_counter)
    entry = RosterEntry(line=number, email=attributes.pop("email", f"invitee{number}@example.org"))
    for name, value in attributes.items():
        setattr(entry, name, value)
    (invitation,) = create_invitations(session, campaign, [entry])
    token = issue_link(session, invitation, "invitation", utcnow(), valid_days)
    return invitation, token


def answers_for(definition: SurveyDefinition, **overrides: Any) -> dict[str, Any]:
    """Valid answers for a shipped definition: the first option of each required question and
    of each indicator question."""
    answers: dict[str, Any] = {}
    for page_index in range(len(definition.pages)):
        for question in visible_questions(definition, page_index, answers):
            if question.key in overrides:
                answers[question.key] = overrides[question.key]
            elif question.required or question.key in INDICATOR_KEYS:
                answers[question.key] = _first_valid(question)
    problems = validate_complete(definition, answers)
    assert not problems, problems
    return answers


def _first_valid(question: Question) -> Any:
    if question.type == "likert5":
        return "fully_agree"
    if question.type == "single":
        return question.codes[0]
    if question.type == "multiple":
        return [next(o.code for o in question.options if not o.exclusive)]
    if question.type == "number":
        return int(question.minimum or 1)
    if question.type == "date":
        return (question.earliest or date(2026, 1, 31)).isoformat()
    return "A comment"


def page_form(
    definition: SurveyDefinition, page_index: int, answers: dict[str, Any]
) -> dict[str, Any]:
    """The form fields a browser posts for one page with these answers."""
    form: dict[str, Any] = {"page": str(page_index)}
    for question in definition.pages[page_index].questions:
        if question.key in answers:
            value = answers[question.key]
            form[question.key] = [str(v) for v in value] if isinstance(value, list) else str(value)
    return form


def days_ago(days: int) -> datetime:
    return datetime.now(UTC) - timedelta(days=days)
