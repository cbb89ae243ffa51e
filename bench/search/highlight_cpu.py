"""CPU per query of the snippets and marked titles, and of the whole search, on the benchmark's
corpus and queries (a page of 10): process time, so the load of a shared machine does not enter.

    .venv/bin/python bench/search/highlight_cpu.py --docs 5000 --seed 1

"texts seen before" highlights hits whose words the process has already analysed (as in the
benchmark's timed passes, which follow a warm pass); "texts never seen" empties that cache
before each pass. Prints the best and the median of ``--passes`` passes, in ms per query.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from corpus import CorpusGenerator
from run import latency_queries

from knowledge.search.engine import SearchIndex, searching
from knowledge.search.engine.analysis import language_group
from knowledge.search.engine.highlight import snippet, whole_highlighted

try:
    from knowledge.search.engine.words import clear_cache
except ImportError:  # the highlighter before the cache of words: every pass analyses afresh

    def clear_cache() -> None:
        pass


Hit = tuple[dict[str, Any], dict[str, set[str]]]


def page_hits(engine: SearchIndex) -> list[Hit]:
    """The stored fields and highlight terms of every hit the benchmark's queries show."""
    hits: list[Hit] = []
    make_hit = searching.make_hit

    def recording(stored: dict[str, Any], highlight: dict[str, set[str]], score: Any) -> Any:
        hits.append((stored, highlight))
        return make_hit(stored, highlight, score)

    searching.make_hit = recording
    try:
        for _, text, filters, sort in latency_queries():
            engine.search(text, filters=filters, sort=sort, per_page=10)
    finally:
        searching.make_hit = make_hit
    return hits


def highlight_all(hits: list[Hit]) -> None:
    for stored, highlight in hits:
        language = str(stored.get("language_code", ""))
        terms = highlight.get(language_group(language), set())
        whole_highlighted(str(stored.get("title", "")), language, terms)
        abstract, body = str(stored.get("abstract_head", "")), str(stored.get("body_head", ""))
        snippet(abstract, body, language, terms)


def cpu_ms(action: Callable[[], object], passes: int, before: Callable[[], object]) -> list[float]:
    queries = len(latency_queries())
    samples = []
    for _ in range(passes):
        before()
        started = time.process_time()
        action()
        samples.append((time.process_time() - started) * 1000 / queries)
    return sorted(samples)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=5_000, help="corpus size")
    parser.add_argument("--seed", type=int, default=1, help="corpus seed")
    parser.add_argument("--passes", type=int, default=7, help="timed passes")
    args = parser.parse_args(argv)

    workdir = Path(tempfile.mkdtemp(prefix="highlight-cpu-"))
    try:
        engine = SearchIndex(workdir / "whoosh")
        engine.warm()
        engine.rebuild([p.doc for p in CorpusGenerator(args.seed).products(args.docs)])
        hits = page_hits(engine)
        highlight_all(hits)

        def search_all() -> None:
            for _, text, filters, sort in latency_queries():
                engine.search(text, filters=filters, sort=sort, per_page=10)

        rows = (
            (
                "snippets and titles, texts seen before",
                cpu_ms(lambda: highlight_all(hits), args.passes, lambda: None),
            ),
            (
                "snippets and titles, texts never seen",
                cpu_ms(lambda: highlight_all(hits), args.passes, clear_cache),
            ),
            ("whole search, texts seen before", cpu_ms(search_all, args.passes, lambda: None)),
        )
        print(f"{len(hits)} hits of {len(latency_queries())} queries, {args.docs:,} products")
        for label, samples in rows:
            print(f"{label}: best {samples[0]:.2f} ms, median {samples[len(samples) // 2]:.2f} ms")
        engine.close()
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
