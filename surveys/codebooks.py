"""The codebook of a response export: one entry per column of its data file in the file's order
(a choice question's codes with their labels), then what an anonymous export recoded."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from flask_babel import force_locale, lazy_gettext

from portal.formulas import safe_cell as neutralise
from surveys.anonymise import BLANK, OTHER, TOP_AGE_BAND, Anonymised
from surveys.questionnaire import CHOICE_TYPES, text_for
from surveys.response_columns import Column


def codebook_rows(columns: Sequence[Column], locale: str) -> list[list[Any]]:
    """Two header rows (keys, then their labels), then for each column of the export: its key
    and label; for a choice question, one row per answer code with the code's label; for any
    other question, its type in the last column."""
    with force_locale(locale):
        header = [
            str(lazy_gettext("Question key")),
            str(lazy_gettext("Question")),
            str(lazy_gettext("Answer code")),
            str(lazy_gettext("Answer label")),
        ]
    rows: list[list[Any]] = [["question_key", "question", "code", "label"], header]
    for column in columns:
        label, question = neutralise(column.label), column.question
        if question is None or column.labels:
            rows.append([column.key, label, "", ""])
        elif question.type in CHOICE_TYPES:
            for option in question.options:
                text = neutralise(text_for(option.label, locale))
                rows.append([column.key, label, option.code, text])
        else:
            rows.append([column.key, label, "", question.type])
    return rows


def recoding_rows(anonymised: Anonymised, locale: str) -> list[list[Any]]:
    """The codebook's rows documenting an anonymous export: what each recoded column holds, the
    level of each place shown, and what an empty cell means."""
    k, cells = anonymised.k, anonymised.suppressed
    with force_locale(locale):
        rows = [
            [
                "submitted_on",
                str(lazy_gettext("Submitted on")),
                "YYYY-MM",
                str(lazy_gettext("Dates are shown to the month.")),
            ],
            [
                "age_band",
                str(lazy_gettext("Age band")),
                TOP_AGE_BAND,
                str(lazy_gettext("50 years or older (50_59 and 60_plus merged).")),
            ],
            [
                "duty_station",
                str(lazy_gettext("Duty station")),
                "",
                str(
                    lazy_gettext(
                        "A country (ISO 3166 alpha-3) shared by at least %(k)s responses; "
                        "otherwise its M49 sub-region, or its M49 region.",
                        k=k,
                    )
                ),
            ],
            [
                "organisation",
                str(lazy_gettext("Host entity")),
                OTHER,
                str(lazy_gettext("Host entities with fewer than %(k)s responses.", k=k)),
            ],
            [
                "",
                "",
                BLANK,
                str(
                    lazy_gettext(
                        "An empty cell is not given, or suppressed so that every combination "
                        "of attributes is shared by at least %(k)s responses (%(count)s "
                        "cells suppressed).",
                        k=k,
                        count=cells,
                    )
                ),
            ],
            ["", "", "", str(lazy_gettext("Free-text answers are in a separate file."))],
        ]
        levels = {
            "country": lazy_gettext("Country"),
            "sub_region": lazy_gettext("M49 sub-region"),
            "region": lazy_gettext("M49 region"),
        }
        for place, level in sorted(anonymised.places.items()):
            rows.append(
                ["duty_station", str(lazy_gettext("Duty station")), place, str(levels[level])]
            )
    return [[neutralise(value) for value in row] for row in rows]
