"""Stores checked uploads below the data directory under random names, and spools incoming ones."""

from __future__ import annotations

import hashlib
import os
import re
import secrets
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

from knowledge.file_rules import MSG_CHANGED, CheckedFile, UploadRejected

_CHUNK = 1024 * 1024
_STORAGE_KEY = re.compile(r"([0-9a-f]{2})/([0-9a-f]{2})/([0-9a-f]{32})")


def store_file(data_dir: Path, path: Path, checked: CheckedFile) -> str:
    """Copy a checked upload below `data_dir/files/` under a random name; return its storage key.

    The copy is verified against the checked size and sha256, so a file swapped after the check
    is refused; directories are created 0o700 and the file 0o600.
    """
    root = _files_root(data_dir)
    token = secrets.token_hex(16)
    folder = root / token[:2] / token[2:4]
    for directory in (root, folder.parent, folder):
        _make_private_dir(directory)
    temporary = folder / f".{token}.part"
    digest = hashlib.sha256()
    size = 0
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
    try:
        with os.fdopen(os.open(temporary, flags, 0o600), "wb") as out, path.open("rb") as src:
            while chunk := src.read(_CHUNK):
                digest.update(chunk)
                size += len(chunk)
                out.write(chunk)
            out.flush()
            os.fsync(out.fileno())
        if size != checked.size or digest.hexdigest() != checked.sha256:
            raise UploadRejected(MSG_CHANGED)
        os.replace(temporary, folder / token)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return f"{token[:2]}/{token[2:4]}/{token}"


def resolve_stored(data_dir: Path, key: str) -> Path:
    """The path of a stored file; raises ValueError for anything but a well-formed storage key."""
    match = _STORAGE_KEY.fullmatch(key) if isinstance(key, str) else None
    if match is None or not match[3].startswith(match[1] + match[2]):
        raise ValueError("not a storage key")
    return data_dir / "files" / match[1] / match[2] / match[3]


def remove_stored(data_dir: Path, key: str) -> None:
    """Delete a stored file, e.g. when the transaction that recorded it is rolled back."""
    resolve_stored(data_dir, key).unlink(missing_ok=True)


@contextmanager
def spooled(data_dir: Path, stream: IO[bytes]) -> Iterator[Path]:
    """`stream` copied to a private temporary file below `data_dir/tmp`, removed afterwards."""
    folder = data_dir / "tmp"
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    descriptor, name = tempfile.mkstemp(dir=folder, prefix="upload-")
    temporary = Path(name)
    try:
        with os.fdopen(descriptor, "wb") as handle:
            shutil.copyfileobj(stream, handle, _CHUNK)
        yield temporary
    finally:
        temporary.unlink(missing_ok=True)


def _files_root(data_dir: Path) -> Path:
    if "static" in data_dir.resolve().parts:
        raise ValueError("uploaded files must not be stored below a static directory")
    data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    return data_dir / "files"


def _make_private_dir(directory: Path) -> None:
    try:
        directory.mkdir(mode=0o700)
    except FileExistsError:
        return
    # mkdir's mode is filtered through the umask; set it exactly on what we created.
    directory.chmod(0o700)
