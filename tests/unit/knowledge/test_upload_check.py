"""Upload checks: types decided by content, hostile files refused with a clear message."""

from __future__ import annotations

import hashlib
import time
from pathlib import Path

import pytest

from knowledge import file_rules
from knowledge.file_checks import check_upload
from knowledge.file_rules import UploadRejected
from tests.unit.knowledge import builders
from tests.unit.knowledge.conftest import sample_pdf_paths

LIMIT = 50 * 1024 * 1024


def write(tmp_path: Path, data: bytes, name: str = "upload.bin") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def rejection(path: Path, original_name: str, max_bytes: int = LIMIT) -> UploadRejected:
    with pytest.raises(UploadRejected) as caught:
        check_upload(path, original_name, max_bytes)
    return caught.value


def test_the_sample_folder_holds_the_27_pdfs() -> None:
    assert len(sample_pdf_paths()) == 27


@pytest.mark.parametrize("pdf", sample_pdf_paths(), ids=lambda path: path.name)
def test_every_sample_pdf_is_accepted_as_pdf(pdf: Path, sample_pdf_facts: dict) -> None:
    checked = check_upload(pdf, pdf.name, LIMIT)

    assert pdf.name in sample_pdf_facts
    assert (checked.kind, checked.mime, checked.extension) == ("pdf", "application/pdf", "pdf")
    assert checked.size == pdf.stat().st_size
    assert checked.sha256 == hashlib.sha256(pdf.read_bytes()).hexdigest()
    assert checked.safe_name == pdf.name


def test_generated_office_files_are_recognised_by_content_whatever_their_name(
    tmp_path: Path,
) -> None:
    cases = {
        "docx": builders.docx_bytes(["Hola"]),
        "xlsx": builders.xlsx_bytes([["Volunteers", 12]]),
        "pptx": builders.pptx_bytes("Title", "Body"),
        "odt": builders.odt_bytes(builders.odt_content("<text:p>Bonjour</text:p>")),
    }
    for kind, data in cases.items():
        checked = check_upload(write(tmp_path, data), "document.pdf", LIMIT)
        assert (checked.kind, checked.extension) == (kind, kind)
        assert checked.mime == file_rules.MIME_TYPES[kind]
        assert checked.safe_name == f"document.pdf.{kind}"


def test_pdf_content_named_docx_is_a_pdf(tmp_path: Path) -> None:
    checked = check_upload(write(tmp_path, builders.pdf_with_text("Hi")), "plan.docx", LIMIT)

    assert checked.kind == "pdf"
    assert checked.safe_name == "plan.docx.pdf"


def test_text_is_csv_only_when_named_csv_and_utf16_with_bom_is_accepted(tmp_path: Path) -> None:
    utf16 = write(tmp_path, "país,año\nPerú,2024\n".encode("utf-16"))

    assert check_upload(utf16, "datos.CSV", LIMIT).kind == "csv"
    assert check_upload(utf16, "datos.txt", LIMIT).kind == "txt"
    assert check_upload(utf16, "datos", LIMIT).safe_name == "datos.txt"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"<!DOCTYPE html><html><body><script>alert(1)</script>", file_rules.MSG_MARKUP),
        (b"\xef\xbb\xbf\n  <html><p>hi</p></html>", file_rules.MSG_MARKUP),
        (
            b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg">'
            b"<script>alert(document.cookie)</script></svg>",
            file_rules.MSG_MARKUP,
        ),
        (b'  <svg onload="alert(1)"/>', file_rules.MSG_MARKUP),
        (b"Report\n\n<iframe src=https://evil.example>", file_rules.MSG_MARKUP),
        (builders.elf_executable(), file_rules.MSG_EXECUTABLE),
        (builders.pe_executable(), file_rules.MSG_EXECUTABLE),
        (b"\xcf\xfa\xed\xfe\x07\x00\x00\x01" + bytes(64), file_rules.MSG_EXECUTABLE),
        (b"#!/bin/sh\nrm -rf /\n", file_rules.MSG_EXECUTABLE),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", file_rules.MSG_NOT_ACCEPTED),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(512), file_rules.MSG_OLD_OFFICE),
        (b"%PDF-1.7\n1 0 obj\n<< >>\nendobj\n", file_rules.MSG_DAMAGED_PDF),
        (b"%PDF-1.4\n%%EOF\nstartxref\n999999\n%%EOF\n", file_rules.MSG_DAMAGED_PDF),
        (b"name,city\nJos\xe9,Bogot\xe1\n", file_rules.MSG_NOT_UTF8),
        (b"plain text with a \x00 inside", file_rules.MSG_NOT_ACCEPTED),
    ],
    ids=[
        "html",
        "html-after-bom",
        "svg-with-script",
        "bare-svg",
        "iframe-in-text",
        "elf",
        "pe",
        "mach-o",
        "shell-script",
        "png",
        "old-office",
        "pdf-without-trailer",
        "pdf-xref-outside-file",
        "latin-1-csv",
        "nul-byte",
    ],
)
@pytest.mark.parametrize("original_name", ["report.pdf", "report.docx", "notes.txt"])
def test_hostile_or_unsupported_content_is_rejected_whatever_its_name(
    tmp_path: Path, data: bytes, message: str, original_name: str
) -> None:
    assert rejection(write(tmp_path, data), original_name).message == message


def test_rejection_message_is_an_english_id_with_parameters(tmp_path: Path) -> None:
    error = rejection(write(tmp_path, bytes(2 * 1024 * 1024)), "big.pdf", max_bytes=1024 * 1024)

    assert error.message == "The file is larger than the limit of %(max_mb)s MB."
    assert error.params == {"max_mb": "1"}
    assert str(error) == "The file is larger than the limit of 1 MB."


def test_empty_file_is_rejected(tmp_path: Path) -> None:
    assert rejection(write(tmp_path, b""), "empty.txt").message == file_rules.MSG_EMPTY


def test_docx_bomb_inflating_to_300_mb_is_rejected_without_inflating(docx_bomb: Path) -> None:
    assert docx_bomb.stat().st_size < 1024 * 1024
    started = time.monotonic()

    error = rejection(docx_bomb, "report.docx")

    assert error.message == file_rules.MSG_EXPANDS
    assert error.params == {"max_mb": "100"}
    assert time.monotonic() - started < 1.0


def test_docx_part_with_an_extreme_compression_ratio_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "small-bomb.docx"
    builders.write_docx_bomb(path, inflated_mb=20)

    assert rejection(path, "report.docx").message == file_rules.MSG_EXPANDS


@pytest.mark.parametrize("declared_count", [None, 1], ids=["honest", "forged-end-record"])
def test_zip_with_100k_parts_is_rejected_quickly(
    tmp_path: Path, declared_count: int | None
) -> None:
    path = write(tmp_path, builders.zip_with_empty_parts(100_000, declared_count))
    started = time.monotonic()

    error = rejection(path, "many.docx")

    assert error.message == file_rules.MSG_TOO_MANY_PARTS
    assert error.params == {"max_parts": 10_000}
    assert time.monotonic() - started < 1.0


@pytest.mark.parametrize(
    "part_name", ["../../evil.xml", "word/../../evil.xml", "/etc/cron.d/x", "..\\..\\x.xml", "C:x"]
)
def test_office_file_with_a_traversing_part_name_is_rejected(
    tmp_path: Path, part_name: str
) -> None:
    data = builders.rebuilt_docx(add={part_name: b"<x/>"})

    assert rejection(write(tmp_path, data), "report.docx").message == file_rules.MSG_UNSAFE_PARTS


def test_macro_enabled_office_files_are_rejected(tmp_path: Path) -> None:
    with_vba = builders.rebuilt_docx(add={"word/vbaProject.bin": b"\x00" * 16})
    macro_types = builders.docx_with_main_type(
        "application/vnd.ms-word.document.macroEnabled.main+xml"
    )
    odt_with_basic = builders.odt_bytes(
        builders.odt_content("<text:p>x</text:p>"), extra={"Basic/Standard/Module1.xml": b"<x/>"}
    )

    for data in (with_vba, macro_types, odt_with_basic):
        assert rejection(write(tmp_path, data), "report.docx").message == file_rules.MSG_MACROS


def test_zip_that_is_not_an_office_document_is_rejected(tmp_path: Path) -> None:
    spreadsheet = builders.odt_bytes(
        builders.odt_content(), mimetype="application/vnd.oasis.opendocument.spreadsheet"
    )
    without_main_part = builders.rebuilt_docx(remove=frozenset({"word/document.xml"}))
    template = builders.docx_with_main_type(
        "application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml"
    )
    assert rejection(write(tmp_path, spreadsheet), "x.odt").message == file_rules.MSG_NOT_ACCEPTED
    assert rejection(write(tmp_path, builders.zip_with_empty_parts(3)), "x.docx").message == (
        file_rules.MSG_NOT_ACCEPTED
    )
    assert rejection(write(tmp_path, template), "x.docx").message == file_rules.MSG_NOT_ACCEPTED
    assert rejection(write(tmp_path, without_main_part), "x.docx").message == (
        file_rules.MSG_DAMAGED_ARCHIVE
    )


def test_office_file_with_an_entity_expansion_in_content_types_is_rejected(
    tmp_path: Path,
) -> None:
    laughs = (
        b'<?xml version="1.0"?><!DOCTYPE t [<!ENTITY a "aaaaaaaaaa">'
        b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><Types>&b;</Types>'
    )
    data = builders.rebuilt_docx(replace={"[Content_Types].xml": laughs})

    assert rejection(write(tmp_path, data), "x.docx").message == file_rules.MSG_DAMAGED_ARCHIVE
