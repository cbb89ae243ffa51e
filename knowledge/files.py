"""Checks uploaded knowledge-product files by their content and stores them under random names."""

from __future__ import annotations

import codecs
import hashlib
import os
import re
import secrets
import struct
import unicodedata
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO
from xml.etree.ElementTree import ParseError

from defusedxml import ElementTree as SafeElementTree
from defusedxml.common import DefusedXmlException


def N_(message: str) -> str:  # noqa: N802 - the name Babel's extractor looks for by default
    """Mark a message id for translation by the caller; this module must not import Flask."""
    return message


MSG_TOO_LARGE = N_("The file is larger than the limit of %(max_mb)s MB.")
MSG_EMPTY = N_("The file is empty.")
MSG_NOT_ACCEPTED = N_(
    "This file is not a PDF, Word, Excel, PowerPoint, OpenDocument, CSV or text file."
)
MSG_EXECUTABLE = N_("Programs and scripts cannot be uploaded.")
MSG_MARKUP = N_("HTML, SVG and XML files cannot be uploaded.")
MSG_OLD_OFFICE = N_(
    "Old Office formats (.doc, .xls, .ppt) and password-protected Office files cannot be "
    "uploaded; save the file as .docx, .xlsx or .pptx without a password."
)
MSG_DAMAGED_PDF = N_("This PDF file is damaged and cannot be read.")
MSG_DAMAGED_ARCHIVE = N_("This Office or OpenDocument file is damaged and cannot be read.")
MSG_EXPANDS = N_("The file expands to more than %(max_mb)s MB when opened and cannot be accepted.")
MSG_TOO_MANY_PARTS = N_(
    "The file has more than %(max_parts)s internal parts and cannot be accepted."
)
MSG_UNSAFE_PARTS = N_("The file contains unsafe internal file names and cannot be accepted.")
MSG_MACROS = N_("Files with macros cannot be uploaded.")
MSG_NOT_UTF8 = N_("Text and CSV files must be saved with UTF-8 encoding.")
MSG_PATH_NAME = N_("The file name must not contain folder names such as ../; rename the file.")
MSG_CHANGED = N_("The file changed while it was being stored; please upload it again.")

KINDS = ("pdf", "docx", "xlsx", "pptx", "odt", "csv", "txt")
MIME_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "odt": "application/vnd.oasis.opendocument.text",
    "csv": "text/csv",
    "txt": "text/plain",
}

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
_MAX_ARCHIVE_PARTS = 10_000
_MAX_UNCOMPRESSED_BYTES = 100 * 1024 * 1024
# Deflated XML rarely shrinks more than 50-fold; zeros shrink about 1000-fold.
_MAX_PART_RATIO = 200
_RATIO_CHECKED_ABOVE = 1024 * 1024
_PLAIN_COMPRESSION = (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED)
_ODT_MIME = "application/vnd.oasis.opendocument.text"
_CONTENT_TYPES_NS = "{http://schemas.openxmlformats.org/package/2006/content-types}"
_OOXML_MAIN_TYPES = {
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml": "docx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml": "xlsx",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml": "pptx",
}
_STORAGE_KEY = re.compile(r"([0-9a-f]{2})/([0-9a-f]{2})/([0-9a-f]{32})")


class UploadRejected(Exception):
    """An uploaded file is refused; `message` is an English message id, `params` fill it in."""

    def __init__(self, message: str, params: dict[str, object] | None = None) -> None:
        self.message = message
        self.params: dict[str, object] = dict(params or {})
        super().__init__(message % self.params if self.params else message)


@dataclass(frozen=True, slots=True)
class CheckedFile:
    """What the content check learnt about an accepted file; `extension` has no leading dot."""

    kind: str
    mime: str
    extension: str
    size: int
    sha256: str
    safe_name: str


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
        raise UploadRejected(MSG_TOO_LARGE, {"max_mb": _megabytes(max_bytes)})
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
        kind = _check_archive(path, size)
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


def store_file(data_dir: Path, path: Path, checked: CheckedFile) -> str:
    """Copy a checked upload below `data_dir/files/` under a random name; return its storage key.

    The copy is verified against the checked size and sha256, so a file swapped after the check
    is refused; directories are created 0o700 and the file 0o600.
    """
    root = _files_root(data_dir)
    token = secrets.token_hex(16)
    folder = root / token[:2] / token[2:4]
    for directory in (root, folder.parent, folder):
        _make_private_dir(directory)
    temporary = folder / f".{token}.part"
    digest = hashlib.sha256()
    size = 0
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
    try:
        with os.fdopen(os.open(temporary, flags, 0o600), "wb") as out, path.open("rb") as src:
            while chunk := src.read(_CHUNK):
                digest.update(chunk)
                size += len(chunk)
                out.write(chunk)
            out.flush()
            os.fsync(out.fileno())
        if size != checked.size or digest.hexdigest() != checked.sha256:
            raise UploadRejected(MSG_CHANGED)
        os.replace(temporary, folder / token)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return f"{token[:2]}/{token[2:4]}/{token}"


def resolve_stored(data_dir: Path, key: str) -> Path:
    """The path of a stored file; raises ValueError for anything but a well-formed storage key."""
    match = _STORAGE_KEY.fullmatch(key) if isinstance(key, str) else None
    if match is None or not match[3].startswith(match[1] + match[2]):
        raise ValueError("not a storage key")
    return data_dir / "files" / match[1] / match[2] / match[3]


def remove_stored(data_dir: Path, key: str) -> None:
    """Delete a stored file, e.g. when the transaction that recorded it is rolled back."""
    resolve_stored(data_dir, key).unlink(missing_ok=True)


def _files_root(data_dir: Path) -> Path:
    if "static" in data_dir.resolve().parts:
        raise ValueError("uploaded files must not be stored below a static directory")
    data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    return data_dir / "files"


def _make_private_dir(directory: Path) -> None:
    try:
        directory.mkdir(mode=0o700)
    except FileExistsError:
        return
    # mkdir's mode is filtered through the umask; set it exactly on what we created.
    directory.chmod(0o700)


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


def _check_archive(path: Path, size: int) -> str:
    with path.open("rb") as stream:
        _count_archive_parts(stream, size)
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
            _check_archive_parts(infos)
            names = {info.filename for info in infos}
            if "mimetype" in names:
                return _check_odt(archive, names)
            if "[Content_Types].xml" in names:
                return _check_ooxml(archive, names)
    except (
        zipfile.BadZipFile,
        zlib.error,
        EOFError,
        NotImplementedError,
        UnicodeDecodeError,
        ParseError,
        DefusedXmlException,
    ):
        raise UploadRejected(MSG_DAMAGED_ARCHIVE) from None
    raise UploadRejected(MSG_NOT_ACCEPTED)


def _count_archive_parts(stream: BinaryIO, size: int) -> None:
    """Count central directory headers up to the cap before zipfile loads them all."""
    tail_size = min(size, 22 + 65535)
    stream.seek(size - tail_size)
    tail = stream.read(tail_size)
    # Same search order as zipfile: a record without comment first, then the last signature.
    at = len(tail) - 22 if tail[-22:-18] == b"PK\x05\x06" else tail.rfind(b"PK\x05\x06")
    if at < 0 or len(tail) - at < 22:
        raise UploadRejected(MSG_DAMAGED_ARCHIVE)
    entries, directory_size, directory_at = struct.unpack("<HII", tail[at + 10 : at + 20])
    locator_at = size - tail_size + at - 20
    if locator_at >= 0:
        stream.seek(locator_at)
        locator = stream.read(20)
        if locator[:4] == b"PK\x06\x07":
            stream.seek(struct.unpack("<Q", locator[8:16])[0])
            record = stream.read(56)
            if record[:4] != b"PK\x06\x06" or len(record) < 56:
                raise UploadRejected(MSG_DAMAGED_ARCHIVE)
            entries, directory_size, directory_at = struct.unpack("<QQQ", record[32:56])
    if entries > _MAX_ARCHIVE_PARTS:
        raise UploadRejected(MSG_TOO_MANY_PARTS, {"max_parts": _MAX_ARCHIVE_PARTS})
    if directory_at + directory_size > size:
        raise UploadRejected(MSG_DAMAGED_ARCHIVE)
    position, count = directory_at, 0
    while position < directory_at + directory_size:
        stream.seek(position)
        header = stream.read(46)
        if len(header) < 46 or header[:4] != b"PK\x01\x02":
            raise UploadRejected(MSG_DAMAGED_ARCHIVE)
        count += 1
        if count > _MAX_ARCHIVE_PARTS:
            raise UploadRejected(MSG_TOO_MANY_PARTS, {"max_parts": _MAX_ARCHIVE_PARTS})
        position += 46 + sum(struct.unpack("<HHH", header[28:34]))


def _check_archive_parts(infos: list[zipfile.ZipInfo]) -> None:
    if len(infos) > _MAX_ARCHIVE_PARTS:
        raise UploadRejected(MSG_TOO_MANY_PARTS, {"max_parts": _MAX_ARCHIVE_PARTS})
    seen: set[str] = set()
    total = 0
    for info in infos:
        if _is_unsafe_part_name(info.filename) or info.filename.lower() in seen:
            raise UploadRejected(MSG_UNSAFE_PARTS)
        seen.add(info.filename.lower())
        if info.flag_bits & 0x1 or info.compress_type not in _PLAIN_COMPRESSION:
            raise UploadRejected(MSG_DAMAGED_ARCHIVE)
        # zipfile never inflates a part beyond its declared size, so the declared sizes bound
        # what any parser using it can be made to read.
        total += info.file_size
        inflated = info.file_size > _RATIO_CHECKED_ABOVE and (
            info.file_size > _MAX_PART_RATIO * max(info.compress_size, 1)
        )
        if total > _MAX_UNCOMPRESSED_BYTES or inflated:
            raise UploadRejected(MSG_EXPANDS, {"max_mb": _megabytes(_MAX_UNCOMPRESSED_BYTES)})


def _is_unsafe_part_name(name: str) -> bool:
    if not name or "\x00" in name or name.startswith(("/", "\\")) or re.match(r"[A-Za-z]:", name):
        return True
    return ".." in re.split(r"[/\\]", name)


def _check_odt(archive: zipfile.ZipFile, names: set[str]) -> str:
    if archive.getinfo("mimetype").file_size > 100:
        raise UploadRejected(MSG_NOT_ACCEPTED)
    if archive.read("mimetype").decode("ascii", "replace").strip() != _ODT_MIME:
        raise UploadRejected(MSG_NOT_ACCEPTED)
    if "content.xml" not in names:
        raise UploadRejected(MSG_DAMAGED_ARCHIVE)
    if any(name.startswith(("Basic/", "Scripts/")) for name in names):
        raise UploadRejected(MSG_MACROS)
    return "odt"


def _check_ooxml(archive: zipfile.ZipFile, names: set[str]) -> str:
    lowered = {name.lower() for name in names}
    content_types = archive.getinfo("[Content_Types].xml")
    if content_types.file_size > 1024 * 1024 or "_rels/.rels" not in lowered:
        raise UploadRejected(MSG_DAMAGED_ARCHIVE)
    if any(name.endswith("vbaproject.bin") for name in lowered):
        raise UploadRejected(MSG_MACROS)
    kinds: set[str] = set()
    for element in SafeElementTree.fromstring(archive.read(content_types)):
        content_type = element.get("ContentType", "")
        if "macroenabled" in content_type.lower() or "vbaproject" in content_type.lower():
            raise UploadRejected(MSG_MACROS)
        if element.tag == f"{_CONTENT_TYPES_NS}Override" and content_type in _OOXML_MAIN_TYPES:
            if element.get("PartName", "").lstrip("/").lower() not in lowered:
                raise UploadRejected(MSG_DAMAGED_ARCHIVE)
            kinds.add(_OOXML_MAIN_TYPES[content_type])
    if len(kinds) != 1:
        raise UploadRejected(MSG_NOT_ACCEPTED)
    return kinds.pop()


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
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        while chunk := stream.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f}".removesuffix(".0")


def _last_path_part(name: str) -> str:
    return re.split(r"[/\\]", name)[-1]


def _extension(name: str) -> str:
    return name.rpartition(".")[2].lower() if "." in name else ""


def _is_printable_name_char(char: str) -> bool:
    category = unicodedata.category(char)
    return not category.startswith("C") or char in _KEPT_FORMAT_CHARS
