""" "More like this" on a product page and `GET /api/v1/knowledge/products/<id>/similar`."""

from __future__ import annotations

import gc
import os
import re

import pytest

from knowledge.models import KnowledgeProduct
from tests.integration.knowledge.conftest import make_product
from tests.integration.search.conftest import run_indexer


def _section(page: str) -> tuple[str, list[str]]:
    """The heading of the related section and the titles of its cards."""
    found = re.search(r'<h2 id="related-title">(.*?)</h2>(.*?)</section>', page, re.S)
    assert found is not None, "no related section"
    cards = re.findall(r'<h3 class="card__title"[^>]*>\s*<a [^>]*>(.*?)</a>', found.group(2), re.S)
    return found.group(1), cards


@pytest.fixture
def mangroves(app, session, people, index) -> dict[str, KnowledgeProduct]:
    """A product, its near-duplicate, one sharing a few words, one sharing only goals, a
    withdrawn near-duplicate the index has not heard of yet, and one waiting for review."""
    made = {
        "product": make_product(
            session,
            people.ministry,
            title="Mangrove restoration by coastal volunteers in Fiji",
            abstract="Volunteers replant mangrove seedlings to protect the coast from storms.",
            sdgs=(14,),
            countries=("TON",),
        ),
        "twin": make_product(
            session,
            people.ngo,
            title="Coastal volunteers restoring mangroves in Fiji",
            abstract="Community volunteers replant mangrove seedlings against storms.",
            sdgs=(13,),
            countries=("FJI",),
        ),
        "reefs": make_product(
            session,
            people.ngo,
            title="Coral reef monitoring in Fiji",
            abstract="Divers record the reefs of the coast after storms.",
            sdgs=(13,),
            countries=("FJI",),
        ),
        "goals": make_product(
            session,
            people.ngo,
            title="Ocean goals",
            abstract="Targets.",
            sdgs=(14,),
            countries=("PER",),
        ),
        "withdrawn": make_product(
            session,
            people.ngo,
            title="Mangrove seedlings replanted by coastal volunteers in Fiji",
            abstract="Volunteers replant mangrove seedlings on the coast.",
            sdgs=(13,),
            countries=("FJI",),
        ),
        "pending": make_product(
            session,
            people.ngo,
            title="Mangrove restoration by coastal volunteers in Fiji, again",
            abstract="Volunteers replant mangrove seedlings to protect the coast from storms.",
            status="submitted",
        ),
    }
    for number in range(4):
        make_product(
            session,
            people.unv,
            title=f"Annual report {number}",
            abstract="Results.",
            sdgs=(1,),
            countries=("KEN",),
        )
    session.commit()
    run_indexer(app)
    # Withdrawn behind the index's back: the database has the last word.
    made["withdrawn"].status = "withdrawn"
    session.commit()
    return made


def test_a_product_page_lists_products_like_it_in_text(client, mangroves) -> None:
    page = client.get(f"/knowledge/{mangroves['product'].id}").get_data(as_text=True)

    heading, cards = _section(page)
    assert heading == "More like this"
    assert cards == [mangroves["twin"].title, mangroves["reefs"].title]
    assert '<p class="muted">Products whose text is closest to this one\'s.</p>' in page


def test_the_similar_api_lists_published_products_best_first(client, mangroves) -> None:
    product, twin = mangroves["product"], mangroves["twin"]

    body = client.get(f"/api/v1/knowledge/products/{product.id}/similar").get_json()

    assert body["id"] == product.id
    assert [item["title"] for item in body["results"]] == [twin.title, mangroves["reefs"].title]
    assert body["results"][0] == {
        "id": twin.id,
        "title": twin.title,
        "url": f"/knowledge/{twin.id}",
        "product_type": "report",
        "language": "en",
        "year": 2024,
        "publication_date": "2024-04-15",
        "organisation": twin.organisation.name,
    }


@pytest.mark.parametrize("which", ["pending", "withdrawn"])
def test_the_similar_api_knows_only_published_products(client, mangroves, which) -> None:
    response = client.get(f"/api/v1/knowledge/products/{mangroves[which].id}/similar")

    assert response.status_code == 404
    assert client.get("/api/v1/knowledge/products/999999/similar").status_code == 404


def test_without_an_index_the_page_falls_back_to_shared_goals(app, client, session, people):
    product = make_product(session, people.ministry, title="Ocean plan", sdgs=(14,))
    make_product(session, people.ngo, title="Ocean goals", sdgs=(14,), countries=("PER",))
    session.commit()

    response = client.get(f"/knowledge/{product.id}")

    assert response.status_code == 200
    assert _section(response.get_data(as_text=True)) == ("Related products", ["Ocean goals"])
    similar = client.get(f"/api/v1/knowledge/products/{product.id}/similar")
    assert similar.status_code == 503
    assert similar.get_json() == {
        "error": "Search is temporarily unavailable. Please try again shortly."
    }


def test_a_product_the_index_finds_nothing_like_shows_shared_goals(client, mangroves) -> None:
    page = client.get(f"/knowledge/{mangroves['goals'].id}").get_data(as_text=True)

    assert _section(page) == ("Related products", [mangroves["product"].title])


# Whoosh leaves the damaged segment file open when it fails to read it; collected at the end.
@pytest.mark.filterwarnings("ignore::ResourceWarning")
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
def test_a_damaged_index_never_breaks_a_product_page(client, mangroves, index) -> None:
    generation = index.base_dir / str(index.current_generation())
    for segment in generation.glob("*.seg"):
        os.truncate(segment, segment.stat().st_size // 2)
    product = mangroves["product"]

    response = client.get(f"/knowledge/{product.id}")
    similar = client.get(f"/api/v1/knowledge/products/{product.id}/similar")

    assert response.status_code == 200
    assert _section(response.get_data(as_text=True)) == (
        "Related products",
        [mangroves["goals"].title],
    )
    assert similar.status_code == 503
    del response, similar
    gc.collect()
