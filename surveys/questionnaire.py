"""Survey definitions as types: questions, options, pages and the languages their texts need."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from typing import Any

REQUIRED_LANGUAGES = ("en", "fr", "es", "zh")
UN_LANGUAGES = frozenset({"ar", "en", "es", "fr", "ru", "zh"})
QUESTION_TYPES = ("likert5", "single", "multiple", "text", "number", "date", "note")
CHOICE_TYPES = frozenset({"likert5", "single", "multiple"})
NOTE_TYPE = "note"  # text shown on a page, never answered
# Who a survey asks, which decides what its roster holds and what its responses keep: the two
# shipped surveys have theirs; a survey imported under a new key says so (default: anyone).
AUDIENCES = ("partner", "volunteer", "general")
SHIPPED_AUDIENCES = {"partner": "partner", "volunteer_exit": "volunteer"}
LIKERT_CODES = (
    "fully_agree",
    "somewhat_agree",
    "neither",
    "somewhat_disagree",
    "fully_disagree",
    "dont_know",
    "not_applicable",
)
TEXT_MAX_LENGTH = 5000
# Names the answering form needs for itself; a question with one of them would be overwritten.
RESERVED_KEYS = frozenset({"csrf_token", "page", "action", "lang"})

Answer = str | list[str] | int | float
FieldError = tuple[str, dict[str, Any]]

# A question key, an answer code or a survey key.
KEY_RE = re.compile(r"[a-z][a-z0-9_]{0,62}")


class DefinitionError(ValueError):
    """A survey definition that cannot be used; the message names the file, question and problem."""

    def __init__(
        self, source: str, problem: str, question: str | None = None, field: str | None = None
    ) -> None:
        # `field`: the definition field at fault (e.g. "relevant"), for readers that map it back.
        self.source, self.problem, self.question, self.field = source, problem, question, field
        where = f"{source}: question {question!r}" if question else source
        super().__init__(f"{where}: {problem}")


@dataclass(frozen=True)
class Option:
    code: str
    label: dict[str, str]
    exclusive: bool = False


@dataclass(frozen=True)
class Condition:
    """Show a question only when an earlier choice question was answered with one of `values`."""

    question: str
    values: tuple[str, ...]


@dataclass(frozen=True)
class Question:
    key: str
    type: str
    label: dict[str, str]
    help: dict[str, str] = field(default_factory=dict)
    required: bool = False
    options: tuple[Option, ...] = ()
    show_if: Condition | None = None
    minimum: int | float | None = None
    maximum: int | float | None = None
    integer: bool = False
    earliest: date | None = None
    latest: date | None = None
    max_length: int = TEXT_MAX_LENGTH
    multiline: bool = True
    # XLSForm expressions (surveys.expressions), their messages and a pre-filled answer.
    relevant: str | None = None
    constraint: str | None = None
    constraint_message: dict[str, str] = field(default_factory=dict)
    required_if: str | None = None
    required_message: dict[str, str] = field(default_factory=dict)
    default: str | None = None
    # An answer from the roster (surveys.roster_answers): the attribute and how it is used.
    roster: str | None = None
    roster_use: str = "prefill"
    fixed: bool = False  # answered from this respondent's roster: not shown (never stored)

    # Cached (a definition never changes): read for every answer of every imported or exported
    # row. cached_property stores in the instance's __dict__, which a frozen dataclass allows.
    @cached_property
    def codes(self) -> tuple[str, ...]:
        return tuple(option.code for option in self.options)


@dataclass(frozen=True)
class Page:
    title: dict[str, str]
    questions: tuple[Question, ...]
    intro: dict[str, str] = field(default_factory=dict)
    relevant: str | None = None  # the whole page (an XLSForm group) is shown only when it holds


@dataclass(frozen=True)
class SurveyDefinition:
    key: str
    version: int
    title: dict[str, str]
    intro: dict[str, str]
    pages: tuple[Page, ...]
    thanks: dict[str, str] = field(default_factory=dict)
    # The languages every text has; empty: at least REQUIRED_LANGUAGES (imported forms may differ).
    languages: tuple[str, ...] = ()
    audience: str | None = None  # only for a new survey key (the shipped ones have theirs)

    @property
    def asks(self) -> str:
        """The survey's audience: partner, volunteer or general."""
        return SHIPPED_AUDIENCES.get(self.key) or self.audience or "general"

    @cached_property
    def questions(self) -> tuple[Question, ...]:
        """The questions that take an answer (notes are left out)."""
        return tuple(q for page in self.pages for q in page.questions if q.type != NOTE_TYPE)

    @cached_property
    def _by_key(self) -> dict[str, Question]:
        return {question.key: question for question in self.questions}

    def question(self, key: str) -> Question:
        """The question with that key; KeyError if the survey has none."""
        return self._by_key[key]


def _likert(*labels: tuple[str, str, str, str]) -> tuple[Option, ...]:
    return tuple(
        Option(code, dict(zip(REQUIRED_LANGUAGES, texts, strict=True)))
        for code, texts in zip(LIKERT_CODES, labels, strict=True)
    )


LIKERT_OPTIONS = _likert(
    ("Fully agree", "Tout à fait d'accord", "Totalmente de acuerdo", "完全同意"),
    ("Somewhat agree", "Plutôt d'accord", "Algo de acuerdo", "在一定程度上同意"),
    (
        "Neither agree nor disagree",
        "Ni d'accord ni pas d'accord",
        "Ni de acuerdo ni en desacuerdo",
        "既不同意也不反对",
    ),
    ("Somewhat disagree", "Plutôt pas d'accord", "Algo en desacuerdo", "在一定程度上不同意"),
    ("Fully disagree", "Pas du tout d'accord", "Totalmente en desacuerdo", "完全不同意"),
    ("Don't know", "Je ne sais pas", "No sé", "不知道"),
    ("Not applicable", "Sans objet", "No aplica", "不适用"),
)


def text_for(mapping: Mapping[str, str], locale: object | None) -> str:
    """The text in the locale's language ("fr", "fr_FR", "zh-Hans"...), else the English text."""
    if locale is not None:
        language = re.split(r"[-_]", str(locale), maxsplit=1)[0].lower()
        if mapping.get(language):
            return mapping[language]
    return mapping.get("en", "")
