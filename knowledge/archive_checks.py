"""Content checks of ZIP-based uploads (Office Open XML, OpenDocument): bombs, parts, macros."""

from __future__ import annotations

import re
import struct
import zipfile
import zlib
from pathlib import Path
from typing import BinaryIO
from xml.etree.ElementTree import ParseError

from defusedxml import ElementTree as SafeElementTree
from defusedxml.common import DefusedXmlException

from knowledge.file_rules import (
    MSG_DAMAGED_ARCHIVE,
    MSG_EXPANDS,
    MSG_MACROS,
    MSG_NOT_ACCEPTED,
    MSG_TOO_MANY_PARTS,
    MSG_UNSAFE_PARTS,
    UploadRejected,
    megabytes,
)

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


def check_archive(path: Path, size: int) -> str:
    """The kind (docx, xlsx, pptx or odt) of a ZIP upload, or raise `UploadRejected`."""
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
            raise UploadRejected(MSG_EXPANDS, {"max_mb": megabytes(_MAX_UNCOMPRESSED_BYTES)})


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
