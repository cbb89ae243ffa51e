"""Cells no spreadsheet runs: the one formula guard of every CSV and XLSX the portal writes."""

from __future__ import annotations

import re
from typing import Any

# A formula starts with = + - @ after any blanks; a tab or carriage return first is refused too.
_FORMULA_START = re.compile(r"^[\s]*[=+\-@\t\r]")
_SAFE_FIRST = re.compile(r"[^\s=+\-@]")  # a first character that settles it: the text is safe


def safe_cell(value: Any) -> Any:
    """Text a spreadsheet would run gets a leading apostrophe; numbers, booleans and None stay.

    Leading spaces do not protect a formula in every spreadsheet, so they are looked through.
    """
    if value.__class__ is not str and not isinstance(value, str):
        return value
    if _SAFE_FIRST.match(value) or not _FORMULA_START.match(value):
        return value
    return "'" + value
