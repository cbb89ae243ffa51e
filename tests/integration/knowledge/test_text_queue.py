"""Uploaded files' text is read by the worker: claims with a lease, retries, a final status, no
double reads under concurrent workers, and no reading inside uploads or imports."""

from __future__ import annotations

import csv
import subprocess
import threading
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import select

from knowledge import products, text_queue, uploads
from knowledge.demo import minimal_pdf
from knowledge.extraction import NOTES, ExtractionResult
from knowledge.imports import COLUMNS
from knowledge.models import ProductFile, SearchOutbox
from portal.db import database, utcnow
from portal.models import AuditEvent
from tests.integration.knowledge.conftest import People, product_input, reread


def _pending_files(app: Flask, people: People, tmp_path: Path, count: int) -> list[int]:
    """`count` published products, each with a text file, committed with their text pending."""
    store = uploads.FileStore.of(app.config)
    ids = []
    with database(app).transaction() as session:
        for n in range(count):
            source = tmp_path / f"notes-{n}.txt"
            source.write_text(f"Volunteers planted mangroves number {n}.", encoding="utf-8")
            product = products.create_product(
                session,
                None,
                product_input(),
                organisation_id=people.ministry.id,
                status="published",
                file=uploads.IncomingFile(store, source.name, source),
            )
            ids.append(product.files[0].id)
    return ids


def _data_dir(app: Flask) -> Path:
    return Path(app.config["PORTAL_DATA_DIR"])


def _file(session, file_id: int) -> ProductFile:
    reread(session)
    found = session.get(ProductFile, file_id)
    assert found is not None
    return found


def test_a_pending_file_is_read_once_and_its_product_queued_for_the_index(
    app, session, people, tmp_path
) -> None:
    [file_id] = _pending_files(app, people, tmp_path, 1)
    product_id = _file(session, file_id).product_id
    queued = session.scalars(select(SearchOutbox.id)).all()

    assert text_queue.read_batch(database(app), _data_dir(app)) == 1
    assert text_queue.read_batch(database(app), _data_dir(app)) == 0  # nothing left

    stored = _file(session, file_id)
    assert (stored.text_status, stored.text_note) == ("ok", "")
    assert stored.text == "Volunteers planted mangroves number 0."
    assert (stored.text_claim_token, stored.text_claimed_until, stored.text_attempts) == (
        None,
        None,
        1,
    )
    new_rows = session.scalars(select(SearchOutbox).where(SearchOutbox.id.notin_(queued))).all()
    assert [(row.product_id, row.action) for row in new_rows] == [(product_id, "upsert")]
    audit = session.scalars(
        select(AuditEvent).where(AuditEvent.action == "knowledge.file.text_read")
    ).one()
    assert (audit.object_id, audit.actor_id) == (product_id, None)
    assert audit.details == {"file_id": file_id, "text_status": "ok", "attempts": 1}


def test_a_killed_worker_leaves_its_claim_to_expire_and_the_next_round_reads_the_file(
    app, session, people, tmp_path
) -> None:
    [file_id] = _pending_files(app, people, tmp_path, 1)
    now = utcnow()
    killed = text_queue.claim(database(app), now)  # the worker dies before reading
    assert [item.id for item in killed.files] == [file_id]

    during = now + text_queue.LEASE - timedelta(seconds=1)
    assert text_queue.read_batch(database(app), _data_dir(app), now=during) == 0
    assert _file(session, file_id).text_status == "pending"

    after = now + text_queue.LEASE + timedelta(seconds=1)
    assert text_queue.read_batch(database(app), _data_dir(app), now=after) == 1
    stored = _file(session, file_id)
    assert stored.text_status == "ok" and stored.text_attempts == 2
    # The killed worker's late answer finds its claim gone and changes nothing.
    late = {file_id: ExtractionResult("empty", "", NOTES["empty"])}
    assert text_queue.record(database(app), killed, late) == 0
    assert _file(session, file_id).text_status == "ok"


def test_a_reader_that_fails_leaves_the_file_claimed_for_a_later_round(
    app, session, people, tmp_path
) -> None:
    [file_id] = _pending_files(app, people, tmp_path, 1)

    def broken(path: Path, kind: str) -> ExtractionResult:
        raise OSError("no process could be started")

    now = utcnow()
    assert text_queue.read_batch(database(app), _data_dir(app), now=now, reader=broken) == 0
    held = _file(session, file_id)
    assert held.text_status == "pending" and held.text_attempts == 1
    assert held.text_claimed_until == now + text_queue.LEASE


def test_a_file_claimed_max_attempts_times_gets_a_final_status(
    app, session, people, tmp_path
) -> None:
    [file_id] = _pending_files(app, people, tmp_path, 1)
    now = utcnow()
    for attempt in range(text_queue.MAX_ATTEMPTS):  # each claim's worker is killed
        claimed = text_queue.claim(database(app), now + attempt * 2 * text_queue.LEASE)
        assert [item.id for item in claimed.files] == [file_id]

    later = now + text_queue.MAX_ATTEMPTS * 2 * text_queue.LEASE
    assert text_queue.read_batch(database(app), _data_dir(app), now=later) == 1

    final = _file(session, file_id)
    assert (final.text_status, final.text_note, final.text) == ("timeout", NOTES["timeout"], None)
    assert final.text_claim_token is None and final.text_attempts == text_queue.MAX_ATTEMPTS
    assert text_queue.read_batch(database(app), _data_dir(app), now=later) == 0


def test_concurrent_workers_never_read_the_same_file_twice(app, session, people, tmp_path) -> None:
    ids = _pending_files(app, people, tmp_path, 2 * text_queue.BATCH + 2)
    reads: list[int] = []
    lock = threading.Lock()
    start = threading.Barrier(2)
    errors: list[BaseException] = []

    def slow_reader(path: Path, kind: str) -> ExtractionResult:
        time.sleep(0.05)
        with lock:
            reads.append(int(path.read_text(encoding="utf-8").split()[-1].rstrip(".")))
        return ExtractionResult("ok", path.read_text(encoding="utf-8"), "")

    def worker() -> None:
        try:
            start.wait()
            while text_queue.read_batch(database(app), _data_dir(app), reader=slow_reader):
                pass
        except BaseException as error:  # noqa: BLE001 - collected and asserted below
            errors.append(error)

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert Counter(reads) == Counter(range(len(ids)))  # every file read exactly once
    reread(session)
    statuses = session.scalars(select(ProductFile.text_status).where(ProductFile.id.in_(ids)))
    assert set(statuses) == {"ok"}


def _no_subprocess(*args: object, **kwargs: object) -> subprocess.CompletedProcess[bytes]:
    raise AssertionError("text was extracted outside the worker")


def test_the_import_reads_no_text_and_the_worker_does(
    app, runner, session, people, tmp_path, monkeypatch: pytest.MonkeyPatch
) -> None:
    files = tmp_path / "files"
    files.mkdir()
    (files / "plan.pdf").write_bytes(minimal_pdf("Plan", ["Coral reef volunteers."]))
    catalogue = tmp_path / "catalogue.csv"
    with catalogue.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(COLUMNS))
        writer.writeheader()
        writer.writerow(
            {"title": "Reef plan", "abstract": "", "product_type": "report", "language": "en",
             "publication_date": "2024-01-01", "organisation": people.ministry.code,
             "countries": "", "sdgs": "", "status": "published", "volunteering_integrated": "",
             "url": "", "file": "plan.pdf"}
        )  # fmt: skip
    monkeypatch.setattr("knowledge.extraction.subprocess.run", _no_subprocess)

    result = runner.invoke(args=["knowledge", "import", str(catalogue), "--files-dir", str(files)])

    assert result.exit_code == 0, result.output
    reread(session)
    stored = session.scalars(select(ProductFile)).one()
    assert stored.text_status == "pending" and stored.text is None
    monkeypatch.undo()
    assert text_queue.read_pending(database(app), _data_dir(app)) == 1
    stored = _file(session, stored.id)
    assert stored.text_status == "ok" and "Coral reef volunteers." in (stored.text or "")
