"""Text extraction in a limited subprocess: real text, recorded failures, never an exception."""

from __future__ import annotations

import subprocess
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from knowledge import extraction
from knowledge.extraction import NOTES, ExtractionResult, extract_text
from tests.unit.knowledge import builders
from tests.unit.knowledge.conftest import sample_pdf_paths


@pytest.fixture(scope="module")
def sample_results() -> dict[str, ExtractionResult]:
    paths = sample_pdf_paths()
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = pool.map(lambda path: extract_text(path, "pdf"), paths)
        return {path.name: result for path, result in zip(paths, results, strict=True)}


def write(tmp_path: Path, data: bytes, name: str) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


@pytest.mark.parametrize("pdf", sample_pdf_paths(), ids=lambda path: path.name)
def test_every_sample_pdf_gives_text_or_a_recorded_reason(
    pdf: Path, sample_results: dict[str, ExtractionResult], sample_pdf_facts: dict
) -> None:
    result = sample_results[pdf.name]

    if sample_pdf_facts[pdf.name]["encrypted"]:
        assert result == ExtractionResult("encrypted", "", NOTES["encrypted"])
    elif result.status == "ok":
        assert result.text.strip()
        assert result.readable
    else:
        assert result.status == "empty"
        assert result.text == ""
        assert result.note == NOTES["empty"]
        assert not result.readable


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("minimal-document.pdf", "Lorem ipsum dolor sit amet"),
        ("habibi.pdf", "حَبيبي habibi"),
        ("crazyones-pdfa.pdf", "The Crazy Ones"),
        ("libre-office-link.pdf", "This is a link to an awesome blog."),
    ],
)
def test_sample_pdf_text_is_read(
    name: str, expected: str, sample_results: dict[str, ExtractionResult]
) -> None:
    assert sample_results[name].status == "ok"
    assert expected in sample_results[name].text


def test_multi_page_sample_reads_all_pages(sample_results: dict[str, ExtractionResult]) -> None:
    text = sample_results["pdflatex-4-pages.pdf"].text

    assert text.count("Hello, here is some text without a meaning") >= 4


def test_image_only_sample_is_empty_not_read(sample_results: dict[str, ExtractionResult]) -> None:
    assert sample_results["imagemagick-lzw.pdf"].status == "empty"


def test_docx_paragraphs_and_table_cells_are_read(tmp_path: Path) -> None:
    data = builders.docx_bytes(
        ["Informe de voluntariado", "Segundo párrafo"],
        table=[["País", "Voluntarios"], ["Perú", "120"]],
    )

    result = extract_text(write(tmp_path, data, "a.docx"), "docx")

    assert result == ExtractionResult(
        "ok", "Informe de voluntariado\nSegundo párrafo\nPaís\tVoluntarios\nPerú\t120", ""
    )


def test_xlsx_cell_values_are_read(tmp_path: Path) -> None:
    data = builders.xlsx_bytes([["Country", "Volunteers"], ["Kenya", 42], [None, 3.5]])

    result = extract_text(write(tmp_path, data, "a.xlsx"), "xlsx")

    assert result == ExtractionResult("ok", "Volunteers\nCountry\tVolunteers\nKenya\t42\n3.5", "")


def test_pptx_slide_text_is_read(tmp_path: Path) -> None:
    data = builders.pptx_bytes("Volontariat", "Résultats 2024")

    result = extract_text(write(tmp_path, data, "a.pptx"), "pptx")

    assert result == ExtractionResult("ok", "Volontariat\nRésultats 2024", "")


def test_odt_paragraphs_with_spaces_and_tabs_are_read(tmp_path: Path) -> None:
    data = builders.odt_bytes(
        builders.odt_content(
            "<text:h>Rapport</text:h>",
            '<text:p>a<text:s text:c="3"/>b<text:tab/>c<text:span>d</text:span></text:p>',
        )
    )

    result = extract_text(write(tmp_path, data, "a.odt"), "odt")

    assert result == ExtractionResult("ok", "Rapport\na   b\tcd", "")


def test_odt_with_an_external_entity_is_unreadable_and_leaks_nothing(tmp_path: Path) -> None:
    secret = write(tmp_path, b"TOP-SECRET", "secret.txt")
    content = (
        f'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file://{secret}">]>'
        + builders.odt_content("<text:p>&x;</text:p>")
    )

    result = extract_text(write(tmp_path, builders.odt_bytes(content), "a.odt"), "odt")

    assert result.status == "unreadable"
    assert "TOP-SECRET" not in result.text


def test_utf16_text_is_decoded(tmp_path: Path) -> None:
    path = write(tmp_path, "志愿服务\nvoluntariado\n".encode("utf-16"), "a.txt")

    assert extract_text(path, "txt") == ExtractionResult("ok", "志愿服务\nvoluntariado", "")


def test_long_text_is_cut_at_max_chars_with_a_note(tmp_path: Path) -> None:
    path = write(tmp_path, b"a,b\n" * 1000, "a.csv")

    result = extract_text(path, "csv", max_chars=10)

    assert result == ExtractionResult("ok", "a,b\na,b\na,", extraction.NOTE_TRUNCATED)


def test_broken_files_are_unreadable_not_exceptions(tmp_path: Path) -> None:
    truncated_pdf = builders.pdf_with_text("Hello")[:60]
    broken_docx = builders.rebuilt_docx(replace={"word/document.xml": b"<w:document"})

    assert extract_text(write(tmp_path, truncated_pdf, "a.pdf"), "pdf").status == "unreadable"
    assert extract_text(write(tmp_path, broken_docx, "a.docx"), "docx") == ExtractionResult(
        "unreadable", "", NOTES["unreadable"]
    )
    assert extract_text(tmp_path / "missing.pdf", "pdf").status == "unreadable"


def test_docx_without_text_is_empty(tmp_path: Path) -> None:
    path = write(tmp_path, builders.docx_bytes([]), "a.docx")

    assert extract_text(path, "docx") == ExtractionResult("empty", "", NOTES["empty"])


def test_worker_over_its_time_limit_gives_timeout(tmp_path: Path) -> None:
    path = write(tmp_path, builders.slow_pdf(), "slow.pdf")
    started = time.monotonic()

    result = extract_text(path, "pdf", timeout_s=1.0)

    assert result == ExtractionResult("timeout", "", NOTES["timeout"])
    assert time.monotonic() - started < 5


def test_docx_bomb_parsed_anyway_hits_the_memory_limit(docx_bomb: Path) -> None:
    result = extract_text(docx_bomb, "docx", memory_mb=192)

    assert result == ExtractionResult("too_large", "", NOTES["too_large"])


@pytest.mark.parametrize(
    ("returncode", "stdout"),
    [
        (-11, b""),
        (1, b'{"status": "ok", "text": "x"}'),
        (0, b"not json"),
        (0, b'{"status": "fine"}'),
    ],
    ids=["killed-by-signal", "failed-exit", "garbage-answer", "unknown-status"],
)
def test_a_crashed_or_confused_worker_reads_as_unreadable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, returncode: int, stdout: bytes
) -> None:
    def crashed(command: list[str], **_: object) -> subprocess.CompletedProcess[bytes]:
        return subprocess.CompletedProcess(command, returncode, stdout, b"Segmentation fault")

    monkeypatch.setattr(extraction.subprocess, "run", crashed)

    result = extract_text(write(tmp_path, b"x", "a.txt"), "txt")

    assert result == ExtractionResult("unreadable", "", NOTES["unreadable"])


def test_unknown_kind_is_a_programming_error(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="unknown file kind"):
        extract_text(write(tmp_path, b"x", "a.exe"), "exe")
