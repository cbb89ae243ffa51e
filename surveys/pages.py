"""Answering pages as display data: each shown question with its texts, options, value and error."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext

from surveys.answer_rules import is_required
from surveys.answering import is_last_page
from surveys.page_flow import previous_page_index, progress, visible_questions
from surveys.questionnaire import FieldError, Question, SurveyDefinition, text_for


@dataclass(frozen=True)
class OptionView:
    code: str
    label: str
    checked: bool


@dataclass(frozen=True)
class QuestionView:
    key: str
    type: str
    label: str
    help: str
    required: bool
    options: tuple[OptionView, ...]
    value: str
    error: str | None
    multiline: bool
    max_length: int
    integer: bool

    @property
    def field_id(self) -> str:
        return f"q-{self.key}"

    @property
    def focus_id(self) -> str:
        """Where a link in the error summary moves focus: the field, or a group's first option."""
        return f"{self.field_id}-0" if self.options else self.field_id


@dataclass(frozen=True)
class PageView:
    title: str
    intro: str
    survey_title: str
    survey_intro: str
    page_index: int
    number: int
    total: int
    questions: tuple[QuestionView, ...]
    has_previous: bool
    is_last: bool


def _error_text(error: FieldError | None, locale: str) -> str | None:
    if error is None:
        return None
    message, params = error
    texts = params.get("texts")  # the survey's own message (constraint_message, required_message)
    return text_for(texts, locale) if texts else gettext(message, **params)


def _question_view(
    question: Question,
    values: Mapping[str, Sequence[str]],
    errors: Mapping[str, FieldError],
    locale: str,
    saved: Mapping[str, Any],
) -> QuestionView:
    given = list(values.get(question.key, ()))
    if question.key not in values and question.default is not None:
        given = question.default.split() if question.type == "multiple" else [question.default]
    return QuestionView(
        key=question.key,
        type=question.type,
        label=text_for(question.label, locale),
        help=text_for(question.help, locale) if question.help else "",
        required=is_required(question, saved),
        options=tuple(
            OptionView(option.code, text_for(option.label, locale), option.code in given)
            for option in question.options
        ),
        value=given[0] if given and not question.options else "",
        error=_error_text(errors.get(question.key), locale),
        multiline=question.multiline,
        max_length=question.max_length,
        integer=question.integer,
    )


def page_view(
    definition: SurveyDefinition,
    page_index: int,
    saved: Mapping[str, Any],
    values: Mapping[str, Sequence[str]],
    errors: Mapping[str, FieldError],
    locale: str,
) -> PageView:
    """The page's shown questions (chosen from the saved answers of earlier pages), filled with
    `values` (what was submitted, or the saved answers) and the error of each."""
    page = definition.pages[page_index]
    shown = visible_questions(definition, page_index, saved)
    number, total = progress(definition, page_index)
    return PageView(
        title=text_for(page.title, locale),
        intro=text_for(page.intro, locale) if page.intro else "",
        survey_title=text_for(definition.title, locale),
        survey_intro=text_for(definition.intro, locale) if page_index == 0 else "",
        page_index=page_index,
        number=number,
        total=total,
        questions=tuple(_question_view(q, values, errors, locale, saved) for q in shown),
        has_previous=previous_page_index(definition, page_index, saved) is not None,
        is_last=is_last_page(definition, page_index, saved),
    )
