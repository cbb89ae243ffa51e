"""Routes of the results: dashboard, report, indicator pages, charts, data entry, exports, API,
partners."""

from __future__ import annotations

from tests.integration.access import STAFF, Case

PARTNERS = frozenset({"partner"})
TARGET = {"year": "2024", "target": "120", "source": "Matrix test"}
VALUE = {"year": "2024", "value": "110", "source": "Matrix test"}

CASES = [
    Case("/results/", "GET", STAFF, "/results/?year=2024"),
    Case(
        "/results/export/<any(json, csv, xlsx):fmt>", "GET", STAFF, "/results/export/csv?year=2024"
    ),
    Case("/results/report.pdf", "GET", STAFF, "/results/report.pdf?year=2024"),
    Case("/results/data", "GET", STAFF, "/results/data"),
    Case("/results/targets/import", "POST", STAFF, "/results/targets/import"),
    Case("/results/values/import", "POST", STAFF, "/results/values/import"),
    Case("/results/<code>", "GET", STAFF, "/results/1.2.1?year=2024"),
    Case(
        "/results/<code>/chart/<name>.svg", "GET", STAFF, "/results/1.2.1/chart/trend.svg?year=2024"
    ),
    Case("/results/<code>/target", "POST", STAFF, "/results/1.1.1/target?year=2024", TARGET),
    Case("/results/<code>/value", "POST", STAFF, "/results/1.1.1/value?year=2024", VALUE),
    Case("/results/partner", "GET", PARTNERS, "/results/partner?year=2024"),
    Case("/api/v1/indicators", "GET", STAFF, "/api/v1/indicators?year=2024"),
]
