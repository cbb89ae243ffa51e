"""Restore: a backup folder into an empty instance, all or nothing.

Nothing is written before every checksum of the backup is verified. The target database must be
empty (no table at all: it is migrated first; or at the code's revision with no row anywhere) and
the backup must be at the code's revision. Every row goes in through one transaction, together
with the audit row; the files are copied to a hidden folder first and put in place just before the
commit, so a failure leaves the database and the files folder as empty as they were. Afterwards
the hooks features registered run (the search index is rebuilt from the restored rows).
"""

from __future__ import annotations

import gzip
import json
import secrets
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flask import Flask
from sqlalchemy import Connection, Table, false, func, inspect, select
from sqlalchemy.exc import SQLAlchemyError

from portal import audit
from portal import backup_format as fmt
from portal.backup import BATCH, code_heads, copy_file, database_revision
from portal.cli import alembic_config
from portal.db import Base, Database, import_models

RestoreHook = Callable[[Flask], str]


@dataclass(frozen=True)
class RestoreSummary:
    """What a restore put in: rows per table and the files copied."""

    revision: str
    rows: dict[str, int]
    files: int


def register_restore_hook(app: Flask, name: str, hook: RestoreHook, by_hand: str) -> None:
    """A feature's step after a restore (e.g. rebuilding derived data); `by_hand` says how an
    operator runs it when it fails. The hook returns one line for the operator."""
    app.extensions.setdefault("portal_restore_hooks", []).append((name, hook, by_hand))


def restore_hooks(app: Flask) -> list[tuple[str, RestoreHook, str]]:
    hooks: list[tuple[str, RestoreHook, str]] = app.extensions.get("portal_restore_hooks", [])
    return hooks


def restore_backup(database: Database, data_dir: Path, backup: Path) -> RestoreSummary:
    """Restore the backup folder `backup` into the empty `database` and `data_dir/files`."""
    import_models()
    manifest = fmt.read_manifest(backup)
    try:
        tables = _check_manifest(manifest)
        verify_checksums(backup, manifest)
    except (KeyError, TypeError, AttributeError) as error:
        raise fmt.BackupError(f"{backup / fmt.MANIFEST}: malformed ({error!r})") from None
    files_dir = data_dir / "files"
    if files_dir.exists() and any(p.is_file() for p in files_dir.rglob("*")):
        raise fmt.BackupError(f"{files_dir}: holds files already; restore into an empty instance")
    _prepare_schema(database)
    data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    staging = data_dir / f".files.restoring-{secrets.token_hex(4)}"
    placed = False
    try:
        copied = _stage_files(backup, manifest, staging)
        with database.transaction() as session:
            connection = session.connection()
            _check_empty(connection)
            rows = {t.name: _load_table(connection, t, backup, entry) for t, entry in tables}
            _reset_sequences(connection)
            audit.record(
                session,
                None,
                "portal.restored",
                "instance",
                None,
                revision=manifest["alembic_revision"],
                backup_created_at=manifest.get("created_at"),
                rows=sum(rows.values()),
                files=copied,
            )
            session.flush()
            if files_dir.exists():
                files_dir.rmdir()  # empty: checked above
            staging.rename(files_dir)
            placed = True
    except BaseException as error:
        # The staged files go, and so do they once in place if the commit then failed.
        shutil.rmtree(files_dir if placed else staging, ignore_errors=True)
        if isinstance(error, SQLAlchemyError):
            raise fmt.BackupError(
                f"the database refused the restore: {type(error).__name__}"
            ) from None
        raise
    return RestoreSummary(manifest["alembic_revision"], rows, copied)


def _check_manifest(manifest: dict[str, Any]) -> list[tuple[Table, dict[str, Any]]]:
    heads = code_heads()
    revision = manifest.get("alembic_revision")
    if {revision} != heads:
        raise fmt.BackupError(
            f"the backup is at revision {revision}, this code at {', '.join(sorted(heads))}:"
            " restore it with the code of that revision (then `flask db upgrade`),"
            " or use a backup taken at this revision"
        )
    known = {table.name: table for table in Base.metadata.sorted_tables}
    entries = {entry["name"]: entry for entry in manifest.get("tables", [])}
    if set(entries) != set(known):
        missing = sorted(set(known) ^ set(entries))
        raise fmt.BackupError(f"manifest: tables do not match this code: {', '.join(missing)}")
    pairs = []
    for table in Base.metadata.sorted_tables:
        entry = entries[table.name]
        if entry.get("columns") != [column.name for column in table.columns]:
            raise fmt.BackupError(f"manifest: columns of table {table.name} do not match this code")
        fmt.safe_member(Path("."), entry["file"])
        if entry["file"] not in manifest.get("sha256", {}):
            raise fmt.BackupError(f"manifest: no checksum for {entry['file']}")
        pairs.append((table, entry))
    return pairs


def verify_checksums(backup: Path, manifest: dict[str, Any]) -> None:
    """Every file the manifest lists is there with its sha256, and no other file is."""
    listed: dict[str, str] = manifest.get("sha256", {})
    for name, expected in listed.items():
        path = fmt.safe_member(backup, name)
        if not path.is_file() or path.is_symlink():
            raise fmt.BackupError(f"{path}: missing from the backup")
        if fmt.sha256_of(path) != expected:
            raise fmt.BackupError(f"{path}: checksum mismatch, the backup is damaged or altered")
    for folder in ("tables", "files"):
        for path in sorted((backup / folder).rglob("*")):
            if path.is_file() and path.relative_to(backup).as_posix() not in listed:
                raise fmt.BackupError(f"{path}: not listed in the manifest")


def _prepare_schema(database: Database) -> None:
    """Migrate a database without any table; refuse one at another revision than the code's."""
    with database.engine.connect() as connection:
        names = inspect(connection).get_table_names()
        revision = database_revision(connection) if names else []
    if not names:
        from alembic import command

        command.upgrade(alembic_config(database.url), "head")
        return
    heads = code_heads()
    if set(revision) != heads:
        shown = ", ".join(revision) or "none"
        raise fmt.BackupError(
            f"the target database has tables at revision {shown}, this code needs"
            f" {', '.join(sorted(heads))}: restore into an empty database"
        )


def _check_empty(connection: Connection) -> None:
    for table in Base.metadata.sorted_tables:
        if connection.scalar(select(func.count()).select_from(table)):
            raise fmt.BackupError(
                f"the target database is not empty (table {table.name} has rows):"
                " restore into an empty instance"
            )


def _load_table(connection: Connection, table: Table, backup: Path, entry: dict[str, Any]) -> int:
    decode = fmt.decoder(table)
    statement = fmt.insert_statement(table)
    count = 0
    for batch in _batches(fmt.safe_member(backup, entry["file"])):
        connection.execute(statement, [decode(values) for values in batch])
        count += len(batch)
    if count != entry.get("rows"):
        expected = entry.get("rows")
        raise fmt.BackupError(f"{entry['file']}: {count} rows, the manifest says {expected}")
    return count


def _batches(path: Path) -> Iterator[list[list[Any]]]:
    batch: list[list[Any]] = []
    with gzip.open(path, "rb") as lines:
        for number, line in enumerate(lines, start=1):
            try:
                batch.append(json.loads(line))
            except ValueError:
                raise fmt.BackupError(f"{path}: line {number} is not a JSON row") from None
            if len(batch) >= BATCH:
                yield batch
                batch = []
    if batch:
        yield batch


def _reset_sequences(connection: Connection) -> None:
    """PostgreSQL: each id sequence continues after the largest restored id."""
    if connection.dialect.name != "postgresql":
        return
    for table in Base.metadata.sorted_tables:
        keys = list(table.primary_key.columns)
        if len(keys) != 1 or table.autoincrement_column is None:
            continue
        sequence = func.pg_get_serial_sequence(f'"{table.name}"', keys[0].name)
        following = func.coalesce(select(func.max(keys[0])).scalar_subquery(), 0) + 1
        connection.execute(select(func.setval(sequence, following, false())))


def _stage_files(backup: Path, manifest: dict[str, Any], staging: Path) -> int:
    """Copy the backup's files to `staging`, checking each copy's sha256 again."""
    staging.mkdir(mode=0o700)
    count = 0
    for name, expected in manifest["sha256"].items():
        if not name.startswith("files/"):
            continue
        source = fmt.safe_member(backup, name)
        target = staging.joinpath(*name.split("/")[1:])
        target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        digest, _size = copy_file(source, target)
        if digest != expected:
            raise fmt.BackupError(f"{source}: changed while it was restored")
        count += 1
    return count
