"""Only published products are indexed or found: decisions made through the site reach the index
once the response is sent."""

from __future__ import annotations

from sqlalchemy import select

from knowledge.models import KnowledgeProduct, ProductRevision
from tests.integration.knowledge.conftest import form_post, make_product, reread
from tests.integration.search.conftest import closed, pending_rows, run_indexer

FORM = {
    "title": "Lighthouse keepers and volunteering",
    "abstract": "Volunteers keep coastal lights running.",
    "product_type": "report",
    "language": "en",
    "publication_date": "2024-06-01",
    "url": "https://example.org/lighthouse",
    "action": "submit",
}


def _indexed(index, word: str) -> list[str]:
    return [hit.title for hit in index.search(word).hits]


def _latest_product(session) -> KnowledgeProduct:
    reread(session)
    return session.scalars(select(KnowledgeProduct).order_by(KnowledgeProduct.id.desc())).first()


def test_submitted_and_rejected_products_are_never_indexed(
    app, session, people, login, index, search
) -> None:
    closed(form_post(login(people.contributor), "/knowledge/submit", FORM))
    product = _latest_product(session)
    assert product.status == "submitted"
    assert _indexed(index, "lighthouse") == []

    closed(
        form_post(
            login(people.staff),
            f"/knowledge/{product.id}/reject",
            {"reason": "Not about volunteering."},
            form_url=f"/knowledge/review/{product.id}",
        )
    )

    assert _latest_product(session).status == "rejected"
    assert _indexed(index, "lighthouse") == []
    assert search(q="lighthouse")["total"] == 0
    assert pending_rows(session, app) == 0


def test_published_then_withdrawn_product_leaves_the_index(
    session, people, login, index, search
) -> None:
    closed(form_post(login(people.contributor), "/knowledge/submit", FORM))
    product = _latest_product(session)
    closed(
        form_post(
            login(people.staff),
            f"/knowledge/{product.id}/publish",
            {},
            form_url=f"/knowledge/review/{product.id}",
        )
    )
    assert _indexed(index, "lighthouse") == [FORM["title"]]

    closed(
        form_post(
            login(people.contributor),
            f"/knowledge/{product.id}/withdraw",
            {"reason": "Superseded."},
            form_url=f"/knowledge/{product.id}",
        )
    )

    assert _latest_product(session).status == "withdrawn"
    assert _indexed(index, "lighthouse") == []
    assert search(q="lighthouse")["total"] == 0
    assert index.doc_count() == 0


def test_a_pending_revision_is_searchable_only_once_approved(
    app, session, people, login, index, search
) -> None:
    product = make_product(
        session, people.ministry, actor=people.contributor, title="Harbour volunteers"
    )
    session.commit()
    run_indexer(app)
    edit = {**FORM, "title": "Harbour and lighthouse volunteers", "action": "save"}

    closed(form_post(login(people.contributor), f"/knowledge/{product.id}/edit", edit))
    assert search(q="lighthouse")["total"] == 0
    reread(session)
    revision = session.scalars(select(ProductRevision)).one()
    closed(
        form_post(
            login(people.staff),
            f"/knowledge/revisions/{revision.id}/approve",
            {},
            form_url="/knowledge/review",
        )
    )

    assert _indexed(index, "lighthouse") == ["Harbour and lighthouse volunteers"]
    assert [r["title"] for r in search(q="harbour")["results"]] == [
        "Harbour and lighthouse volunteers"
    ]


def test_withdrawn_product_is_hidden_even_before_the_index_catches_up(
    app, session, people, login, index, search
) -> None:
    product = make_product(session, people.ministry, actor=people.contributor, title="Lighthouse")
    session.commit()
    run_indexer(app)

    # The response is not closed here, so the after-response indexing has not run yet.
    form_post(
        login(people.contributor),
        f"/knowledge/{product.id}/withdraw",
        {"reason": "Retracted."},
        form_url=f"/knowledge/{product.id}",
    )

    assert _indexed(index, "lighthouse") == ["Lighthouse"]
    assert search(q="lighthouse")["results"] == []
    assert pending_rows(session, app) == 1
