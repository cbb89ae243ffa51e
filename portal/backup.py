"""Backup: a consistent logical snapshot of every table plus the uploaded files, in one folder.

Every table is read inside ONE read-only transaction (PostgreSQL: REPEATABLE READ; SQLite: one
deferred read transaction on the WAL), so the copy is the database as it was at one instant while
writers go on. Rows are streamed, never held in memory. The uploaded files under
``PORTAL_DATA_DIR/files`` are copied after the snapshot: a stored file is never changed or removed
once its row committed, so every file the snapshot names is there (later uploads are extra copies,
harmless). The backup is built in a hidden sibling folder and renamed at the end, so a failed
backup never leaves a half folder under the asked name.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import secrets
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Table, func, inspect, select, text
from sqlalchemy.exc import SQLAlchemyError

from portal import backup_format as fmt
from portal.cli import alembic_config
from portal.db import Base, Database, import_models, make_engine, utcnow

BATCH = 1000


@dataclass(frozen=True)
class BackupSummary:
    """What a backup holds: the folder, its revision, rows per table and the files copied."""

    path: Path
    revision: str
    rows: dict[str, int]
    files: int
    file_bytes: int


def take_backup(database: Database, data_dir: Path, out: Path) -> BackupSummary:
    """Write a backup of `database` and of `data_dir/files` to the new folder `out`."""
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise fmt.BackupError(f"{out}: exists and is not an empty folder")
    out.parent.mkdir(parents=True, exist_ok=True)
    work = out.parent / f".{out.name}.partial-{secrets.token_hex(4)}"
    work.mkdir(mode=0o700)
    try:
        (work / "tables").mkdir(mode=0o700)
        checksums: dict[str, str] = {}
        revision, tables = _dump_database(database, work, checksums)
        files, file_bytes = _copy_files(data_dir / "files", work / "files", checksums)
        manifest = {
            "format": fmt.FORMAT,
            "version": fmt.VERSION,
            "created_at": utcnow().isoformat(),
            "alembic_revision": revision,
            "source_backend": database.backend,
            "tables": tables,
            "file_count": files,
            "file_bytes": file_bytes,
            "sha256": dict(sorted(checksums.items())),
        }
        fmt.write_private(work / fmt.MANIFEST, json.dumps(manifest, indent=1).encode())
        _fsync_dir(work)
        if out.exists():
            out.rmdir()
        work.rename(out)
        _fsync_dir(out.parent)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    rows = {table["name"]: table["rows"] for table in tables}
    return BackupSummary(out, revision, rows, files, file_bytes)


def _dump_database(
    database: Database, work: Path, checksums: dict[str, str]
) -> tuple[str, list[dict[str, Any]]]:
    import_models()
    tables: list[dict[str, Any]] = []
    try:
        with _snapshot(database) as connection:
            revision = _revision(connection)
            # Counted first, in the same snapshot: a mismatch with the rows written below would
            # mean the snapshot was not one (it never should be).
            counts = {
                table.name: connection.scalar(select(func.count()).select_from(table)) or 0
                for table in Base.metadata.sorted_tables
            }
            for number, table in enumerate(Base.metadata.sorted_tables, start=1):
                member = f"tables/{number:03d}_{table.name}.jsonl.gz"
                written, digest = _dump_table(connection, table, work / member)
                if written != counts[table.name]:
                    raise fmt.BackupError(f"table {table.name} changed during the backup")
                checksums[member] = digest
                columns = [column.name for column in table.columns]
                tables.append({"name": table.name, "file": member, "columns": columns})
                tables[-1]["rows"] = written
    except SQLAlchemyError as error:
        raise fmt.BackupError(f"database read failed: {type(error).__name__}") from None
    return revision, tables


@contextmanager
def _snapshot(database: Database) -> Iterator[Connection]:
    """One read-only transaction that sees the database as of its first read."""
    if database.backend == "sqlite":
        # A deferred BEGIN: the snapshot starts at the first read and blocks no writer (WAL).
        engine = make_engine(database.url, immediate=False)
        try:
            with engine.connect() as connection, connection.begin():
                yield connection
        finally:
            engine.dispose()
        return
    options: dict[str, Any] = {"isolation_level": "REPEATABLE READ"}
    if database.backend == "postgresql":
        options["postgresql_readonly"] = True
    with database.engine.connect() as raw:
        connection = raw.execution_options(**options)
        with connection.begin():
            yield connection


def code_heads() -> set[str]:
    """The migration revision(s) this code expects the database to be at."""
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(alembic_config("sqlite://"))
    return set(script.get_heads())


def database_revision(connection: Connection) -> list[str]:
    """The revision(s) stored in the database's `alembic_version` table (none if no table)."""
    if not inspect(connection).has_table("alembic_version"):
        return []
    return [str(v) for v in connection.scalars(text("SELECT version_num FROM alembic_version"))]


def _revision(connection: Connection) -> str:
    found = database_revision(connection)
    heads = code_heads()
    if not found:
        raise fmt.BackupError("the database has no migration revision: run `flask db upgrade`")
    revision = found[0]
    if len(found) != 1 or {revision} != heads:
        raise fmt.BackupError(
            f"the database is at revision {revision}, this code at {', '.join(sorted(heads))}:"
            " back up with the code that matches the database, or run `flask db upgrade` first"
        )
    return revision


def _dump_table(connection: Connection, table: Table, path: Path) -> tuple[int, str]:
    encode = fmt.encoder(table)
    order = list(table.primary_key.columns) or list(table.columns)
    query = select(*fmt.read_columns(table)).order_by(*order)
    result = connection.execution_options(yield_per=BATCH).execute(query)
    rows = 0
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL
    with os.fdopen(os.open(path, flags, 0o600), "wb") as raw:
        with gzip.GzipFile(fileobj=raw, mode="wb", compresslevel=6, mtime=0) as out:
            for row in result:
                out.write(fmt.dump_row(encode(row)))
                rows += 1
        raw.flush()
        os.fsync(raw.fileno())
    return rows, fmt.sha256_of(path)


def _copy_files(source: Path, target: Path, checksums: dict[str, str]) -> tuple[int, int]:
    """Copy every stored file (not temporary `.part` files nor links), hashing as it goes."""
    target.mkdir(mode=0o700)
    count = size = 0
    if not source.is_dir():
        return 0, 0
    for folder, directories, names in os.walk(source):
        directories[:] = sorted(d for d in directories if not d.startswith("."))
        relative = Path(folder).relative_to(source)
        for name in sorted(names):
            path = Path(folder) / name
            if name.startswith(".") or path.is_symlink() or not path.is_file():
                continue
            (target / relative).mkdir(mode=0o700, parents=True, exist_ok=True)
            try:
                digest, copied = copy_file(path, target / relative / name)
            except FileNotFoundError:
                continue  # an upload whose transaction rolled back while we walked
            checksums[(Path("files") / relative / name).as_posix()] = digest
            count += 1
            size += copied
    return count, size


def copy_file(source: Path, target: Path) -> tuple[str, int]:
    digest = hashlib.sha256()
    size = 0
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL
    with source.open("rb") as src, os.fdopen(os.open(target, flags, 0o600), "wb") as out:
        while chunk := src.read(fmt.CHUNK):
            digest.update(chunk)
            size += len(chunk)
            out.write(chunk)
        out.flush()
        os.fsync(out.fileno())
    return digest.hexdigest(), size


def _fsync_dir(path: Path) -> None:
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
