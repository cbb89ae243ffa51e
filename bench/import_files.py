"""`knowledge import` of products with PDF files: import time, then the worker reading their text,
beside the reference of reading files' text inline, one fresh limited subprocess per file (what
the import did before the worker, and what each worker read cost before the extraction pool).

Run (SQLite in a temporary directory, or PostgreSQL with --database-url):

    .venv/bin/python bench/import_files.py --products 5000
    .venv/bin/python bench/import_files.py --products 5000 \
        --database-url postgresql+psycopg://postgres@127.0.0.1:5432/bench_import

The reference reads `--reference` files (200 by default) and is scaled to all of them.
"""

from __future__ import annotations

import argparse
import csv
import logging
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import func, select  # noqa: E402

from knowledge.demo import minimal_pdf  # noqa: E402
from knowledge.extraction import extract_text  # noqa: E402
from knowledge.imports import COLUMNS  # noqa: E402
from knowledge.models import ProductFile  # noqa: E402
from knowledge.text_queue import read_pending  # noqa: E402
from portal import create_app  # noqa: E402
from portal.auth import accounts  # noqa: E402
from portal.db import create_schema, database  # noqa: E402


def _catalogue(tmp: Path, products: int) -> tuple[Path, Path]:
    files = tmp / "files"
    files.mkdir()
    catalogue = tmp / "catalogue.csv"
    with catalogue.open("w", newline="", encoding="utf-8") as handle:
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
    return catalogue, files


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--products", type=int, default=300)
    parser.add_argument("--reference", type=int, default=200, help="files read inline")
    parser.add_argument("--database-url", default=None, help="default: SQLite in a temp folder")
    parser.add_argument("--no-worker", action="store_true", help="time the import only")
    args = parser.parse_args()
    logging.disable(logging.INFO)
    products = args.products
    tmp = Path(tempfile.mkdtemp(prefix="bench-import-"))
    url = args.database_url or f"sqlite:///{tmp / 'portal.db'}"
    app = create_app(
        {
            "DATABASE_URL": url,
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
    catalogue, files = _catalogue(tmp, products)
    backend = database(app).backend

    started, cpu = time.perf_counter(), time.process_time()
    result = app.test_cli_runner().invoke(
        args=["knowledge", "import", str(catalogue), "--files-dir", str(files)]
    )
    imported, cpu = time.perf_counter() - started, time.process_time() - cpu
    assert result.exit_code == 0, result.output
    print(f"{products} products with a PDF each ({backend}), load average {os.getloadavg()[0]:.1f}")
    print(
        f"import (text pending):  {imported:7.1f} s  {products / imported:7.1f} products/s"
        f"  ({cpu:.1f} s CPU in the importing process)"
    )
    if args.no_worker:
        return

    started = time.perf_counter()
    read = 0
    while done := read_pending(database(app), tmp / "data"):
        read += done
    worker = time.perf_counter() - started
    with database(app).transaction() as session:
        statuses = dict(
            session.execute(
                select(ProductFile.text_status, func.count()).group_by(ProductFile.text_status)
            ).all()
        )
    assert read == products and statuses == {"ok": products}, (read, statuses)
    print(f"worker reads the text:  {worker:7.1f} s  {products / worker:7.1f} files/s")

    sample = sorted(files.glob("*.pdf"))[: args.reference]
    started = time.perf_counter()
    for path in sample:
        assert extract_text(path, "pdf").status == "ok"
    per_file = (time.perf_counter() - started) / len(sample)
    print(
        f"reference, text inline: {per_file * products:7.1f} s  {1 / per_file:7.1f} files/s"
        f"  ({len(sample)} files read, scaled)"
    )


if __name__ == "__main__":
    main()
