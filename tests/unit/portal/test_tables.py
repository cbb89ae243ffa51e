"""The one table reader: CSV and XLSX alike, lines kept, every problem named, nothing half-read."""

from __future__ import annotations

import io

import pytest
from openpyxl import Workbook

from portal.tables import Refused, read_table


def _xlsx(rows: list[list[object]]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_csv_rows_keep_their_line_in_the_file() -> None:
    data = b'email,name\r\na@example.org,"Ana\nMaria"\r\n\r\nb@example.org,Bo\r\n'
    table = read_table(data, required=["email"], optional=["name"])
    assert table.columns == ["email", "name"]
    assert [(row.line, dict(row.cells)) for row in table.rows] == [
        (2, {"email": "a@example.org", "name": "Ana\nMaria"}),
        (5, {"email": "b@example.org", "name": "Bo"}),
    ]


def test_semicolon_separated_csv_with_a_byte_order_mark_is_read() -> None:
    table = read_table("\ufeffEmail;Name\nc@example.org;Chen\n".encode(), ["email"], ["name"])
    assert dict(table.rows[0].cells) == {"email": "c@example.org", "name": "Chen"}


def test_xlsx_cells_are_text_with_whole_numbers_and_dates_as_typed() -> None:
    from datetime import datetime

    data = _xlsx([["code", "year", "when"], ["A1", 2025, datetime(2025, 3, 1)]])
    table = read_table(data, ["code", "year", "when"])
    assert dict(table.rows[0].cells) == {"code": "A1", "year": "2025", "when": "2025-03-01"}


def test_header_problems_are_all_named_on_line_one() -> None:
    with pytest.raises(Refused) as refused:
        read_table(b"email,colour,colour\nx,y,z\n", ["email", "name"], source="roster.csv")
    assert [(p.line, p.message) for p in refused.value.problems] == [
        (1, "Unknown column(s): %(columns)s. Allowed columns: %(allowed)s."),
        (1, "Missing column(s): %(columns)s."),
        (1, "Column(s) given twice: %(columns)s."),
    ]
    assert str(refused.value).startswith("roster.csv: Line 1: Unknown column(s): colour, colour.")


def test_a_line_with_more_cells_than_the_header_is_named() -> None:
    with pytest.raises(Refused) as refused:
        read_table(b"email\na@example.org\nb@example.org,extra\n", ["email"])
    assert str(refused.value) == "Line 3: The line has more cells than the header."


def test_many_problems_are_counted_after_the_first_five() -> None:
    data = b"email\n" + b"".join(b"x,extra\n" for _ in range(8))
    with pytest.raises(Refused) as refused:
        read_table(data, ["email"])
    assert str(refused.value).endswith("(and 3 more problems)")
    assert len(refused.value.problems) == 8


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "The file is empty."),
        (b"email\n\n\n", "The file has no rows below its header."),
        (b"\xff\xfe\x00bad", "The file is neither a UTF-8 CSV file nor an XLSX workbook."),
        (b"PK\x03\x04 not really a zip", "The file is not a readable XLSX workbook."),
    ],
)
def test_unreadable_files_are_refused_with_a_reason(data: bytes, message: str) -> None:
    with pytest.raises(Refused) as refused:
        read_table(data, ["email"])
    assert str(refused.value) == message


def test_row_limit_refuses_the_whole_file() -> None:
    with pytest.raises(Refused, match="more than 2 rows"):
        read_table(b"email\na\nb\nc\n", ["email"], max_rows=2)


def test_csv_only_readers_say_so_for_non_utf8_bytes() -> None:
    with pytest.raises(Refused, match="save it as CSV UTF-8"):
        read_table(b"PK\x03\x04\xff", ["email"], xlsx=False)
