"""Totals and facet counts equal a brute-force count; a parallel build equals a serial one."""

from __future__ import annotations

import datetime as dt
import multiprocessing
import random
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from knowledge.search.engine import (
    FACETS,
    ProductDocument,
    SearchIndex,
    SearchUnavailable,
    building,
)
from knowledge.search.engine.generations import VERSION_FILE

from .conftest import make_product

WORDS = ["kestrel", "heron", "plover", "avocet"]
TYPES = ["report", "toolkit", "research", "vnr"]
LANGUAGES = ["en", "fr", "es", "pt", "zh", "de"]
COUNTRIES = ["KEN", "SEN", "BRA", "FJI", "PER"]
ORG_KINDS = ["unv", "cso", "academia", ""]


def _random_products(rng: random.Random, first: int, count: int) -> list[ProductDocument]:
    products = []
    for product_id in range(first, first + count):
        # Bird names are unchanged by every analyser, so a brute-force match is a word test.
        parts = [" ".join(rng.sample(WORDS, rng.randint(0, 2))) + " filler" for _ in range(3)]
        products.append(
            make_product(
                id=product_id,
                title=parts[0],
                abstract=parts[1],
                file_text=parts[2] if rng.random() < 0.7 else None,
                language=rng.choice(LANGUAGES),
                product_type=rng.choice(TYPES),
                org_kind=rng.choice(ORG_KINDS),
                countries=rng.sample(COUNTRIES, rng.randint(0, 3)),
                sdgs=rng.sample(range(1, 18), rng.randint(0, 3)),
                publication_date=dt.date(rng.randint(2015, 2024), rng.randint(1, 12), 1),
            )
        )
    return products


def _facet_values(product: ProductDocument) -> dict[str, list[str]]:
    return {
        "type": [product["product_type"]],
        "language": [product["language"]],
        "org_kind": [product["org_kind"]] if product["org_kind"] else [],
        "year": [str(product["publication_date"].year)],
        "sdg": [str(s) for s in product["sdgs"]],
        "country": list(product["countries"]),
    }


def _brute_force(
    products: dict[int, ProductDocument], word: str, filters: dict[str, list[str]]
) -> tuple[int, dict[str, dict[str, int]]]:
    counters: dict[str, Counter[str]] = {facet: Counter() for facet in FACETS}
    total = 0
    for product in products.values():
        text = f"{product['title']} {product['abstract']} {product['file_text'] or ''}"
        values = _facet_values(product)
        if word and word not in text.split():
            continue
        if any(not set(values[facet]) & set(codes) for facet, codes in filters.items()):
            continue
        total += 1
        for facet, codes in values.items():
            counters[facet].update(codes)
    return total, {facet: dict(counter) for facet, counter in counters.items()}


def _random_filters(rng: random.Random) -> dict[str, list[str]]:
    choices: dict[str, list[Any]] = {
        "type": TYPES,
        "language": LANGUAGES,
        "country": COUNTRIES,
        "sdg": [str(s) for s in range(1, 18)],
        "year": [str(y) for y in range(2015, 2025)],
        "org_kind": ORG_KINDS[:-1],
    }
    facets = rng.sample(sorted(choices), rng.randint(0, 2))
    return {facet: rng.sample(choices[facet], rng.randint(1, 3)) for facet in facets}


def test_totals_and_facets_equal_a_brute_force_count(tmp_path: Path) -> None:
    rng = random.Random(13)
    index = SearchIndex(tmp_path)
    first = _random_products(rng, 1, 150)
    index.rebuild(first)
    products = {p["id"]: p for p in first}
    # More segments and deletions: replaced and removed products must vanish from the counts.
    for step in range(3):
        changed = _random_products(rng, 100 + step * 40, 60)
        removed = rng.sample(sorted(products), 10)
        index.apply(changed, removed)
        products.update({p["id"]: p for p in changed})
        for product_id in removed:
            products.pop(product_id, None)
    for _ in range(40):
        word = rng.choice(["", *WORDS])
        filters = _random_filters(rng)
        result = index.search(word, filters=filters, per_page=50)
        total, facets = _brute_force(products, word, filters)
        assert result.total == total, (word, filters)
        assert result.facets == facets, (word, filters)
        assert {hit.id for hit in result.hits} <= set(products)
        assert len(result.hits) == min(total, 50)


def test_facet_codes_come_most_frequent_first(tmp_path: Path) -> None:
    index = SearchIndex(tmp_path)
    index.rebuild(_random_products(random.Random(5), 1, 80))
    for counts in index.search("").facets.values():
        ranked = [(-n, code) for code, n in counts.items()]
        assert ranked == sorted(ranked)


def _answers(index: SearchIndex) -> list[Any]:
    answers = []
    for text in ["", "kestrel", "heron plover", '"kestrel heron"', "avo*", "kestrel -heron"]:
        for sort in ("relevance", "date"):
            result = index.search(text, sort=sort, per_page=50, filters={"type": ["report"]})
            # Document numbers differ between the builds, hence the order of equal scores.
            scores = sorted(round(h.score or 0.0, 9) for h in result.hits)
            ids = [h.id for h in result.hits] if sort == "date" else None
            answers.append((result.total, result.facets, scores, ids))
    return answers


def test_a_parallel_build_answers_as_a_serial_one(tmp_path: Path) -> None:
    products = _random_products(random.Random(8), 1, 300)
    serial = SearchIndex(tmp_path / "serial", build_procs=1)
    parallel = SearchIndex(tmp_path / "parallel", build_procs=2, parallel_from=10)
    assert serial.rebuild(products) == parallel.rebuild(products) == 300
    generation = parallel.base_dir / str(parallel.current_generation())
    assert len(list(generation.glob("*.seg"))) == 2  # one segment per sub-writer
    assert _answers(serial) == _answers(parallel)
    assert multiprocessing.active_children() == []


def test_a_dying_sub_writer_fails_the_build_and_keeps_the_index(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    index = SearchIndex(tmp_path, build_procs=2, parallel_from=10)
    index.rebuild([make_product(id=1, title="Kestrel survey")])
    before = index.current_generation()
    real = building.document_fields

    def poisoned(doc: Any) -> dict[str, Any]:
        fields = real(doc)
        if doc["id"] == 120:
            fields["no_such_field"] = "x"  # the sub-writer raises and exits
        return fields

    monkeypatch.setattr(building, "document_fields", poisoned)
    with pytest.raises(Exception):  # noqa: B017 - whichever way the death is noticed
        index.rebuild(_random_products(random.Random(3), 1, 600))
    assert index.current_generation() == before
    assert index.search("kestrel").total == 1
    assert multiprocessing.active_children() == []


def test_an_index_of_another_schema_version_counts_as_missing(tmp_path: Path) -> None:
    index = SearchIndex(tmp_path)
    index.rebuild([make_product(id=1, title="Plover")])
    version = tmp_path / str(index.current_generation()) / VERSION_FILE
    version.write_text("1\n")
    fresh = SearchIndex(tmp_path)
    assert not fresh.exists()
    with pytest.raises(SearchUnavailable):
        fresh.search("plover")
    with pytest.raises(SearchUnavailable):
        fresh.verify()
    with pytest.raises(SearchUnavailable):
        fresh.apply([make_product(id=2, title="Plover two")], [])
    fresh.rebuild([make_product(id=1, title="Plover")])
    assert fresh.exists() and fresh.search("plover").total == 1


def test_a_phrase_never_spans_two_parts(tmp_path: Path) -> None:
    index = SearchIndex(tmp_path)
    index.rebuild(
        [
            make_product(id=1, title="Report on youth", abstract="volunteering in towns"),
            make_product(id=2, title="Youth volunteering in towns"),
        ]
    )
    assert [hit.id for hit in index.search('"youth volunteering"').hits] == [2]


def test_weights_of_title_abstract_and_file_text_order_the_hits(tmp_path: Path) -> None:
    index = SearchIndex(tmp_path)
    index.rebuild(
        [
            make_product(id=1, title="Annual report", file_text="A note on mangroves."),
            make_product(id=2, title="Annual report", abstract="A note on mangroves."),
            make_product(id=3, title="Mangroves", abstract="A note."),
        ]
    )
    assert [hit.id for hit in index.search("mangroves").hits] == [3, 2, 1]
