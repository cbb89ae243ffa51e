"""Answering a survey: saving pages, resuming, and storing the response exactly once."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol, cast

from sqlalchemy import Table, bindparam, insert, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from portal.countries import countries
from portal.results.computations import is_youth, origin_groups, reporting_year
from surveys.answer_counts import AnswerTally, count_response
from surveys.answer_rules import merge_page, validate_complete, validate_page
from surveys.models import Answer, Campaign, Invitation, Response
from surveys.page_flow import asked_questions, next_page_index, previous_page_index
from surveys.questionnaire import CHOICE_TYPES, FieldError, SurveyDefinition
from surveys.roster_answers import fixed_answers

ACTIONS = ("next", "back", "save", "submit", "language")


class AlreadyAnswered(Exception):
    """The invitation was used (`reason` "link") or its office answered ("office") first."""

    def __init__(self, reason: str = "link") -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass
class PageResult:
    """What became of a posted page: errors to show, or the page to go to next."""

    page_index: int
    errors: dict[str, FieldError] = field(default_factory=dict)
    next_page: int | None = None
    saved: bool = False
    submitted: bool = False  # the survey was complete and its response is stored


# Core statements on the tables, built once: the answering requests run them without the unit of
# work, and SQLAlchemy reuses their compiled form.
_INVITATIONS = cast(Table, Invitation.__table__)
_OPENED = (
    update(_INVITATIONS)
    .where(_INVITATIONS.c.id == bindparam("invitation"), _INVITATIONS.c.opened_at.is_(None))
    .values(opened_at=bindparam("now", type_=_INVITATIONS.c.opened_at.type))
)
_CONSUMED = (
    update(_INVITATIONS)
    .where(_INVITATIONS.c.id == bindparam("invitation"), _INVITATIONS.c.used_at.is_(None))
    .values(used_at=bindparam("now", type_=_INVITATIONS.c.used_at.type), partial_answers=None)
)
_RESPONSES = cast(Table, Response.__table__)
_STORED = insert(_RESPONSES).returning(_RESPONSES.c.id)
_ANSWERS = insert(cast(Table, Answer.__table__))


def mark_opened(session: Session, invitation: Invitation, now: datetime) -> None:
    """Note when the invitee first opened the survey (counted as opened in progress)."""
    if invitation.opened_at is None:
        session.execute(_OPENED, {"invitation": invitation.id, "now": now})
        set_committed_value(invitation, "opened_at", now)


def saved_answers(invitation: Invitation, definition: SurveyDefinition) -> dict[str, Any]:
    """The answers kept so far, with those the roster gives (questions not shown)."""
    return {**(invitation.partial_answers or {}), **fixed_answers(definition)}


def resume_page(definition: SurveyDefinition, invitation: Invitation) -> int:
    """The page to show on (re)opening: where the invitee left off, skipping pages now hidden."""
    answers = saved_answers(invitation, definition)
    page = min(max(invitation.current_page, 0), len(definition.pages) - 1)
    if asked_questions(definition, page, answers):
        return page
    following = next_page_index(definition, page, answers)
    if following is not None:
        return following
    return previous_page_index(definition, page, answers) or 0


def is_last_page(definition: SurveyDefinition, page_index: int, answers: Mapping[str, Any]) -> bool:
    return next_page_index(definition, page_index, answers) is None


def form_values(answers: Mapping[str, Any]) -> dict[str, list[str]]:
    """Saved answers as the strings a form shows (the shape of a submitted form)."""
    values: dict[str, list[str]] = {}
    for key, value in answers.items():
        if isinstance(value, list):
            values[key] = [str(item) for item in value]
        elif isinstance(value, float) and value.is_integer():
            values[key] = [str(int(value))]
        else:
            values[key] = [str(value)]
    return values


def post_page(
    session: Session,
    invitation: Invitation,
    definition: SurveyDefinition,
    page_index: int,
    formdata: Mapping[str, Sequence[str]],
    action: str,
    now: datetime,
    global_south_flag: str,
) -> PageResult:
    """Apply one posted page: check it, keep its answers with the invitation, decide what's next.

    `next` and `submit` need a valid page; `back`, `save` and `language` (the page is shown again
    in another language) keep whatever is valid and move on.
    A `submit` of a complete survey stores the response (`submit_response`): AlreadyAnswered if
    the link or the office was used first.
    """
    answers = saved_answers(invitation, definition)
    cleaned, errors = validate_page(definition, page_index, formdata, answers)
    merged = merge_page(definition, page_index, answers, cleaned)
    result = PageResult(page_index=page_index)
    if action in ("next", "submit") and errors:
        result.errors = errors
        return result
    following = next_page_index(definition, page_index, merged)
    if action == "submit" and following is None:
        problems = validate_complete(definition, merged)
        if not problems:
            submit_response(session, invitation, definition, merged, now, global_south_flag)
            result.submitted = True
            return result
        # An earlier page lacks an answer (skipped by editing the URL or a second tab): go there.
        result.next_page, result.errors = _first_page_with(definition, problems), problems
    elif action in ("next", "submit"):
        # With no page after this one, "next" stays here: the page then offers to submit.
        result.next_page = following
    elif action == "back":
        result.next_page = previous_page_index(definition, page_index, merged)
    result.next_page = page_index if result.next_page is None else result.next_page
    invitation.partial_answers = merged
    invitation.current_page = result.next_page
    invitation.started_at = invitation.started_at or now
    result.saved = True
    session.flush()
    return result


def unkept_values(
    definition: SurveyDefinition,
    page_index: int,
    formdata: Mapping[str, Sequence[str]],
    invitation: Invitation,
) -> bool:
    """Whether a value typed on the page was not kept by saving it (not valid as an answer)."""
    answers = saved_answers(invitation, definition)
    return any(
        question.key not in answers
        and any(value.strip() for value in formdata.get(question.key, ()))
        for question in asked_questions(definition, page_index, answers)
    )


def _first_page_with(definition: SurveyDefinition, problems: Mapping[str, FieldError]) -> int:
    for index, page in enumerate(definition.pages):
        if any(question.key in problems for question in page.questions):
            return index
    return 0


def _age_band(age: int | None) -> str | None:
    if age is None:
        return None
    if age < 18:
        return "under_18"
    if age >= 60:
        return "60_plus"
    if age <= 29:
        return "18_29"
    low = age // 10 * 10
    return f"{low}_{low + 9}"


class RosterFacts(Protocol):
    """What a response copies from its invitation: an Invitation, or an imported row's values."""

    @property
    def nationality(self) -> str | None: ...
    @property
    def gender(self) -> str | None: ...
    @property
    def category(self) -> str | None: ...
    @property
    def modality(self) -> str | None: ...
    @property
    def age(self) -> int | None: ...
    @property
    def disability(self) -> bool | None: ...
    @property
    def refugee(self) -> bool | None: ...
    @property
    def office_type(self) -> str | None: ...
    @property
    def organisation_id(self) -> int | None: ...
    @property
    def office_id(self) -> int | None: ...
    @property
    def duty_station(self) -> str | None: ...


def response_snapshot(
    invitation: RosterFacts, campaign: Campaign, submitted_at: datetime, global_south_flag: str
) -> dict[str, Any]:
    """The response's copy of the roster attributes: groups, never contact or nationality."""
    country = countries().get(invitation.nationality or "")
    origin = origin_groups(country.row() if country else None, global_south_flag=global_south_flag)
    return {
        "campaign_id": campaign.id,
        "definition_version_id": campaign.definition_version_id,
        "submitted_at": submitted_at,
        "reporting_year": reporting_year(campaign.year, submitted_at, campaign.survey_key),
        "gender": invitation.gender,
        "category": invitation.category,
        "modality": invitation.modality,
        "age_band": _age_band(invitation.age),
        "youth": is_youth(invitation.age),
        "disability": invitation.disability,
        "refugee": invitation.refugee,
        "office_type": invitation.office_type,
        "organisation_id": invitation.organisation_id,
        "office_id": invitation.office_id,
        "duty_station": invitation.duty_station,
        **origin,
    }


def answer_rows(
    definition: SurveyDefinition, response_id: int, campaign_id: int, answers: Mapping[str, Any]
) -> list[dict[str, Any]]:
    """The answer table's rows for a response: one per choice code, text, date or number."""
    rows = []
    for key, value in answers.items():
        question = definition.question(key)
        base = {"response_id": response_id, "campaign_id": campaign_id, "question_key": key}
        if question.type in CHOICE_TYPES:
            codes = value if isinstance(value, list) else [value]
            rows += [
                {**base, "value_code": code, "value_text": None, "value_number": None}
                for code in codes
            ]
        elif question.type == "number":
            rows.append({**base, "value_code": None, "value_text": None, "value_number": value})
        else:
            rows.append(
                {**base, "value_code": None, "value_text": str(value), "value_number": None}
            )
    return rows


def submit_response(
    session: Session,
    invitation: Invitation,
    definition: SurveyDefinition,
    answers: Mapping[str, Any],
    now: datetime,
    global_south_flag: str,
    tally: AnswerTally | None = None,
) -> int:
    """Store the response, consuming the invitation, and return its id; AlreadyAnswered if
    someone else did first.

    The response and its answers are counted in the answer counts in the same transaction: at
    once, or into `tally` when given (a bulk import applies it once at the end).

    Deliberately not audited: this is the respondent's own act, not a staff action, and an audit
    row naming the invitation (or the account that opened it) next to the response would tie
    the answers to a person. The response keeps only the roster's group attributes.

    The conditional UPDATE lets exactly one of several racing requests through (the others see
    `used_at` set once the winner commits); UNIQUE(invitation_id) and UNIQUE(campaign_id,
    office_id) are the database's own guards behind it.
    """
    campaign = invitation.campaign
    consumed = session.execute(_CONSUMED, {"invitation": invitation.id, "now": now})
    if consumed.rowcount != 1:  # type: ignore[attr-defined]
        raise AlreadyAnswered
    session.expire(invitation, ["used_at", "partial_answers"])
    # Core inserts (no unit of work): the response row with its id back, then the answers.
    snapshot = response_snapshot(invitation, campaign, now, global_south_flag)
    values = {"invitation_id": invitation.id, **snapshot}
    response_id: int
    if invitation.office_id is None:  # no office: nothing but this invitation could clash
        response_id = session.execute(_STORED, values).scalar_one()
    else:
        try:
            with session.begin_nested():
                response_id = session.execute(_STORED, values).scalar_one()
        except IntegrityError:
            # The invitation was ours (the update above), so the clash is the office's response.
            raise AlreadyAnswered("office") from None
    rows = answer_rows(definition, response_id, campaign.id, answers)
    if rows:
        session.execute(_ANSWERS, rows)
    count_response(session, campaign.id, snapshot, rows, tally)
    return response_id
