"""Titles in results: matched words marked (a title-only match too) and the order by title."""

from __future__ import annotations

from pathlib import Path

from knowledge.search.engine import SearchIndex
from portal.collation import collation_bytes, collation_key

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


def _titles(
    index: SearchIndex,
    text: str = "",
    *,
    filters: dict[str, list[str]] | None = None,
    page: int = 1,
    per_page: int = 20,
) -> list[str]:
    found = index.search(text, filters=filters, sort="title", page=page, per_page=per_page)
    return [hit.title for hit in found.hits]


def test_titles_sort_regardless_of_case_and_accents(new_index: IndexFactory) -> None:
    names = ["Zulu stories", "école rurale", "alpha two", "Émile", "beta", "Alpha"]
    index = new_index([make_product(id=n, title=title) for n, title in enumerate(names, 1)])

    result = index.search("", sort="title", per_page=50)

    assert result.sort == "title"
    assert [hit.title for hit in result.hits] == [
        "Alpha",
        "alpha two",
        "beta",
        "école rurale",
        "Émile",
        "Zulu stories",
    ]


def test_titles_sort_by_the_collation_key_the_index_is_given(tmp_path: Path) -> None:
    names = ["Zambia", "Österreich", "Æsop's fables", "Bélgica", "Burundi", "Волонтёры", "志愿"]
    index = SearchIndex(tmp_path, title_key=collation_bytes)
    index.rebuild([make_product(id=n, title=title) for n, title in enumerate(names, 1)])

    assert _titles(index, per_page=50) == sorted(names, key=collation_key)
    assert _titles(index, per_page=50) == [
        "Æsop's fables",
        "Bélgica",
        "Burundi",
        "Österreich",
        "Zambia",
        "Волонтёры",
        "志愿",
    ]


def test_pages_sorted_by_title_follow_on_exactly(new_index: IndexFactory) -> None:
    # Ids run against the title order, and two titles are equal: ties go by id.
    products = [
        make_product(id=100 - n, title=f"Volunteer report {n:02d}", product_type="report")
        for n in range(1, 24)
    ]
    products.append(make_product(id=1, title="Volunteer report 07", product_type="report"))
    products.append(make_product(id=2, title="Volunteer toolkit", product_type="toolkit"))
    index = new_index(products)

    pages = [index.search("volunteer", sort="title", per_page=10, page=n) for n in (1, 2, 3)]
    filtered = [
        _titles(index, "", filters={"type": ["report"]}, per_page=7, page=n) for n in (1, 2, 3, 4)
    ]

    ids = [hit.id for page in pages for hit in page.hits]
    assert [page.total for page in pages] == [25, 25, 25]
    assert [len(page.hits) for page in pages] == [10, 10, 5]
    assert len(set(ids)) == 25
    assert [hit.title for page in pages for hit in page.hits][:8] == [
        f"Volunteer report {n:02d}" for n in (1, 2, 3, 4, 5, 6, 7, 7)
    ]
    assert ids[6:8] == [1, 93]
    assert ids[-1] == 2
    assert [len(page) for page in filtered] == [7, 7, 7, 3]
    assert sum(filtered, []) == sorted(f"Volunteer report {n:02d}" for n in [*range(1, 24), 7])


def test_the_title_order_follows_changes_to_the_index(new_index: IndexFactory) -> None:
    index = new_index(
        [make_product(id=n, title=title) for n, title in ((1, "Bravo"), (2, "Delta"))]
    )
    assert _titles(index) == ["Bravo", "Delta"]

    index.apply(
        upserts=[make_product(id=2, title="Alpha"), make_product(id=3, title="Charlie")], deletes=[]
    )
    assert _titles(index) == ["Alpha", "Bravo", "Charlie"]

    index.apply(upserts=[], deletes=[1])
    assert _titles(index) == ["Alpha", "Charlie"]
