"""Definitions as stored snapshots: plain JSON-ready data, and the hash of their meaning."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from surveys.questionnaire import CHOICE_TYPES, NOTE_TYPE, Question, SurveyDefinition


def to_dict(definition: SurveyDefinition) -> dict[str, Any]:
    """Plain JSON-ready data, with every default spelled out, that `from_dict` reads back."""
    data: dict[str, Any] = {
        "key": definition.key,
        "version": definition.version,
        "title": dict(definition.title),
        "pages": [
            {
                "title": dict(page.title),
                **({"intro": dict(page.intro)} if page.intro else {}),
                **({"relevant": page.relevant} if page.relevant else {}),
                "questions": [_question_dict(question) for question in page.questions],
            }
            for page in definition.pages
        ],
    }
    if definition.intro:
        data["intro"] = dict(definition.intro)
    if definition.thanks:
        data["thanks"] = dict(definition.thanks)
    if definition.languages:
        data["languages"] = list(definition.languages)
    if definition.audience:
        data["audience"] = definition.audience
    return data


def _expression_fields(question: Question) -> dict[str, Any]:
    """The XLSForm additions, present only when set (older snapshots keep their hash)."""
    fields = {
        "relevant": question.relevant,
        "constraint": question.constraint,
        "constraint_message": dict(question.constraint_message),
        "required_if": question.required_if,
        "required_message": dict(question.required_message),
        "default": question.default,
        "roster": question.roster,
        "roster_use": question.roster_use if question.roster else None,
    }
    return {name: value for name, value in fields.items() if value}


def _question_dict(question: Question) -> dict[str, Any]:
    if question.type == NOTE_TYPE:
        note = {"key": question.key, "type": question.type, "label": dict(question.label)}
        optional = {"help": dict(question.help), "relevant": question.relevant}
        return note | {name: value for name, value in optional.items() if value}
    data: dict[str, Any] = {
        "key": question.key,
        "type": question.type,
        "label": dict(question.label),
        "required": question.required,
    }
    if question.help:
        data["help"] = dict(question.help)
    if question.show_if is not None:
        data["show_if"] = {
            "question": question.show_if.question,
            "in": list(question.show_if.values),
        }
    data.update(_expression_fields(question))
    if question.type in CHOICE_TYPES:
        data["options"] = [
            {"code": o.code, "label": dict(o.label), **({"exclusive": True} if o.exclusive else {})}
            for o in question.options
        ]
    elif question.type == "number":
        data["integer"] = question.integer
        bounds = {"min": question.minimum, "max": question.maximum}
        data.update({name: value for name, value in bounds.items() if value is not None})
    elif question.type == "date":
        bounds_dates = {"min": question.earliest, "max": question.latest}
        data.update(
            {n: value.isoformat() for n, value in bounds_dates.items() if value is not None}
        )
    else:
        data["max_length"] = question.max_length
        data["multiline"] = question.multiline
    return data


def content_hash(definition: SurveyDefinition) -> str:
    """sha256 of the canonical content: equal for equal meaning, whatever the YAML layout."""
    canonical = json.dumps(
        to_dict(definition), sort_keys=True, ensure_ascii=False, separators=(",", ":")
    )
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()
