"""Submitting a product through the form: fields, validation, the file, drafts and the outbox."""

from __future__ import annotations

import io
from pathlib import Path

from sqlalchemy import select

from knowledge.models import KnowledgeProduct, ProductFile, SearchOutbox
from portal.models import AuditEvent
from tests.integration.knowledge.conftest import (
    count_rows,
    form_post,
    outbox_actions,
    reread,
    stored_file_count,
)
from tests.worker_helpers import read_texts

FORM = {
    "title": "Voluntariado en los gobiernos locales",
    "abstract": "Cómo los municipios trabajan con personas voluntarias.",
    "product_type": "policy_brief",
    "language": "es",
    "publication_date": "2025-03-10",
    "countries": ["ECU", "PER"],
    "sdgs": ["5", "11"],
    "themes": "juventud, gobiernos locales",
    "licence": "CC-BY-4.0",
}


def test_submit_form_shows_every_contract_field(login, people) -> None:
    page = login(people.contributor).get("/knowledge/submit").get_data(as_text=True)

    for name in ("title", "abstract", "product_type", "language", "publication_date"):
        assert f'name="{name}"' in page
    for name in ("countries", "sdgs", "url", "file"):
        assert f'name="{name}"' in page
    assert 'enctype="multipart/form-data"' in page
    assert 'name="organisation"' not in page  # contributors share for their own organisation


def test_contributor_submits_product_with_pdf_and_it_waits_for_review(
    app, login, people, session, pdf_bytes, data_dir: Path
) -> None:
    client = login(people.contributor)

    response = form_post(
        client,
        "/knowledge/submit",
        {**FORM, "file": (io.BytesIO(pdf_bytes), "Política nacional.pdf"), "action": "submit"},
    )

    assert response.status_code == 302
    product = session.scalars(select(KnowledgeProduct)).one()
    assert response.headers["Location"].endswith(f"/knowledge/{product.id}")
    assert product.status == "submitted"
    assert product.organisation_id == people.ministry.id
    assert product.submitted_by_id == people.contributor.id
    assert product.countries == ["ECU", "PER"]
    assert product.sdgs == [5, 11]
    assert product.themes == ["juventud", "gobiernos locales"]
    stored = product.files[0]
    assert stored.original_name == "Política nacional.pdf"
    assert stored.kind == "pdf" and stored.mime == "application/pdf"
    assert stored.size == len(pdf_bytes)
    assert stored.text_status == "pending" and stored.text is None  # read by the worker
    assert stored_file_count(data_dir) == 1
    assert outbox_actions(session, product.id) == ["delete", "delete"]
    actions = session.scalars(select(AuditEvent.action).where(AuditEvent.object_id == product.id))
    assert set(actions) == {"knowledge.product.created", "knowledge.file.added"}
    page = client.get(f"/knowledge/{product.id}").get_data(as_text=True)
    assert "Waiting for review" in page
    assert "The text of this file is being read; it will be searchable shortly." in page

    assert read_texts(app) == 1

    reread(session)
    assert stored.text_status == "ok" and stored.text_note == ""
    assert "planes nacionales" in (stored.text or "")
    # Not published: the product's index entry stays a delete.
    assert outbox_actions(session, product.id) == ["delete", "delete", "delete"]
    actions = session.scalars(select(AuditEvent.action).where(AuditEvent.object_id == product.id))
    assert "knowledge.file.text_read" in set(actions)
    page = client.get(f"/knowledge/{product.id}").get_data(as_text=True)
    assert "being read" not in page


def test_submitted_product_is_listed_as_pending_for_its_organisation(
    login, people, session
) -> None:
    client = login(people.contributor)
    form_post(client, "/knowledge/submit", {**FORM, "url": "https://example.org/p"})

    page = client.get("/knowledge/mine").get_data(as_text=True)

    assert FORM["title"] in page
    assert "Waiting for review" in page
    assert FORM["title"] not in login(people.other_contributor).get("/knowledge/mine").get_data(
        as_text=True
    )


def test_missing_title_is_shown_next_to_the_field_and_nothing_is_stored(
    login, people, session
) -> None:
    client = login(people.contributor)

    response = form_post(
        client, "/knowledge/submit", {**FORM, "title": "", "url": "https://example.org/p"}
    )

    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert 'id="title-error"' in page
    assert count_rows(session, KnowledgeProduct) == 0


def test_a_product_needs_a_file_or_a_link(login, people, session) -> None:
    response = form_post(login(people.contributor), "/knowledge/submit", FORM)

    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'id="file-error"' in page
    assert "Give a file, a link to the product, or both." in page
    assert count_rows(session, KnowledgeProduct) == 0


def test_future_publication_date_is_refused_on_its_field(login, people, session) -> None:
    response = form_post(
        login(people.contributor),
        "/knowledge/submit",
        {**FORM, "publication_date": "2999-01-01", "url": "https://example.org/p"},
    )

    page = response.get_data(as_text=True)
    assert 'id="publication_date-error"' in page
    assert "between 1900 and today" in page
    assert count_rows(session, KnowledgeProduct) == 0


def test_volunteering_flag_is_refused_for_a_product_that_is_not_a_vnr(
    login, people, session
) -> None:
    response = form_post(
        login(people.contributor),
        "/knowledge/submit",
        {**FORM, "volunteering_integrated": "yes", "url": "https://example.org/p"},
    )

    assert 'id="volunteering_integrated-error"' in response.get_data(as_text=True)
    assert count_rows(session, KnowledgeProduct) == 0


def test_vnr_keeps_its_volunteering_flag(login, people, session) -> None:
    form_post(
        login(people.contributor),
        "/knowledge/submit",
        {
            **FORM,
            "product_type": "vnr",
            "volunteering_integrated": "yes",
            "url": "https://example.org/vnr",
        },
    )

    product = session.scalars(select(KnowledgeProduct)).one()
    assert product.product_type == "vnr"
    assert product.volunteering_integrated is True


def test_javascript_link_is_refused(login, people, session) -> None:
    response = form_post(
        login(people.contributor),
        "/knowledge/submit",
        {**FORM, "url": "javascript:alert(1)"},
    )

    assert response.status_code == 200
    assert 'id="url-error"' in response.get_data(as_text=True)
    assert count_rows(session, KnowledgeProduct) == 0


def test_save_as_draft_keeps_the_product_out_of_the_review_queue(login, people, session) -> None:
    client = login(people.contributor)
    form_post(
        client, "/knowledge/submit", {**FORM, "url": "https://example.org/p", "action": "draft"}
    )
    product = session.scalars(select(KnowledgeProduct)).one()
    assert product.status == "draft"
    assert FORM["title"] not in login(people.staff).get("/knowledge/review").get_data(as_text=True)

    response = form_post(
        client, f"/knowledge/{product.id}/submit", {}, form_url=f"/knowledge/{product.id}"
    )

    assert response.status_code == 302
    reread(session)
    assert session.get(KnowledgeProduct, product.id).status == "submitted"
    assert FORM["title"] in login(people.staff).get("/knowledge/review").get_data(as_text=True)


def test_staff_submit_for_a_chosen_organisation(login, people, session) -> None:
    form_post(
        login(people.staff),
        "/knowledge/submit",
        {**FORM, "url": "https://example.org/p", "organisation": str(people.ngo.id)},
    )

    product = session.scalars(select(KnowledgeProduct)).one()
    assert product.organisation_id == people.ngo.id
    assert product.submitted_by_id == people.staff.id


def test_body_over_the_request_limit_is_answered_413_and_nothing_is_stored(
    app, login, people, session, data_dir: Path
) -> None:
    client = login(people.contributor)
    token_page = "/knowledge/submit"
    app.config["MAX_CONTENT_LENGTH"] = 256 * 1024
    big = io.BytesIO(b"%PDF-1.4\n" + b"0" * (512 * 1024))

    response = form_post(
        client, "/knowledge/submit", {**FORM, "file": (big, "big.pdf")}, form_url=token_page
    )

    assert response.status_code == 413
    assert count_rows(session, KnowledgeProduct) == 0
    assert count_rows(session, ProductFile) == 0
    assert count_rows(session, SearchOutbox) == 0
    assert stored_file_count(data_dir) == 0
