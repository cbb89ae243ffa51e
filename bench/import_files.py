"""`knowledge import` of products with PDF files: import time, then the worker reading their text,
beside the reference of reading every file's text inline (what the import did before the worker).

Run (SQLite in a temporary directory):

    .venv/bin/python bench/import_files.py --products 300
"""

from __future__ import annotations

import argparse
import csv
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from knowledge.demo import minimal_pdf  # noqa: E402
from knowledge.extraction import extract_text  # noqa: E402
from knowledge.imports import COLUMNS  # noqa: E402
from knowledge.text_queue import read_pending  # noqa: E402
from portal import create_app  # noqa: E402
from portal.auth import accounts  # noqa: E402
from portal.db import create_schema, database  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--products", type=int, default=300)
    products = parser.parse_args().products
    tmp = Path(tempfile.mkdtemp(prefix="bench-import-"))
    app = create_app(
        {
            "DATABASE_URL": f"sqlite:///{tmp / 'portal.db'}",
            "SECRET_KEY": "bench",
            "PORTAL_DATA_DIR": str(tmp / "data"),
            "INSTANCE_PATH": str(tmp / "instance"),
            "SMTP_URL": "",
            "BASE_URL": "https://portal.example.org",
        }
    )
    create_schema(app)
    with database(app).transaction() as session:
        accounts.create_organisation(session, "MIN", "Ministry", "member_state", "ECU")
    files = tmp / "files"
    files.mkdir()
    with (tmp / "catalogue.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(COLUMNS))
        writer.writeheader()
        for n in range(products):
            body = [f"Volunteers in district {n} planted mangroves along the coast."] * 20
            (files / f"report-{n}.pdf").write_bytes(minimal_pdf(f"Report {n}", body))
            writer.writerow(
                {"title": f"Report {n}", "abstract": "", "product_type": "report",
                 "language": "en", "publication_date": "2024-01-01", "organisation": "MIN",
                 "countries": "ECU", "sdgs": "4", "status": "published",
                 "volunteering_integrated": "", "url": "", "file": f"report-{n}.pdf"}
            )  # fmt: skip

    started = time.perf_counter()
    result = app.test_cli_runner().invoke(
        args=["knowledge", "import", str(tmp / "catalogue.csv"), "--files-dir", str(files)]
    )
    imported = time.perf_counter() - started
    assert result.exit_code == 0, result.output
    started = time.perf_counter()
    read = 0
    while done := read_pending(database(app), tmp / "data"):
        read += done
    worker = time.perf_counter() - started
    assert read == products, read
    started = time.perf_counter()
    for path in sorted(files.glob("*.pdf")):
        assert extract_text(path, "pdf").status == "ok"
    inline = time.perf_counter() - started

    print(f"{products} products with a PDF each (SQLite)")
    print(f"import (text pending):  {imported:6.1f} s  {products / imported:6.1f} products/s")
    print(f"worker reads the text:  {worker:6.1f} s  {products / worker:6.1f} files/s")
    print(f"reference, text inline: {inline:6.1f} s  {products / inline:6.1f} files/s")


if __name__ == "__main__":
    main()
