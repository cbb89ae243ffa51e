"""Actions on knowledge products: create (or submit) one with its file, edit it, propose a revision.

Each action checks its rules before it changes anything, flushes (never commits), writes its audit
rows with portal.audit and queues the search index update; web form and catalogue import alike.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from knowledge import identifiers, uploads
from knowledge.models import PRODUCT_AUDIT_TYPE, KnowledgeProduct, ProductRevision, enqueue_index
from knowledge.product_input import (
    ProductInput,
    apply_input,
    language_name,
    product_languages,
    split_themes,
    validate_input,
)
from knowledge.repository_settings import default_licence
from portal import audit
from portal.auth.permissions import is_staff
from portal.db import utcnow
from portal.errors import FieldError, InputError
from portal.markers import N_
from portal.models import User

__all__ = [
    "FieldError",
    "ProductInput",
    "create_product",
    "dois_taken",
    "language_name",
    "product_languages",
    "propose_revision",
    "revision_differences",
    "split_themes",
    "update_product",
    "validate_input",
]

NEW_STATES = ("draft", "submitted", "published", "rejected")
DOI_TAKEN = N_("Another product already has the DOI %(value)s.")


def create_product(
    session: Session,
    actor: User | None,
    data: ProductInput,
    *,
    organisation_id: int | None = None,
    status: str = "submitted",
    rejection_reason: str | None = None,
    file: uploads.IncomingFile | None = None,
    today: date | None = None,
) -> KnowledgeProduct:
    """A new product with its file: a contributor's draft or submission, or a catalogue entry.

    The product is credited to `organisation_id`, by default the actor's own organisation; only
    staff and the command line (no actor) credit another one. Only imports create products that
    are already published or rejected (a decision taken elsewhere); the portal's own decisions go
    through knowledge.moderation. Audit: "knowledge.product.created", and "knowledge.file.added"
    for the file. A product whose licence is not stated gets the repository's default licence.
    """
    if status not in NEW_STATES:
        raise ValueError(f"a new product cannot be {status}")
    if status == "rejected" and not rejection_reason:
        raise ValueError("a rejected product needs its reason")
    data = validate_input(data, today=today)
    _check_doi(session, data, None)
    if data.licence is None:
        data = replace(data, licence=default_licence(session))
    organisation_id = _credited_organisation(actor, organisation_id)
    accepted = uploads.accept(session, file) if file is not None else None
    now = utcnow()
    product = KnowledgeProduct(
        organisation_id=organisation_id,
        status=status,
        submitted_by_id=actor.id if actor else None,
        submitted_at=now if status != "draft" else None,
        published_at=now if status == "published" else None,
        rejection_reason=rejection_reason if status == "rejected" else None,
    )
    apply_input(product, data)
    session.add(product)
    session.flush()
    audit.record(
        session, actor, "knowledge.product.created", PRODUCT_AUDIT_TYPE, product.id, status=status
    )
    enqueue_index(session, product.id)
    if accepted is not None:
        uploads.add_file(session, actor, product, accepted)
    return product


def _credited_organisation(actor: User | None, organisation_id: int | None) -> int:
    own = actor.organisation_id if actor else None
    if organisation_id is None:
        if own is None:
            raise FieldError(
                "organisation", N_("Your account belongs to no organisation; ask UNV staff.")
            )
        return own
    if actor is not None and organisation_id != own and not is_staff(actor):
        raise FieldError(
            "organisation", N_("Only UNV staff may credit a product to another organisation.")
        )
    return organisation_id


def update_product(
    session: Session,
    actor: User,
    product: KnowledgeProduct,
    data: ProductInput,
    *,
    direct: bool,
    organisation_id: int | None = None,
    file: uploads.IncomingFile | None = None,
) -> ProductRevision | None:
    """Edit a product, with a new file if given; returns the revision when the edit waits instead.

    `direct` is the caller's permission to change a published product at once (staff), and the
    only way to credit the product to another organisation. Anyone else's edit of a published
    product becomes (or updates) the pending revision (see `propose_revision`), and the published
    version stays until staff approve it. A rejected product edited by its contributor goes back
    to the review queue ("knowledge.product.resubmitted" before "knowledge.product.edited").
    """
    data = validate_input(data)
    _check_doi(session, data, product.id)
    if product.status == "withdrawn":
        raise InputError(N_("A withdrawn product cannot be edited."))
    moved = organisation_id is not None and organisation_id != product.organisation_id
    if moved and not direct:
        raise FieldError(
            "organisation", N_("Only UNV staff may credit a product to another organisation.")
        )
    if product.status == "published" and not direct:
        return propose_revision(session, actor, product, data, file=file)
    accepted = uploads.accept(session, file) if file is not None else None
    before = ProductInput.of(product).to_json()
    apply_input(product, data)
    changed = sorted(key for key, value in data.to_json().items() if before[key] != value)
    if moved and organisation_id is not None:
        product.organisation_id = organisation_id
        changed = sorted([*changed, "organisation"])
    if product.status == "rejected" and not direct:
        product.status, product.submitted_at = "submitted", utcnow()
        product.rejection_reason = None
        audit.record(
            session, actor, "knowledge.product.resubmitted", PRODUCT_AUDIT_TYPE, product.id
        )
    audit.record(
        session, actor, "knowledge.product.edited", PRODUCT_AUDIT_TYPE, product.id, fields=changed
    )
    enqueue_index(session, product.id)
    if accepted is not None:
        uploads.add_file(session, actor, product, accepted)
    return None


def propose_revision(
    session: Session,
    actor: User,
    product: KnowledgeProduct,
    data: ProductInput,
    *,
    file: uploads.IncomingFile | None = None,
) -> ProductRevision:
    """New metadata (and a file) for a published product, waiting for staff review.

    A second proposal updates the pending revision. Audit: "knowledge.revision.proposed".
    """
    data = validate_input(data)
    _check_doi(session, data, product.id)
    if product.status != "published":
        raise InputError(N_("Only a published product can have changes waiting for review."))
    accepted = uploads.accept(session, file) if file is not None else None
    revision = product.pending_revision
    if revision is None:
        revision = ProductRevision(product=product, proposed_by_id=actor.id, changes={})
        session.add(revision)
    revision.changes, revision.proposed_by_id = data.to_json(), actor.id
    revision.created_at = utcnow()
    session.flush()
    audit.record(
        session,
        actor,
        "knowledge.revision.proposed",
        PRODUCT_AUDIT_TYPE,
        product.id,
        revision_id=revision.id,
    )
    enqueue_index(session, product.id)
    if accepted is not None:
        uploads.add_file(session, actor, product, accepted, revision=revision)
    return revision


def revision_differences(revision: ProductRevision) -> list[tuple[str, Any, Any]]:
    """(field, published value, proposed value) for each field the revision changes."""
    current = ProductInput.of(revision.product).to_json()
    proposed = dict(revision.changes)
    if proposed.get("licence"):  # proposed before licences were SPDX ids
        proposed["licence"] = identifiers.licence(proposed["licence"]) or proposed["licence"]
    return [(key, current.get(key), value) for key, value in proposed.items()
            if current.get(key) != value]  # fmt: skip


def dois_taken(session: Session, dois: list[str], *, but: int | None = None) -> set[str]:
    """Which of `dois` (lower-cased) another product than `but` has already."""
    if not dois:
        return set()
    wanted = {doi.lower() for doi in dois}
    query = select(KnowledgeProduct.doi).where(func.lower(KnowledgeProduct.doi).in_(wanted))
    if but is not None:
        query = query.where(KnowledgeProduct.id != but)
    return {doi.lower() for doi in session.scalars(query) if doi}


def _check_doi(session: Session, data: ProductInput, product_id: int | None) -> None:
    if data.doi and dois_taken(session, [data.doi], but=product_id):
        raise FieldError("doi", DOI_TAKEN, value=data.doi)
