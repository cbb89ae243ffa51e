"""The columns of response exports: keys, labels in the export's language, the question behind.

The identifiable and anonymous exports share them: response facts, the attribute snapshot, one
column per question (two for a choice question: codes, then labels), the survey version last.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from flask_babel import force_locale, lazy_gettext
from sqlalchemy import Boolean

from surveys.models import Campaign, Response
from surveys.questionnaire import CHOICE_TYPES, Question, SurveyDefinition, text_for

FREE_TEXT_TYPES = frozenset({"text"})
DATE_TYPES = frozenset({"date"})  # answers that are quasi-identifiers: anonymised with the snapshot
# The definition version the campaign answered (it pins one): answers stay comparable over years.
VERSION_COLUMN = "survey_version"
# The snapshot's yes/no groups (exported as "yes", "no" or "" when not known).
YES_NO_ATTRIBUTES = frozenset(
    column.key for column in Response.__table__.columns if isinstance(column.type, Boolean)
)

ATTRIBUTES: Mapping[str, tuple[tuple[str, Any], ...]] = {  # by audience (SurveyDefinition.asks)
    "general": (),
    "partner": (
        ("organisation", lazy_gettext("Organisation")),
        ("office_type", lazy_gettext("Office type")),
        ("duty_station", lazy_gettext("Duty station")),
    ),
    "volunteer": (
        ("gender", lazy_gettext("Gender")),
        ("category", lazy_gettext("Category")),
        ("modality", lazy_gettext("Modality")),
        ("age_band", lazy_gettext("Age band")),
        ("youth", lazy_gettext("Youth (18-29)")),
        ("disability", lazy_gettext("Person with a disability")),
        ("global_south", lazy_gettext("From the Global South")),
        ("africa", lazy_gettext("From Africa")),
        ("sids", lazy_gettext("From a small island developing state")),
        ("ldc", lazy_gettext("From a least developed country")),
        ("lldc", lazy_gettext("From a landlocked developing country")),
        ("refugee", lazy_gettext("Refugee")),
        ("duty_station", lazy_gettext("Duty station")),
        ("organisation", lazy_gettext("Host entity")),
    ),
}


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    question: Question | None = None
    labels: bool = False  # the column of option labels next to a choice question's codes


def columns_for(
    campaign: Campaign, definition: SurveyDefinition, locale: str, *, free_text: bool = True
) -> list[Column]:
    """The export's columns: response facts, attribute snapshot, one or two per question
    (without the free-text questions when `free_text` is false), then the survey version."""
    with force_locale(locale):
        fixed = [
            Column("response", str(lazy_gettext("Response"))),
            Column("submitted_on", str(lazy_gettext("Submitted on"))),
            Column("reporting_year", str(lazy_gettext("Reporting year"))),
        ]
        fixed += [Column(key, str(label)) for key, label in ATTRIBUTES[definition.asks]]
        suffix = str(lazy_gettext("(label)"))
        # Last: the formats are only ever extended, earlier columns keep their places.
        version = Column(VERSION_COLUMN, str(lazy_gettext("Survey version")))
    for question in definition.questions:
        if not free_text and question.type in FREE_TEXT_TYPES:
            continue
        label = text_for(question.label, locale)
        fixed.append(Column(question.key, label, question))
        if question.type in CHOICE_TYPES:
            fixed.append(Column(f"{question.key}_label", f"{label} {suffix}", question, True))
    return [*fixed, version]


def attribute_text(response: Any, organisations: Mapping[int, str]) -> dict[str, str]:
    """A response's snapshot as text: dates, year, groups (yes/no), places and codes; "" unknown."""
    values = {
        "submitted_on": response.submitted_at.date().isoformat(),
        "reporting_year": str(response.reporting_year),
        "organisation": organisations.get(response.organisation_id, ""),
    }
    for columns in ATTRIBUTES.values():
        for key, _ in columns:
            if key not in values:
                value = getattr(response, key)
                values[key] = {True: "yes", False: "no", None: ""}.get(value, value)
    return values


def free_text_columns(locale: str) -> list[Column]:
    """The free-text export's columns: question key, question and answer."""
    with force_locale(locale):
        return [
            Column("question_key", str(lazy_gettext("Question key"))),
            Column("question", str(lazy_gettext("Question"))),
            Column("answer", str(lazy_gettext("Answer"))),
        ]
