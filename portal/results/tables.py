"""CSV files of targets and values read as rows of text, and the problems found in their cells."""

from __future__ import annotations

import csv
import io
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from flask_babel import gettext

from portal.errors import InputError

MAX_ROWS = 5_000
# A one-line message names this many problems, then counts the rest.
SHOWN_PROBLEMS = 5
_NUMBER = re.compile(r"^\d+(\.\d+)?$")


def N_(message: str) -> str:  # noqa: N802 - the name Babel's extractor looks for
    """Mark a message id for translation where it is defined; it is translated where shown."""
    return message


AT_CELL = N_("Line %(line)s, column %(column)s: %(problem)s")
AT_LINE = N_("Line %(line)s: %(problem)s")
AND_MORE = N_("%(first)s (and %(more)s more problems)")


@dataclass(frozen=True)
class Problem:
    """A bad cell (line and column), a bad form field (column only), or a bad file."""

    message: str
    params: Mapping[str, Any] = field(default_factory=dict)
    line: int | None = None
    column: str | None = None

    def _where(self, text: str, translate: Any) -> str:
        if self.line is not None and self.column:
            return translate(AT_CELL, line=self.line, column=self.column, problem=text)
        if self.line is not None:
            return translate(AT_LINE, line=self.line, problem=text)
        return text

    def __str__(self) -> str:
        return self._where(self.message % dict(self.params), lambda m, **p: m % p)

    def translated(self) -> str:
        """The message in the current language, with its place (outside forms)."""
        return self._where(gettext(self.message, **self.params), gettext)

    def translated_message(self) -> str:
        """The message alone in the current language, for a form field's own error."""
        return gettext(self.message, **self.params)


class Refused(InputError):
    """Input refused; `problems` names every bad cell or field. Nothing was stored."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = list(problems)
        shown, more = self.problems[:SHOWN_PROBLEMS], len(self.problems) - SHOWN_PROBLEMS
        first = "; ".join(str(problem) for problem in shown)
        if more > 0:
            super().__init__(AND_MORE, first=first, more=more)
        else:
            super().__init__("%(first)s", first=first)

    def translated(self) -> str:
        shown, more = self.problems[:SHOWN_PROBLEMS], len(self.problems) - SHOWN_PROBLEMS
        first = "; ".join(problem.translated() for problem in shown)
        if more > 0:
            return gettext(AND_MORE, first=first, more=more)
        return first


@dataclass(frozen=True)
class Row:
    """One data row: its line in the file (the header is line 1) and its cells by column."""

    line: int
    cells: Mapping[str, str]


def read_csv(data: bytes, required: Sequence[str], optional: Iterable[str] = ()) -> list[Row]:
    """The rows of a UTF-8 CSV file with a header naming `required` and some of `optional`."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise Refused([Problem(N_("The file is not UTF-8 text; save it as CSV UTF-8."))]) from None
    reader = csv.reader(io.StringIO(text, newline=""))
    header = [name.strip().lower() for name in next(reader, [])]
    allowed = {*required, *optional}
    problems = []
    if unknown := [name for name in header if name not in allowed]:
        problems.append(
            Problem(N_("Unknown column(s): %(columns)s."), {"columns": ", ".join(unknown)}, line=1)
        )
    if missing := [name for name in required if name not in header]:
        problems.append(
            Problem(N_("Missing column(s): %(columns)s."), {"columns": ", ".join(missing)}, line=1)
        )
    if repeated := sorted({name for name in header if header.count(name) > 1}):
        problems.append(
            Problem(
                N_("Repeated column(s): %(columns)s."), {"columns": ", ".join(repeated)}, line=1
            )
        )
    if problems:
        raise Refused(problems)
    rows = []
    try:
        for cells in reader:
            if not any(cell.strip() for cell in cells):
                continue
            if len(cells) > len(header):
                problems.append(
                    Problem(N_("The line has more cells than the header."), line=reader.line_num)
                )
                continue
            if len(rows) >= MAX_ROWS:
                raise Refused(
                    [Problem(N_("The file has more than %(max)s rows."), {"max": MAX_ROWS})]
                )
            padded = [cell.strip() for cell in cells] + [""] * (len(header) - len(cells))
            rows.append(Row(reader.line_num, dict(zip(header, padded, strict=True))))
    except csv.Error as error:
        raise Refused(
            [Problem(N_("The file is not valid CSV: %(error)s"), {"error": str(error)})]
        ) from None
    if problems:
        raise Refused(problems)
    if not rows:
        raise Refused([Problem(N_("The file has no rows below its header."))])
    return rows


class BadCell(ValueError):
    """A cell that cannot be read; carries a message id and its parameters."""

    def __init__(self, message: str, **params: Any) -> None:
        super().__init__(message % params if params else message)
        self.message = message
        self.params = params


def parse_number(text: str, unit: str) -> float:
    """A figure as people type it: 0.87 or 87% for a percentage; 6501 or 12.5 otherwise."""
    raw = text.strip()
    percent = unit == "percent" and raw.endswith("%")
    digits = raw[:-1].strip() if percent else raw
    if "," in digits:
        raise BadCell(
            N_("Write %(value)s with a decimal point and no thousands separator."), value=raw
        )
    if not _NUMBER.match(digits):
        raise BadCell(N_("%(value)s is not a number of zero or more."), value=raw[:40])
    number = float(digits) / (100 if percent else 1)
    if not math.isfinite(number):
        raise BadCell(N_("%(value)s is not a number of zero or more."), value=raw[:40])
    if unit == "percent" and number > 1:
        raise BadCell(
            N_(
                "%(value)s is not a share: write a fraction between 0 and 1, or a percentage "
                "such as 87%%."
            ),
            value=raw,
        )
    return number


def parse_year(text: str) -> int:
    raw = text.strip()
    if not (raw.isdigit() and len(raw) == 4):
        raise BadCell(N_("%(value)s is not a year."), value=raw[:20])
    return int(raw)
