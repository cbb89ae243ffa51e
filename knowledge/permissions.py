"""Who may see, submit, edit, moderate and withdraw knowledge products: pure predicates."""

from __future__ import annotations

from typing import Protocol

from portal.auth.permissions import Actor, can_contribute_knowledge, is_staff

__all__ = [
    "can_contribute_knowledge",
    "can_download",
    "can_edit_product",
    "can_manage_support",
    "can_publish",
    "can_reject",
    "can_review_queue",
    "can_review_revision",
    "can_submit_draft",
    "can_view_product",
    "can_withdraw",
    "is_own_organisation",
]


class Product(Protocol):
    status: str
    organisation_id: int
    submitted_by_id: int | None


class Revision(Protocol):
    proposed_by_id: int | None


def _user_id(user: Actor | None) -> int | None:
    return getattr(user, "id", None)


def is_own_organisation(user: Actor | None, product: Product) -> bool:
    """A contributor of the organisation the product is credited to."""
    return (
        can_contribute_knowledge(user)
        and user is not None
        and user.role == "contributor"
        and user.organisation_id is not None
        and user.organisation_id == product.organisation_id
    )


def can_view_product(user: Actor | None, product: Product) -> bool:
    """Published products are public; the others only for their organisation and staff."""
    if product.status == "published":
        return True
    return is_staff(user) or is_own_organisation(user, product)


def can_download(user: Actor | None, product: Product) -> bool:
    return can_view_product(user, product)


def can_edit_product(user: Actor | None, product: Product) -> bool:
    """Staff edit metadata directly; the organisation's contributors edit until it is withdrawn.

    A contributor's edit of a published product becomes a revision that staff review.
    """
    if product.status == "withdrawn":
        return False
    return is_staff(user) or is_own_organisation(user, product)


def can_see_usage(user: Actor | None, product: Product) -> bool:
    """Usage figures: for staff and the contributors of the product's organisation."""
    return is_staff(user) or is_own_organisation(user, product)


def can_submit_draft(user: Actor | None, product: Product) -> bool:
    return is_staff(user) or is_own_organisation(user, product)


def _reviews_others(user: Actor | None, submitted_by_id: int | None) -> bool:
    # Four eyes: whoever submitted a product never approves it, even a staff member.
    return is_staff(user) and (submitted_by_id is None or submitted_by_id != _user_id(user))


def can_review_queue(user: Actor | None) -> bool:
    return is_staff(user)


def can_publish(user: Actor | None, product: Product) -> bool:
    """Staff other than the one who submitted it (whether it waits for review is the service's)."""
    return _reviews_others(user, product.submitted_by_id)


def can_reject(user: Actor | None, product: Product) -> bool:
    return _reviews_others(user, product.submitted_by_id)


def can_review_revision(user: Actor | None, revision: Revision) -> bool:
    return _reviews_others(user, revision.proposed_by_id)


def can_withdraw(user: Actor | None, product: Product) -> bool:
    """The organisation's contributors and staff take a product down (it stays in the database)."""
    return is_staff(user) or is_own_organisation(user, product)


def can_manage_support(user: Actor | None) -> bool:
    """The technical-support register behind indicators 3.2.1 and 3.2.2."""
    return is_staff(user)
