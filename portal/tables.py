"""Uploaded tables (CSV or XLSX) read as rows of text, and the problems found in their cells.

The one reader behind every import (rosters, responses, targets, values, products): the header is
checked against the allowed columns, every row keeps its line in the file, and a file with any
problem is refused whole with messages naming the file, the line and the column.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from flask_babel import gettext

from portal.errors import InputError
from portal.markers import N_

#: A one-line message names this many problems, then counts the rest.
SHOWN_PROBLEMS = 5
DEFAULT_MAX_ROWS = 100_000
# An XLSX file is a ZIP: its declared sizes are checked before anything is inflated.
MAX_XLSX_ENTRIES = 200
MAX_XLSX_INFLATED = 200 * 1024 * 1024
_ZIP_MAGIC = b"PK\x03\x04"

AT_CELL = N_("Line %(line)s, column %(column)s: %(problem)s")
AT_LINE = N_("Line %(line)s: %(problem)s")
AND_MORE = N_("%(first)s (and %(more)s more problems)")
IN_FILE = N_("%(source)s: %(details)s")

Translate = Callable[..., str]


def _plain(message: str, **params: Any) -> str:
    return message % params if params else message


@dataclass(frozen=True)
class Problem:
    """A bad cell (line and column), a bad line, a bad form field (column only), or a bad file."""

    message: str
    params: Mapping[str, Any] = field(default_factory=dict)
    line: int | None = None
    column: str | None = None

    def _where(self, text: str, translate: Translate) -> str:
        if self.line is not None and self.column:
            return translate(AT_CELL, line=self.line, column=self.column, problem=text)
        if self.line is not None:
            return translate(AT_LINE, line=self.line, problem=text)
        return text

    def __str__(self) -> str:
        return self._where(_plain(self.message, **self.params), _plain)

    def translated(self) -> str:
        """The message in the current language, with its place."""
        return self._where(gettext(self.message, **self.params), gettext)

    def translated_message(self) -> str:
        """The message alone in the current language, for a form field's own error."""
        return str(gettext(self.message, **self.params))


class Refused(InputError):
    """Input refused whole; `problems` names every bad cell, line or field. Nothing was stored."""

    def __init__(self, problems: Sequence[Problem], source: str | None = None) -> None:
        self.problems = list(problems)
        self.source = source
        super().__init__("%(details)s", details=self._summary(str, _plain))

    def _summary(self, show: Callable[[Problem], str], translate: Translate) -> str:
        shown = self.problems[:SHOWN_PROBLEMS]
        more = len(self.problems) - len(shown)
        details = "; ".join(show(problem) for problem in shown)
        if more > 0:
            details = translate(AND_MORE, first=details, more=more)
        if self.source:
            details = translate(IN_FILE, source=self.source, details=details)
        return details

    def translated(self) -> str:
        return self._summary(Problem.translated, gettext)


@dataclass(frozen=True)
class Row:
    """One data row: its line in the file (the header is line 1) and its cells by column."""

    line: int
    cells: Mapping[str, str]


@dataclass(frozen=True)
class Table:
    """The columns the file names (in its order) and its non-empty rows."""

    columns: list[str]
    rows: list[Row]


def read_table(
    data: bytes,
    required: Sequence[str],
    optional: Iterable[str] = (),
    *,
    source: str | None = None,
    max_rows: int = DEFAULT_MAX_ROWS,
    xlsx: bool = True,
) -> Table:
    """The rows of a UTF-8 CSV file (`,` `;` or tab separated) or, if `xlsx`, a workbook's
    first sheet, with a header naming every `required` column and some `optional` ones."""
    streamed = stream_table(data, required, optional, source=source, xlsx=xlsx)
    rows: list[Row] = []
    try:
        for row in streamed.rows:
            if len(rows) >= max_rows:
                raise Refused(
                    [Problem(N_("The file has more than %(max)s rows."), {"max": max_rows})]
                )
            rows.append(row)
        streamed.finish()
    except Refused as refused:
        raise Refused(refused.problems, source) from None
    return Table(streamed.columns, rows)


@dataclass
class StreamedTable:
    """A table read one row at a time, for imports of any length: `rows` yields the good rows
    (a CSV row is parsed only when it is reached); `problems` collects the bad lines on the way,
    and `finish()`, once the rows are read, refuses the file if there were any (or no rows)."""

    columns: list[str]
    rows: Iterator[Row]
    problems: list[Problem]
    source: str | None = None
    count: int = 0

    def finish(self) -> None:
        if self.problems:
            raise Refused(self.problems, self.source)
        if not self.count:
            raise Refused([Problem(N_("The file has no rows below its header."))], self.source)


def stream_table(
    data: bytes,
    required: Sequence[str],
    optional: Iterable[str] = (),
    *,
    source: str | None = None,
    xlsx: bool = True,
) -> StreamedTable:
    """The header checked at once (see read_table), the rows left to read; no limit on their
    number. A file that cannot be read raises Refused, naming `source`, at once or while the rows
    are read."""
    try:
        raw = _xlsx_rows(data) if xlsx and data.startswith(_ZIP_MAGIC) else _csv_rows(data, xlsx)
        lines = iter(raw)
        first = next(lines, None)
        if first is None:
            raise Refused([Problem(N_("The file is empty."))])
        header = [name.strip().lower() for name in first[1]]
        _check_header(header, required, list(optional))
    except Refused as refused:
        raise Refused(refused.problems, source) from None
    table = StreamedTable([name for name in header if name], iter(()), [], source)
    table.rows = _rows(lines, header, table)
    return table


def _rows(
    lines: Iterator[tuple[int, list[str]]], header: list[str], table: StreamedTable
) -> Iterator[Row]:
    try:
        for line, values in lines:
            if not any(value.strip() for value in values):
                continue
            extra = values[len(header) :]
            if any(value.strip() for value in extra):
                problem = Problem(N_("The line has more cells than the header."), line=line)
                table.problems.append(problem)
                continue
            padded = [value.strip() for value in values[: len(header)]]
            padded += [""] * (len(header) - len(padded))
            table.count += 1
            yield Row(
                line, {name: value for name, value in zip(header, padded, strict=True) if name}
            )
    except Refused as refused:
        raise Refused(refused.problems, table.source) from None


def _check_header(header: list[str], required: Sequence[str], optional: list[str]) -> None:
    allowed = [*required, *optional]
    problems = []
    if unknown := [name for name in header if name and name not in allowed]:
        problems.append(
            Problem(
                N_("Unknown column(s): %(columns)s. Allowed columns: %(allowed)s."),
                {"columns": ", ".join(unknown), "allowed": ", ".join(allowed)},
                line=1,
            )
        )
    if missing := [name for name in required if name not in header]:
        problems.append(
            Problem(N_("Missing column(s): %(columns)s."), {"columns": ", ".join(missing)}, line=1)
        )
    if repeated := sorted({name for name in header if name and header.count(name) > 1}):
        problems.append(
            Problem(
                N_("Column(s) given twice: %(columns)s."), {"columns": ", ".join(repeated)}, line=1
            )
        )
    if problems:
        raise Refused(problems)


def _csv_rows(data: bytes, xlsx: bool) -> Iterable[tuple[int, list[str]]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        message = (
            N_("The file is neither a UTF-8 CSV file nor an XLSX workbook.")
            if xlsx
            else N_("The file is not UTF-8 text; save it as CSV UTF-8.")
        )
        raise Refused([Problem(message)]) from None
    first_line = text.split("\n", 1)[0]
    delimiter = max((",", ";", "\t"), key=first_line.count)
    return _csv_lines(text, delimiter)


def _csv_lines(text: str, delimiter: str) -> Iterator[tuple[int, list[str]]]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    line = 1
    try:
        for values in reader:
            yield line, values
            line = reader.line_num + 1
    except csv.Error as error:
        raise Refused(
            [Problem(N_("The file is not valid CSV: %(error)s"), {"error": str(error)[:200]}, line)]
        ) from None


def _xlsx_rows(data: bytes) -> Iterable[tuple[int, list[str]]]:
    unreadable = Refused([Problem(N_("The file is not a readable XLSX workbook."))])
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            entries = archive.infolist()
    except zipfile.BadZipFile:
        raise unreadable from None
    if len(entries) > MAX_XLSX_ENTRIES or sum(e.file_size for e in entries) > MAX_XLSX_INFLATED:
        raise Refused([Problem(N_("The workbook is too large once unpacked."))])
    from openpyxl import load_workbook  # heavy; only workbooks need it

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        sheet = workbook.worksheets[0]
        rows = [
            (line, [_cell_text(value) for value in values])
            for line, values in enumerate(sheet.iter_rows(values_only=True), start=1)
        ]
        workbook.close()
    except Exception:  # noqa: BLE001 - any parser failure means an unreadable workbook
        raise unreadable from None
    return rows


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if hasattr(value, "isoformat"):
        text: str = value.isoformat()
        return text[:10] if text.endswith("T00:00:00") else text
    return str(value)
