"""Routes of the knowledge repository: public pages, contributing, moderation, support register.

Object-level rules show as separate cases of one route: a contributor may edit, submit or withdraw
her own organisation's products and not another's; whoever submitted a product never publishes it.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from datetime import date
from pathlib import Path

from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from knowledge import products
from knowledge.demo import minimal_pdf
from knowledge.file_checks import check_upload
from knowledge.file_storage import store_file
from knowledge.models import KnowledgeProduct, ProductFile, ProductRevision, SupportRecord
from knowledge.support import SupportInput, add_support
from portal.auth import accounts
from portal.errors import InputError
from portal.models import Organisation, User
from tests.integration.access import CONTRIBUTORS, EVERYONE, STAFF, Case

_numbers = itertools.count(1)
PRODUCT_FORM = {
    "title": "Volunteering in local government",
    "abstract": "How municipalities work with volunteers.",
    "product_type": "report",
    "language": "en",
    "publication_date": "2024-05-01",
    "url": "https://example.org/report",
    "action": "submit",
}
SUPPORT_FORM = {
    "recipient_kind": "member_state",
    "recipient_country": "KEN",
    "year": "2024",
    "supported_process": "national_policy",
}


def _other_org(session: Session) -> Organisation:
    try:
        return accounts.organisation_by_code(session, "MATRIX-OTHER")
    except InputError:
        return accounts.create_organisation(session, "MATRIX-OTHER", "Other", "member_state", None)


def _product(session: Session, owner: str, status: str, submitter: str | None = None) -> int:
    """A product of the contributor's organisation ("own") or another one ("other")."""
    organisation = (
        accounts.organisation_by_code(session, "MATRIX-CSO")
        if owner == "own"
        else _other_org(session)
    )
    actor = _matrix_user(session, submitter) if submitter else None
    product = products.create_product(
        session,
        actor,
        products.ProductInput(
            title=f"Matrix product {next(_numbers)}",
            abstract="A product for the routes x roles test.",
            product_type="report",
            language="en",
            publication_date=date(2024, 3, 1),
            sdgs=(4,),
            url="https://example.org/matrix",
        ),
        organisation_id=organisation.id,
        status=status,
        rejection_reason="No." if status == "rejected" else None,
    )
    return product.id


def _matrix_user(session: Session, role: str) -> User:
    """The matrix test's contributor (organisation MATRIX-CSO) or staff member (MATRIX-UNV)."""
    code = "MATRIX-CSO" if role == "contributor" else "MATRIX-UNV"
    user = session.scalar(
        select(User)
        .join(Organisation, Organisation.id == User.organisation_id)
        .where(Organisation.code == code, User.role == role)
    )
    assert user is not None
    return user


def _with_file(session: Session, app: Flask, product_id: int) -> str:
    folder = Path(app.config["PORTAL_DATA_DIR"])
    folder.mkdir(parents=True, exist_ok=True)
    source = folder / f"matrix-{product_id}.pdf"
    source.write_bytes(minimal_pdf("Matrix", ["Text"]))
    checked = check_upload(source, "matrix.pdf", 10 * 1024 * 1024)
    stored = ProductFile(
        product_id=product_id,
        storage_key=store_file(folder, source, checked),
        original_name=checked.safe_name,
        kind=checked.kind,
        mime=checked.mime,
        size=checked.size,
        sha256=checked.sha256,
        text_status="ok",
        text="Matrix Text",
    )
    session.add(stored)
    session.flush()
    return f"/knowledge/{product_id}/files/{stored.id}"


def _revision(session: Session) -> int:
    product = session.get(KnowledgeProduct, _product(session, "own", "published"))
    assert product is not None
    contributor = _matrix_user(session, "contributor")
    revision = ProductRevision(
        product=product,
        proposed_by_id=contributor.id if contributor else None,
        changes=products.ProductInput.of(product).to_json() | {"title": "Changed title"},
    )
    session.add(revision)
    session.flush()
    return revision.id


def _support(session: Session) -> int:
    record: SupportRecord = add_support(
        session, None, SupportInput("member_state", 2024, "national_policy", "", "KEN")
    )
    return record.id


def _url(
    template: str, owner: str, status: str, submitter: str | None = None
) -> Callable[[Session, Flask], str]:
    return lambda s, a: template.format(id=_product(s, owner, status, submitter))


CONTRIBUTOR = "contributor"
STAFF_USER = "staff"

CASES = [
    Case("/knowledge/", "GET", EVERYONE, "/knowledge/?type=report&sdg=4&page=2"),
    Case(
        "/knowledge/<int:product_id>",
        "GET",
        EVERYONE,
        _url("/knowledge/{id}", "other", "published"),
    ),
    Case(
        "/knowledge/<int:product_id>", "GET", STAFF, _url("/knowledge/{id}", "other", "submitted")
    ),
    Case(
        "/knowledge/<int:product_id>", "GET", CONTRIBUTORS, _url("/knowledge/{id}", "own", "draft")
    ),
    Case(
        "/knowledge/<int:product_id>/files/<int:file_id>",
        "GET",
        EVERYONE,
        lambda s, a: _with_file(s, a, _product(s, "other", "published")),
    ),
    Case(
        "/knowledge/<int:product_id>/files/<int:file_id>",
        "GET",
        STAFF,
        lambda s, a: _with_file(s, a, _product(s, "other", "submitted")),
    ),
    Case(
        "/knowledge/<int:product_id>/files/<int:file_id>",
        "GET",
        CONTRIBUTORS,
        lambda s, a: _with_file(s, a, _product(s, "own", "submitted")),
    ),
    # Usage figures: staff for any product, contributors for their organisation's only.
    Case(
        "/knowledge/<int:product_id>/usage",
        "GET",
        STAFF,
        _url("/knowledge/{id}/usage", "other", "published"),
    ),  # fmt: skip
    Case(
        "/knowledge/<int:product_id>/usage",
        "GET",
        CONTRIBUTORS,
        _url("/knowledge/{id}/usage", "own", "published"),
    ),  # fmt: skip
    Case(
        "/knowledge/<int:product_id>/usage.csv",
        "GET",
        STAFF,
        _url("/knowledge/{id}/usage.csv", "other", "published"),
    ),  # fmt: skip
    Case(
        "/knowledge/<int:product_id>/usage.csv",
        "GET",
        CONTRIBUTORS,
        _url("/knowledge/{id}/usage.csv", "own", "published"),
    ),  # fmt: skip
    Case("/knowledge/submit", "GET", CONTRIBUTORS, "/knowledge/submit"),
    Case("/knowledge/submit", "POST", CONTRIBUTORS, "/knowledge/submit", PRODUCT_FORM),
    Case("/knowledge/mine", "GET", CONTRIBUTORS, "/knowledge/mine"),
    Case(
        "/knowledge/<int:product_id>/edit",
        "GET",
        CONTRIBUTORS,
        _url("/knowledge/{id}/edit", "own", "published"),
    ),
    # Another organisation's contributor cannot edit it.
    Case(
        "/knowledge/<int:product_id>/edit",
        "GET",
        STAFF,
        _url("/knowledge/{id}/edit", "other", "published"),
    ),
    Case(
        "/knowledge/<int:product_id>/edit",
        "POST",
        CONTRIBUTORS,
        _url("/knowledge/{id}/edit", "own", "submitted"),
        PRODUCT_FORM,
    ),
    Case(
        "/knowledge/<int:product_id>/edit",
        "POST",
        STAFF,
        _url("/knowledge/{id}/edit", "other", "submitted"),
        PRODUCT_FORM,
    ),
    Case(
        "/knowledge/<int:product_id>/submit",
        "POST",
        CONTRIBUTORS,
        _url("/knowledge/{id}/submit", "own", "draft"),
    ),
    Case(
        "/knowledge/<int:product_id>/submit",
        "POST",
        STAFF,
        _url("/knowledge/{id}/submit", "other", "draft"),
    ),
    Case(
        "/knowledge/<int:product_id>/withdraw",
        "POST",
        CONTRIBUTORS,
        _url("/knowledge/{id}/withdraw", "own", "published"),
    ),
    Case(
        "/knowledge/<int:product_id>/withdraw",
        "POST",
        STAFF,
        _url("/knowledge/{id}/withdraw", "other", "published"),
    ),
    Case("/knowledge/review", "GET", STAFF, "/knowledge/review"),
    Case("/knowledge/settings", "GET", STAFF, "/knowledge/settings"),
    Case("/knowledge/settings", "POST", STAFF, "/knowledge/settings", {"default_licence": ""}),
    Case(
        "/knowledge/<int:product_id>/cite.<fmt>",
        "GET",
        EVERYONE,
        _url("/knowledge/{id}/cite.bib", "other", "published"),
    ),
    Case(
        "/knowledge/<int:product_id>/cite.<fmt>",
        "GET",
        STAFF,
        _url("/knowledge/{id}/cite.ris", "other", "submitted"),
    ),
    Case(
        "/knowledge/<int:product_id>/cite.<fmt>",
        "GET",
        CONTRIBUTORS,
        _url("/knowledge/{id}/cite.csl", "own", "draft"),
    ),
    Case("/k/<int:product_id>", "GET", EVERYONE, _url("/k/{id}", "other", "published")),
    Case(
        "/knowledge/review/<int:product_id>",
        "GET",
        STAFF,
        _url("/knowledge/review/{id}", "own", "submitted", CONTRIBUTOR),
    ),
    # The contributor who submitted a product cannot publish it; staff other than the submitter can.
    Case(
        "/knowledge/<int:product_id>/publish",
        "POST",
        STAFF,
        _url("/knowledge/{id}/publish", "own", "submitted", CONTRIBUTOR),
    ),
    Case(
        "/knowledge/<int:product_id>/publish",
        "POST",
        frozenset({"admin"}),
        _url("/knowledge/{id}/publish", "other", "submitted", STAFF_USER),
    ),
    Case(
        "/knowledge/<int:product_id>/reject",
        "POST",
        STAFF,
        _url("/knowledge/{id}/reject", "own", "submitted", CONTRIBUTOR),
        {"reason": "Not about volunteering."},
    ),
    Case(
        "/knowledge/revisions/<int:revision_id>",
        "GET",
        STAFF,
        lambda s, a: f"/knowledge/revisions/{_revision(s)}",
    ),
    Case(
        "/knowledge/revisions/<int:revision_id>/approve",
        "POST",
        STAFF,
        lambda s, a: f"/knowledge/revisions/{_revision(s)}/approve",
    ),
    Case(
        "/knowledge/revisions/<int:revision_id>/reject",
        "POST",
        STAFF,
        lambda s, a: f"/knowledge/revisions/{_revision(s)}/reject",
        {"reason": "The title was better before."},
    ),
    Case("/knowledge/support", "GET", STAFF, "/knowledge/support?year=2024"),
    Case("/knowledge/support/new", "GET", STAFF, "/knowledge/support/new"),
    Case("/knowledge/support/new", "POST", STAFF, "/knowledge/support/new", SUPPORT_FORM),
    Case(
        "/knowledge/support/<int:record_id>/edit",
        "GET",
        STAFF,
        lambda s, a: f"/knowledge/support/{_support(s)}/edit",
    ),
    Case(
        "/knowledge/support/<int:record_id>/edit",
        "POST",
        STAFF,
        lambda s, a: f"/knowledge/support/{_support(s)}/edit",
        SUPPORT_FORM,
    ),
    Case("/sitemap.xml", "GET", EVERYONE, "/sitemap.xml"),
    Case("/oai", "GET", EVERYONE, "/oai?verb=Identify"),
    Case("/oai", "POST", EVERYONE, "/oai", {"verb": "Identify"}),
    Case("/knowledge/feed.atom", "GET", EVERYONE, "/knowledge/feed.atom"),
    Case("/knowledge/catalogue.csv", "GET", EVERYONE, "/knowledge/catalogue.csv"),
    Case("/knowledge/catalogue.json", "GET", EVERYONE, "/knowledge/catalogue.json"),
    Case(
        "/api/v1/knowledge/products/<int:product_id>",
        "GET",
        EVERYONE,
        _url("/api/v1/knowledge/products/{id}", "other", "published"),
    ),
    Case(
        "/api/v1/knowledge/products/<int:product_id>/similar",
        "GET",
        EVERYONE,
        _url("/api/v1/knowledge/products/{id}/similar", "other", "published"),
    ),
]
