"""Alphabetical order as readers expect it: the Unicode Collation Algorithm (pyuca, DUCET).

Code-point order puts "Bélgica" after "Burundi" and "Österreich" after "Zambia"; the Unicode
collation ranks letters first and accents, then case, only to break ties, the way dictionaries of
the portal's Latin, Cyrillic and Arabic languages do. Chinese names come in Unicode's
radical-and-stroke order (pinyin order would need a pinyin table the portal does not ship).
"""

from __future__ import annotations

import struct
from collections.abc import Callable, Iterable
from functools import cache
from typing import Any, TypeVar

from pyuca import Collator  # type: ignore[import-untyped]  # pyuca ships no type hints

Item = TypeVar("Item")


@cache
def _collator() -> Any:
    # Reading the Unicode table takes most of a second: once per process, on first use.
    return Collator()


def collation_key(text: str) -> tuple[int, ...]:
    """The sort key of ``text``: compare keys to compare texts alphabetically."""
    return tuple(_collator().sort_key(text))


def collation_bytes(text: str) -> bytes:
    """:func:`collation_key` as bytes in the same order (compared byte by byte), for indexes
    that sort by a stored value. Every weight of the table fits in 16 bits."""
    key = collation_key(text)
    return struct.pack(f">{len(key)}H", *(min(weight, 0xFFFF) for weight in key))


def sorted_by_name(items: Iterable[Item], name: Callable[[Item], str]) -> list[Item]:
    """``items`` in the alphabetical order of their ``name`` (already in the reader's language)."""
    return sorted(items, key=lambda item: collation_key(name(item)))
