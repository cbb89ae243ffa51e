"""Preview and test mode: a survey version walked page by page with answers held by the caller.

The same rules as answering (`answer_rules`, `page_flow`), but the answers live in a plain
mapping that the staff pages keep in the browser session: no response, no invitation, nothing
counted in an indicator.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from surveys.answer_rules import merge_page, validate_complete, validate_page
from surveys.page_flow import asked_questions, next_page_index, previous_page_index
from surveys.questionnaire import FieldError, SurveyDefinition

ACTIONS = ("next", "back", "submit", "language", "restart")
# A browser session is a cookie: preview answers keep at most this many characters of a text.
KEPT_TEXT = 500


@dataclass
class PreviewStep:
    """What became of a posted preview page: the answers to keep and the page to show."""

    answers: dict[str, Any]
    page_index: int
    errors: dict[str, FieldError] = field(default_factory=dict)
    finished: bool = False  # "send" on a complete survey: it would be stored now


def session_key(survey_key: str, version: int) -> str:
    """Where the browser session keeps one version's preview answers."""
    return f"survey_preview:{survey_key}:{version}"


def shown_page(definition: SurveyDefinition, requested: int, answers: Mapping[str, Any]) -> int:
    """The requested page if it has a question to show with these answers, else the next (or
    previous) page that has one."""
    page = min(max(requested, 0), len(definition.pages) - 1)
    if asked_questions(definition, page, answers):
        return page
    following = next_page_index(definition, page, answers)
    if following is not None:
        return following
    return previous_page_index(definition, page, answers) or 0


def _kept(answers: Mapping[str, Any]) -> dict[str, Any]:
    return {
        key: value[:KEPT_TEXT] if isinstance(value, str) else value
        for key, value in answers.items()
    }


def preview_step(
    definition: SurveyDefinition,
    page_index: int,
    answers: Mapping[str, Any],
    formdata: Mapping[str, Sequence[str]],
    action: str,
) -> PreviewStep:
    """Apply one posted preview page as `answering.post_page` would, without storing anything:
    `next` and `submit` need a valid page; `back` and `language` keep whatever is valid;
    `restart` forgets every answer."""
    if action == "restart":
        return PreviewStep({}, shown_page(definition, 0, {}))
    cleaned, errors = validate_page(definition, page_index, formdata, answers)
    merged = _kept(merge_page(definition, page_index, answers, cleaned))
    if action in ("next", "submit") and errors:
        return PreviewStep(dict(answers), page_index, errors)
    following = next_page_index(definition, page_index, merged)
    if action == "back":
        previous = previous_page_index(definition, page_index, merged)
        return PreviewStep(merged, page_index if previous is None else previous)
    if action == "language":
        return PreviewStep(merged, page_index)
    if following is not None:
        return PreviewStep(merged, following)
    problems = validate_complete(definition, merged)
    if problems:  # an earlier page lacks an answer: show it with its errors
        return PreviewStep(merged, _first_page_with(definition, problems), problems)
    return PreviewStep(merged, page_index, finished=action == "submit")


def _first_page_with(definition: SurveyDefinition, problems: Mapping[str, FieldError]) -> int:
    for index, page in enumerate(definition.pages):
        if any(question.key in problems for question in page.questions):
            return index
    return 0
