"""Spreadsheet files: CSV in chunks and a streamed XLSX workbook (cells: portal.formulas)."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator, Sequence
from typing import IO, Any

from xlsxwriter import Workbook  # type: ignore[import-untyped]
from xlsxwriter.worksheet import Worksheet  # type: ignore[import-untyped]

# A spreadsheet runs a cell starting with one of these as a formula (leading blanks are skipped).


def iter_csv(rows: Iterable[Sequence[Any]]) -> Iterator[bytes]:
    """CSV as UTF-8 with a byte-order mark (so spreadsheets read it as UTF-8), chunk by chunk."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    yield "\ufeff".encode()
    for count, row in enumerate(rows, 1):
        writer.writerow(row)
        if count % 500 == 0:
            yield buffer.getvalue().encode("utf-8")
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode("utf-8")


# Rows go to disk as they come (constant memory, strings inline); a text is always a text: never
# a formula, a link or a number, whatever it starts with.
XLSX_OPTIONS = {
    "constant_memory": True,
    "strings_to_formulas": False,
    "strings_to_urls": False,
    "strings_to_numbers": False,
}


_ESCAPE_LIKE = re.compile("(_x[0-9a-fA-F]{4}_)")
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")  # XML cannot hold them: _xHHHH_


class _Sheet(Worksheet):
    """XlsxWriter's worksheet, with the two steps that write an inline string done as XlsxWriter
    does, but for a carriage return: written as the character reference &#13; (as openpyxl writes
    it), which every reader decodes, instead of _x000D_, which openpyxl (and so pandas) does not
    decode in inline strings. (Tests read hostile texts back to check it.)"""

    @staticmethod
    def _escape_control_characters(data: Any) -> Any:
        if data.__class__ is not str:
            return data
        if "_x" in data:  # a text that looks like an escape is escaped itself
            data = _ESCAPE_LIKE.sub(r"_x005F\1", data)
        if _CONTROL.search(data):
            data = _CONTROL.sub(lambda match: f"_x{ord(match.group()):04X}_", data)
        if "\ufffe" in data or "\uffff" in data:
            data = data.replace("\ufffe", "_xFFFE_").replace("\uffff", "_xFFFF_")
        return data

    def _xml_inline_string(
        self, string: str, preserve: bool, attributes: Sequence[tuple[str, Any]] = ()
    ) -> None:
        cell = "".join(f' {key}="{self._escape_attributes(value)}"' for key, value in attributes)
        space = ' xml:space="preserve"' if preserve else ""
        text = self._escape_data(string)
        if "\r" in text:
            text = text.replace("\r", "&#13;")
        self.fh.write(f'<c{cell} t="inlineStr"><is><t{space}>{text}</t></is></c>')


def _write_rows(sheet: Any, rows: Iterable[Sequence[Any]]) -> None:
    """Each cell through XlsxWriter's writer for its type (what `write_row` finds out cell by
    cell): a text (never a formula), a number, or anything else through `write`."""
    text, number = sheet._write_string, sheet._write_number
    for row_number, row in enumerate(rows):
        for column, value in enumerate(row):
            kind = value.__class__
            if kind is str:
                if value:  # an empty text is an empty cell
                    text(row_number, column, value)
            elif kind is int or kind is float:
                number(row_number, column, value)
            elif value is not None:
                sheet.write(row_number, column, value)


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
    _write_rows(data, rows)
    if codebook is not None:
        _write_rows(workbook.add_worksheet("codebook", _Sheet), codebook)
    workbook.close()
