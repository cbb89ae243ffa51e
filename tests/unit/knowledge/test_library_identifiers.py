"""ORCID iDs, ROR ids, DOIs and licences are read as people paste them and checked by their check
digits; creators round-trip through their one text form."""

from __future__ import annotations

import pytest

from knowledge import identifiers
from knowledge.creators import Creator, creators_text, parse_creators
from portal.errors import FieldError


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("0000-0002-1825-0097", "0000-0002-1825-0097"),  # ORCID's own example
        ("https://orcid.org/0000-0002-1694-233X", "0000-0002-1694-233X"),  # X check digit
        ("orcid.org/0000000218250097", "0000-0002-1825-0097"),
        ("0000-0002-1694-233x", "0000-0002-1694-233X"),
        ("0000-0002-1825-0098", None),  # one digit off
        ("0000-0002-1825-009", None),
        ("https://ror.org/03yrm5c26", None),
    ],
)
def test_orcid_ids_are_checked_by_their_check_digit(text: str, expected: str | None) -> None:
    assert identifiers.orcid(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("https://ror.org/03yrm5c26", "03yrm5c26"),  # California Digital Library
        ("ror.org/02mhbdp94", "02mhbdp94"),
        ("05GQ02987", "05gq02987"),
        ("03yrm5c27", None),  # check digits off by one
        ("13yrm5c26", None),  # ROR ids start with 0
        ("03yrm5u26", None),  # no U in Crockford base32
        ("0000-0002-1825-0097", None),
    ],
)
def test_ror_ids_are_checked_by_their_check_digits(text: str, expected: str | None) -> None:
    assert identifiers.ror(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("10.18356/9789210052535", "10.18356/9789210052535"),
        ("https://doi.org/10.5555/unv.2024.7", "10.5555/unv.2024.7"),
        ("doi:10.1000/xyz(1)", "10.1000/xyz(1)"),
        ("10.1/abc", None),  # registrant codes have at least four digits
        ("https://example.org/10.1234/abc", None),
        ("10.1234/with space", None),
    ],
)
def test_dois_lose_their_resolver_and_keep_their_suffix(text: str, expected: str | None) -> None:
    assert identifiers.doi(text) == expected


def test_licences_are_spdx_ids_and_former_ids_still_read() -> None:
    assert identifiers.licence("cc-by-sa-4.0") == "CC-BY-SA-4.0"
    assert identifiers.licence("cc0") == "CC0-1.0"
    assert identifiers.licence("copyright") == "LicenseRef-All-Rights-Reserved"
    assert identifiers.licence("MIT") is None
    assert identifiers.licence_url("CC-BY-NC-ND-4.0") == (
        "https://creativecommons.org/licenses/by-nc-nd/4.0/"
    )
    assert identifiers.licence_url("CC0-1.0") == (
        "https://creativecommons.org/publicdomain/zero/1.0/"
    )
    assert identifiers.licence_url("LicenseRef-All-Rights-Reserved") is None


def test_creators_are_read_in_order_with_their_kinds_and_identifiers() -> None:
    found = parse_creators(
        "Diallo, Aminata [https://orcid.org/0000-0002-1825-0097]\n"
        "  García Márquez,  José   Luis ;  org: Ministerio de Trabajo\n"
        "United Nations Volunteers [https://ror.org/03yrm5c26]\n"
        "Mononym\n\n"
    )

    assert found == (
        Creator("person", "Diallo", "Aminata", "0000-0002-1825-0097"),
        Creator("person", "García Márquez", "José Luis"),
        Creator("organisation", "Ministerio de Trabajo"),
        Creator("organisation", "United Nations Volunteers", "", "03yrm5c26"),  # a ROR id
        Creator("person", "Mononym"),
    )
    assert parse_creators(creators_text(found)) == found
    assert parse_creators(creators_text(found, "; ")) == found
    assert found[0].display_name == "Aminata Diallo" and found[0].sort_name == "Diallo, Aminata"
    assert found[0].identifier_url == "https://orcid.org/0000-0002-1825-0097"
    assert found[3].identifier_url == "https://ror.org/03yrm5c26"
    assert [Creator.from_json(c.to_json()) for c in found] == list(found)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("Diallo, Aminata\nSmith, John [0000-0002-1825-0098]", "Creator 2: 0000-0002-1825-0098"),
        ("org: UNV [03yrm5c27]", "Creator 1: 03yrm5c27 is not a valid ROR id"),
        ("Diallo, Aminata\n[0000-0002-1825-0097]", "Creator 2 has no name."),
        ("org: [03yrm5c26]", "Creator 1 has no name."),
        ("\n".join(f"Person {n}" for n in range(51)), "Give at most 50 creators."),
    ],
)
def test_a_bad_creator_is_named_by_its_place(text: str, message: str) -> None:
    with pytest.raises(FieldError) as refused:
        parse_creators(text)
    assert refused.value.field == "creators"
    assert str(refused.value).startswith(message)
