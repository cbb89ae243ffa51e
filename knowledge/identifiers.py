"""Identifiers libraries expect: ORCID iDs and ROR ids checked by their check digits, DOIs and
SPDX licence ids; read as people paste them (bare or a URL), kept in one canonical form."""

from __future__ import annotations

import re

import base32_lib
from stdnum.iso7064 import mod_11_2

ORCID_URL = "https://orcid.org/"
ROR_URL = "https://ror.org/"
DOI_URL = "https://doi.org/"
MAX_DOI = 200

_ORCID = re.compile(r"^(\d{4})-?(\d{4})-?(\d{4})-?(\d{3}[\dX])$")
# Leading 0, six Crockford base32 characters, two check digits (ISO 7064 MOD 97-10).
_ROR = re.compile(r"^0[0-9a-hjkmnp-tv-z]{6}\d{2}$")
# Directory indicator 10, a registrant code, "/", a suffix of any printable characters.
_DOI = re.compile(r"^10\.\d{4,9}(\.\d+)*/\S+$")
_PREFIXES = {
    "orcid": ("https://orcid.org/", "http://orcid.org/", "orcid.org/", "orcid:"),
    "ror": ("https://ror.org/", "http://ror.org/", "ror.org/", "ror:"),
    "doi": ("https://doi.org/", "http://doi.org/", "https://dx.doi.org/", "http://dx.doi.org/")
    + ("doi.org/", "doi:"),
}

# SPDX ids of the licences offered for knowledge products; "all rights reserved" has no SPDX id
# and takes the SPDX form for a licence outside the list (LicenseRef-).
LICENCES = (
    "CC-BY-4.0",
    "CC-BY-SA-4.0",
    "CC-BY-NC-4.0",
    "CC-BY-NC-SA-4.0",
    "CC-BY-ND-4.0",
    "CC-BY-NC-ND-4.0",
    "CC0-1.0",
    "LicenseRef-All-Rights-Reserved",
)
# The ids stored before licences were SPDX ids, still accepted in imports.
_FORMER_LICENCES = {
    "cc-by-4.0": "CC-BY-4.0",
    "cc-by-sa-4.0": "CC-BY-SA-4.0",
    "cc-by-nc-4.0": "CC-BY-NC-4.0",
    "cc-by-nc-nd-4.0": "CC-BY-NC-ND-4.0",
    "cc0": "CC0-1.0",
    "copyright": "LicenseRef-All-Rights-Reserved",
}
_BY_LOWER = {licence.lower(): licence for licence in LICENCES}


def _without_prefix(text: str, kind: str) -> str:
    text = text.strip()
    lowered = text.lower()
    for prefix in _PREFIXES[kind]:
        if lowered.startswith(prefix):
            return text[len(prefix) :].strip().rstrip("/")
    return text


def orcid(text: str) -> str | None:
    """The ORCID iD as 0000-0002-1825-0097, or None when it is malformed or its check digit
    (ISO 7064 MOD 11-2) is wrong."""
    match = _ORCID.match(_without_prefix(text, "orcid").upper())
    if match is None:
        return None
    digits = "".join(match.groups())
    return "-".join(match.groups()) if mod_11_2.is_valid(digits) else None


def ror(text: str) -> str | None:
    """The ROR id as 03yrm5c26, or None when it is malformed or its check digits (ISO 7064
    MOD 97-10 over the base32 number) are wrong."""
    value = _without_prefix(text, "ror").lower()
    if _ROR.match(value) is None:
        return None
    try:
        base32_lib.decode(value, checksum=True)
    except ValueError:
        return None
    return value


def doi(text: str) -> str | None:
    """The DOI as 10.1234/abc (no resolver prefix), or None when it is not a DOI."""
    value = _without_prefix(text, "doi")
    if len(value) > MAX_DOI or _DOI.match(value) is None:
        return None
    return value


def licence(text: str) -> str | None:
    """The SPDX id of a licence on the list (any case, or a former id), or None."""
    key = text.strip().lower()
    return _BY_LOWER.get(key) or _FORMER_LICENCES.get(key)


def licence_url(spdx: str) -> str | None:
    """Where the licence's text is published; None for all rights reserved."""
    if spdx.startswith("LicenseRef-"):
        return None
    if spdx == "CC0-1.0":
        return "https://creativecommons.org/publicdomain/zero/1.0/"
    if spdx.startswith("CC-"):
        kinds = spdx.removeprefix("CC-").removesuffix("-4.0").lower()
        return f"https://creativecommons.org/licenses/{kinds}/4.0/"
    return f"https://spdx.org/licenses/{spdx}.html"
