"""The search page `/knowledge/`: box, facet checkboxes with counts, marked results with badges,
sorting, pages, "did you mean", empty and unavailable states."""

from __future__ import annotations

import re
from datetime import date

import pytest

from tests.integration.knowledge.conftest import make_product
from tests.integration.search.conftest import run_indexer


def _result_titles(page: str) -> list[str]:
    found = re.findall(r'<h3 class="card__title" id="result-\d+">\s*<a [^>]*>(.*?)</a>', page, re.S)
    return [re.sub(r"</?mark>", "", title) for title in found]


@pytest.fixture
def rivers(app, session, people, index) -> None:
    for day, kind in ((1, "report"), (2, "toolkit"), (3, "report")):
        make_product(
            session,
            people.ministry,
            title=f"River volunteers {day}",
            abstract="Volunteers clean the river banks.",
            product_type=kind,
            publication_date=date(2024, 3, day),
        )
    session.commit()
    run_indexer(app)


def test_results_show_marked_escaped_titles_snippets_and_badges(
    app, client, session, people, index
):
    make_product(
        session,
        people.ministry,
        title="<script>alert(1)</script> Riverside volunteers",
        abstract="Riverside teams build <b>bridges</b>.",
        product_type="toolkit",
        language="en",
        publication_date=date(2024, 5, 2),
    )
    session.commit()
    run_indexer(app)

    page = client.get("/knowledge/?q=riverside").get_data(as_text=True)

    assert "&lt;script&gt;alert(1)&lt;/script&gt; <mark>Riverside</mark> volunteers" in page
    assert '<p lang="en"><mark>Riverside</mark> teams build &lt;b&gt;bridges&lt;/b' in page
    assert "<script>alert(1)" not in page
    hidden = '<span class="badge"><span class="visually-hidden">%s </span>%s</span>'
    assert hidden % ("Type:", "Toolkit") in page
    assert hidden % ("Language:", "English") in page
    assert hidden % ("Year:", '<time datetime="2024-05-02">2024</time>') in page
    assert people.ministry.name in page
    assert "1 result" in page


def test_a_title_only_match_is_marked_in_the_result_title(app, client, session, people, index):
    make_product(
        session,
        people.ministry,
        title="Coastal clean-up handbook",
        abstract="Teams of volunteers on the shore.",
        language="en",
    )
    session.commit()
    run_indexer(app)

    page = client.get("/knowledge/?q=handbook").get_data(as_text=True)

    marked = "Coastal clean-up <mark>handbook</mark>"
    assert re.search(rf'<a href="/knowledge/\d+" lang="en">{marked}</a>', page)
    assert '<p lang="en">Teams of volunteers on the shore.</p>' in page


def test_facets_are_labelled_checkboxes_with_counts(client, rivers) -> None:
    page = client.get("/knowledge/?type=report").get_data(as_text=True)

    assert re.search(r'name="type" value="report"\s+checked>', page)
    assert re.search(r'name="type" value="toolkit"\s*>', page)
    assert "(2 results)" in page and "(1 result)" in page
    assert '<legend class="facet__legend">Type of product</legend>' in page
    assert _result_titles(page) == ["River volunteers 3", "River volunteers 1"]
    assert 'href="/knowledge/">Clear filters</a>' in page


def test_pages_keep_the_query_filters_and_page_size(client, rivers) -> None:
    page = client.get("/knowledge/?q=river&type=report&per_page=1&sort=date").get_data(as_text=True)

    assert _result_titles(page) == ["River volunteers 3"]
    next_link = re.search(r'<a class="pagination__link" href="([^"]+)" rel="next">', page)
    assert next_link is not None
    target = next_link.group(1).replace("&amp;", "&")
    assert set(target.split("?")[1].split("&")) == {
        "q=river",
        "type=report",
        "sort=date",
        "page=2",
        "per_page=1",
    }
    second = client.get(target).get_data(as_text=True)
    assert _result_titles(second) == ["River volunteers 1"]


def test_a_query_can_be_sorted_by_relevance_or_date(client, rivers) -> None:
    page = client.get("/knowledge/?q=river&sort=date").get_data(as_text=True)

    assert _result_titles(page) == [
        "River volunteers 3",
        "River volunteers 2",
        "River volunteers 1",
    ]
    assert re.search(r'href="/knowledge/\?q=river&amp;sort=date" aria-current="true">', page)
    assert 'href="/knowledge/?q=river">Relevance</a>' in page


def test_results_can_be_sorted_by_title_with_or_without_words(app, client, session, people, index):
    for title in ("Zebra crossings", "école du dimanche", "Beach volunteers"):
        make_product(session, people.ministry, title=title, abstract="Volunteers at work.")
    session.commit()
    run_indexer(app)

    searched = client.get("/knowledge/?q=volunteers&sort=title").get_data(as_text=True)
    browsed = client.get("/knowledge/?sort=title").get_data(as_text=True)

    expected = ["Beach volunteers", "école du dimanche", "Zebra crossings"]
    assert _result_titles(searched) == expected and _result_titles(browsed) == expected
    current = 'href="/knowledge/?q=volunteers&amp;sort=title" aria-current="true">'
    assert current + "<strong>Title (A to Z)</strong></a>" in searched
    assert 'href="/knowledge/?q=volunteers">Relevance</a>' in searched
    # Browsing has no relevance to offer: newest first, or by title.
    assert 'href="/knowledge/?sort=date">Newest first</a>' in browsed
    assert "Relevance</a>" not in browsed


def test_few_results_offer_a_spelling_from_the_index(client, rivers) -> None:
    page = client.get("/knowledge/?q=rivr").get_data(as_text=True)

    assert 'Did you mean <a href="/knowledge/?q=river">river</a>?' in page


def test_nothing_found_shows_the_empty_state_and_a_way_out_of_the_filters(client, rivers) -> None:
    page = client.get("/knowledge/?q=zebra&type=report").get_data(as_text=True)

    assert "0 results" in page
    assert "No published product matches your search." in page
    assert 'href="/knowledge/?q=zebra">Search without filters</a>' in page


def test_malformed_paging_and_sort_fall_back_to_defaults(client, rivers) -> None:
    response = client.get("/knowledge/?page=-3&per_page=lots&sort=<x>&sdg=99&type=<script>")

    assert response.status_code == 200
    assert "<script>" not in response.get_data(as_text=True).split("</header>")[1]


def test_without_an_index_the_page_says_search_is_unavailable(client) -> None:
    response = client.get("/knowledge/?q=volunteer")

    page = response.get_data(as_text=True)
    assert response.status_code == 503
    assert "Search is temporarily unavailable. Please try again in a few minutes." in page
    assert 'name="q"' in page and 'value="volunteer"' in page
