"""Answering pages as display data: each shown question with its texts, options, value and error."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext
from markupsafe import Markup, escape

from portal.typography import french_spacing
from surveys.answer_rules import is_required
from surveys.answering import is_last_page
from surveys.page_flow import asked_questions, previous_page_index, progress
from surveys.questionnaire import FieldError, Question, SurveyDefinition, text_for


@dataclass(frozen=True)
class Text:
    """A definition's text for the page: in the page's language, or in `lang` (English) when the
    definition has none. In HTML a fallback is isolated and marked, `<bdi lang="en" dir="auto">`,
    so that an English sentence in an Arabic page keeps its punctuation in place."""

    text: str
    lang: str | None = None

    def __str__(self) -> str:
        return self.text

    def __bool__(self) -> bool:
        return bool(self.text)

    def __html__(self) -> str:
        if self.lang is None:
            return str(escape(self.text))
        return str(Markup('<bdi lang="{}" dir="auto">{}</bdi>').format(self.lang, self.text))


def localised(mapping: Mapping[str, str], locale: str) -> Text:
    """The text as `text_for` chooses it, marked with its language when it is not the locale's;
    a French text with its typographic spaces."""
    text = text_for(mapping, locale)
    language = locale.replace("-", "_").split("_", 1)[0].lower()
    if text and mapping.get(language) != text:
        return Text(text, "en")
    return Text(french_spacing(text) if language == "fr" else text)


@dataclass(frozen=True)
class OptionView:
    code: str
    label: Text
    checked: bool


@dataclass(frozen=True)
class QuestionView:
    key: str
    type: str
    label: Text
    help: Text
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
    title: Text
    intro: Text
    survey_title: Text
    survey_intro: Text
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
        label=localised(question.label, locale),
        help=localised(question.help, locale),
        required=is_required(question, saved),
        options=tuple(
            OptionView(option.code, localised(option.label, locale), option.code in given)
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
    shown = asked_questions(definition, page_index, saved)
    number, total = progress(definition, page_index)
    return PageView(
        title=localised(page.title, locale),
        intro=localised(page.intro, locale),
        survey_title=localised(definition.title, locale),
        survey_intro=localised(definition.intro if page_index == 0 else {}, locale),
        page_index=page_index,
        number=number,
        total=total,
        questions=tuple(_question_view(q, values, errors, locale, saved) for q in shown),
        has_previous=previous_page_index(definition, page_index, saved) is not None,
        is_last=is_last_page(definition, page_index, saved),
    )
