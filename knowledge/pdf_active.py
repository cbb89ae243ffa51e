"""Finds active content in a PDF (JavaScript, launch actions) by reading its object dictionaries.

Readers run a PDF's JavaScript (`/S /JavaScript`, `/JS`, a `/Names` tree of scripts) and follow
launch actions (`/Launch`) that start programs; a shared library must not hand such files on. The
scan reads every object outside streams and, since PDF 1.5 packs objects into compressed object
streams (`/Type /ObjStm`), inflates those too (bounded in size). Names are compared after decoding
`#xx` escapes, so `/J#61vaScript` is found as `/JavaScript`. Page content and image streams are
not read: a name there has no effect, and text that merely talks about JavaScript is no script.
"""

from __future__ import annotations

import re
import zlib
from pathlib import Path

ACTIVE_NAMES = frozenset({b"JavaScript", b"JS", b"Launch"})
#: Inflated bytes read from one object stream, and from all of them together.
MAX_OBJECT_STREAM = 16 * 1024 * 1024
MAX_OBJECT_STREAMS = 64 * 1024 * 1024

_NAME = re.compile(rb"/([^\s/<>\[\]()%{}]*)")
_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")
_STREAM_START = re.compile(rb"stream\r?\n")
_OBJECT_START = re.compile(rb"\d+\s+\d+\s+obj\b")


def has_active_content(path: Path) -> bool:
    """Whether any object of the PDF names a JavaScript or launch action."""
    data = path.read_bytes()
    budget = MAX_OBJECT_STREAMS
    position = 0
    while True:
        found = _STREAM_START.search(data, position)
        end = len(data) if found is None else found.start()
        if _names_active(data[position:end]):
            return True
        if found is None:
            return False
        stream_end = data.find(b"endstream", found.end())
        if stream_end < 0:
            return False
        dictionary = _dictionary_before(data, found.start())
        if b"/ObjStm" in _decoded(dictionary) and budget > 0:
            inflated = _inflate(data[found.end() : stream_end], min(budget, MAX_OBJECT_STREAM))
            budget -= len(inflated)
            if _names_active(inflated):
                return True
        position = stream_end + len(b"endstream")


def _names_active(chunk: bytes) -> bool:
    return any(_decoded(match[1]) in ACTIVE_NAMES for match in _NAME.finditer(chunk))


def _decoded(name: bytes) -> bytes:
    return _ESCAPE.sub(lambda match: bytes([int(match[1], 16)]), name)


def _dictionary_before(data: bytes, stream_start: int) -> bytes:
    """The object header and dictionary in front of a stream (from its `N G obj`)."""
    window = data[max(0, stream_start - 4096) : stream_start]
    starts = list(_OBJECT_START.finditer(window))
    return window[starts[-1].start() :] if starts else window


def _inflate(raw: bytes, limit: int) -> bytes:
    """Flate-decoded bytes, at most `limit` of them; what cannot be inflated reads as nothing."""
    try:
        return zlib.decompressobj().decompress(raw, limit)
    except zlib.error:
        return b""
