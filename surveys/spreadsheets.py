"""Spreadsheet safety and workbooks: neutralised text, a streamed XLSX file, the codebook with
the recodings of an anonymous export."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from typing import IO, Any, cast

from flask_babel import force_locale, lazy_gettext
from xlsxwriter import Workbook  # type: ignore[import-untyped]
from xlsxwriter.worksheet import Worksheet  # type: ignore[import-untyped]

from surveys.anonymise import BLANK, OTHER, TOP_AGE_BAND, Anonymised
from surveys.questionnaire import CHOICE_TYPES, SurveyDefinition, text_for

# A spreadsheet runs a cell starting with one of these as a formula (leading blanks are skipped).
_FORMULA_START = re.compile(r"^[\s]*[=+\-@\t\r]")
_SAFE_FIRST = re.compile(r"[^\s=+\-@]")  # a first character that settles it: the text is safe


def neutralise(value: Any) -> Any:
    """A text a spreadsheet would execute gets a leading apostrophe; numbers stay numbers."""
    if value.__class__ is not str and not isinstance(value, str):
        return value
    if _SAFE_FIRST.match(value) or not _FORMULA_START.match(value):
        return value
    return "'" + value


# Rows go to disk as they come (constant memory, strings inline); a text is always a text: never
# a formula, a link or a number, whatever it starts with.
XLSX_OPTIONS = {
    "constant_memory": True,
    "strings_to_formulas": False,
    "strings_to_urls": False,
    "strings_to_numbers": False,
}


class _Sheet(Worksheet):
    """XlsxWriter's worksheet, but a carriage return in a text is written as the character
    reference &#13; (as openpyxl writes it), which every reader decodes, instead of _x000D_, which
    openpyxl (and so pandas) does not decode in the inline strings of constant-memory mode."""

    @staticmethod
    def _escape_control_characters(data: str) -> str:
        if "\r" not in data:
            return cast(str, Worksheet._escape_control_characters(data))
        return "\r".join(Worksheet._escape_control_characters(part) for part in data.split("\r"))

    def _xml_inline_string(
        self, string: str, preserve: bool, attributes: Sequence[tuple[str, Any]] = ()
    ) -> None:
        if "\r" not in string:
            super()._xml_inline_string(string, preserve, attributes)
            return
        cell = "".join(f' {key}="{self._escape_attributes(value)}"' for key, value in attributes)
        space = ' xml:space="preserve"' if preserve else ""
        text = self._escape_data(string).replace("\r", "&#13;")
        self.fh.write(f'<c{cell} t="inlineStr"><is><t{space}>{text}</t></is></c>')


def write_xlsx(
    rows: Iterator[Sequence[Any]],
    out: IO[bytes],
    codebook: Sequence[Sequence[Any]] | None,
    *,
    sheet: str = "responses",
) -> None:
    """A workbook written row by row (XlsxWriter in constant-memory mode): the rows under two
    frozen header rows, then a codebook sheet (when there is one)."""
    workbook = Workbook(out, XLSX_OPTIONS)
    data = workbook.add_worksheet(sheet, _Sheet)
    data.freeze_panes(2, 0)
    write_row = data.write_row
    for number, row in enumerate(rows):
        write_row(number, 0, row)
    if codebook is not None:
        book = workbook.add_worksheet("codebook", _Sheet)
        for number, row in enumerate(codebook):
            book.write_row(number, 0, row)
    workbook.close()


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
