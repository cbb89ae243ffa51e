"""The XLSX writer: every text comes back as it was written, never as a formula."""

from __future__ import annotations

import io

import openpyxl
import pandas as pd

from surveys.spreadsheets import write_xlsx

# (A text that looks like Excel's _xHHHH_ escape is escaped itself, as Excel expects; openpyxl
# does not decode escapes in inline strings, so it would read that one back escaped.)
TEXTS = [
    "line one\r\nline two",
    "\rCarriage",
    "<b>&amp; tags</b>",
    "  leading and trailing  ",
    "'=1+1",
    "=1+1",
    "https://example.org/",
    "0042",
    "满意",
]


def test_texts_numbers_and_empty_cells_read_back_as_written() -> None:
    out = io.BytesIO()
    rows = [["key", "number", "empty"], ["Key", "Number", "Empty"]]
    rows += [[text, number, ""] for number, text in enumerate(TEXTS)]
    write_xlsx(iter(rows), out, [["question_key"], ["Question key"], ["=codebook"]])
    workbook = openpyxl.load_workbook(io.BytesIO(out.getvalue()))
    sheet = workbook["responses"]
    values = [[cell.value for cell in row] for row in sheet.iter_rows(min_row=3)]
    assert values == [[text, number, None] for number, text in enumerate(TEXTS)]
    cells = [cell for each in workbook for row in each.iter_rows() for cell in row]
    assert {cell.data_type for cell in cells if cell.value is not None} == {"s", "n"}
    assert sheet.freeze_panes == "A3"
    assert workbook["codebook"]["A3"].value == "=codebook"  # text, not a formula
    frame = pd.read_excel(io.BytesIO(out.getvalue()), header=0, skiprows=[1], dtype={"key": str})
    assert frame["key"].tolist() == TEXTS
