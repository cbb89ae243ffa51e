"""Knowledge actions' audit rows and decision mails, whichever door (form or command) was used."""

from __future__ import annotations

import csv
import email
import email.policy
import io
from collections.abc import Callable
from email.message import Message
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from knowledge import moderation, products
from knowledge.imports import COLUMNS
from knowledge.models import KnowledgeProduct, ProductRevision, SupportRecord
from portal.db import database
from portal.models import AuditEvent, User
from tests.integration.knowledge.conftest import (
    form_post,
    make_product,
    product_input,
    reread,
)
from tests.outbox_helpers import deliver_mail

METADATA = {
    "title": "Volunteer schemes in municipal planning",
    "abstract": "How municipalities plan with volunteers.",
    "product_type": "vnr",
    "language": "es",
    "publication_date": "2024-06-01",
    "volunteering_integrated": "yes",
}


def _rows(session: Session, object_type: str, object_id: int) -> list[AuditEvent]:
    reread(session)
    return list(
        session.scalars(
            select(AuditEvent)
            .where(AuditEvent.object_type == object_type, AuditEvent.object_id == object_id)
            .order_by(AuditEvent.id)
        )
    )


def _mails(data_dir: Path) -> list[Message]:
    """The mails sent so far: without SMTP_URL the portal writes them to the outbox folder."""
    outbox = data_dir / "outbox"
    return [
        email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        for path in sorted(outbox.glob("*.eml"))
    ]


def _door_free(event: AuditEvent, product: KnowledgeProduct) -> tuple[str, str, dict[str, Any]]:
    """An audit row without its actor, its product's id and its file's id (which differ)."""
    assert event.object_id == product.id
    details = dict(event.details)
    if "file_id" in details:
        assert details["file_id"] == product.files[0].id
        details["file_id"] = "the product's file"
    return event.action, event.object_type, details


def test_a_product_created_by_the_form_and_by_the_import_has_the_same_audit_rows(
    login, people, session, runner, pdf_bytes, tmp_path: Path
) -> None:
    web = form_post(
        login(people.contributor),
        "/knowledge/submit",
        {
            **METADATA,
            "countries": ["ECU"],
            "sdgs": ["11"],
            "file": (io.BytesIO(pdf_bytes), "plan.pdf"),
            "action": "submit",
        },
    )
    assert web.status_code == 302
    files_dir = tmp_path / "catalogue"
    files_dir.mkdir()
    (files_dir / "plan.pdf").write_bytes(pdf_bytes)
    catalogue = tmp_path / "products.csv"
    with catalogue.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(COLUMNS))
        writer.writeheader()
        writer.writerow(
            {**METADATA, "organisation": people.ministry.code, "countries": "ECU", "sdgs": "11",
             "status": "submitted", "url": "", "file": "plan.pdf"}
        )  # fmt: skip
    command = runner.invoke(
        args=["knowledge", "import", str(catalogue), "--files-dir", str(files_dir)]
    )
    assert command.exit_code == 0, command.output

    reread(session)
    by_door = {p.submitted_by_id: p for p in session.scalars(select(KnowledgeProduct))}
    from_form, from_command = by_door[people.contributor.id], by_door[None]
    form_rows = _rows(session, "knowledge_product", from_form.id)
    command_rows = _rows(session, "knowledge_product", from_command.id)
    assert [_door_free(event, from_form) for event in form_rows] == [
        ("knowledge.product.created", "knowledge_product", {"status": "submitted"}),
        (
            "knowledge.file.added",
            "knowledge_product",
            {"file_id": "the product's file", "text_status": "pending", "revision_id": None},
        ),
    ]
    assert [_door_free(event, from_command) for event in command_rows] == [
        _door_free(event, from_form) for event in form_rows
    ]
    assert {event.actor_id for event in form_rows} == {people.contributor.id}
    assert {event.actor_id for event in command_rows} == {None}


# Each decision: its web request (URL and form, with {product} and {revision} filled in), the
# form it is sent from, its audit action and whether it decides on a revision.
DECISIONS = {
    "publish": ("/knowledge/{product}/publish", {}, "knowledge.product.published", False),
    "reject": (
        "/knowledge/{product}/reject",
        {"reason": "The full text is missing."},
        "knowledge.product.rejected",
        False,
    ),
    "approve revision": (
        "/knowledge/revisions/{revision}/approve",
        {},
        "knowledge.revision.approved",
        True,
    ),
    "reject revision": (
        "/knowledge/revisions/{revision}/reject",
        {"reason": "The new title is not the report's."},
        "knowledge.revision.rejected",
        True,
    ),
}
DIRECT: dict[str, Callable[[Session, User, KnowledgeProduct, Any], None]] = {
    "publish": lambda s, actor, product, _: moderation.publish(s, actor, product),
    "reject": lambda s, actor, product, _: moderation.reject(s, actor, product, "No."),
    "approve revision": lambda s, actor, _, rev: moderation.approve_revision(s, actor, rev),
    "reject revision": lambda s, actor, _, rev: moderation.reject_revision(s, actor, rev, "No."),
}


def _awaiting(session: Session, people: Any, on_revision: bool) -> tuple[int, int | None]:
    """A contributor's product waiting for a decision, or her published one with a revision."""
    product = make_product(
        session,
        people.ministry,
        status="published" if on_revision else "submitted",
        actor=people.contributor,
        title="Voluntariado municipal",
    )
    revision = None
    if on_revision:
        proposal = product_input(title="Voluntariado municipal, segunda edición")
        revision = products.propose_revision(session, people.contributor, product, proposal)
    session.commit()
    return product.id, revision.id if revision else None


def _decide(client: Any, decision: str, product_id: int, revision_id: int | None) -> Any:
    url, data, _action, _on_revision = DECISIONS[decision]
    return form_post(
        client,
        url.format(product=product_id, revision=revision_id),
        data,
        form_url="/account",  # a page every signed-in user may open, with its CSRF token
    )


@pytest.mark.parametrize("decision", DECISIONS)
def test_a_decision_is_audited_and_mailed_once_to_the_contributor(
    decision: str, app, login, people, session, data_dir: Path
) -> None:
    _url, _data, action, on_revision = DECISIONS[decision]
    product_id, revision_id = _awaiting(session, people, on_revision)

    response = _decide(login(people.staff), decision, product_id, revision_id)

    assert response.status_code == 302
    assert response.headers["Location"].endswith("/knowledge/review")
    event = _rows(session, "knowledge_product", product_id)[-1]
    details = {"revision_id": revision_id} if on_revision else {}
    assert (event.action, event.actor_id, event.details) == (action, people.staff.id, details)
    deliver_mail(app)
    [mail] = _mails(data_dir)
    assert mail["To"] == people.contributor.email
    assert "Voluntariado municipal" in mail["Subject"]


@pytest.mark.parametrize("decision", DECISIONS)
def test_a_refused_decision_writes_no_audit_row_and_sends_no_mail(
    decision: str, app, login, people, session, data_dir: Path
) -> None:
    _url, _data, action, on_revision = DECISIONS[decision]
    product_id, revision_id = _awaiting(session, people, on_revision)

    denied = _decide(login(people.contributor), decision, product_id, revision_id)
    _decide(login(people.staff), decision, product_id, revision_id)
    again = _decide(login(people.second_staff), decision, product_id, revision_id)

    assert denied.status_code == 403
    assert again.status_code == 302  # refused with a message: "not waiting for review"
    assert not again.headers["Location"].endswith("/knowledge/review")
    actions = [event.action for event in _rows(session, "knowledge_product", product_id)]
    assert actions.count(action) == 1
    deliver_mail(app)
    assert len(_mails(data_dir)) == 1


@pytest.mark.parametrize("decision", ["reject", "reject revision"])
def test_a_rejection_without_a_reason_sends_no_mail(
    decision: str, app, login, people, session, data_dir: Path
) -> None:
    url, _data, action, on_revision = DECISIONS[decision]
    product_id, revision_id = _awaiting(session, people, on_revision)

    response = form_post(
        login(people.staff),
        url.format(product=product_id, revision=revision_id),
        {"reason": "   "},
        form_url=f"/knowledge/review/{product_id}",
    )

    assert response.status_code == 302
    assert action not in [e.action for e in _rows(session, "knowledge_product", product_id)]
    deliver_mail(app)
    assert _mails(data_dir) == []


@pytest.mark.parametrize("decision", DECISIONS)
def test_the_decision_mail_is_sent_only_once_the_decision_is_committed(
    decision: str, app, people, session, data_dir: Path
) -> None:
    _url, _data, _action, on_revision = DECISIONS[decision]
    product_id, revision_id = _awaiting(session, people, on_revision)
    portal = database(app)

    def decide(transaction: Session) -> None:
        actor = transaction.get(User, people.staff.id)
        product = transaction.get(KnowledgeProduct, product_id)
        revision = transaction.get(ProductRevision, revision_id) if revision_id else None
        assert actor is not None and product is not None
        DIRECT[decision](transaction, actor, product, revision)

    with app.app_context():
        rolled_back = portal.sessionmaker()
        decide(rolled_back)
        rolled_back.rollback()
        rolled_back.close()
        deliver_mail(app)
        assert _mails(data_dir) == []
        with portal.transaction() as committed:
            decide(committed)
            assert _mails(data_dir) == []  # queued in the transaction; no worker can see it yet
        deliver_mail(app)
        assert [mail["To"] for mail in _mails(data_dir)] == [people.contributor.email]


def test_withdrawal_is_audited_and_mails_nobody(
    app, login, people, session, data_dir: Path
) -> None:
    product = make_product(session, people.ministry, status="published", actor=people.contributor)
    session.commit()

    form_post(
        login(people.contributor),
        f"/knowledge/{product.id}/withdraw",
        {"reason": "Superseded."},
        form_url=f"/knowledge/{product.id}",
    )

    event = _rows(session, "knowledge_product", product.id)[-1]
    assert (event.action, event.actor_id, event.details) == (
        "knowledge.product.withdrawn",
        people.contributor.id,
        {"previous": "published"},
    )
    deliver_mail(app)
    assert _mails(data_dir) == []


def test_support_records_added_and_edited_are_audited(login, people, session) -> None:
    client = login(people.staff)
    form_post(
        client,
        "/knowledge/support/new",
        {"recipient_kind": "member_state", "recipient_country": "SEN", "year": "2024",
         "supported_process": "national_policy"},
    )  # fmt: skip
    record = session.scalars(select(SupportRecord)).one()
    form_post(
        client,
        f"/knowledge/support/{record.id}/edit",
        {"recipient_kind": "unct", "recipient_country": "KEN", "year": "2023",
         "supported_process": "cca_unsdcf"},
    )  # fmt: skip

    rows = _rows(session, "knowledge_support_record", record.id)
    assert [(e.action, e.actor_id, e.details) for e in rows] == [
        (
            "knowledge.support.added",
            people.staff.id,
            {"recipient_kind": "member_state", "year": 2024},
        ),
        ("knowledge.support.edited", people.staff.id, {"recipient_kind": "unct", "year": 2023}),
    ]
