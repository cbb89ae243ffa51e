"""Cells of targets and values as people type them: figures and years, with the problem named."""

from __future__ import annotations

import math
import re
from typing import Any

from portal.markers import N_

_NUMBER = re.compile(r"^\d+(\.\d+)?$")


class BadCell(ValueError):
    """A cell that cannot be read; carries a message id and its parameters."""

    def __init__(self, message: str, **params: Any) -> None:
        super().__init__(message % params if params else message)
        self.message = message
        self.params = params


def parse_number(text: str, unit: str) -> float:
    """A figure as people type it: 0.87 or 87% for a percentage; 6501 or 12.5 otherwise."""
    raw = text.strip()
    percent = unit == "percent" and raw.endswith("%")
    digits = raw[:-1].strip() if percent else raw
    if "," in digits:
        raise BadCell(
            N_("Write %(value)s with a decimal point and no thousands separator."), value=raw
        )
    if not _NUMBER.match(digits):
        raise BadCell(N_("%(value)s is not a number of zero or more."), value=raw[:40])
    number = float(digits) / (100 if percent else 1)
    if not math.isfinite(number):
        raise BadCell(N_("%(value)s is not a number of zero or more."), value=raw[:40])
    if unit == "percent" and number > 1:
        raise BadCell(
            N_(
                "%(value)s is not a share: write a fraction between 0 and 1, or a percentage "
                "such as 87%%."
            ),
            value=raw,
        )
    return number


def parse_year(text: str) -> int:
    raw = text.strip()
    if not (raw.isdigit() and len(raw) == 4):
        raise BadCell(N_("%(value)s is not a year."), value=raw[:20])
    return int(raw)
