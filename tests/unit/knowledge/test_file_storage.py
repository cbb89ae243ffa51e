"""Stored files get random names below the data directory and keys that cannot traverse."""

from __future__ import annotations

import re
import stat
from pathlib import Path

import pytest

from knowledge import file_rules
from knowledge.file_checks import check_upload
from knowledge.file_rules import UploadRejected
from knowledge.file_storage import remove_stored, resolve_stored, store_file
from tests.unit.knowledge import builders

KEY = re.compile(r"[0-9a-f]{2}/[0-9a-f]{2}/[0-9a-f]{32}")


@pytest.fixture
def upload(tmp_path: Path) -> Path:
    path = tmp_path / "incoming" / "Política nacional.pdf"
    path.parent.mkdir()
    path.write_bytes(builders.pdf_with_text("Volunteering"))
    return path


def test_stored_file_has_a_random_private_name_below_data_dir_files(
    tmp_path: Path, upload: Path
) -> None:
    data_dir = tmp_path / "instance"
    checked = check_upload(upload, upload.name, 1024 * 1024)

    key = store_file(data_dir, upload, checked)
    stored = resolve_stored(data_dir, key)

    assert KEY.fullmatch(key)
    assert key.startswith(f"{key[6:8]}/{key[8:10]}/")
    assert stored == data_dir / "files" / key
    assert stored.read_bytes() == upload.read_bytes()
    assert "Política" not in key and "pdf" not in key
    assert "static" not in stored.parts
    assert stat.S_IMODE(stored.stat().st_mode) == 0o600
    for directory in (data_dir / "files", stored.parent.parent, stored.parent):
        assert stat.S_IMODE(directory.stat().st_mode) == 0o700
    assert sorted(path.name for path in stored.parent.iterdir()) == [stored.name]


def test_the_same_file_stored_twice_gets_two_keys(tmp_path: Path, upload: Path) -> None:
    checked = check_upload(upload, upload.name, 1024 * 1024)

    first = store_file(tmp_path, upload, checked)
    second = store_file(tmp_path, upload, checked)

    assert first != second
    assert (
        resolve_stored(tmp_path, first).read_bytes()
        == resolve_stored(tmp_path, second).read_bytes()
    )


def test_a_file_swapped_after_the_check_is_not_stored(tmp_path: Path, upload: Path) -> None:
    checked = check_upload(upload, upload.name, 1024 * 1024)
    upload.write_bytes(b"<html><script>alert(1)</script></html>")
    data_dir = tmp_path / "instance"

    with pytest.raises(UploadRejected) as caught:
        store_file(data_dir, upload, checked)

    assert caught.value.message == file_rules.MSG_CHANGED
    assert [path for path in (data_dir / "files").rglob("*") if path.is_file()] == []


def test_storage_below_a_static_directory_is_refused(tmp_path: Path, upload: Path) -> None:
    checked = check_upload(upload, upload.name, 1024 * 1024)

    with pytest.raises(ValueError, match="static"):
        store_file(tmp_path / "static" / "uploads", upload, checked)

    assert not (tmp_path / "static").exists()


@pytest.mark.parametrize(
    "key",
    [
        "../../etc/passwd",
        "ab/cd/../../../etc/passwd",
        "/etc/passwd",
        "ab/cd/abcd" + "0" * 27 + "/",
        "ab/cd/ABCD" + "0" * 28,
        "ab/cd/ef01" + "0" * 28,
        "ab/cd/abcd" + "0" * 27,
        "ab\\cd\\abcd" + "0" * 28,
        "ab/cd/abcd" + "0" * 28 + "\n",
        "",
    ],
)
def test_resolve_stored_refuses_anything_but_a_storage_key(tmp_path: Path, key: str) -> None:
    with pytest.raises(ValueError, match="not a storage key"):
        resolve_stored(tmp_path, key)


def test_remove_stored_deletes_the_file_once(tmp_path: Path, upload: Path) -> None:
    key = store_file(tmp_path, upload, check_upload(upload, upload.name, 1024 * 1024))

    remove_stored(tmp_path, key)
    remove_stored(tmp_path, key)

    assert not resolve_stored(tmp_path, key).exists()
