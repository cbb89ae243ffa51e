"""Uploaded CSV and XLSX files read as text tables, and the problems found in their cells."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
from flask_babel import gettext

from portal.errors import InputError
from surveys.definitions import N_

MAX_ROWS = 100_000
# An XLSX is a ZIP: its declared sizes are checked before openpyxl inflates anything.
MAX_XLSX_ENTRIES = 200
MAX_XLSX_INFLATED = 200 * 1024 * 1024


@dataclass(frozen=True)
class CellProblem:
    """A bad cell (line and column), a bad line, or a problem with the whole file."""

    message: str
    params: Mapping[str, Any] = field(default_factory=dict)
    line: int | None = None
    column: str | None = None

    def _where(self, text: str, translate: Callable[..., str]) -> str:
        if self.line is not None and self.column:
            return translate(
                "Line %(line)s, column %(column)s: %(problem)s",
                line=self.line,
                column=self.column,
                problem=text,
            )
        if self.line is not None:
            return translate("Line %(line)s: %(problem)s", line=self.line, problem=text)
        return text

    def __str__(self) -> str:
        return self._where(self.message % dict(self.params), lambda m, **p: m % p)

    def translated(self) -> str:
        return self._where(gettext(self.message, **self.params), gettext)


class FileRefused(InputError):
    """The file was refused; `problems` names every bad cell. Nothing was stored."""

    def __init__(self, problems: Sequence[CellProblem]) -> None:
        self.problems = list(problems)
        more = len(self.problems) - 1
        first = str(self.problems[0])
        if more:
            super().__init__("%(first)s (and %(more)s more problems)", first=first, more=more)
        else:
            super().__init__("%(first)s", first=first)

    def translated(self) -> str:
        first = self.problems[0].translated()
        more = len(self.problems) - 1
        if more:
            return gettext("%(first)s (and %(more)s more problems)", first=first, more=more)
        return first


@dataclass(frozen=True)
class Table:
    columns: list[str]
    rows: list[tuple[int, dict[str, str]]]  # (line number in the file, cells by column)


def _check_xlsx(data: bytes) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            entries = archive.infolist()
    except zipfile.BadZipFile:
        raise FileRefused([CellProblem(N_("The file is not a readable XLSX workbook."))]) from None
    if len(entries) > MAX_XLSX_ENTRIES or sum(e.file_size for e in entries) > MAX_XLSX_INFLATED:
        raise FileRefused([CellProblem(N_("The workbook is too large once unpacked."))])


def _frame(data: bytes) -> pd.DataFrame:
    if data.startswith(b"PK\x03\x04"):
        _check_xlsx(data)
        try:
            return pd.read_excel(
                io.BytesIO(data), header=None, dtype=str, keep_default_na=False, engine="openpyxl"
            )
        except Exception:  # noqa: BLE001 - any parser failure means an unreadable workbook
            raise FileRefused(
                [CellProblem(N_("The file is not a readable XLSX workbook."))]
            ) from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        problem = CellProblem(N_("The file is neither a UTF-8 CSV file nor an XLSX workbook."))
        raise FileRefused([problem]) from None
    first_line = text.split("\n", 1)[0]
    separator = max((",", ";", "\t"), key=first_line.count)
    try:
        return pd.read_csv(
            io.StringIO(text),
            header=None,
            dtype=str,
            keep_default_na=False,
            skip_blank_lines=False,
            sep=separator,
        )
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as error:
        message = N_("The CSV file cannot be read: %(reason)s")
        raise FileRefused([CellProblem(message, {"reason": str(error)[:200]})]) from None


def read_table(data: bytes, allowed: Iterable[str], required: Iterable[str]) -> Table:
    """The file's cells as text, with its header checked against the allowed columns."""
    frame = _frame(data).fillna("")
    if frame.empty:
        raise FileRefused([CellProblem(N_("The file is empty."))])
    header = [str(name).strip().lower() for name in frame.iloc[0]]
    allowed = list(allowed)
    problems = []
    unknown = [name for name in header if name and name not in allowed]
    if unknown:
        problems.append(
            CellProblem(
                N_("Unknown column(s): %(columns)s. Allowed columns: %(allowed)s."),
                {"columns": ", ".join(unknown), "allowed": ", ".join(allowed)},
            )
        )
    repeated = sorted({name for name in header if name and header.count(name) > 1})
    if repeated:
        problems.append(
            CellProblem(N_("Column(s) given twice: %(columns)s."), {"columns": ", ".join(repeated)})
        )
    missing = [name for name in required if name not in header]
    if missing:
        problems.append(
            CellProblem(N_("Missing column(s): %(columns)s."), {"columns": ", ".join(missing)})
        )
    if problems:
        raise FileRefused(problems)
    rows = []
    for index, values in enumerate(frame.iloc[1:].itertuples(index=False), start=2):
        cells = {
            name: str(value).strip() for name, value in zip(header, values, strict=True) if name
        }
        if any(cells.values()):
            rows.append((index, cells))
    if not rows:
        raise FileRefused([CellProblem(N_("The file has no rows below its header."))])
    if len(rows) > MAX_ROWS:
        raise FileRefused(
            [CellProblem(N_("The file has more than %(max)s rows."), {"max": MAX_ROWS})]
        )
    return Table(columns=[name for name in header if name], rows=rows)
