"""Moderation: publish, reject with a reason, mail to the contributor, four eyes, audit, outbox."""

from __future__ import annotations

import email
import email.policy
from email.message import Message
from pathlib import Path

import pytest
from sqlalchemy import select

from knowledge import moderation
from knowledge.models import KnowledgeProduct
from portal.errors import InputError
from portal.models import AuditEvent
from tests.integration.knowledge.conftest import form_post, make_product, outbox_actions, reread
from tests.outbox_helpers import deliver_mail


def _mails(data_dir: Path) -> list[Message]:
    outbox = data_dir / "outbox"
    if not outbox.exists():
        return []
    return [
        email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        for path in sorted(outbox.glob("*.eml"))
    ]


def _body(message: Message) -> str:
    part = next(p for p in message.walk() if p.get_content_type() == "text/plain")
    payload = part.get_payload(decode=True)
    assert isinstance(payload, bytes)
    return payload.decode(part.get_content_charset() or "utf-8")


def _audit(session, product_id: int) -> list[str]:
    reread(session)
    return list(
        session.scalars(
            select(AuditEvent.action)
            .where(
                AuditEvent.object_id == product_id, AuditEvent.object_type == "knowledge_product"
            )
            .order_by(AuditEvent.id)
        )
    )


@pytest.fixture
def submitted(session, people) -> KnowledgeProduct:
    product = make_product(
        session,
        people.ministry,
        status="submitted",
        actor=people.contributor,
        title="Ley de voluntariado",
    )
    session.commit()
    return product


def test_staff_publish_a_submitted_product_and_the_contributor_is_told(
    app, login, people, session, submitted, data_dir: Path
) -> None:
    client = login(people.staff)

    response = form_post(
        client,
        f"/knowledge/{submitted.id}/publish",
        {},
        form_url=f"/knowledge/review/{submitted.id}",
    )

    assert response.status_code == 302
    reread(session)
    product = session.get(KnowledgeProduct, submitted.id)
    assert product.status == "published"
    assert product.reviewer_id == people.staff.id
    assert product.published_at is not None
    assert outbox_actions(session, product.id)[-1] == "upsert"
    assert _audit(session, product.id)[-1] == "knowledge.product.published"
    deliver_mail(app)
    [mail] = _mails(data_dir)
    assert mail["To"] == people.contributor.email
    assert "Ley de voluntariado" in mail["Subject"]
    assert f"https://portal.example.org/knowledge/{product.id}" in _body(mail)


def test_publication_mail_is_written_in_the_contributors_language(
    app, login, people, session, submitted, data_dir: Path
) -> None:
    people.contributor.locale = "es"
    session.commit()

    form_post(
        login(people.staff), f"/knowledge/{submitted.id}/publish", {}, form_url="/knowledge/review"
    )

    deliver_mail(app)
    [mail] = _mails(data_dir)
    html = next(p for p in mail.walk() if p.get_content_type() == "text/html")
    payload = html.get_payload(decode=True)
    assert isinstance(payload, bytes)
    assert '<html lang="es">' in payload.decode("utf-8")


def test_reject_needs_a_reason_which_reaches_the_contributor(
    app, login, people, session, submitted, data_dir: Path
) -> None:
    client = login(people.staff)
    review = f"/knowledge/review/{submitted.id}"

    empty = form_post(client, f"/knowledge/{submitted.id}/reject", {"reason": " "}, form_url=review)
    reread(session)
    assert empty.status_code == 302
    assert session.get(KnowledgeProduct, submitted.id).status == "submitted"
    deliver_mail(app)
    assert _mails(data_dir) == []

    form_post(
        client,
        f"/knowledge/{submitted.id}/reject",
        {"reason": "Falta el texto completo de la ley."},
        form_url=review,
    )

    reread(session)
    product = session.get(KnowledgeProduct, submitted.id)
    assert product.status == "rejected"
    assert product.rejection_reason == "Falta el texto completo de la ley."
    deliver_mail(app)
    [mail] = _mails(data_dir)
    assert "Falta el texto completo de la ley." in _body(mail)
    assert f"/knowledge/{product.id}/edit" in _body(mail)
    assert _audit(session, product.id)[-1] == "knowledge.product.rejected"
    contributor_page = login(people.contributor).get(f"/knowledge/{product.id}")
    assert "Falta el texto completo de la ley." in contributor_page.get_data(as_text=True)


def test_decision_mail_goes_through_smtp_when_configured(
    app, login, people, session, submitted, smtp_server
) -> None:
    app.config["SMTP_URL"] = f"smtp://127.0.0.1:{smtp_server.port}"

    form_post(
        login(people.staff), f"/knowledge/{submitted.id}/publish", {}, form_url="/knowledge/review"
    )

    deliver_mail(app)
    [envelope] = smtp_server.messages
    assert envelope.rcpt_tos == [people.contributor.email]
    assert b"Ley de voluntariado" in envelope.content or b"=?utf-8?" in envelope.content


def test_the_contributor_cannot_publish_her_own_product(login, people, session, submitted) -> None:
    response = form_post(
        login(people.contributor),
        f"/knowledge/{submitted.id}/publish",
        {},
        form_url=f"/knowledge/{submitted.id}",
    )

    assert response.status_code == 403
    reread(session)
    assert session.get(KnowledgeProduct, submitted.id).status == "submitted"


def test_staff_who_submitted_a_product_cannot_publish_it(login, people, session) -> None:
    own = make_product(session, people.unv, status="submitted", actor=people.staff)
    session.commit()

    response = form_post(
        login(people.staff), f"/knowledge/{own.id}/publish", {}, form_url="/knowledge/review"
    )
    assert response.status_code == 403
    with pytest.raises(InputError):
        moderation.publish(session, people.staff, own)

    form_post(
        login(people.second_staff), f"/knowledge/{own.id}/publish", {}, form_url="/knowledge/review"
    )
    reread(session)
    assert session.get(KnowledgeProduct, own.id).status == "published"


def test_publishing_twice_is_refused_with_a_message(login, people, session, submitted) -> None:
    client = login(people.staff)
    form_post(client, f"/knowledge/{submitted.id}/publish", {}, form_url="/knowledge/review")

    again = form_post(
        client, f"/knowledge/{submitted.id}/publish", {}, form_url="/knowledge/review"
    )

    assert again.status_code == 302
    assert again.headers["Location"].endswith(f"/knowledge/review/{submitted.id}")
    page = client.get(again.headers["Location"]).get_data(as_text=True)
    assert "This product is not waiting for review." in page
    assert _audit(session, submitted.id).count("knowledge.product.published") == 1


def test_another_organisations_contributor_can_neither_see_nor_edit_a_pending_product(
    login, people, session, submitted
) -> None:
    client = login(people.other_contributor)

    assert client.get(f"/knowledge/{submitted.id}").status_code == 403
    assert client.get(f"/knowledge/{submitted.id}/edit").status_code == 403
    response = form_post(
        client,
        f"/knowledge/{submitted.id}/edit",
        {"title": "Hijacked", "abstract": "x", "product_type": "report", "language": "en",
         "publication_date": "2024-01-01", "url": "https://example.org"},
        form_url="/knowledge/submit",
    )  # fmt: skip
    assert response.status_code == 403
    reread(session)
    assert session.get(KnowledgeProduct, submitted.id).title == "Ley de voluntariado"


def test_review_queue_lists_submitted_products_only(login, people, session, submitted) -> None:
    make_product(session, people.ngo, status="draft", title="A draft nobody should review")
    make_product(session, people.ngo, status="published", title="Already public")
    session.commit()

    page = login(people.staff).get("/knowledge/review").get_data(as_text=True)

    assert "Ley de voluntariado" in page
    assert "A draft nobody should review" not in page
    assert "Already public" not in page


def test_contributor_withdraws_a_published_product(login, people, session) -> None:
    product = make_product(session, people.ministry, status="published", actor=people.contributor)
    session.commit()
    client = login(people.contributor)

    form_post(
        client,
        f"/knowledge/{product.id}/withdraw",
        {"reason": "Superseded by the 2025 edition."},
        form_url=f"/knowledge/{product.id}",
    )

    reread(session)
    withdrawn = session.get(KnowledgeProduct, product.id)
    assert withdrawn.status == "withdrawn"
    assert withdrawn.withdrawal_reason == "Superseded by the 2025 edition."
    assert outbox_actions(session, product.id)[-1] == "delete"
    assert _audit(session, product.id)[-1] == "knowledge.product.withdrawn"
    assert login(people.partner).get(f"/knowledge/{product.id}").status_code == 403
    assert client.get(f"/knowledge/{product.id}/edit").status_code == 403


def test_rejected_product_edited_by_its_contributor_returns_to_the_queue(
    login, people, session
) -> None:
    product = make_product(session, people.ministry, status="rejected", actor=people.contributor)
    session.commit()

    response = form_post(
        login(people.contributor),
        f"/knowledge/{product.id}/edit",
        {"title": "Better title", "abstract": "Now with the full text.", "product_type": "report",
         "language": "en", "publication_date": "2024-01-01", "url": "https://example.org/full"},
        form_url=f"/knowledge/{product.id}/edit",
    )  # fmt: skip

    assert response.status_code == 302
    reread(session)
    resubmitted = session.get(KnowledgeProduct, product.id)
    assert resubmitted.status == "submitted"
    assert resubmitted.rejection_reason is None
    assert "knowledge.product.resubmitted" in _audit(session, product.id)


def test_every_transition_is_in_the_audit_log(app, session, people) -> None:
    product = make_product(session, people.ministry, status="draft", actor=people.contributor)
    with app.app_context():  # the publication mail is composed with the app's templates
        moderation.submit(session, people.contributor, product)
        moderation.publish(session, people.staff, product)
        moderation.withdraw(session, people.contributor, product)

    assert _audit(session, product.id) == [
        "knowledge.product.created",
        "knowledge.product.submitted",
        "knowledge.product.published",
        "knowledge.product.withdrawn",
    ]
    assert outbox_actions(session, product.id) == ["delete", "delete", "upsert", "delete"]
