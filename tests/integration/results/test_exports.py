"""Exports (JSON, CSV, XLSX) by download and command: tidy, suppression-safe, formula-safe."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest
from flask.testing import FlaskCliRunner
from openpyxl import load_workbook
from sqlalchemy.orm import Session

from portal.results.exports import safe_cell
from portal.results.targets import ValueInput, save_value
from tests.integration.results import builders

HOSTILE_NOTES = ['=HYPERLINK("http://x")', "  +1+2", "-2+3", "@SUM(A1)", "\tcmd", "\rcmd"]


@pytest.mark.parametrize(
    ("text", "safe"),
    [
        ("=1+1", "'=1+1"),
        ("   =1+1", "'   =1+1"),
        ("+41 22", "'+41 22"),
        ("-x", "'-x"),
        ("@cmd", "'@cmd"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("a=b", "a=b"),
        ("Rapport 2024", "Rapport 2024"),
        (-3.5, -3.5),
        (7, 7),
        (None, None),
    ],
)
def test_cells_that_would_run_as_formulas_are_neutralised(text: object, safe: object) -> None:
    assert safe_cell(text) == safe


def _hostile_values(session: Session) -> None:
    for year, note in zip(range(2022, 2026), HOSTILE_NOTES, strict=False):
        entry = ValueInput("1.1.1", year, 150 + year % 10, {}, note)
        save_value(session, entry, None, datetime(2026, 1, 5, tzinfo=UTC))
    entry = ValueInput("2.1", 2024, 50, {"national": 30}, HOSTILE_NOTES[0])
    save_value(session, entry, None, datetime(2026, 1, 5, tzinfo=UTC))


def _suppressed_exit(session: Session) -> None:
    exit_2024 = builders.campaign(session, "volunteer_exit", 2024)
    for _ in range(3):
        builders.volunteer(session, exit_2024, "fully_agree")


def test_xlsx_has_no_formula_cell_and_numbers_stay_numbers(
    session: Session, signed_in: Callable
) -> None:
    _hostile_values(session)
    _suppressed_exit(session)
    client = signed_in("staff")

    response = client.get("/results/export/xlsx?year=2024")

    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == "attachment; filename=unv-results-2024.xlsx"
    workbook = load_workbook(io.BytesIO(response.data))
    assert workbook.sheetnames[0] == "results"
    assert {"female", "national", "member_state"} <= set(workbook.sheetnames)
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{sheet.title}!{cell.coordinate} is a formula"
    results = workbook["results"]
    header = [cell.value for cell in results[1]]
    rows = [dict(zip(header, (c.value for c in row), strict=True)) for row in results.iter_rows(2)]
    staff = next(row for row in rows if row["code"] == "2.1")
    assert staff["value"] == 50 and isinstance(staff["value"], int | float)
    assert staff["source_note"] == "'" + HOSTILE_NOTES[0]
    suppressed = next(row for row in rows if row["code"] == "1.2.1")
    assert (suppressed["value"], suppressed["suppressed"], suppressed["status"]) == (
        None, True, "insufficient_data",
    )  # fmt: skip


def test_csv_is_tidy_with_a_row_per_breakdown_and_no_suppressed_value(
    session: Session, signed_in: Callable
) -> None:
    _hostile_values(session)
    _suppressed_exit(session)

    response = signed_in("staff").get("/results/export/csv?year=2024")

    rows = list(csv.DictReader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert {row["breakdown"] for row in rows if row["code"] == "1.2.1"} >= {"total", "female"}
    for row in rows:
        if row["suppressed"] == "true":
            assert row["value"] == "" and row["valid_n"] == "" and row["numerator"] == ""
    note = next(row["source_note"] for row in rows if row["code"] == "2.1")
    assert note.startswith("'=")
    national = next(r for r in rows if r["code"] == "2.1" and r["breakdown"] == "national")
    assert float(national["value"]) == 30


def test_json_download_is_the_api_payload(session: Session, signed_in: Callable) -> None:
    client = signed_in("staff")

    downloaded = json.loads(client.get("/results/export/json?year=2023").data)

    assert downloaded == client.get("/api/v1/indicators?year=2023&lang=en").get_json()


@pytest.mark.parametrize("fmt", ["json", "csv", "xlsx"])
def test_command_writes_the_export(
    session: Session, runner: FlaskCliRunner, tmp_path: Path, fmt: str
) -> None:
    _hostile_values(session)
    session.commit()
    out = tmp_path / f"results.{fmt}"

    result = runner.invoke(args=["results", "export", "--year", "2024", "--format", fmt,
                                 "--out", str(out)])  # fmt: skip

    assert result.exit_code == 0, result.output
    assert "18 indicators of 2024" in result.output
    assert out.stat().st_size > 1000


def test_command_refuses_a_bad_year_in_one_line(runner: FlaskCliRunner, tmp_path: Path) -> None:
    out = tmp_path / "x.json"

    result = runner.invoke(args=["results", "export", "--year", "2019", "--format", "json",
                                 "--out", str(out)])  # fmt: skip

    assert result.exit_code == 1
    assert "No results framework covers 2019" in result.output
    assert not out.exists()
