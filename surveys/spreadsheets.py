"""Spreadsheet safety and workbooks: neutralised text, a write-only XLSX file, the codebook with
the recodings of an anonymous export."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from typing import IO, Any

from flask_babel import force_locale, lazy_gettext
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

from surveys.anonymise import BLANK, OTHER, TOP_AGE_BAND, Anonymised
from surveys.questionnaire import CHOICE_TYPES, SurveyDefinition, text_for

# A spreadsheet runs a cell starting with one of these as a formula (leading blanks are skipped).
_FORMULA_START = re.compile(r"^[\s]*[=+\-@\t\r]")


def neutralise(value: Any) -> Any:
    """A text a spreadsheet would execute gets a leading apostrophe; numbers stay numbers."""
    if isinstance(value, str) and _FORMULA_START.match(value):
        return "'" + value
    return value


def write_xlsx(
    rows: Iterator[Sequence[Any]],
    out: IO[bytes],
    codebook: Sequence[Sequence[Any]] | None,
    *,
    sheet: str = "responses",
) -> None:
    """A write-only workbook (rows go to disk as they come): the rows, then a codebook sheet
    (when there is one)."""
    workbook = Workbook(write_only=True)
    data = workbook.create_sheet(sheet)
    data.freeze_panes = "A3"
    for row in rows:
        data.append([_text_cell(data, value) for value in row])
    if codebook is None:
        workbook.save(out)
        return
    book = workbook.create_sheet("codebook")
    for row in codebook:
        book.append([_text_cell(book, value) for value in row])
    workbook.save(out)


def _text_cell(sheet: Any, value: Any) -> Any:
    if not isinstance(value, str):
        return value
    cell = WriteOnlyCell(sheet, value=value)
    # openpyxl takes any text starting with "=" for a formula; neutralised text must stay text.
    cell.data_type = "s"
    return cell


def codebook_rows(
    definition: SurveyDefinition, locale: str, *, free_text: bool = True
) -> list[list[Any]]:
    """question key, question, answer code, answer label: for every choice of every question
    (without the free-text questions when `free_text` is false)."""
    with force_locale(locale):
        header = [
            str(lazy_gettext("Question key")),
            str(lazy_gettext("Question")),
            str(lazy_gettext("Answer code")),
            str(lazy_gettext("Answer label")),
        ]
    rows: list[list[Any]] = [["question_key", "question", "code", "label"], header]
    for question in definition.questions:
        if not free_text and question.type == "text":
            continue
        label = neutralise(text_for(question.label, locale))
        if question.type not in CHOICE_TYPES:
            rows.append([question.key, label, "", question.type])
        for option in question.options:
            rows.append(
                [
                    question.key,
                    label,
                    option.code,
                    neutralise(text_for(option.label, locale)),
                ]
            )
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
