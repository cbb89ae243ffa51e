"""Benchmark: the Whoosh search engine against SQLite FTS5 on a generated multilingual corpus.

Builds both indexes from the same reproducible products, times a fixed query set with facets
(p50/p95), and compares nDCG@10 on judged queries. Prints a Markdown report.

    .venv/bin/python bench/search/run.py --docs 100000 --seed 1
"""

from __future__ import annotations

import argparse
import gc
import json
import math
import os
import platform
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Sequence
from importlib.metadata import version
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from corpus import JUDGED_QUERIES, CorpusGenerator, GeneratedProduct, JudgedQuery, relevance
from fts import FtsIndex

from knowledge.search.engine import SearchIndex

Filters = dict[str, list[Any]]
#: (label, query text, filters, sort) timed on both engines, besides the judged queries.
EXTRA_QUERIES: tuple[tuple[str, str, Filters, str], ...] = (
    ("browse all", "", {}, "date"),
    ("browse SDG 5, 2020-22", "", {"sdg": [5], "year": [2020, 2021, 2022]}, "date"),
    ("common word", "programme", {}, "relevance"),
    ("common word, en only", "programme", {"language": ["en"]}, "relevance"),
    ("word + 2 types", "community", {"type": ["report", "research"]}, "relevance"),
    ("word + countries", "evaluation", {"country": ["KEN", "SEN", "BRA"]}, "relevance"),
    ("phrase", '"climate change"', {}, "relevance"),
    ("prefix", "volunt*", {}, "relevance"),
    ("prefix + languages", "educa*", {"language": ["es", "pt"]}, "relevance"),
    ("by date", "gender", {}, "date"),
    ("fr + filter", "développement durable", {"language": ["fr"]}, "relevance"),
)


def percentile(values: Sequence[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, math.ceil(share * len(ordered)) - 1)]


def ndcg_at_10(ranked: Sequence[int], grades: dict[int, int], ideal: Sequence[int]) -> float:
    def dcg(gains: Sequence[int]) -> float:
        return sum((2**g - 1) / math.log2(rank + 2) for rank, g in enumerate(gains[:10]))

    best = dcg(sorted(ideal, reverse=True)[:10])
    return dcg([grades.get(doc_id, 0) for doc_id in ranked]) / best if best else 0.0


def directory_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def timed(action: Callable[..., Any], *args: Any, **kwargs: Any) -> tuple[float, Any]:
    started = time.perf_counter()
    result = action(*args, **kwargs)
    return time.perf_counter() - started, result


def latency_queries() -> list[tuple[str, str, Filters, str]]:
    judged = [(f"judged {q.language}", q.text, {}, "relevance") for q in JUDGED_QUERIES]
    return judged + list(EXTRA_QUERIES)


def measure_latency(search: Callable[[str, Filters, str], Any], repeat: int) -> list[float]:
    queries = latency_queries()
    for _, text, filters, sort in queries:
        search(text, filters, sort)  # warm caches once, as a running server would be
    samples: list[float] = []
    for _ in range(repeat):
        for _, text, filters, sort in queries:
            samples.append(timed(search, text, filters, sort)[0])
    return samples


def first_query(*args: str) -> dict[str, float]:
    """Start-up and first query of a fresh interpreter (see first_query.py); median of 3."""
    script = Path(__file__).with_name("first_query.py")
    runs = []
    for _ in range(3):
        output = subprocess.run(
            [sys.executable, str(script), *args], capture_output=True, text=True, check=True
        ).stdout
        runs.append(json.loads(output.splitlines()[-1]))
    return {key: sorted(run[key] for run in runs)[1] for key in ("start_s", "first_ms")}


def judge(
    products: list[GeneratedProduct], ranked_by: Callable[[JudgedQuery], list[int]]
) -> list[tuple[JudgedQuery, float]]:
    scores = []
    for query in JUDGED_QUERIES:
        grades = {p.doc["id"]: g for p in products if (g := relevance(query, p))}
        scores.append((query, ndcg_at_10(ranked_by(query), grades, list(grades.values()))))
    return scores


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=100_000, help="corpus size")
    parser.add_argument("--seed", type=int, default=1, help="corpus seed")
    parser.add_argument("--repeat", type=int, default=3, help="timed passes over the queries")
    parser.add_argument("--workdir", type=Path, help="where to build (default: a temp dir)")
    parser.add_argument("--procs", type=int, default=2, help="index build processes")
    args = parser.parse_args(argv)

    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="search-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    generation_s, products = timed(list, CorpusGenerator(args.seed).products(args.docs))
    docs = [p.doc for p in products]
    print(f"generated {len(docs)} products in {generation_s:.1f} s", file=sys.stderr)

    engine = SearchIndex(workdir / "whoosh", build_procs=args.procs)
    engine.warm()  # load jieba's dictionary outside the timing
    whoosh_build_s, _ = timed(engine.rebuild, docs, memory_mb=512)
    whoosh_size = directory_size(workdir / "whoosh")
    print(f"whoosh built in {whoosh_build_s:.0f} s", file=sys.stderr)

    fts_path = workdir / "fts.sqlite"
    fts_path.unlink(missing_ok=True)
    fts = FtsIndex(fts_path)
    fts_build_s, _ = timed(fts.build, docs)
    print(f"fts5 built in {fts_build_s:.0f} s", file=sys.stderr)

    languages = Counter(d["language"] for d in docs)
    body_words = sum(len((d["file_text"] or "").split()) for d in docs) / len(docs)
    # Keep only what judging needs: the corpus would otherwise slow every garbage collection
    # in this process and be measured as query latency.
    products = [
        GeneratedProduct(
            {"id": p.doc["id"], "language": p.doc["language"]},
            p.topic,
            p.secondary,
            p.title_on_topic,
        )
        for p in products
    ]
    del docs
    gc.collect()
    gc.freeze()

    whoosh_latency = measure_latency(
        lambda text, filters, sort: engine.search(text, filters=filters, sort=sort, per_page=10),
        args.repeat,
    )
    fts_latency = measure_latency(
        lambda text, filters, sort: fts.search(text, filters, sort=sort), args.repeat
    )
    whoosh_ndcg = judge(products, lambda q: [h.id for h in engine.search(q.text, per_page=10).hits])
    fts_ndcg = judge(products, lambda q: fts.search(q.text)[1])
    whoosh_totals = {q.text: engine.search(q.text, per_page=1).total for q in JUDGED_QUERIES}
    fts_totals = {q.text: fts.search(q.text)[0] for q in JUDGED_QUERIES}
    whoosh_first = first_query("whoosh", str(workdir / "whoosh"))
    whoosh_cold = first_query("whoosh", str(workdir / "whoosh"), "--no-warm")
    fts_first = first_query("fts5", str(fts_path))

    print(f"## Search benchmark: {args.docs:,} generated products (seed {args.seed})\n")
    print(f"Command: `.venv/bin/python bench/search/run.py --docs {args.docs} --seed {args.seed}`")
    print(
        f"Machine: {platform.machine()}, {os.cpu_count()} CPU, Python {platform.python_version()},"
        f" Whoosh-Reloaded {version('whoosh-reloaded')}, jieba {version('jieba')},"
        f" SQLite {sqlite3.sqlite_version}."
    )
    print(
        "Corpus: languages "
        + ", ".join(f"{code} {n:,}" for code, n in languages.most_common())
        + f"; file text on 90% of products, {body_words:.0f} words on average.\n"
    )
    print("| | Whoosh engine | SQLite FTS5 (unicode61 remove_diacritics 2) |")
    print("|---|---|---|")
    print(
        f"| index build | {whoosh_build_s:,.1f} s ({args.procs} processes;"
        f" {whoosh_build_s / fts_build_s:.1f}x FTS5) | {fts_build_s:,.1f} s |"
    )
    print(f"| index size | {whoosh_size / 2**20:,.0f} MiB | {fts.size_bytes() / 2**20:,.0f} MiB |")
    count = len(latency_queries())
    for label, share in (("p50", 0.5), ("p95", 0.95)):
        print(
            f"| query latency {label} ({count} queries x {args.repeat}, page of 10 + 6 facets) "
            f"| {percentile(whoosh_latency, share) * 1000:,.1f} ms "
            f"| {percentile(fts_latency, share) * 1000:,.1f} ms |"
        )
    print(
        f"| process start to ready (imports, warm-up at start) | {whoosh_first['start_s']:.2f} s"
        f" | {fts_first['start_s']:.2f} s |"
    )
    print(
        f"| first query after start | {whoosh_first['first_ms']:,.0f} ms"
        f" (without the warm-up: {whoosh_cold['first_ms']:,.0f} ms)"
        f" | {fts_first['first_ms']:,.0f} ms |"
    )
    for language in ("all", "en", "fr", "es", "pt", "zh"):
        w = [s for q, s in whoosh_ndcg if language in ("all", q.language)]
        f = [s for q, s in fts_ndcg if language in ("all", q.language)]
        print(
            f"| nDCG@10, {language} ({len(w)} queries) "
            f"| {sum(w) / len(w):.3f} | {sum(f) / len(f):.3f} |"
        )
    print(
        "\n| judged query | lang | Whoosh nDCG@10 | Whoosh matches | FTS5 nDCG@10 | FTS5 matches |"
    )
    print("|---|---|---|---|---|---|")
    for (query, w_score), (_, f_score) in zip(whoosh_ndcg, fts_ndcg, strict=True):
        print(
            f"| {query.text} | {query.language} | {w_score:.3f} | {whoosh_totals[query.text]:,} "
            f"| {f_score:.3f} | {fts_totals[query.text]:,} |"
        )
    fts.close()
    engine.close()
    if args.workdir is None:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
