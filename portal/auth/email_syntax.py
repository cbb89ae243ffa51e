"""E-mail syntax as email_validator checks it, with each domain validated once per process.

Rosters and response imports validate tens of thousands of addresses that share a few domains;
email_validator spends most of its time on the domain (IDNA rules, character by character). An
address whose part before the @-sign is a plain ASCII dot-atom (the only form email_validator
accepts there without quoting or Unicode) and whose domain it has already accepted is decided
here by the same rules: the dot-atom, the lengths, and the domain's normalised form from that
earlier validation. Anything else goes to email_validator whole. A property test holds the two
paths to the same answers.
"""

from __future__ import annotations

import re

from email_validator import EmailNotValidError, validate_email

#: RFC 5322 atext, as email_validator's DOT_ATOM_TEXT (ASCII only).
_ATEXT = r"a-zA-Z0-9_!#$%&'*+\-/=?^`{|}~"
_DOT_ATOM = re.compile(rf"[{_ATEXT}]+(?:\.[{_ATEXT}]+)*")
#: RFC 5321 path length, as email_validator counts it (UTF-8 octets; ASCII here).
_MAX_LENGTH = 254
#: Bound on the domains remembered (a process validating more checks the rest in full).
_DOMAINS_REMEMBERED = 10_000


class InvalidAddress(ValueError):
    """The address is not a valid e-mail address."""


def canonical_address(address: str) -> str:
    """The address checked (no DNS look-up) and in canonical lower case; InvalidAddress if not."""
    text = address.strip()
    local, at, domain = text.rpartition("@")
    known = _accepted.get(domain) if at and text.isascii() else None
    if known is not None and _DOT_ATOM.fullmatch(local):
        normalised = f"{local}@{known}"
        if len(text) <= _MAX_LENGTH and len(normalised) <= _MAX_LENGTH:
            return normalised.lower()
    try:
        result = validate_email(text, check_deliverability=False)
    except EmailNotValidError as error:
        raise InvalidAddress(str(error)) from error
    # Remembered only where the domain is plain ASCII and is the part email_validator checked.
    plain = result.ascii_domain == result.domain and result.original.endswith(f"@{domain}")
    if at and plain and len(_accepted) < _DOMAINS_REMEMBERED:
        _accepted[domain] = result.domain
    return str(result.normalized).lower()


#: Domains email_validator accepted, as written in the address -> their normalised form.
_accepted: dict[str, str] = {}
