"""Facets, filters, sorting, pages, safe highlights and spelling suggestions."""

from __future__ import annotations

import datetime as dt

import pytest
from markupsafe import Markup

from knowledge.search.engine import MAX_PER_PAGE, SearchIndex

from .conftest import LIBRARY, IndexFactory, make_product


def test_facet_counts_cover_every_match(library: SearchIndex) -> None:
    result = library.search("")
    assert result.total == len(LIBRARY)
    assert result.facets["type"]["report"] == 4
    assert result.facets["language"] == {"en": 3, "es": 2, "fr": 2, "de": 1, "pt": 1, "zh": 1}
    assert result.facets["sdg"]["17"] == 3
    assert result.facets["sdg"]["4"] == 3
    assert result.facets["country"]["SEN"] == 2
    assert result.facets["org_kind"]["cso"] == 3
    assert result.facets["year"]["2024"] == 3


def test_facet_counts_follow_the_query_and_filters(library: SearchIndex) -> None:
    result = library.search("volontariat", filters={"country": ["BFA"]})
    assert [hit.id for hit in result.hits] == [4]
    assert result.facets["country"] == {"BFA": 1, "SEN": 1}
    assert result.facets["type"] == {"legislation": 1}


def test_values_within_a_filter_are_alternatives(library: SearchIndex) -> None:
    result = library.search("", filters={"language": ["es", "pt"]})
    assert {hit.id for hit in result.hits} == {5, 6, 7}


def test_filters_on_different_facets_all_apply(library: SearchIndex) -> None:
    result = library.search("", filters={"sdg": [4], "year": [2022, 2023]})
    assert {hit.id for hit in result.hits} == {3, 7}


def test_filter_values_are_normalised(library: SearchIndex) -> None:
    result = library.search("", filters={"country": ["sen"], "type": "Case_Study"})
    assert [hit.id for hit in result.hits] == [3]
    assert result.filters == {"country": ["SEN"], "type": ["case_study"]}


def test_unknown_filter_is_a_programming_error(library: SearchIndex) -> None:
    with pytest.raises(ValueError, match="unknown search filter"):
        library.search("", filters={"colour": ["red"]})


def test_empty_query_browses_everything_newest_first(library: SearchIndex) -> None:
    dates = [hit.publication_date for hit in library.search("", per_page=50).hits]
    assert dates == sorted(dates, reverse=True)
    assert len(dates) == len(LIBRARY)


def test_date_sort_orders_matches_newest_first(library: SearchIndex) -> None:
    result = library.search("volunteer", sort="date")
    years = [hit.year for hit in result.hits]
    assert years == sorted(years, reverse=True)
    assert result.sort == "date"
    assert all(hit.score is None for hit in result.hits)


def test_title_match_ranks_above_file_text_match(new_index: IndexFactory) -> None:
    index = new_index(
        [
            make_product(id=1, title="Annual report", file_text="A word on mangroves here."),
            make_product(id=2, title="Mangroves and volunteers", abstract="Coastal work."),
        ]
    )
    hits = index.search("mangroves").hits
    assert [hit.id for hit in hits] == [2, 1]
    assert hits[0].score is not None and hits[1].score is not None
    assert hits[0].score > hits[1].score


def test_phrase_needs_the_words_together(new_index: IndexFactory) -> None:
    index = new_index(
        [
            make_product(id=1, title="Youth volunteering in cities"),
            make_product(id=2, title="Volunteering by older people, youth excluded"),
        ]
    )
    assert [hit.id for hit in index.search('"youth volunteering"').hits] == [1]
    assert {hit.id for hit in index.search("youth volunteering").hits} == {1, 2}


def test_prefix_search_finds_word_forms(library: SearchIndex) -> None:
    assert {hit.id for hit in library.search("volontar*").hits} == {3, 4}


def test_excluded_word_removes_products(library: SearchIndex) -> None:
    ids = {hit.id for hit in library.search("volontariat -politique").hits}
    assert ids == {3}


def test_pages_do_not_overlap_and_end_empty(new_index: IndexFactory) -> None:
    products = [
        make_product(id=i, title=f"Volunteer story {i}", publication_date=dt.date(2020, 1, 1))
        for i in range(1, 26)
    ]
    index = new_index(products)
    first = index.search("volunteer", page=1, per_page=10)
    third = index.search("volunteer", page=3, per_page=10)
    beyond = index.search("volunteer", page=4, per_page=10)
    assert first.total == 25 and first.pages == 3 and first.has_next
    assert len(first.hits) == 10 and len(third.hits) == 5 and not third.has_next
    assert not {h.id for h in first.hits} & {h.id for h in third.hits}
    assert beyond.hits == [] and beyond.total == 25


def test_page_size_is_capped(library: SearchIndex) -> None:
    result = library.search("", per_page=10_000, page=-3)
    assert result.per_page == MAX_PER_PAGE
    assert result.page == 1


def test_highlights_escape_markup_and_keep_marks(new_index: IndexFactory) -> None:
    index = new_index(
        [
            make_product(
                id=1,
                title="<script>alert(1)</script> Volunteer handbook",
                abstract='A volunteer <img src=x onerror="alert(2)"> guide & checklist.',
            )
        ]
    )
    hit = index.search("volunteer").hits[0]
    assert isinstance(hit.title_html, Markup) and isinstance(hit.snippet, Markup)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in hit.title_html
    assert "<mark>Volunteer</mark>" in hit.title_html
    assert "<script>" not in hit.title_html
    assert "<mark>volunteer</mark>" in hit.snippet
    assert "&lt;img" in hit.snippet and "&amp;" in hit.snippet and "<img" not in hit.snippet
    assert hit.title == "<script>alert(1)</script> Volunteer handbook"


def test_snippet_without_match_is_the_escaped_abstract_start(new_index: IndexFactory) -> None:
    index = new_index([make_product(id=1, title="Solar pumps", abstract="Cheap <b>pumps</b>.")])
    assert index.search("").hits[0].snippet == Markup("Cheap &lt;b&gt;pumps&lt;/b&gt;.")


def test_misspelling_gets_a_suggestion_from_the_vocabulary(library: SearchIndex) -> None:
    result = library.search("volunter framewrok")
    assert result.total == 0
    assert result.suggestion == "volunteer framework"


def test_no_suggestion_when_results_are_plenty(library: SearchIndex) -> None:
    assert library.search("volunteer").suggestion is None


def test_hit_carries_display_fields(library: SearchIndex) -> None:
    hit = library.search("zooplankton").hits[0]
    assert (hit.language, hit.product_type, hit.year) == ("en", "report", 2024)
    assert hit.publication_date == dt.date(2024, 12, 1)
    assert hit.title == "Annual results report"
