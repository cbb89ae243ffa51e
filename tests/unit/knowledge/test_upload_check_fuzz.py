"""Damaged uploads of every kind end in a CheckedFile or an UploadRejected, never another error."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from knowledge.file_checks import check_upload
from knowledge.file_rules import UploadRejected
from tests.unit.knowledge import builders

SEEDS = [
    builders.docx_bytes(["Informe"], table=[["a", "b"]]),
    builders.xlsx_bytes([["Volunteers", 3]]),
    builders.odt_bytes(builders.odt_content("<text:p>Bonjour</text:p>")),
    builders.pdf_with_text("Hello"),
    builders.zip_with_empty_parts(5),
    "país,año\n".encode("utf-16"),
]


def damaged(seed: int, flips: list[tuple[int, int]], keep: float | None) -> bytes:
    data = bytearray(SEEDS[seed])
    for position, value in flips:
        data[position % len(data)] = value
    return bytes(data if keep is None else data[: max(1, int(len(data) * keep))])


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    seed=st.integers(min_value=0, max_value=len(SEEDS) - 1),
    flips=st.lists(st.tuples(st.integers(min_value=0), st.integers(0, 255)), max_size=8),
    keep=st.none() | st.floats(min_value=0, max_value=1),
    name=st.text(max_size=40),
)
def test_damaged_uploads_never_raise_anything_but_upload_rejected(
    seed: int, flips: list[tuple[int, int]], keep: float | None, name: str
) -> None:
    data = damaged(seed, flips, keep)
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "upload"
        path.write_bytes(data)
        try:
            checked = check_upload(path, name, 10 * 1024 * 1024)
        except UploadRejected as rejected:
            assert rejected.message
        else:
            assert checked.size == len(data)
            assert "/" not in checked.safe_name and "\\" not in checked.safe_name
