"""The catalogue import's pooled path: files checked in a process pool, rows inserted in batches
(the same rows as the one-by-one action), all or nothing; the worker reading the backlog through
its pool, a file over the time limit getting its final status while the others are read."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import select

from knowledge import imports, text_queue, uploads
from knowledge.demo import minimal_pdf
from knowledge.extraction import NOTE_PENDING, NOTES
from knowledge.extraction_pool import ExtractionPool, Limits
from knowledge.imports import COLUMNS
from knowledge.models import KnowledgeProduct, ProductFile, SearchOutbox
from portal.db import database
from portal.models import AuditEvent
from portal.tables import Refused
from tests.integration.knowledge.conftest import (
    People,
    count_rows,
    make_product,
    reread,
    stored_file_count,
)
from tests.unit.knowledge import builders

COUNT = 12


def _row(people: People, n: int, file: str) -> dict[str, str]:
    return {
        "title": f"Report {n}", "abstract": f"Mangroves in district {n}.",
        "product_type": "report", "language": "en", "publication_date": "2024-01-01",
        "organisation": people.ministry.code, "countries": "ECU;PER", "sdgs": "4;13",
        "status": "published" if n % 3 else "submitted", "volunteering_integrated": "",
        "url": "", "file": file,
    }  # fmt: skip


def _catalogue(tmp_path: Path, rows: list[dict[str, str]]) -> bytes:
    path = tmp_path / "catalogue.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(COLUMNS))
        writer.writeheader()
        writer.writerows(rows)
    return path.read_bytes()


def _files(tmp_path: Path, count: int) -> Path:
    folder = tmp_path / "files"
    folder.mkdir()
    for n in range(count):
        body = [f"Volunteers planted mangroves in district {n}."]
        (folder / f"report-{n}.pdf").write_bytes(minimal_pdf(f"Report {n}", body))
    return folder


def _import(app: Flask, tmp_path: Path, rows: list[dict[str, str]], folder: Path) -> list[int]:
    store = uploads.FileStore.of(app.config)
    with database(app).transaction() as session:
        return imports.import_catalogue(
            session,
            _catalogue(tmp_path, rows),
            source="catalogue.csv",
            store=store,
            files_dir=folder,
            processes=2,
        )


def test_a_pooled_import_stores_the_rows_the_one_by_one_action_stores(
    app: Flask, session, people: People, tmp_path: Path, data_dir: Path
) -> None:
    folder = _files(tmp_path, COUNT)
    rows = [_row(people, n, f"report-{n}.pdf") for n in range(COUNT)]

    ids = _import(app, tmp_path, rows, folder)

    reread(session)
    assert len(ids) == COUNT and stored_file_count(data_dir) == COUNT
    imported = [session.get(KnowledgeProduct, id_) for id_ in ids]
    assert [product.title for product in imported if product] == [
        f"Report {n}" for n in range(COUNT)
    ]
    single = make_product(
        session, people.ministry, status="submitted", title="Report 0",
        abstract="Mangroves in district 0.", countries=("ECU", "PER"), sdgs=(4, 13),
        publication_date=date(2024, 1, 1),
    )  # fmt: skip
    first = imported[0]
    assert first is not None
    columns = ("title", "abstract", "product_type", "language", "publication_date", "status",
               "organisation_id", "themes", "url", "licence", "volunteering_integrated",
               "submitted_by_id", "rejection_reason", "view_count", "download_count")  # fmt: skip
    assert [getattr(first, c) for c in columns] == [getattr(single, c) for c in columns]
    assert first.countries == ["ECU", "PER"] and first.sdgs == [4, 13]
    assert first.submitted_at is not None and first.published_at is None
    assert imported[1] is not None and imported[1].published_at is not None
    stored = first.files[0]
    assert (stored.original_name, stored.kind, stored.text_status, stored.text_note) == (
        "report-0.pdf", "pdf", "pending", NOTE_PENDING,
    )  # fmt: skip
    events = session.scalars(
        select(AuditEvent).where(AuditEvent.object_id == first.id).order_by(AuditEvent.id)
    ).all()
    assert [(e.action, e.actor_id, e.details) for e in events] == [
        ("knowledge.product.created", None, {"status": "submitted"}),
        ("knowledge.file.added", None,
         {"file_id": stored.id, "text_status": "pending", "revision_id": None}),
    ]  # fmt: skip
    outbox = session.scalars(select(SearchOutbox).where(SearchOutbox.product_id.in_(ids))).all()
    assert sorted((row.product_id, row.action) for row in outbox) == sorted(
        (id_, "upsert" if n % 3 else "delete") for n, id_ in enumerate(ids)
    )


def test_a_bad_file_among_many_refuses_the_import_and_leaves_nothing(
    app: Flask, session, people: People, tmp_path: Path, data_dir: Path
) -> None:
    folder = _files(tmp_path, COUNT)
    (folder / "report-7.pdf").write_bytes(b"<html><script>alert(1)</script></html>")
    rows = [_row(people, n, f"report-{n}.pdf") for n in range(COUNT)]
    rows[10] = {**rows[10], "sdgs": "18"}

    with pytest.raises(Refused) as refused:
        _import(app, tmp_path, rows, folder)

    assert str(refused.value) == (
        "catalogue.csv: Line 9, column file: HTML, SVG and XML files cannot be uploaded.; "
        "Line 12, column sdgs: 18 is not an SDG (1 to 17)."
    )
    for model in (KnowledgeProduct, ProductFile, SearchOutbox):
        assert count_rows(session, model) == 0
    assert stored_file_count(data_dir) == 0


def test_a_file_changed_after_its_check_refuses_the_import_and_leaves_no_copy(
    app: Flask, session, people: People, tmp_path: Path, data_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    folder = _files(tmp_path, COUNT)
    rows = [_row(people, n, f"report-{n}.pdf") for n in range(COUNT)]
    checked = imports.file_check_pool.check_files

    def check_then_change(paths, max_bytes, *, processes=None):  # type: ignore[no-untyped-def]
        results = checked(paths, max_bytes, processes=processes)
        (folder / "report-5.pdf").write_bytes(minimal_pdf("Swapped", ["Another text."]))
        return results

    monkeypatch.setattr(imports.file_check_pool, "check_files", check_then_change)

    with pytest.raises(Refused, match="Line 7, column file: The file changed while it was being"):
        _import(app, tmp_path, rows, folder)

    assert count_rows(session, KnowledgeProduct) == 0
    assert stored_file_count(data_dir) == 0


def test_the_pooled_worker_gives_a_file_over_the_time_limit_its_final_status(
    app: Flask, session, people: People, tmp_path: Path
) -> None:
    folder = _files(tmp_path, COUNT)
    (folder / "slow.pdf").write_bytes(builders.slow_pdf())
    rows = [_row(people, n, f"report-{n}.pdf") for n in range(COUNT)]
    rows.insert(4, _row(people, 99, "slow.pdf"))
    ids = _import(app, tmp_path, rows, folder)
    data_dir = Path(app.config["PORTAL_DATA_DIR"])

    done = 0
    with ExtractionPool(2, Limits(timeout_s=1.0)) as pool:
        while finished := text_queue.read_batch(database(app), data_dir, pool=pool):
            done += finished

    assert done == COUNT + 1
    reread(session)
    files = {f.product_id: f for f in session.scalars(select(ProductFile))}
    slow = files[ids[4]]
    assert (slow.text_status, slow.text_note, slow.text) == ("timeout", NOTES["timeout"], None)
    assert slow.text_claim_token is None and slow.text_attempts == 1
    others = [files[id_] for id_ in ids if id_ != ids[4]]
    assert {f.text_status for f in others} == {"ok"}
    assert all(f"district {n}." in (f.text or "") for n, f in enumerate(others))
