"""Every hostile query of SECURITY.md answers 200 quickly on the page and the API, over a corpus
whose vocabulary has thousands of words sharing short prefixes (what made wildcards expensive)."""

from __future__ import annotations

import random
import string
import time

import pytest
from flask import Flask
from sqlalchemy.orm import Session

from tests.integration.knowledge.conftest import People, make_product
from tests.integration.search.conftest import run_indexer

CORPUS_SIZE = 300
#: Whoosh took 15 s and 120 s on the first two on 3,000 documents before the parser was restricted.
HOSTILE = {
    "300 or-ed wildcards": " OR ".join(f"*abc{n}*" for n in range(300)),
    "50 fuzzy terms": " ".join(f"volunter{n}~2" for n in range(50)),
    "10k characters": "volunteer " * 1_000,
    # Printable characters without vertical tab and form feed: control characters are refused
    # with a 400 before any search (tests/integration/portal/test_input_guard.py).
    "10k random characters": "".join(
        random.Random(3).choices(string.printable.translate({11: None, 12: None}), k=10_000)
    ),
    "10k chinese characters": "志愿服务可持续发展" * 1_112,
    "unbalanced quotes": '"volunteer "policy "',
    "lone quote": '"',
    "field syntax": "title:volunteer language:zh id:1 OR type:(report",
    "match all": "*:*",
    "range syntax": "[a TO z] {1 TO 9}",
    "operators only": "AND OR NOT ( ) ~ ^ * :",
    "markup": "<script>alert(1)</script>",
}
SECONDS = 3.0


def _corpus(session: Session, people: People) -> None:
    rng = random.Random(42)
    vocabulary = [
        "ab" + "".join(rng.choices(string.ascii_lowercase, k=rng.randint(2, 8)))
        for _ in range(3_000)
    ] + ["volunteer", "policy", "abcdef"]
    for _ in range(CORPUS_SIZE):
        make_product(
            session,
            people.ministry,
            title=" ".join(rng.choices(vocabulary, k=6)),
            abstract=" ".join(rng.choices(vocabulary, k=60)),
        )
    session.commit()


@pytest.mark.slow
def test_every_hostile_query_answers_200_quickly_on_the_page_and_the_api(
    app: Flask, client, session, people, index
) -> None:
    _corpus(session, people)
    run_indexer(app)
    client.get("/knowledge/", query_string={"q": "volunteer 志愿"})  # loads the analysers once
    slow_or_failed = []
    for name, text in HOSTILE.items():
        for url in ("/api/v1/knowledge/search", "/knowledge/"):
            # The request's CPU time: a busy machine stretches wall time, not the work done.
            started = time.process_time()
            response = client.get(url, query_string={"q": text})
            elapsed = time.process_time() - started
            if response.status_code != 200 or elapsed > SECONDS:
                slow_or_failed.append(f"{name} on {url}: {response.status_code} in {elapsed:.2f} s")
            elif url == "/knowledge/":
                assert "<script>alert(1)" not in response.get_data(as_text=True)
    assert slow_or_failed == []


def test_the_capped_query_still_finds_what_it_starts_with(
    app: Flask, search, session, people, index
) -> None:
    make_product(session, people.ministry, title="Volunteer policy")
    session.commit()
    run_indexer(app)

    assert search(q="volunteer " * 1_000)["total"] == 1
