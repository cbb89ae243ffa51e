"""The knowledge permission predicates, checked without the app on plain objects."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from knowledge import permissions


def person(role: str | None, organisation_id: int | None = 1, user_id: int = 10) -> SimpleNamespace:
    if role is None:
        return SimpleNamespace(is_authenticated=False, role=None, organisation_id=None, id=None)
    return SimpleNamespace(
        is_authenticated=True, role=role, organisation_id=organisation_id, id=user_id
    )


def product(
    status: str = "submitted", organisation_id: int = 1, submitted_by_id: int | None = 10
) -> SimpleNamespace:
    return SimpleNamespace(
        status=status, organisation_id=organisation_id, submitted_by_id=submitted_by_id
    )


@pytest.mark.parametrize("status", ["draft", "submitted", "rejected", "withdrawn"])
def test_unpublished_products_are_hidden_from_the_public_and_other_organisations(
    status: str,
) -> None:
    item = product(status)

    assert not permissions.can_view_product(person(None), item)
    assert not permissions.can_view_product(person("partner"), item)
    assert not permissions.can_view_product(person("contributor", organisation_id=2), item)
    assert permissions.can_view_product(person("contributor"), item)
    assert permissions.can_view_product(person("staff", organisation_id=9), item)


def test_published_products_are_public() -> None:
    assert permissions.can_view_product(person(None), product("published"))
    assert permissions.can_download(person(None), product("published"))


def test_a_contributor_edits_her_organisations_products_only() -> None:
    assert permissions.can_edit_product(person("contributor"), product("published"))
    assert not permissions.can_edit_product(
        person("contributor", organisation_id=2), product("published")
    )
    assert not permissions.can_edit_product(person("partner"), product("published"))
    assert not permissions.can_edit_product(person("contributor"), product("withdrawn"))


def test_nobody_publishes_what_they_submitted() -> None:
    assert not permissions.can_publish(person("contributor"), product())
    assert not permissions.can_publish(person("staff", user_id=10), product(submitted_by_id=10))
    assert permissions.can_publish(person("staff", user_id=11), product(submitted_by_id=10))
    assert permissions.can_publish(person("admin", user_id=11), product(submitted_by_id=None))
    assert not permissions.can_reject(person("staff", user_id=10), product(submitted_by_id=10))


def test_revisions_are_reviewed_by_someone_else() -> None:
    revision = SimpleNamespace(proposed_by_id=10)

    assert not permissions.can_review_revision(person("staff", user_id=10), revision)
    assert permissions.can_review_revision(person("staff", user_id=11), revision)
    assert not permissions.can_review_revision(person("contributor", user_id=11), revision)


def test_withdrawal_by_the_organisation_or_staff() -> None:
    assert permissions.can_withdraw(person("contributor"), product("published"))
    assert permissions.can_withdraw(person("staff", organisation_id=9), product("published"))
    assert not permissions.can_withdraw(person("contributor", organisation_id=2), product())
    assert not permissions.can_withdraw(person(None), product())


def test_support_register_and_queue_are_for_staff() -> None:
    for role, allowed in (("staff", True), ("admin", True), ("contributor", False), (None, False)):
        assert permissions.can_manage_support(person(role)) is allowed
        assert permissions.can_review_queue(person(role)) is allowed
