""" "More like this": products sharing the most telling words of a product's text."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from knowledge.search.engine import SearchIndex, SearchUnavailable
from knowledge.search.engine.similar import key_terms

from .conftest import LIBRARY, IndexFactory, make_product

MANGROVES = make_product(
    id=1,
    title="Mangrove restoration by coastal volunteers in Fiji",
    abstract="Volunteers replant mangrove seedlings to protect the coast from storm surges.",
)
NEAR_DUPLICATE = make_product(
    id=2,
    title="Coastal volunteers restoring mangroves in Fiji",
    abstract="Community volunteers replant mangrove seedlings against storm surges.",
)
SOME_OVERLAP = make_product(
    id=3,
    title="Coral reef monitoring in Fiji",
    abstract="Divers record the coast's reefs after storm surges.",
)
UNRELATED = make_product(
    id=4, title="Youth employment schemes", abstract="Apprenticeships for school leavers."
)
OTHERS = [
    make_product(id=10 + n, title=f"Annual report {n}", abstract="Results.") for n in range(4)
]


def _ids(index: SearchIndex, product_id: int, limit: int = 5) -> list[int]:
    return [hit.id for hit in index.more_like(product_id, limit=limit)]


def test_the_near_duplicate_comes_first_and_the_product_never(new_index: IndexFactory) -> None:
    index = new_index([MANGROVES, NEAR_DUPLICATE, SOME_OVERLAP, UNRELATED, *OTHERS])

    hits = index.more_like(1)

    assert [hit.id for hit in hits] == [2, 3]
    assert hits[0].title == "Coastal volunteers restoring mangroves in Fiji"
    assert hits[0].score is not None and hits[1].score is not None
    assert hits[0].score > 3 * hits[1].score
    assert _ids(index, 2) == [1, 3]
    assert _ids(index, 1, limit=1) == [2]


def test_removed_products_are_never_like_anything(new_index: IndexFactory) -> None:
    index = new_index([MANGROVES, NEAR_DUPLICATE, SOME_OVERLAP, UNRELATED, *OTHERS])

    index.apply(upserts=[], deletes=[2])

    assert _ids(index, 1) == [3]
    assert _ids(index, 2) == []


def test_a_product_with_nothing_in_common_or_not_indexed_has_none(new_index: IndexFactory) -> None:
    index = new_index([MANGROVES, NEAR_DUPLICATE, UNRELATED, *OTHERS])

    assert _ids(index, 4) == []
    assert _ids(index, 999) == []


def test_similar_products_share_the_language_of_the_product(library: SearchIndex) -> None:
    assert _ids(library, 1) == [2]  # English volunteer policies
    assert _ids(library, 3) == [4]  # French volontariat


def test_chinese_products_are_compared_by_jieba_words(new_index: IndexFactory) -> None:
    index = new_index(
        [
            *LIBRARY,
            make_product(
                id=20,
                title="志愿服务与可持续发展",
                abstract="志愿服务促进可持续发展目标。",
                language="zh",
            ),
            make_product(id=21, title="城市交通规划", abstract="公共交通。", language="zh"),
        ]
    )

    assert _ids(index, 8) == [20]


def test_key_terms_weigh_rare_words_and_title_words_most(new_index: IndexFactory) -> None:
    index = new_index([MANGROVES, NEAR_DUPLICATE, SOME_OVERLAP, UNRELATED, *OTHERS])
    searcher = index._reader().searcher  # the engine's own reader, as more_like uses it

    terms = dict(key_terms(searcher, "en", {"title": "mangrove fiji", "abstract": "fiji"}))

    # Of 8 documents, "mangrove" is in 2 and "fiji" in 3; a title word counts 3, an abstract's 2.
    assert terms == {
        "mangrov": pytest.approx(3 * math.log(8 / 2)),
        "fiji": pytest.approx(5 * math.log(8 / 3)),
    }
    index.close()


def test_without_an_index_more_like_is_unavailable(tmp_path: Path) -> None:
    with pytest.raises(SearchUnavailable):
        SearchIndex(tmp_path).more_like(1)
