"""The year's results as JSON, CSV or XLSX: thin, formula-safe serialisers of the API payload."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Mapping
from typing import Any, Final

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font

from portal.formulas import safe_cell
from portal.results.figures import YearResults

FORMATS: Final = {
    "json": "application/json",
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
TOTAL: Final = "total"
# A spreadsheet runs a cell starting with one of these as a formula (or as DDE with tab/CR).

FIGURE_COLUMNS: Final = (
    "value", "numerator", "valid_n", "excluded_n", "ci95_low", "ci95_high",
    "fully_agree", "somewhat_agree", "suppressed", "suppression",
)  # fmt: skip
MATRIX_COLUMNS: Final = (
    "year", "framework", "code", "title", "breakdown", "unit", "direction", "source",
    *FIGURE_COLUMNS, "invited", "completed", "response_rate",
    "target", "performance", "status", "baseline", "baseline_year", "source_note", "no_data",
)  # fmt: skip
# `no_data` (appended, so that earlier columns keep their places): true where there is no figure at
# all, as opposed to `suppressed`, a figure that exists but is withheld. Values stay unrounded.
BREAKDOWN_COLUMNS: Final = ("code", "title", "breakdown", "unit", *FIGURE_COLUMNS, "no_data")


def _figure_cells(figure: Mapping[str, Any]) -> dict[str, Any]:
    ci95 = figure.get("ci95") or (None, None)
    parts = figure.get("parts") or {}
    return {
        "value": figure.get("value"),
        "numerator": figure.get("numerator"),
        "valid_n": figure.get("valid_n"),
        "excluded_n": figure.get("excluded_n"),
        "ci95_low": ci95[0],
        "ci95_high": ci95[1],
        "fully_agree": parts.get("fully_agree"),
        "somewhat_agree": parts.get("somewhat_agree"),
        "suppressed": bool(figure.get("suppressed")),
        "suppression": figure.get("suppression"),
        "no_data": bool(figure.get("no_data")),
    }


def matrix_rows(payload: YearResults) -> list[dict[str, Any]]:
    """Tidy rows: each indicator's total, then one row per breakdown group, with every column."""
    rows = []
    for entry in payload["indicators"]:
        baseline = entry["baseline"]
        common = {
            "year": payload["year"],
            "framework": payload["framework"],
            "code": entry["code"],
            "title": entry["title"],
            "direction": entry["direction"],
            "source": entry["source"],
        }
        rows.append(
            {
                **dict.fromkeys(MATRIX_COLUMNS),
                **common,
                "breakdown": TOTAL,
                "unit": entry["unit"],
                **_figure_cells(entry),
                **{key: entry.get(key) for key in ("invited", "completed", "response_rate")},
                **{key: entry.get(key) for key in ("target", "performance", "status")},
                "baseline": baseline["value"] if baseline else None,
                "baseline_year": baseline["year"] if baseline else None,
                "source_note": entry.get("source_note"),
            }
        )
        for key, figure in entry["breakdown"].items():
            rows.append(
                {
                    **dict.fromkeys(MATRIX_COLUMNS),
                    **common,
                    "breakdown": key,
                    "unit": figure["unit"],
                    **_figure_cells(figure),
                }
            )
    return rows


def results_json(payload: YearResults) -> bytes:
    return json.dumps(payload, ensure_ascii=False, indent=2).encode("utf-8")


def _csv_text(value: Any) -> Any:
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else safe_cell(value)


def results_csv(payload: YearResults) -> bytes:
    """One tidy table: a row per indicator total and per breakdown group (`breakdown` column)."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(MATRIX_COLUMNS)
    for row in matrix_rows(payload):
        writer.writerow([_csv_text(row[column]) for column in MATRIX_COLUMNS])
    # The byte-order mark makes spreadsheets read the file as UTF-8 (titles in Chinese).
    return buffer.getvalue().encode("utf-8-sig")


def _xlsx_cell(value: Any) -> Any:
    if isinstance(value, str):
        # Control characters are not allowed in the XML of a worksheet.
        return safe_cell(ILLEGAL_CHARACTERS_RE.sub("", value))
    return value


def _sheet(
    workbook: Workbook, title: str, columns: tuple[str, ...], rows: list[dict[str, Any]]
) -> None:
    sheet = workbook.create_sheet(title[:31])
    sheet.append(columns)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append([_xlsx_cell(row[column]) for column in columns])
    sheet.freeze_panes = "A2"
    for letter, width in (("C", 10), ("D", 60)):
        sheet.column_dimensions[letter].width = width


def results_xlsx(payload: YearResults) -> bytes:
    """The results matrix on the first sheet, then one sheet per breakdown group."""
    rows = matrix_rows(payload)
    workbook = Workbook()
    workbook.remove(workbook.active)
    _sheet(workbook, "results", MATRIX_COLUMNS, [r for r in rows if r["breakdown"] == TOTAL])
    by_key: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        if row["breakdown"] != TOTAL:
            by_key.setdefault(row["breakdown"], []).append(row)
    for key, group_rows in by_key.items():
        _sheet(workbook, key, BREAKDOWN_COLUMNS, group_rows)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def export(payload: YearResults, fmt: str) -> bytes:
    """The payload in `fmt` (json, csv or xlsx)."""
    writers: dict[str, Callable[[YearResults], bytes]] = {
        "json": results_json,
        "csv": results_csv,
        "xlsx": results_xlsx,
    }
    if fmt not in writers:
        raise ValueError(f"unknown export format {fmt!r}")
    return writers[fmt](payload)


def export_filename(payload: YearResults, fmt: str) -> str:
    return f"unv-results-{int(payload['year'])}.{fmt}"
