"""PDFs with JavaScript or launch actions are found, also behind name escapes and inside compressed
object streams; none of the real sample PDFs (forms, outlines, links, open actions) is."""

from __future__ import annotations

import io
import zlib
from pathlib import Path

import pytest
from pypdf import PdfWriter
from pypdf.generic import ArrayObject, DictionaryObject, NameObject, TextStringObject

from knowledge.pdf_active import has_active_content

SAMPLES = Path(__file__).resolve().parents[2] / "data" / "sample-pdfs"


def _write(tmp_path: Path, writer: PdfWriter) -> Path:
    buffer = io.BytesIO()
    writer.write(buffer)
    path = tmp_path / "file.pdf"
    path.write_bytes(buffer.getvalue())
    return path


def _blank() -> PdfWriter:
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    return writer


def test_a_document_level_script_is_found(tmp_path: Path) -> None:
    writer = _blank()
    script = DictionaryObject(
        {
            NameObject("/S"): NameObject("/JavaScript"),
            NameObject("/JS"): TextStringObject("app.alert('hello');"),
        }
    )
    tree = DictionaryObject(
        {NameObject("/Names"): ArrayObject([TextStringObject("hi"), writer._add_object(script)])}
    )
    writer._root_object[NameObject("/Names")] = DictionaryObject(
        {NameObject("/JavaScript"): writer._add_object(tree)}
    )
    assert has_active_content(_write(tmp_path, writer))


def test_an_open_action_running_javascript_is_found(tmp_path: Path) -> None:
    writer = _blank()
    action = DictionaryObject(
        {
            NameObject("/S"): NameObject("/JavaScript"),
            NameObject("/JS"): TextStringObject("this.print();"),
        }
    )
    writer._root_object[NameObject("/OpenAction")] = writer._add_object(action)
    assert has_active_content(_write(tmp_path, writer))


def test_a_launch_action_is_found(tmp_path: Path) -> None:
    writer = _blank()
    action = DictionaryObject(
        {NameObject("/S"): NameObject("/Launch"), NameObject("/F"): TextStringObject("calc.exe")}
    )
    writer._root_object[NameObject("/OpenAction")] = writer._add_object(action)
    assert has_active_content(_write(tmp_path, writer))


def test_an_escaped_name_is_found(tmp_path: Path) -> None:
    path = tmp_path / "escaped.pdf"
    path.write_bytes(b"%PDF-1.4\n1 0 obj << /S /J#61vaScript /J#53 (x) >> endobj\n%%EOF\n")
    assert has_active_content(path)


def test_a_script_inside_a_compressed_object_stream_is_found(tmp_path: Path) -> None:
    packed = zlib.compress(b"5 0 << /S /JavaScript /JS (app.alert(1)) >>")
    path = tmp_path / "objstm.pdf"
    path.write_bytes(
        b"%PDF-1.5\n4 0 obj << /Type /ObjStm /N 1 /First 4 /Filter /FlateDecode /Length "
        + str(len(packed)).encode()
        + b" >>\nstream\n"
        + packed
        + b"\nendstream\nendobj\n%%EOF\n"
    )
    assert has_active_content(path)


def test_text_about_javascript_in_a_page_is_not_a_script(tmp_path: Path) -> None:
    content = b"BT /F1 12 Tf (See /JavaScript and /Launch in the manual) Tj ET"
    path = tmp_path / "text.pdf"
    path.write_bytes(
        b"%PDF-1.4\n3 0 obj << /Length "
        + str(len(content)).encode()
        + b" >>\nstream\n"
        + content
        + b"\nendstream\nendobj\n%%EOF\n"
    )
    assert not has_active_content(path)


@pytest.mark.parametrize("sample", sorted(SAMPLES.glob("*.pdf")), ids=lambda path: path.name)
def test_no_real_sample_is_taken_for_active_content(sample: Path) -> None:
    assert not has_active_content(sample)
