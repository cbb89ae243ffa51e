"""Checks an uploaded knowledge-product file by its content: its kind, its safety, its name."""

from __future__ import annotations

import codecs
import hashlib
import re
import unicodedata
from pathlib import Path

from knowledge.archive_checks import check_archive
from knowledge.file_rules import (
    MIME_TYPES,
    MSG_ACTIVE_PDF,
    MSG_DAMAGED_PDF,
    MSG_EMPTY,
    MSG_EXECUTABLE,
    MSG_MARKUP,
    MSG_NOT_ACCEPTED,
    MSG_NOT_UTF8,
    MSG_OLD_OFFICE,
    MSG_PATH_NAME,
    MSG_TOO_LARGE,
    CheckedFile,
    UploadRejected,
    megabytes,
)
from knowledge.pdf_active import has_active_content

_CHUNK = 1024 * 1024
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_MACHO_MAGICS = {
    b"\xfe\xed\xfa\xce",
    b"\xfe\xed\xfa\xcf",
    b"\xce\xfa\xed\xfe",
    b"\xcf\xfa\xed\xfe",
    b"\xca\xfe\xba\xbe",
    b"\xbe\xba\xfe\xca",
}
_PDF_HEADER = re.compile(rb"%PDF-[12]\.\d")
_PDF_TRAILER = re.compile(rb"startxref\s+(\d+)\s*%%EOF")
_PDF_XREF_TARGET = re.compile(rb"\s*(xref|\d+\s+\d+\s+obj)")
# Tab, line feed, vertical tab, form feed, carriage return and the DOS end-of-file mark occur in
# real text exports; every other C0 control (and DEL) means the file is binary.
_FORBIDDEN_CONTROLS = re.compile(r"[\x00-\x08\x0e-\x19\x1b-\x1f\x7f]")
_MARKUP_START = re.compile(r"<[a-zA-Z!?/]")
_MARKUP_ANYWHERE = re.compile(
    r"<\s*(script|svg|html|iframe|object|embed|body|head|meta|math)\b|<!doctype|<\?xml",
    re.IGNORECASE,
)
_MARKUP_SCAN_CHARS = 64 * 1024
_RESERVED_NAME_CHARS = re.compile(r'[<>:"|?*]')
_WINDOWS_DEVICES = re.compile(r"(con|prn|aux|nul|com\d|lpt\d)(\..*)?", re.IGNORECASE)
# Zero-width (non-)joiners are format characters that Persian, Arabic and Indic names need.
_KEPT_FORMAT_CHARS = {"\u200c", "\u200d"}
_MAX_NAME_CHARS = 150


def check_upload(path: Path, original_name: str, max_bytes: int) -> CheckedFile:
    """Decide an uploaded file's type from its content, or raise `UploadRejected`.

    The original name and the declared MIME type never decide the type; the name only tells
    CSV from plain text, which look the same inside.
    """
    # Browsers send a bare name; a path in it is a hand-made request probing for traversal.
    if "/" in original_name or "\\" in original_name:
        raise UploadRejected(MSG_PATH_NAME)
    size = path.stat().st_size
    if size > max_bytes:
        raise UploadRejected(MSG_TOO_LARGE, {"max_mb": megabytes(max_bytes)})
    if size == 0:
        raise UploadRejected(MSG_EMPTY)
    with path.open("rb") as stream:
        head = stream.read(8192)
    if _is_executable(head):
        raise UploadRejected(MSG_EXECUTABLE)
    if head.startswith(b"%PDF-"):
        _check_pdf(path, head, size)
        kind = "pdf"
    elif head.startswith(b"PK\x03\x04"):
        kind = check_archive(path, size)
    elif head.startswith(_OLE_MAGIC):
        raise UploadRejected(MSG_OLD_OFFICE)
    else:
        _check_text(path, head)
        kind = "csv" if _extension(_last_path_part(original_name)) == "csv" else "txt"
    return CheckedFile(
        kind=kind,
        mime=MIME_TYPES[kind],
        extension=kind,
        size=size,
        sha256=_sha256(path),
        safe_name=safe_file_name(original_name, kind),
    )


def safe_file_name(original_name: str, kind: str) -> str:
    """A display and download name: the last path part, printable, ending with the kind's suffix.

    Unicode letters are kept ("Política nacional.pdf"); path separators, control and bidi
    override characters, characters Windows forbids and leading or trailing dots are not.
    """
    name = unicodedata.normalize("NFC", _last_path_part(original_name))
    name = "".join(char for char in name if char.isspace() or _is_printable_name_char(char))
    name = _RESERVED_NAME_CHARS.sub("_", name)
    name = " ".join(name.split()).strip(". ")
    if _WINDOWS_DEVICES.fullmatch(name):
        name = f"_{name}"
    suffix = f".{kind}"
    if not name.lower().endswith(suffix):
        name = f"{name}{suffix}" if name else f"file{suffix}"
    stem, suffix = name[: -len(suffix)], name[-len(suffix) :]
    return f"{stem[: _MAX_NAME_CHARS - len(suffix)].rstrip('. ')}{suffix}"


def detect_text_encoding(head: bytes) -> str:
    """The codec for a text upload: UTF-16 only with a byte-order mark, otherwise UTF-8."""
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    return "utf-8-sig"


def _is_executable(head: bytes) -> bool:
    if head.startswith(b"\x7fELF") or head[:4] in _MACHO_MAGICS:
        return True
    if head.startswith(b"MZ") and b"\x00" in head[:64]:
        return True
    return head.removeprefix(codecs.BOM_UTF8).startswith(b"#!")


def _check_pdf(path: Path, head: bytes, size: int) -> None:
    if not _PDF_HEADER.match(head):
        raise UploadRejected(MSG_DAMAGED_PDF)
    tail_size = min(size, 2048)
    with path.open("rb") as stream:
        stream.seek(size - tail_size)
        tail = stream.read(tail_size)
        trailers = list(_PDF_TRAILER.finditer(tail))
        if not trailers:
            raise UploadRejected(MSG_DAMAGED_PDF)
        xref_offset = int(trailers[-1][1])
        if not 0 < xref_offset < size:
            raise UploadRejected(MSG_DAMAGED_PDF)
        stream.seek(xref_offset)
        if not _PDF_XREF_TARGET.match(stream.read(64)):
            raise UploadRejected(MSG_DAMAGED_PDF)
    if has_active_content(path):
        raise UploadRejected(MSG_ACTIVE_PDF)


def _check_text(path: Path, head: bytes) -> None:
    encoding = detect_text_encoding(head)
    decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
    scanned = ""
    with path.open("rb") as stream:
        while True:
            chunk = stream.read(_CHUNK)
            try:
                text = decoder.decode(chunk, final=not chunk)
            except UnicodeDecodeError:
                binary = encoding != "utf-16" and re.search(rb"[\x00-\x08\x0e-\x1f]", chunk)
                raise UploadRejected(MSG_NOT_ACCEPTED if binary else MSG_NOT_UTF8) from None
            if _FORBIDDEN_CONTROLS.search(text):
                raise UploadRejected(MSG_NOT_ACCEPTED)
            if len(scanned) < _MARKUP_SCAN_CHARS:
                scanned += text[: _MARKUP_SCAN_CHARS - len(scanned)]
                _check_not_markup(scanned)
            if not chunk:
                return


def _check_not_markup(text: str) -> None:
    start = text.lstrip("\ufeff \t\r\n\f\v")
    if start.startswith("#!"):
        raise UploadRejected(MSG_EXECUTABLE)
    if _MARKUP_START.match(start) or _MARKUP_ANYWHERE.search(text):
        raise UploadRejected(MSG_MARKUP)


def _sha256(path: Path) -> str:
    with path.open("rb") as stream:
        return hashlib.file_digest(stream, "sha256").hexdigest()


def _last_path_part(name: str) -> str:
    return re.split(r"[/\\]", name)[-1]


def _extension(name: str) -> str:
    return name.rpartition(".")[2].lower() if "." in name else ""


def _is_printable_name_char(char: str) -> bool:
    category = unicodedata.category(char)
    return not category.startswith("C") or char in _KEPT_FORMAT_CHARS
