"""Subprocess that reads one file's text under memory and CPU limits and prints it as JSON.

Run as a stand-alone script in isolated mode (`python -I -B extraction_worker.py ...`): it imports
only the standard library and the parsers, never the portal package and its Flask imports.
"""

from __future__ import annotations

import argparse
import codecs
import importlib
import json
import logging
import resource
import sys
import traceback
import warnings
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time
from functools import partial
from pathlib import Path
from typing import Any, TextIO
from xml.etree.ElementTree import Element

_ODF_TEXT = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"
_ODF_LINES = {f"{_ODF_TEXT}p", f"{_ODF_TEXT}h"}
_ODF_CONTENT_LIMIT = 100 * 1024 * 1024


class _Encrypted(Exception):  # noqa: N818 - an outcome, not a failure
    """The file needs a password that nobody gave."""


@dataclass
class TextSink:
    """Collects text pieces up to a character budget, one piece per line."""

    max_chars: int
    parts: list[str] = field(default_factory=list)
    length: int = 0
    truncated: bool = False
    failed_pieces: int = 0

    @property
    def full(self) -> bool:
        return self.truncated or self.length >= self.max_chars

    def add(self, text: str) -> None:
        text = text.strip("\n")
        if not text.strip() or self.full:
            return
        if self.parts:
            text = f"\n{text}"
        room = self.max_chars - self.length
        if len(text) > room:
            text = text[:room]
            self.truncated = True
        self.parts.append(text)
        self.length += len(text)

    def text(self) -> str:
        return "".join(self.parts)


def read_pdf(path: Path, sink: TextSink) -> None:
    from pypdf import PasswordType, PdfReader
    from pypdf.errors import DependencyError, PdfReadError

    reader = PdfReader(path)
    if reader.is_encrypted:
        # Many published reports carry only an owner password (copy restrictions): an empty
        # user password opens them.
        try:
            opened = reader.decrypt("") != PasswordType.NOT_DECRYPTED
        except (DependencyError, NotImplementedError, PdfReadError):
            opened = False
        if not opened:
            raise _Encrypted
    for page in reader.pages:
        _add_piece(sink, partial(_page_text, page))
        if sink.full:
            return


def read_docx(path: Path, sink: TextSink) -> None:
    from docx import Document
    from docx.table import Table

    document = Document(str(path))
    for block in document.iter_inner_content():
        if isinstance(block, Table):
            _add_rows(sink, (_distinct_cells(row.cells) for row in block.rows))
        else:
            sink.add(block.text)
    for section in document.sections:
        for part in (section.header, section.footer):
            if not part.is_linked_to_previous:
                for paragraph in part.paragraphs:
                    sink.add(paragraph.text)


def read_xlsx(path: Path, sink: TextSink) -> None:
    from openpyxl import load_workbook

    workbook = load_workbook(path, read_only=True, data_only=True)
    try:
        for sheet in workbook.worksheets:
            # The declared dimension may claim a million columns; read only cells that exist.
            sheet.reset_dimensions()
            rows = sheet.iter_rows(values_only=True)
            lines = ([_cell_text(value) for value in row] for row in rows)
            titled = False
            for line in lines:
                if any(line) and not titled:
                    sink.add(sheet.title)
                    titled = True
                _add_rows(sink, [line])
                if sink.full:
                    return
    finally:
        workbook.close()


def read_pptx(path: Path, sink: TextSink) -> None:
    from pptx import Presentation

    for slide in Presentation(str(path)).slides:
        _add_shapes(sink, slide.shapes)
        if slide.has_notes_slide and slide.notes_slide.notes_text_frame is not None:
            sink.add(slide.notes_slide.notes_text_frame.text)
        if sink.full:
            return


def read_odt(path: Path, sink: TextSink) -> None:
    from defusedxml import ElementTree as SafeElementTree

    with zipfile.ZipFile(path) as archive:
        if archive.getinfo("content.xml").file_size > _ODF_CONTENT_LIMIT:
            raise MemoryError("content.xml is too large")
        root = SafeElementTree.fromstring(archive.read("content.xml"))
    for element in root.iter():
        if element.tag in _ODF_LINES:
            sink.add("".join(_odf_text(element)))
            if sink.full:
                return


def read_plain_text(path: Path, sink: TextSink) -> None:
    with path.open("rb") as stream:
        # At most four bytes per character: reading more could only be thrown away.
        raw = stream.read(sink.max_chars * 4 + 4)
        complete = not stream.read(1)
    # The same rule as knowledge.file_checks.detect_text_encoding, which accepted the file.
    utf16 = raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
    decoder = codecs.getincrementaldecoder("utf-16" if utf16 else "utf-8-sig")(errors="replace")
    text = decoder.decode(raw, final=complete)
    sink.add(text)
    if not complete:
        sink.truncated = True


READERS: dict[str, Callable[[Path, TextSink], None]] = {
    "pdf": read_pdf,
    "docx": read_docx,
    "xlsx": read_xlsx,
    "pptx": read_pptx,
    "odt": read_odt,
    "csv": read_plain_text,
    "txt": read_plain_text,
}


PARSER_MODULES = {
    "pdf": "pypdf",
    "docx": "docx",
    "xlsx": "openpyxl",
    "pptx": "pptx",
    "odt": "defusedxml.ElementTree",
    "csv": "codecs",
    "txt": "codecs",
}


def _page_text(page: Any) -> str:
    text: str = page.extract_text() or ""
    return text


def _add_piece(sink: TextSink, read: Callable[[], str]) -> None:
    """Keep what the other pages give when one page of a damaged file cannot be read."""
    try:
        sink.add(read())
    except MemoryError:
        raise
    except Exception:
        sink.failed_pieces += 1
        traceback.print_exc(file=sys.stderr)


def _add_rows(sink: TextSink, rows: Iterable[list[str]]) -> None:
    for row in rows:
        sink.add("\t".join(text for text in row if text))


def _distinct_cells(cells: Iterable[Any]) -> list[str]:
    """python-docx repeats a merged cell once per grid column it spans; keep it once."""
    seen: set[int] = set()
    texts = []
    for cell in cells:
        if id(cell._tc) not in seen:
            seen.add(id(cell._tc))
            texts.append(cell.text)
    return texts


def _add_shapes(sink: TextSink, shapes: Iterable[Any]) -> None:
    for shape in shapes:
        if hasattr(shape, "shapes"):
            _add_shapes(sink, shape.shapes)
        elif shape.has_text_frame:
            sink.add(shape.text_frame.text)
        elif shape.has_table:
            _add_rows(sink, ([cell.text for cell in row.cells] for row in shape.table.rows))


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    return str(value)


def _odf_text(element: Element) -> Iterable[str]:
    if element.text:
        yield element.text
    for child in element:
        if child.tag == f"{_ODF_TEXT}s":
            yield " " * min(int(child.get(f"{_ODF_TEXT}c", "1")), 100)
        elif child.tag == f"{_ODF_TEXT}tab":
            yield "\t"
        elif child.tag == f"{_ODF_TEXT}line-break":
            yield "\n"
        elif child.tag not in _ODF_LINES:
            yield from _odf_text(child)
        if child.tail:
            yield child.tail


def _limit_resources(memory_mb: int, cpu_seconds: int) -> None:
    memory = memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    # The soft limit sends SIGXCPU; the hard one, a second later, SIGKILL.
    resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds + 1))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def extract(path: Path, kind: str, max_chars: int) -> dict[str, object]:
    """Read the text of one file; the parent turns this into an ExtractionResult."""
    sink = TextSink(max_chars=max_chars)
    try:
        READERS[kind](path, sink)
    except _Encrypted:
        return {"status": "encrypted"}
    text = sink.text()
    if not text.strip():
        return {"status": "unreadable" if sink.failed_pieces else "empty"}
    return {
        "status": "ok",
        "text": text,
        "truncated": sink.truncated,
        "partial": sink.failed_pieces > 0,
    }


def prepare(kinds: Iterable[str]) -> None:
    """Import the parsers of `kinds` before any limit is set: their own code is trusted."""
    # openpyxl imports numpy when it can, and numpy's OpenBLAS aborts the process when its
    # buffers do not fit under the address-space limit; cell values need no numpy.
    sys.modules["numpy"] = None  # type: ignore[assignment]
    for kind in kinds:
        importlib.import_module(PARSER_MODULES[kind])


def limited_extract(
    path: Path, kind: str, *, max_chars: int, memory_mb: int, cpu_seconds: int, output: TextIO
) -> None:
    """Limit this process, read the file and write one JSON object to `output`.

    The limits bound only what the file makes the parser do (see `prepare`), so a tight limit
    cannot pass for a damaged file.
    """
    _limit_resources(memory_mb, cpu_seconds)
    # Parsers that print must not corrupt the JSON answer.
    sys.stdout = sys.stderr
    warnings.simplefilter("ignore")
    logging.basicConfig(level=logging.ERROR, stream=sys.stderr)
    outcome: dict[str, object]
    try:
        outcome = extract(path, kind, max_chars)
    except MemoryError:
        outcome = {"status": "too_large"}
    except Exception:
        traceback.print_exc(file=sys.stderr)
        outcome = {"status": "unreadable"}
    # Written after the except blocks so the failed parse's memory has been released.
    json.dump(outcome, output, ensure_ascii=True)
    output.flush()


def main(argv: list[str] | None = None) -> int:
    """Parse arguments, limit this process, extract, and print one JSON object on stdout."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--kind", required=True, choices=sorted(READERS))
    parser.add_argument("--max-chars", type=int, required=True)
    parser.add_argument("--memory-mb", type=int, required=True)
    parser.add_argument("--cpu-seconds", type=int, required=True)
    parser.add_argument("path", type=Path)
    args = parser.parse_args(argv)
    prepare([args.kind])
    limited_extract(
        args.path,
        args.kind,
        max_chars=args.max_chars,
        memory_mb=args.memory_mb,
        cpu_seconds=args.cpu_seconds,
        output=sys.stdout,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
