"""The remembered-domain path of e-mail checking answers exactly as email_validator does."""

from __future__ import annotations

import pytest
from email_validator import EmailNotValidError, validate_email
from hypothesis import given, settings
from hypothesis import strategies as st

from portal.auth import email_syntax
from portal.auth.email_syntax import InvalidAddress, canonical_address

LOCAL_CHARS = "aZ09._+-!#$%&'*/=?^`{|}~\"(),:;<>@[\\] é\u00a0"
DOMAINS = [
    "example.org",
    "UN.org",
    "mail.un.org.",
    "bench.example",
    "localhost",
    "a.invalid",
    "test",
    "123.456",
    "-bad.org",
    "bad-.org",
    "xn--bcher-kva.de",
    "bücher.de",
    "a..b.org",
    "[127.0.0.1]",
    "x" * 63 + ".org",
    "x" * 64 + ".org",
    ".".join(["abcdefghi"] * 25) + ".org",
    "",
]


def _reference(address: str) -> str | None:
    try:
        return str(validate_email(address.strip(), check_deliverability=False).normalized).lower()
    except EmailNotValidError:
        return None


def _ours(address: str) -> str | None:
    try:
        return canonical_address(address)
    except InvalidAddress:
        return None


@pytest.fixture(autouse=True)
def _forget_domains() -> None:
    email_syntax._accepted.clear()


@settings(max_examples=400, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.text(alphabet=LOCAL_CHARS, max_size=70),
            st.sampled_from(DOMAINS),
            st.sampled_from(["", " ", "\t"]),
        ),
        min_size=1,
        max_size=12,
    )
)
def test_every_address_gets_email_validators_answer(
    addresses: list[tuple[str, str, str]],
) -> None:
    email_syntax._accepted.clear()
    for local, domain, space in addresses:
        address = f"{space}{local}@{domain}{space}"
        # Twice: the second time its domain may be remembered from the first.
        assert _ours(address) == _reference(address), address
        assert _ours(address) == _reference(address), address


def test_lengths_at_the_limits_are_decided_as_email_validator_does() -> None:
    domain = "d" * 60 + ".org"
    assert canonical_address(f"first@{domain}") == f"first@{domain}"
    for length in (60, 64, 65, 120, 185, 186, 189, 190, 191, 250):
        address = f"{'a' * length}@{domain}"
        assert _ours(address) == _reference(address), length


def test_a_remembered_domain_is_the_normalised_one() -> None:
    assert canonical_address("First.Last@Example.ORG") == "first.last@example.org"
    assert email_syntax._accepted == {"Example.ORG": "example.org"}
    assert canonical_address("Other@Example.ORG") == "other@example.org"
    with pytest.raises(InvalidAddress):
        canonical_address("two..dots@Example.ORG")
    with pytest.raises(InvalidAddress):
        canonical_address("no-domain@")
