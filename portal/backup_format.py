"""The backup format: values of every column type as JSON, the manifest, and file checksums.

A backup is a folder: ``manifest.json``, one gzip-compressed JSON Lines file per table under
``tables/`` (one JSON array per row, values in the manifest's column order) and the uploaded files
under ``files/``. Values are encoded by their column's type so that they come back exactly, on
SQLite and PostgreSQL alike: timestamps, dates and times as ISO 8601, bytes as base64, decimals
and UUIDs as text, and JSON columns as their JSON text (so SQL NULL and JSON null stay apart).
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import uuid
from collections.abc import Callable
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path, PurePosixPath
from typing import Any

from sqlalchemy import Column, Table, Text, bindparam, cast, insert
from sqlalchemy.sql.expression import ColumnElement, Insert
from sqlalchemy.types import JSON, TypeDecorator, TypeEngine

FORMAT = "unv-portal-backup"
VERSION = 1
MANIFEST = "manifest.json"
CHUNK = 1024 * 1024


class BackupError(Exception):
    """A backup cannot be taken or restored; the message says why (never a personal datum)."""


Codec = tuple[Callable[[Any], Any], Callable[[Any], Any]]


def _same(value: Any) -> Any:
    return value


def _iso(value: Any) -> Any:
    return value.isoformat()


def _b64(value: bytes) -> str:
    return base64.b64encode(value).decode("ascii")


def _json_in(text: str | None) -> Any:
    # JSON null must be written as JSON null: None alone becomes SQL NULL (see insert_statement).
    if text is None:
        return None
    value = json.loads(text)
    return JSON.NULL if value is None else value


_CODECS: dict[type, Codec] = {
    bool: (_same, _same),
    int: (_same, _same),
    float: (_same, _same),
    str: (_same, _same),
    datetime: (_iso, datetime.fromisoformat),
    date: (_iso, date.fromisoformat),
    time: (_iso, time.fromisoformat),
    bytes: (_b64, base64.b64decode),
    Decimal: (str, Decimal),
    uuid.UUID: (str, uuid.UUID),
}


def _base_type(column: Column[Any]) -> TypeEngine[Any]:
    kind: TypeEngine[Any] = column.type
    return kind.impl_instance if isinstance(kind, TypeDecorator) else kind


def is_json(column: Column[Any]) -> bool:
    return isinstance(_base_type(column), JSON)


def codec(table: Table, column: Column[Any]) -> Codec:
    """How `column`'s values are written to and read from a backup."""
    if is_json(column):
        return _same, _json_in
    try:
        python_type = _base_type(column).python_type
    except NotImplementedError:
        python_type = object
    for kind, found in _CODECS.items():
        if issubclass(python_type, kind) and (kind is not int or python_type is not bool):
            return found
    raise BackupError(f"column {table.name}.{column.name}: type {column.type} is not supported")


def encoder(table: Table) -> Callable[[Any], list[Any]]:
    """Turns a row of `read_columns(table)` into the list written to the backup."""
    encoders = [codec(table, column)[0] for column in table.columns]

    def encode(row: Any) -> list[Any]:
        return [None if v is None else f(v) for f, v in zip(encoders, row, strict=True)]

    return encode


def decoder(table: Table) -> Callable[[list[Any]], dict[str, Any]]:
    """Turns a row read from a backup into the parameters of `insert_statement(table)`."""
    names = [column.name for column in table.columns]
    decoders = [codec(table, column)[1] for column in table.columns]
    json_columns = {column.name for column in table.columns if is_json(column)}

    def decode(values: list[Any]) -> dict[str, Any]:
        return {
            name: f(v) if v is not None or name in json_columns else None
            for name, f, v in zip(names, decoders, values, strict=True)
        }

    return decode


def read_columns(table: Table) -> list[ColumnElement[Any]]:
    """The columns a backup selects: JSON columns as their text (SQL NULL stays None)."""
    return [cast(c, Text) if is_json(c) else c for c in table.columns]


def insert_statement(table: Table) -> Insert:
    """An insert of every column; a JSON column takes None as SQL NULL, JSON.NULL as JSON null."""
    as_json = JSON(none_as_null=True)
    values = {c.name: bindparam(c.name, type_=as_json) for c in table.columns if is_json(c)}
    return insert(table).values(values) if values else insert(table)


def dump_row(values: list[Any]) -> bytes:
    return json.dumps(values, ensure_ascii=False, separators=(",", ":")).encode() + b"\n"


def sha256_of(path: Path) -> str:
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def safe_member(root: Path, name: str) -> Path:
    """The path of a backup member named in a manifest; refuses names that leave `root`."""
    posix = PurePosixPath(name)
    if (
        posix.is_absolute()
        or not posix.parts
        or posix.parts[0] not in ("tables", "files")
        or any(part in ("", ".", "..") or "\\" in part for part in posix.parts)
    ):
        raise BackupError(f"manifest: unsafe path {name!r}")
    return root.joinpath(*posix.parts)


def write_private(path: Path, data: bytes) -> None:
    """Write `data` to a new file readable by its owner only, flushed to disk."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL
    with os.fdopen(os.open(path, flags, 0o600), "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())


def read_manifest(root: Path) -> dict[str, Any]:
    """The manifest of the backup folder `root`, checked for its format and version."""
    path = root / MANIFEST
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise BackupError(f"{path}: no manifest, not a backup folder") from None
    except (ValueError, UnicodeDecodeError) as error:
        raise BackupError(f"{path}: unreadable manifest ({error})") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(f"{path}: not a portal backup manifest")
    if manifest.get("version") != VERSION:
        raise BackupError(
            f"{path}: backup format version {manifest.get('version')}, this portal reads {VERSION}"
        )
    return manifest
