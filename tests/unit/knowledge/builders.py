"""Builds small real and hostile files for the knowledge file-handling tests."""

from __future__ import annotations

import io
import struct
import zipfile
from pathlib import Path

import docx
import openpyxl
import pptx

ODT_MIME = "application/vnd.oasis.opendocument.text"
DOCX_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"


def pdf_with_content(content: bytes) -> bytes:
    """A one-page PDF whose page draws `content` with Helvetica, with a correct xref table."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref_at = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref_at,
    )
    return bytes(out)


def pdf_with_text(text: str) -> bytes:
    return pdf_with_content(b"BT /F1 12 Tf 72 720 Td (%s) Tj ET" % text.encode("latin-1"))


def slow_pdf(operations: int = 200_000) -> bytes:
    """A PDF whose single page has so many text operations that pypdf needs seconds to read it."""
    return pdf_with_content(b"BT /F1 12 Tf 10 10 Td " + b"(Hello) Tj 1 0 Td " * operations + b"ET")


def docx_bytes(paragraphs: list[str], table: list[list[str]] | None = None) -> bytes:
    document = docx.Document()
    for paragraph in paragraphs:
        document.add_paragraph(paragraph)
    if table:
        grid = document.add_table(rows=len(table), cols=len(table[0]))
        for row, values in zip(grid.rows, table, strict=True):
            for cell, value in zip(row.cells, values, strict=True):
                cell.text = value
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def xlsx_bytes(rows: list[list[object]]) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "Volunteers"
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def pptx_bytes(title: str, body: str) -> bytes:
    presentation = pptx.Presentation()
    slide = presentation.slides.add_slide(presentation.slide_layouts[1])
    slide.shapes.title.text = title
    slide.placeholders[1].text = body
    buffer = io.BytesIO()
    presentation.save(buffer)
    return buffer.getvalue()


def odt_bytes(
    content_xml: str, mimetype: str = ODT_MIME, extra: dict[str, bytes] | None = None
) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), mimetype)
        archive.writestr("content.xml", content_xml, zipfile.ZIP_DEFLATED)
        archive.writestr(
            "META-INF/manifest.xml",
            '<manifest:manifest xmlns:manifest="'
            'urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"/>',
            zipfile.ZIP_DEFLATED,
        )
        for name, data in (extra or {}).items():
            archive.writestr(name, data, zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


def odt_content(*paragraphs: str) -> str:
    body = "".join(paragraphs)
    return (
        '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"'
        ' xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0">'
        f"<office:body><office:text>{body}</office:text></office:body></office:document-content>"
    )


def rebuilt_docx(
    replace: dict[str, bytes] | None = None,
    add: dict[str, bytes] | None = None,
    remove: frozenset[str] = frozenset(),
) -> bytes:
    """A real python-docx document with some parts replaced, added or removed."""
    source = zipfile.ZipFile(io.BytesIO(docx_bytes(["Volunteering report"])))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in source.infolist():
            if info.filename not in remove:
                data = (replace or {}).get(info.filename, source.read(info))
                archive.writestr(info.filename, data)
        for name, data in (add or {}).items():
            archive.writestr(name, data)
    return buffer.getvalue()


def docx_with_main_type(content_type: str) -> bytes:
    """A real document whose [Content_Types].xml declares another main part type."""
    types = zipfile.ZipFile(io.BytesIO(docx_bytes(["x"]))).read("[Content_Types].xml")
    return rebuilt_docx(
        replace={"[Content_Types].xml": types.replace(DOCX_MAIN.encode(), content_type.encode())}
    )


def write_docx_bomb(path: Path, inflated_mb: int = 300) -> None:
    """A valid DOCX whose word/document.xml inflates to `inflated_mb` MB of zeros (~300 KB file)."""
    source = zipfile.ZipFile(io.BytesIO(docx_bytes(["x"])))
    zeros = bytes(1024 * 1024)
    with zipfile.ZipFile(path, "w") as archive:
        for info in source.infolist():
            if info.filename != "word/document.xml":
                archive.writestr(info, source.read(info))
                continue
            bomb = zipfile.ZipInfo("word/document.xml")
            bomb.compress_type = zipfile.ZIP_DEFLATED
            with archive.open(bomb, "w", force_zip64=True) as part:
                for _ in range(inflated_mb):
                    part.write(zeros)


def zip_with_empty_parts(count: int, declared_count: int | None = None) -> bytes:
    """A ZIP of `count` empty stored parts, written directly (zipfile needs seconds for 100k).

    With `declared_count` the end record states that many parts instead, as a forged file would.
    """
    local = bytearray()
    central = bytearray()
    for index in range(count):
        name = b"p/%d.xml" % index
        # Versions 2.0, no flags, stored, no date, CRC and sizes 0 (the parts are empty).
        central += struct.pack("<4s6H3I", b"PK\x01\x02", 20, 20, 0, 0, 0, 0, 0, 0, 0)
        central += struct.pack("<5H2I", len(name), 0, 0, 0, 0, 0, len(local)) + name
        local += struct.pack("<4s5H3I2H", b"PK\x03\x04", 20, 0, 0, 0, 0, 0, 0, 0, len(name), 0)
        local += name
    out = bytes(local) + bytes(central)
    directory_at, directory_size = len(local), len(central)
    stated = count if declared_count is None else declared_count
    if stated < 0xFFFF:
        end = struct.pack(
            "<4s4H2IH", b"PK\x05\x06", 0, 0, stated, stated, directory_size, directory_at, 0
        )
        return out + end
    record_at = len(out)
    record = struct.pack(
        "<4sQ2H2I4Q", b"PK\x06\x06", 44, 45, 45, 0, 0, stated, stated, directory_size, directory_at
    )
    locator = struct.pack("<4sIQI", b"PK\x06\x07", 0, record_at, 1)
    end = struct.pack("<4s4H2IH", b"PK\x05\x06", 0, 0, 0xFFFF, 0xFFFF, 0xFFFFFFFF, 0xFFFFFFFF, 0)
    return out + record + locator + end


def elf_executable() -> bytes:
    return b"\x7fELF\x02\x01\x01" + bytes(9) + struct.pack("<HHI", 2, 0x3E, 1) + bytes(100)


def pe_executable() -> bytes:
    header = bytearray(b"MZ" + bytes(62))
    header[0x3C:0x40] = struct.pack("<I", 64)
    return bytes(header) + b"PE\x00\x00" + struct.pack("<HH", 0x8664, 1) + bytes(200)
