"""Titles in results: matched words marked (a title-only match too) and the order by title."""

from __future__ import annotations

from knowledge.search.engine import SearchIndex

from .conftest import IndexFactory, make_product


def test_a_title_only_match_marks_the_title_and_leaves_the_snippet_plain(
    library: SearchIndex,
) -> None:
    (hit,) = library.search("framework").hits

    assert hit.id == 1
    assert str(hit.title_html) == "National volunteer policy <mark>framework</mark>"
    assert "<mark>" not in hit.snippet


def test_title_marks_follow_the_stemmer_of_the_products_language(library: SearchIndex) -> None:
    (english,) = library.search("frameworks").hits
    (french,) = library.search("politiques nationales").hits

    assert str(english.title_html) == "National volunteer policy <mark>framework</mark>"
    assert str(french.title_html) == "<mark>Politique</mark> <mark>nationale</mark> de volontariat"


def test_a_chinese_title_only_match_marks_whole_words(library: SearchIndex) -> None:
    # "联合国" is in the title only; "志愿" lies inside the jieba word "志愿服务" elsewhere.
    (hit,) = library.search("联合国").hits

    assert hit.id == 8
    assert str(hit.title_html) == "<mark>联合国</mark>志愿服务与可持续发展目标"
    assert "<mark>" not in hit.snippet


def test_russian_and_arabic_titles_are_marked_word_by_word(new_index: IndexFactory) -> None:
    index = new_index(
        [
            make_product(id=1, title="Волонтёры и местные сообщества", language="ru"),
            make_product(id=2, title="العمل التطوعي في المجتمعات", language="ar"),
        ]
    )

    (russian,) = index.search("волонтёры").hits
    (arabic,) = index.search("التطوعي").hits

    assert str(russian.title_html) == "<mark>Волонтёры</mark> и местные сообщества"
    assert str(arabic.title_html) == "العمل <mark>التطوعي</mark> في المجتمعات"


def test_an_unmatched_title_is_escaped_without_marks(new_index: IndexFactory) -> None:
    index = new_index([make_product(id=1, title="Tom & Jerry <b>", abstract="Cartoon volunteers")])

    (hit,) = index.search("cartoon").hits

    assert str(hit.title_html) == "Tom &amp; Jerry &lt;b&gt;"
    assert str(hit.snippet) == "<mark>Cartoon</mark> volunteers"
