"""French typography: narrow no-break spaces where French punctuation needs them."""

from __future__ import annotations

import re

NARROW_NO_BREAK_SPACE = "\u202f"

# The space a French text already has before ; : ! ? » and % (after a number) and after «,
# made narrow and unbreakable: a line never starts with the sign, and the gap is the printer's
# "espace fine". A sign glued to a word ("https://", "Authorization: Bearer") is code and stays.
_BEFORE_SIGN = re.compile(r"[ \u00a0\u2009]+(?=[;:!?»])|(?<=\d)[ \u00a0\u2009]+(?=%)")
_AFTER_GUILLEMET = re.compile(r"(?<=«)[ \u00a0\u2009]+")


def french_spacing(text: str) -> str:
    """The text with the spaces around French punctuation made narrow no-break spaces."""
    if not text:
        return text
    text = _BEFORE_SIGN.sub(NARROW_NO_BREAK_SPACE, text)
    return _AFTER_GUILLEMET.sub(NARROW_NO_BREAK_SPACE, text)
