"""A small three-page survey definition, as plain data, for the definition unit tests."""

from __future__ import annotations

from typing import Any


def translated(text: str) -> dict[str, str]:
    return {"en": text, "fr": f"{text} (fr)", "es": f"{text} (es)", "zh": f"{text}（中文）"}


def choices(*codes: str) -> list[dict[str, Any]]:
    return [{"code": code, "label": translated(code.title())} for code in codes]


def survey_definition_data() -> dict[str, Any]:
    """Page 1 plain questions; page 2 shown or not by page 1; page 3 by page 2 (a cascade)."""
    return {
        "key": "tiny",
        "version": 1,
        "title": translated("Tiny survey"),
        "intro": translated("Welcome"),
        "pages": [
            {
                "title": translated("First"),
                "questions": [
                    {
                        "key": "role",
                        "type": "single",
                        "required": True,
                        "label": translated("Role?"),
                        "options": choices("head", "staff", "other"),
                    },
                    {
                        "key": "hosted",
                        "type": "number",
                        "integer": True,
                        "min": 0,
                        "max": 100,
                        "required": True,
                        "label": translated("How many?"),
                    },
                    {
                        "key": "channels",
                        "type": "multiple",
                        "label": translated("Channels?"),
                        "options": [
                            *choices("email", "phone"),
                            {"code": "none", "label": translated("None"), "exclusive": True},
                        ],
                    },
                    {
                        "key": "rating",
                        "type": "likert5",
                        "required": True,
                        "label": translated("All went well."),
                    },
                ],
            },
            {
                "title": translated("Second"),
                "questions": [
                    {
                        "key": "why",
                        "type": "text",
                        "required": True,
                        "label": translated("Why not?"),
                        "show_if": {
                            "question": "rating",
                            "in": ["somewhat_disagree", "fully_disagree"],
                        },
                    },
                    {
                        "key": "follow",
                        "type": "single",
                        "label": translated("Follow up?"),
                        "options": choices("yes", "no"),
                        "show_if": {"question": "rating", "in": ["fully_disagree"]},
                    },
                    {"key": "amount", "type": "number", "min": 0.5, "label": translated("Amount?")},
                    {
                        "key": "ended",
                        "type": "date",
                        "min": "2020-01-01",
                        "max": "2025-12-31",
                        "label": translated("End date?"),
                    },
                    {
                        "key": "note",
                        "type": "text",
                        "max_length": 10,
                        "multiline": False,
                        "label": translated("Short note"),
                    },
                ],
            },
            {
                "title": translated("Third"),
                "questions": [
                    {
                        "key": "detail",
                        "type": "text",
                        "label": translated("Details?"),
                        "show_if": {"question": "follow", "in": ["yes"]},
                    },
                ],
            },
        ],
    }
