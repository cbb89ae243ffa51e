"""Targets and staff values: imports all or nothing with line and column, and the staff forms."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

import pytest
from flask.testing import FlaskCliRunner
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from portal.results.models import IndicatorTarget, StaffValue
from tests.conftest import csrf_from

GOOD_TARGETS = (
    "code,year,baseline,baseline_year,target\n"
    "1.2.1,2024,0.91,2017,0.9\n"
    "1.2.1,2025,,,92%\n"
    "2.1,2025,65,2017,45\n"
)


def _write(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def _count(session: Session, model: type) -> int:
    session.rollback()
    return session.scalar(select(func.count()).select_from(model)) or 0


def test_targets_import_stores_every_row(
    session: Session, runner: FlaskCliRunner, tmp_path: Path
) -> None:
    result = runner.invoke(
        args=["results", "targets-import", _write(tmp_path, "t.csv", GOOD_TARGETS)]
    )

    assert result.exit_code == 0, result.output
    assert "3 targets stored" in result.output
    session.rollback()
    stored = {(t.code, t.year): t for t in session.scalars(select(IndicatorTarget))}
    assert stored["1.2.1", 2025].target == pytest.approx(0.92)
    assert (stored["1.2.1", 2024].baseline, stored["1.2.1", 2024].baseline_year) == (0.91, 2017)
    assert stored["2.1", 2025].source_note == "Imported from t.csv"


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("1.2.1,2024,,,1.5", "Line 3, column target: 1.5 is not a share"),
        ("1.2.1,2024,,,abc", "Line 3, column target: abc is not a number"),
        ("9.9.9,2024,,,1", "Line 3, column code: 9.9.9 is not an indicator of 2022-2025"),
        ("1.2.1,2026,,,0.9", "Line 3, column year: 2026 is after the framework period"),
        ("1.2.1,2019,,,0.9", "Line 3, column year: No results framework covers 2019"),
        ("1.2.1,2024,0.8,,0.9", "Line 3, column baseline_year: Give the year of the baseline"),
        ("1.2.1,2024,0.8,2030,0.9", "Line 3, column baseline_year: The baseline year must not"),
        ('2.1,2024,,,"1,000"', "Line 3, column target: Write 1,000 with a decimal point"),
        ("1.2.1,2024,,,", "Line 3, column target: Give a target, a baseline or both"),
        ("1.2.1,2025,,,0.9", "Line 3, column code: 1.2.1 2025 is already given on line 2"),
    ],
)
def test_a_bad_cell_is_named_by_line_and_column_and_nothing_is_stored(
    session: Session, runner: FlaskCliRunner, tmp_path: Path, line: str, expected: str
) -> None:
    text = "code,year,baseline,baseline_year,target\n1.2.1,2025,,,0.9\n" + line + "\n"

    result = runner.invoke(args=["results", "targets-import", _write(tmp_path, "t.csv", text)])

    assert result.exit_code == 1
    assert expected in result.output
    assert len(result.output.strip().splitlines()) == 1
    assert _count(session, IndicatorTarget) == 0


def test_unknown_and_missing_columns_are_named(runner: FlaskCliRunner, tmp_path: Path) -> None:
    text = "code,year,target,colour\n1.2.1,2024,0.9,red\n"

    result = runner.invoke(args=["results", "targets-import", _write(tmp_path, "t.csv", text)])

    assert result.exit_code == 1
    assert "Line 1: Unknown column(s): colour." in result.output
    assert "Missing column(s): baseline, baseline_year" in result.output


def test_every_bad_row_is_counted_in_the_message(runner: FlaskCliRunner, tmp_path: Path) -> None:
    rows = "".join(f"x{n},2024,,,1\n" for n in range(7))
    text = "code,year,baseline,baseline_year,target\n" + rows

    result = runner.invoke(args=["results", "targets-import", _write(tmp_path, "t.csv", text)])

    assert "Line 2, column code: x0 is not an indicator" in result.output
    assert "Line 6, column code: x4 is not an indicator" in result.output
    assert "(and 2 more problems)" in result.output


def test_values_import_takes_breakdown_columns(
    session: Session, runner: FlaskCliRunner, tmp_path: Path
) -> None:
    text = (
        "code,year,value,source,national,international\n"
        "2.1,2024,56,ERP extract 2025-01-10,31,59\n"
        "1.1.1,2024,165,HR dashboard,,\n"
    )

    result = runner.invoke(args=["results", "values-import", _write(tmp_path, "v.csv", text)])

    assert result.exit_code == 0, result.output
    session.rollback()
    lead_time = session.scalar(select(StaffValue).where(StaffValue.code == "2.1"))
    assert lead_time is not None
    assert (lead_time.value, lead_time.breakdown) == (56, {"national": 31, "international": 59})
    assert lead_time.source_note == "ERP extract 2025-01-10"


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("1.2.1,2024,0.9,Survey", "Line 3, column code: 1.2.1 is computed by the portal"),
        ("2.1,2024,50,", "Line 3, column source: Give the source of the figure"),
        ("2.1,2024,,ERP", "Line 3, column value: This cell must not be empty"),
        ("1.1.1,2024,160,HR,31", "Line 3, column national: 1.1.1 has no breakdown national"),
        ("2.1,2999,50,ERP", "Line 3, column year: 2999 has not begun"),
    ],
)
def test_values_import_refuses_bad_rows_and_stores_nothing(
    session: Session, runner: FlaskCliRunner, tmp_path: Path, line: str, expected: str
) -> None:
    text = "code,year,value,source,national\n2.2.2,2024,0.6,HR,\n" + line + "\n"

    result = runner.invoke(args=["results", "values-import", _write(tmp_path, "v.csv", text)])

    assert result.exit_code == 1
    assert expected in result.output
    assert _count(session, StaffValue) == 0


def test_missing_file_is_a_one_line_error(runner: FlaskCliRunner, tmp_path: Path) -> None:
    result = runner.invoke(args=["results", "targets-import", str(tmp_path / "none.csv")])

    assert result.exit_code == 1
    assert "cannot read" in result.output


def test_staff_import_through_the_page_lists_every_problem(
    session: Session, signed_in: Callable
) -> None:
    client = signed_in("staff")
    data = "code,year,baseline,baseline_year,target\n1.2.1,2024,,,2\nx,2024,,,1\n"

    response = client.post(
        "/results/targets/import",
        data={"csrf_token": csrf_from(client, "/results/data"),
              "file": (io.BytesIO(data.encode()), "targets.csv")},
        content_type="multipart/form-data",
    )  # fmt: skip

    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Line 2, column target" in page and "Line 3, column code" in page
    assert _count(session, IndicatorTarget) == 0


def test_staff_import_through_the_page_stores_the_file(
    session: Session, signed_in: Callable
) -> None:
    client = signed_in("staff")

    response = client.post(
        "/results/targets/import",
        data={"csrf_token": csrf_from(client, "/results/data"),
              "file": (io.BytesIO(GOOD_TARGETS.encode()), "targets.csv")},
        content_type="multipart/form-data",
        follow_redirects=True,
    )  # fmt: skip

    assert response.status_code == 200
    assert "3 targets stored." in response.get_data(as_text=True)
    assert _count(session, IndicatorTarget) == 3


def test_target_form_stores_a_target_with_its_note(session: Session, signed_in: Callable) -> None:
    client = signed_in("staff")
    token = csrf_from(client, "/results/1.2?year=2024")

    response = client.post(
        "/results/1.2/target?year=2024",
        data={"csrf_token": token, "year": "2024", "target": "85%", "baseline": "",
              "baseline_year": "", "source": "Executive Board decision 2022/5"},
    )  # fmt: skip

    assert response.status_code == 302
    session.rollback()
    stored = session.scalar(select(IndicatorTarget))
    assert stored is not None
    assert (stored.code, stored.year, stored.target) == ("1.2", 2024, 0.85)
    assert stored.source_note == "Executive Board decision 2022/5"


def test_value_form_shows_the_problem_on_its_field(session: Session, signed_in: Callable) -> None:
    client = signed_in("staff")
    token = csrf_from(client, "/results/2.2.2?year=2024")

    response = client.post(
        "/results/2.2.2/value?year=2024",
        data={"csrf_token": token, "year": "2024", "value": "1.7", "source": "HR",
              "breakdown_women_p4_and_above": "0.4"},
    )  # fmt: skip

    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert 'id="value-error"' in page
    assert "1.7 is not a share" in page
    assert _count(session, StaffValue) == 0


def test_value_form_is_only_for_staff_entered_indicators(signed_in: Callable) -> None:
    client = signed_in("staff")
    token = csrf_from(client, "/results/1.2?year=2024")

    response = client.post("/results/1.2/value?year=2024", data={"csrf_token": token})

    assert response.status_code == 404
