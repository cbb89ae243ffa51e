"""Fixtures for the knowledge file-handling tests: sample PDFs and a prebuilt DOCX bomb."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.unit.knowledge.builders import write_docx_bomb

# The sample PDFs are committed once, beside the integration tests that upload them.
SAMPLE_PDFS = Path(__file__).resolve().parents[2] / "integration" / "knowledge" / "sample-pdfs"


def sample_pdf_paths() -> list[Path]:
    return sorted(SAMPLE_PDFS.glob("*.pdf"))


@pytest.fixture(scope="session")
def sample_pdf_facts() -> dict[str, dict[str, object]]:
    """files.json entries keyed by file name (the folder is flattened)."""
    entries = json.loads((SAMPLE_PDFS / "files.json").read_text(encoding="utf-8"))["data"]
    return {Path(entry["path"]).name: entry for entry in entries}


@pytest.fixture(scope="session")
def docx_bomb(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("bomb") / "report.docx"
    write_docx_bomb(path)
    return path
