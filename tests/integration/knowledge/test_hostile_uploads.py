"""Hostile uploads are refused with a clear message next to the file field; nothing is stored."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from knowledge.models import KnowledgeProduct, ProductFile, SearchOutbox
from tests.integration.knowledge.conftest import count_rows, form_post, stored_file_count

FORM = {
    "title": "Volunteer policy",
    "abstract": "A policy on volunteering.",
    "product_type": "legislation",
    "language": "en",
    "publication_date": "2024-01-10",
    "action": "submit",
}
HTML = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"
SVG = (
    b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)">'
    b"<script>alert(2)</script></svg>"
)
ELF = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 56 + b"\x90" * 512
WINDOWS_EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 200
SCRIPT = b"#!/bin/sh\nrm -rf ~\n"


@pytest.fixture(scope="module")
def docx_bomb(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A DOCX whose document part inflates to 300 MB (about 300 KB on disk)."""
    path = tmp_path_factory.mktemp("bomb") / "report.docx"
    content_types = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Override PartName="/word/document.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>'
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", content_types)
        archive.writestr("_rels/.rels", "<Relationships/>")
        with archive.open("word/document.xml", "w", force_zip64=True) as part:
            chunk = b" " * (1024 * 1024)
            for _ in range(300):
                part.write(chunk)
    return path


def _upload(login, people, content: bytes, name: str) -> str:
    client = login(people.contributor)
    response = form_post(client, "/knowledge/submit", {**FORM, "file": (io.BytesIO(content), name)})
    assert response.status_code == 200
    return response.get_data(as_text=True)


def _file_error(page: str) -> str:
    start = page.index('id="file-error"')
    return page[start : page.index("</div>", start)]


@pytest.fixture
def nothing_stored(session, data_dir: Path) -> Iterator[None]:
    yield
    assert count_rows(session, KnowledgeProduct) == 0
    assert count_rows(session, ProductFile) == 0
    assert count_rows(session, SearchOutbox) == 0
    assert stored_file_count(data_dir) == 0
    assert not any((data_dir / "tmp").iterdir()) if (data_dir / "tmp").exists() else True


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (HTML, "report.pdf", "HTML, SVG and XML files cannot be uploaded."),
        (SVG, "chart.pdf", "HTML, SVG and XML files cannot be uploaded."),
        (ELF, "report.pdf", "Programs and scripts cannot be uploaded."),
        (WINDOWS_EXE, "setup.exe", "Programs and scripts cannot be uploaded."),
        (SCRIPT, "notes.txt", "Programs and scripts cannot be uploaded."),
    ],
    ids=["html-named-pdf", "svg-named-pdf", "elf", "windows-exe", "shell-script"],
)
def test_disguised_or_executable_file_is_refused(
    login, people, nothing_stored, content: bytes, name: str, message: str
) -> None:
    page = _upload(login, people, content, name)

    assert message in _file_error(page)


def test_file_name_climbing_out_of_folders_is_refused(
    login, people, pdf_bytes: bytes, nothing_stored, data_dir: Path
) -> None:
    page = _upload(login, people, pdf_bytes, "../../static/evil.pdf")

    assert "must not contain folder names" in _file_error(page)
    assert not (data_dir.parent / "static").exists()


def test_docx_inflating_to_300_mb_is_refused(
    login, people, docx_bomb: Path, nothing_stored
) -> None:
    page = _upload(login, people, docx_bomb.read_bytes(), "report.docx")

    assert "expands to more than" in _file_error(page)


def test_file_over_the_configured_limit_is_refused(
    app, login, people, pdf_bytes: bytes, nothing_stored
) -> None:
    app.config["PORTAL_MAX_UPLOAD_MB"] = 1
    too_big = pdf_bytes.replace(b"%%EOF", b"%" + b"0" * (1024 * 1024 + 10) + b"\n%%EOF")

    page = _upload(login, people, too_big, "big.pdf")

    assert "larger than the limit of 1 MB" in _file_error(page)


def test_refused_upload_keeps_what_was_typed(login, people, nothing_stored) -> None:
    page = _upload(login, people, HTML, "report.pdf")

    assert 'value="Volunteer policy"' in page
    assert "A policy on volunteering." in page


def test_accepted_file_is_stored_under_a_random_name_outside_static(
    login, people, session, pdf_bytes: bytes, data_dir: Path
) -> None:
    form_post(
        login(people.contributor),
        "/knowledge/submit",
        {**FORM, "file": (io.BytesIO(pdf_bytes), "policy.pdf")},
    )

    stored = session.scalars(select(ProductFile)).one()
    files = [path for path in (data_dir / "files").rglob("*") if path.is_file()]
    assert len(files) == 1
    assert files[0].name == stored.storage_key.rsplit("/", 1)[1]
    assert "policy" not in str(files[0])
    assert "static" not in files[0].parts
    assert files[0].read_bytes() == pdf_bytes


def _pdf_with_open_action(action: bytes) -> bytes:
    """A well-formed one-page PDF (valid cross-reference table) whose catalogue runs `action`."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R /OpenAction 4 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>",
        action,
    ]
    body, offsets = b"%PDF-1.4\n", []
    for number, content in enumerate(objects, start=1):
        offsets.append(len(body))
        body += b"%d 0 obj %s endobj\n" % (number, content)
    xref = len(body)
    body += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    body += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    body += b"trailer << /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return body


@pytest.mark.parametrize(
    "action",
    [b"<< /S /JavaScript /JS (app.alert(1)) >>", b"<< /S /Launch /F (calc.exe) >>"],
    ids=["javascript", "launch"],
)
def test_a_pdf_with_scripts_or_launch_actions_is_refused(
    login, people, nothing_stored, action: bytes
) -> None:
    page = _upload(login, people, _pdf_with_open_action(action), "policy.pdf")

    assert "contains scripts or actions that start programs" in _file_error(page)


def test_a_pdf_whose_open_action_only_shows_a_page_is_accepted(login, people, session) -> None:
    content = _pdf_with_open_action(b"<< /S /GoTo /D [3 0 R /Fit] >>")
    client = login(people.contributor)
    response = form_post(
        client, "/knowledge/submit", {**FORM, "file": (io.BytesIO(content), "v.pdf")}
    )
    assert response.status_code == 302
    assert count_rows(session, ProductFile) == 1
