"""Each language finds its own products: stemming, accent folding, Chinese segmentation."""

from __future__ import annotations

import pytest

from knowledge.search.engine import SearchIndex
from knowledge.search.engine.analysis import analyzer_for
from knowledge.search.engine.highlight import highlighted, whole_highlighted

from .conftest import IndexFactory, make_product


def found_ids(index: SearchIndex, text: str) -> set[int]:
    return {hit.id for hit in index.search(text, per_page=50).hits}


def test_english_plural_finds_singular_and_singular_finds_plural(library: SearchIndex) -> None:
    assert found_ids(library, "policies") >= {1, 2}
    assert found_ids(library, "policy") >= {1, 2}


@pytest.mark.parametrize("query", ["volontariat", "Volontariat", "volontariats", "VOLONTARIATS"])
def test_french_word_forms_find_french_products(library: SearchIndex, query: str) -> None:
    assert found_ids(library, query) == {3, 4}


def test_french_accented_query_finds_unaccented_text_and_back(library: SearchIndex) -> None:
    assert 4 in found_ids(library, "éducation")
    assert 3 in found_ids(library, "education")


def test_spanish_stemming_joins_voluntarios_and_voluntariado(library: SearchIndex) -> None:
    assert found_ids(library, "voluntarios") >= {5, 6}
    assert found_ids(library, "voluntariado") >= {5, 6}


def test_spanish_stems_stay_apart_from_unrelated_words() -> None:
    stems = [token.text for token in analyzer_for("es")("voluntarios voluntariado volumen")]
    assert stems[0] == stems[1]
    assert stems[2] != stems[0]


def test_portuguese_accents_and_stemming(library: SearchIndex) -> None:
    assert 7 in found_ids(library, "voluntarios")
    assert 7 in found_ids(library, "educacao")
    assert 7 in found_ids(library, "sustentavel")


def test_chinese_query_finds_chinese_product(library: SearchIndex) -> None:
    assert found_ids(library, "志愿服务") == {8}
    assert found_ids(library, "可持续发展") == {8}


def test_chinese_sub_word_finds_longer_word() -> None:
    tokens = {token.text for token in analyzer_for("zh")("联合国志愿服务", mode="index")}
    assert {"联合国", "联合"} <= tokens


def test_chinese_snippet_marks_the_matched_words(library: SearchIndex) -> None:
    hit = library.search("志愿服务").hits[0]
    assert "<mark>志愿</mark>" in hit.snippet or "<mark>志愿服务</mark>" in hit.snippet


def test_other_languages_are_searchable_with_accent_folding(library: SearchIndex) -> None:
    assert found_ids(library, "freiwilligenarbeit") == {9}
    assert found_ids(library, "uber") == {9}
    assert found_ids(library, "osterreich") == {9}


def test_words_only_in_the_file_text_are_found_and_shown(library: SearchIndex) -> None:
    result = library.search("zooplankton")
    assert [hit.id for hit in result.hits] == [10]
    assert "<mark>zooplankton</mark>" in result.hits[0].snippet


def test_product_is_analysed_in_its_own_language(new_index: IndexFactory) -> None:
    index = new_index(
        [
            make_product(id=1, title="Politiques publiques", language="fr"),
            make_product(id=2, title="Public policies", language="en"),
        ]
    )
    assert found_ids(index, "politique") == {1}
    assert found_ids(index, "policy") == {2}


def test_organisation_name_is_searchable(new_index: IndexFactory) -> None:
    index = new_index([make_product(id=1, title="Handbook", organisation="Red Crescent Society")])
    assert found_ids(index, "crescent") == {1}


def _query_terms(query: str) -> set[str]:
    return {token.text for token in analyzer_for("zh")(query, mode="query")}


def test_chinese_highlights_mark_whole_words_never_half_of_one() -> None:
    text = "本报告介绍志愿服务如何促进可持续发展目标的实现。联合国志愿人员在社区工作。"

    # "志愿" is a dictionary sub-word of the jieba word "志愿人员": the whole word is marked.
    assert str(highlighted(text, "zh", _query_terms("志愿"))) == (
        "本报告介绍<mark>志愿</mark>服务如何促进可持续发展目标的实现。"
        "联合国<mark>志愿人员</mark>在社区工作…"
    )
    # A query jieba splits ("可持续" -> 可 + 持续) is marked as one piece, not two touching marks.
    assert "<mark>可持续</mark>发展" in str(highlighted(text, "zh", _query_terms("可持续")))
    assert "<mark>联合国</mark>" in str(highlighted(text, "zh", _query_terms("联合")))
    assert str(whole_highlighted("志愿服务与可持续发展", "zh", _query_terms("志愿服务"))) == (
        "<mark>志愿服务</mark>与可持续发展"
    )


def test_words_of_spaced_languages_keep_one_mark_each() -> None:
    terms = {token.text for token in analyzer_for("en")("volunteer policy", mode="query")}

    marked = highlighted("Volunteers shape <b>policy</b>.", "en", terms)

    assert str(marked).startswith("<mark>Volunteers</mark> shape &lt;b&gt;<mark>policy</mark>&lt;")
