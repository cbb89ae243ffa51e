"""Hostile or malformed queries come back quickly with results or nothing, never an error."""

from __future__ import annotations

import random
import string
import time
from pathlib import Path

import pytest

from knowledge.search.engine import SearchIndex, SearchResult

from .conftest import make_product

#: Whoosh took 15 s and 120 s on the first two of these before the parser was restricted.
HOSTILE = {
    "300 or-ed wildcards": " OR ".join(["*abc*"] * 300),
    "300 distinct wildcards": " OR ".join(f"*{a}{b}c*" for a in "abcdefghij" for b in "abc") * 10,
    "50 fuzzy terms": " ".join(f"volunter{i}~2" for i in range(50)),
    "fuzzy words": " ".join(["abcdefghijklmnop~"] * 50),
    "10k characters": "volunteer " * 1_000,
    "10k operators": "(((( AND OR NOT :: ~~ ^^ ** " * 350,
    "10k chinese": "志愿服务可持续发展" * 1_200,
    "10k random": "".join(random.Random(7).choices(string.printable, k=10_000)),
    "20 short prefixes": " ".join(f"ab{c}*" for c in string.ascii_lowercase[:20]),
    "unbalanced quotes": '"volunteer "policy "',
    "field syntax": "title:(",
    "range syntax": "[a TO z] {1 TO 9}",
    "match all": "*:*",
    "lone and": "AND",
    "lone or": "OR",
    "lone not": "NOT",
    "lone bracket": ")",
    "lone colon": ":",
    "lone star": "*",
    "lone tilde": "~",
    "lone caret": "^",
    "backslashes": "\\\\\\",
    "nul bytes": "volunteer\x00policy",
}


@pytest.fixture(scope="module")
def noisy_library(tmp_path_factory: pytest.TempPathFactory) -> SearchIndex:
    """400 products over a vocabulary with thousands of words sharing short prefixes."""
    rng = random.Random(42)
    vocabulary = [
        "ab" + "".join(rng.choices(string.ascii_lowercase, k=rng.randint(2, 8)))
        for _ in range(3_000)
    ] + ["volunteer", "policy", "abcdef", "abcxyz"]
    products = [
        make_product(
            id=i,
            title=" ".join(rng.choices(vocabulary, k=6)),
            abstract=" ".join(rng.choices(vocabulary, k=40)),
            file_text=" ".join(rng.choices(vocabulary, k=200)),
        )
        for i in range(1, 401)
    ]
    index = SearchIndex(Path(tmp_path_factory.mktemp("noisy")))
    index.rebuild(products)
    return index


@pytest.mark.parametrize("text", list(HOSTILE.values()), ids=list(HOSTILE))
def test_hostile_query_answers_quickly(noisy_library: SearchIndex, text: str) -> None:
    """A hostile query's own work is bounded: CPU time (not wall time, which a busy machine
    stretches), after the analysers and dictionaries every process loads once are loaded."""
    noisy_library.search("volunteer 志愿")
    started = time.process_time()
    result = noisy_library.search(text)
    spent = time.process_time() - started
    assert isinstance(result, SearchResult)
    assert result.total >= 0 and len(result.hits) <= result.per_page
    assert spent < 5.0


def test_capped_wildcards_still_find_matches(noisy_library: SearchIndex) -> None:
    assert noisy_library.search(HOSTILE["300 or-ed wildcards"]).total > 0


def test_long_query_still_searches_its_beginning(noisy_library: SearchIndex) -> None:
    assert noisy_library.search(HOSTILE["10k characters"]).total > 0
