"""Reads uploaded files' text in the worker: pending files are claimed with a lease, read, recorded.

An accepted upload is recorded with text status "pending" in the transaction that accepted it
(knowledge.uploads.add_file): that row is the to-do item, so it exists if and only if the upload
committed. The worker task "extraction" claims a batch of pending files (a claim token, a lease
until `claimed_until`, one more attempt) and commits the claim; it then reads the files' text in a
bounded pool of limited processes (knowledge.extraction_pool: each file in its own child with the
limits of knowledge.extraction), outside any transaction, and stores each result
only if its claim still holds, with a search outbox row for the product so that the index picks
the text up. A worker killed while reading leaves the claim; once the lease ends the next round
claims the file again, and a file claimed MAX_ATTEMPTS times without a result gets the final
status "timeout" instead of being tried for ever. On PostgreSQL the claim skips rows other workers
hold (SKIP LOCKED); on SQLite claims run one at a time (BEGIN IMMEDIATE).
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from flask import Flask
from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from knowledge.extraction import NOTES, PENDING, ExtractionResult, extract_text
from knowledge.extraction_pool import PROCESSES, ExtractionPool
from knowledge.file_storage import resolve_stored
from knowledge.models import PRODUCT_AUDIT_TYPE, ProductFile, enqueue_index
from portal import audit
from portal.db import Database, database, utcnow

log = logging.getLogger(__name__)

#: Files one claim takes per reading process. Each read is capped at 20 s of wall clock
#: (extract_text's timeout), so a batch holds the worker for 100 s at worst before the other tasks
#: (mail) get their turn.
BATCH = 5
#: How long a claim holds its files: three times the worst case of a batch.
LEASE = timedelta(minutes=5)
#: Claims of one file that ended without a result (a killed worker) before it is given up.
MAX_ATTEMPTS = 3
#: A task run claims further batches until this much time has passed or nothing is pending.
ROUND_SECONDS = 30.0
#: The final status of a file that was claimed MAX_ATTEMPTS times without a result.
GIVEN_UP = "timeout"

Reader = Callable[[Path, str], ExtractionResult]


@dataclass(frozen=True)
class PendingFile:
    """A claimed file: what reading its text needs."""

    id: int
    storage_key: str
    kind: str


@dataclass(frozen=True)
class Claim:
    """Files one claim holds under its token, and how many it gave up instead."""

    token: str
    files: list[PendingFile]
    given_up: int = 0


def claim(database: Database, now: datetime, *, limit: int = BATCH) -> Claim:
    """Take up to `limit` pending files that no live claim holds; give up on worn-out ones."""
    token = uuid.uuid4().hex
    due = and_(
        ProductFile.text_status == PENDING,
        or_(ProductFile.text_claimed_until.is_(None), ProductFile.text_claimed_until <= now),
    )
    with database.transaction() as session:
        query = select(ProductFile).where(due).order_by(ProductFile.id).limit(limit)
        if database.backend == "postgresql":
            query = query.with_for_update(skip_locked=True)
        files: list[PendingFile] = []
        given_up = 0
        for item in session.scalars(query):
            if item.text_attempts >= MAX_ATTEMPTS:
                _store(session, item, ExtractionResult(GIVEN_UP, "", NOTES[GIVEN_UP]))
                given_up += 1
                continue
            item.text_claim_token = token
            item.text_claimed_until = now + LEASE
            item.text_attempts += 1
            files.append(PendingFile(item.id, item.storage_key, item.kind))
        return Claim(token, files, given_up)


def record(database: Database, claimed: Claim, results: dict[int, ExtractionResult]) -> int:
    """Store each result whose claim still holds (another round may have taken over); the count."""
    with database.transaction() as session:
        query = select(ProductFile).where(
            ProductFile.id.in_(list(results)),
            ProductFile.text_claim_token == claimed.token,
            ProductFile.text_status == PENDING,
        )
        if database.backend == "postgresql":
            query = query.with_for_update()
        held = list(session.scalars(query.order_by(ProductFile.id)))
        for item in held:
            _store(session, item, results[item.id])
        return len(held)


def _store(session: Session, item: ProductFile, result: ExtractionResult) -> None:
    item.text_status = result.status
    item.text_note = result.note
    item.text = result.text if result.readable else None
    item.text_claim_token = None
    item.text_claimed_until = None
    audit.record(
        session,
        None,
        "knowledge.file.text_read",
        PRODUCT_AUDIT_TYPE,
        item.product_id,
        file_id=item.id,
        text_status=result.status,
        attempts=item.text_attempts,
    )
    if result.readable:
        enqueue_index(session, item.product_id)


def read_batch(
    database: Database,
    data_dir: Path,
    *,
    now: datetime | None = None,
    reader: Reader | None = None,
    pool: ExtractionPool | None = None,
) -> int:
    """One claim: read the text of up to BATCH pending files; the number of files finished.

    With a `pool`, the claim takes BATCH files per server and reads them `pool.size` at a time,
    so a batch still holds the worker for BATCH reads' timeouts at worst. Otherwise each file is
    read in turn by `reader` (by default a one-off limited subprocess, extract_text).
    """
    limit = BATCH * pool.size if pool is not None else BATCH
    claimed = claim(database, now or utcnow(), limit=limit)
    outcomes = _read_all(data_dir, claimed.files, pool, reader or extract_text)
    results: dict[int, ExtractionResult] = {}
    for item, outcome in zip(claimed.files, outcomes, strict=True):
        if isinstance(outcome, ExtractionResult):
            results[item.id] = outcome
        else:
            # Left claimed: the lease ends and a later round tries again (MAX_ATTEMPTS in all).
            log.error("reading the text of file %d failed (%s); it is tried again later",
                      item.id, outcome)  # fmt: skip
    stored = record(database, claimed, results) if results else 0
    if claimed.files or claimed.given_up:
        log.info(
            "text extraction: %d read, %d left for a later round, %d given up",
            stored,
            len(claimed.files) - stored,
            claimed.given_up,
        )
    return stored + claimed.given_up


def _read_all(
    data_dir: Path, files: list[PendingFile], pool: ExtractionPool | None, reader: Reader
) -> list[ExtractionResult | Exception]:
    """Each file's result, or the error that left it without one."""
    outcomes: list[ExtractionResult | Exception | None] = [None] * len(files)
    to_read: list[tuple[int, Path, str]] = []
    for at, item in enumerate(files):
        try:
            to_read.append((at, resolve_stored(data_dir, item.storage_key), item.kind))
        except ValueError as error:
            outcomes[at] = error
    read: list[ExtractionResult | Exception]
    if pool is not None:
        read = list(pool.read_all([(path, kind) for _, path, kind in to_read]))
    else:
        read = [_read_one(reader, path, kind) for _, path, kind in to_read]
    for (at, _, _), outcome in zip(to_read, read, strict=True):
        outcomes[at] = outcome
    return [outcome for outcome in outcomes if outcome is not None]


def _read_one(reader: Reader, path: Path, kind: str) -> ExtractionResult | Exception:
    try:
        return reader(path, kind)
    except Exception as error:  # noqa: BLE001 - reported by the caller, the file stays claimed
        return error


def read_pending(
    database: Database,
    data_dir: Path,
    *,
    seconds: float = ROUND_SECONDS,
    processes: int = PROCESSES,
) -> int:
    """Claim batches until none is left or `seconds` have passed: the worker task's one round.

    The files are read by a pool of `processes` extraction servers, started only if something is
    pending and stopped at the end of the round.
    """
    deadline = time.monotonic() + seconds
    total = 0
    with ExtractionPool(processes) as pool:
        while True:
            done = read_batch(database, data_dir, pool=pool)
            total += done
            if done == 0 or time.monotonic() >= deadline:
                return total


def extraction_task(app: Flask) -> int:
    """The worker task "extraction" for `app`."""
    return read_pending(database(app), Path(app.config["PORTAL_DATA_DIR"]))
