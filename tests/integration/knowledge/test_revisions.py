"""A contributor's edit of a published product waits for review; the published version stays."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import select

from knowledge import moderation, products
from knowledge.models import KnowledgeProduct, ProductRevision
from portal.errors import InputError
from tests.integration.knowledge.conftest import form_post, make_product, outbox_actions, reread

EDIT = {
    "title": "Revised: volunteering in national plans",
    "abstract": "A revised abstract.",
    "product_type": "report",
    "language": "en",
    "publication_date": "2024-04-15",
    "countries": ["ECU"],
    "sdgs": ["4", "8", "17"],
    "url": "https://example.org/plans",
    "action": "save",
}


@pytest.fixture
def published(session, people) -> KnowledgeProduct:
    product = make_product(
        session,
        people.ministry,
        status="published",
        actor=people.contributor,
        title="Volunteering in national plans",
        url="https://example.org/plans",
    )
    session.commit()
    return product


def _revision(session, product_id: int) -> ProductRevision:
    reread(session)
    return session.scalars(
        select(ProductRevision).where(ProductRevision.product_id == product_id)
    ).one()


def test_contributor_edit_of_a_published_product_becomes_a_pending_revision(
    login, people, session, published, pdf_bytes
) -> None:
    client = login(people.contributor)

    response = form_post(
        client,
        f"/knowledge/{published.id}/edit",
        {**EDIT, "file": (io.BytesIO(pdf_bytes), "annex.pdf")},
    )

    assert response.status_code == 302
    revision = _revision(session, published.id)
    assert revision.state == "pending"
    assert revision.changes["title"] == EDIT["title"]
    assert revision.changes["sdgs"] == [4, 8, 17]
    product = session.get(KnowledgeProduct, published.id)
    assert product.title == "Volunteering in national plans"
    assert product.status == "published"
    assert product.public_files == []
    public_page = login(people.partner).get(f"/knowledge/{published.id}").get_data(as_text=True)
    assert "Volunteering in national plans" in public_page
    assert EDIT["title"] not in public_page
    assert "annex.pdf" not in public_page
    [new_file] = revision.files
    assert (
        login(people.partner).get(f"/knowledge/{published.id}/files/{new_file.id}").status_code
        == 404
    )
    owner_page = client.get(f"/knowledge/{published.id}").get_data(as_text=True)
    assert "Changes to this product wait for review" in owner_page


def test_a_second_edit_updates_the_pending_revision(login, people, session, published) -> None:
    client = login(people.contributor)
    form_post(client, f"/knowledge/{published.id}/edit", {**EDIT, "url": "https://example.org/a"})
    form_post(
        client,
        f"/knowledge/{published.id}/edit",
        {**EDIT, "title": "Second try", "url": "https://example.org/b"},
    )

    revision = _revision(session, published.id)
    assert revision.changes["title"] == "Second try"


def test_staff_approve_the_revision_and_it_replaces_the_published_version(
    login, people, session, published, pdf_bytes
) -> None:
    form_post(
        login(people.contributor),
        f"/knowledge/{published.id}/edit",
        {**EDIT, "file": (io.BytesIO(pdf_bytes), "annex.pdf")},
    )
    revision = _revision(session, published.id)
    staff = login(people.staff)
    review_page = staff.get(f"/knowledge/revisions/{revision.id}").get_data(as_text=True)
    assert "Volunteering in national plans" in review_page and EDIT["title"] in review_page

    response = form_post(
        staff, f"/knowledge/revisions/{revision.id}/approve", {}, form_url="/knowledge/review"
    )

    assert response.status_code == 302
    reread(session)
    product = session.get(KnowledgeProduct, published.id)
    assert product.title == EDIT["title"]
    assert product.sdgs == [4, 8, 17]
    assert [f.original_name for f in product.public_files] == ["annex.pdf"]
    assert session.get(ProductRevision, revision.id).state == "approved"
    assert outbox_actions(session, product.id)[-1] == "upsert"
    public_page = login(people.partner).get(f"/knowledge/{published.id}").get_data(as_text=True)
    assert EDIT["title"] in public_page and "annex.pdf" in public_page


def test_rejected_revision_leaves_the_published_version(login, people, session, published) -> None:
    form_post(
        login(people.contributor),
        f"/knowledge/{published.id}/edit",
        {**EDIT, "url": "https://example.org/plans"},
    )
    revision = _revision(session, published.id)

    form_post(
        login(people.staff),
        f"/knowledge/revisions/{revision.id}/reject",
        {"reason": "The new title is misleading."},
        form_url="/knowledge/review",
    )

    reread(session)
    assert session.get(ProductRevision, revision.id).state == "rejected"
    assert session.get(ProductRevision, revision.id).rejection_reason == (
        "The new title is misleading."
    )
    assert session.get(KnowledgeProduct, published.id).title == "Volunteering in national plans"


def test_staff_edit_a_published_product_directly(login, people, session, published) -> None:
    form_post(login(people.staff), f"/knowledge/{published.id}/edit", EDIT)

    reread(session)
    assert session.get(KnowledgeProduct, published.id).title == EDIT["title"]
    assert session.scalars(select(ProductRevision)).all() == []
    assert outbox_actions(session, published.id)[-1] == "upsert"


def test_whoever_proposed_a_revision_cannot_approve_it(app, session, people, published) -> None:
    revision = products.update_product(
        session,
        people.contributor,
        published,
        products.ProductInput.of(published),
        direct=False,
    )
    assert revision is not None
    revision.proposed_by_id = people.staff.id

    with pytest.raises(InputError):
        moderation.approve_revision(session, people.staff, revision)
    with app.app_context():  # the decision mail is composed with the app's templates
        moderation.approve_revision(session, people.second_staff, revision)
    assert revision.state == "approved"


def test_edit_form_of_a_product_with_a_pending_revision_shows_the_proposal(
    login, people, session, published
) -> None:
    client = login(people.contributor)
    form_post(client, f"/knowledge/{published.id}/edit", {**EDIT, "url": "https://example.org/a"})

    page = client.get(f"/knowledge/{published.id}/edit").get_data(as_text=True)

    assert f'value="{EDIT["title"]}"' in page


def test_creators_proposed_in_a_revision_are_shown_and_applied(
    login, people, session, published
) -> None:
    creators = "Diallo, Aminata [0000-0002-1825-0097]\norg: Kenya Red Cross"
    form_post(
        login(people.contributor), f"/knowledge/{published.id}/edit", {**EDIT, "creators": creators}
    )
    revision = _revision(session, published.id)
    staff = login(people.staff)

    page = staff.get(f"/knowledge/revisions/{revision.id}").get_data(as_text=True)
    assert "Aminata Diallo</span> (0000-0002-1825-0097); <span" in page
    assert "Kenya Red Cross" in page
    form_post(
        staff, f"/knowledge/revisions/{revision.id}/approve", {}, form_url="/knowledge/review"
    )

    reread(session)
    product = session.get(KnowledgeProduct, published.id)
    assert [c.sort_name for c in product.creators] == ["Diallo, Aminata", "Kenya Red Cross"]
    assert product.creators[1].kind == "organisation"


def test_a_revision_proposed_before_licences_were_spdx_ids_shows_no_licence_change(
    session, people, published
) -> None:
    revision = products.propose_revision(
        session, people.contributor, published, products.ProductInput.of(published)
    )
    published.licence = "CC-BY-4.0"
    revision.changes = {**revision.changes, "licence": "cc-by-4.0", "title": "New title"}
    session.flush()

    assert [key for key, _, _ in products.revision_differences(revision)] == ["title"]
