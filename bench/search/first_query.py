"""The first search of a fresh process: start-up (imports, warm-up) and the first query's latency.

Run by ``run.py`` in a new interpreter per measurement, as a web worker starts:

    .venv/bin/python bench/search/first_query.py whoosh INDEX_DIR [--no-warm]
    .venv/bin/python bench/search/first_query.py fts5 FTS_FILE

Prints one JSON object: ``start_s`` (process start to ready: imports, and the warm-up that
``wiring`` runs at start) and ``first_ms`` (the first query, a judged Chinese one, with facets).
"""

from __future__ import annotations

import time

STARTED = time.perf_counter()

import json  # noqa: E402 - timed from the very start
import sys  # noqa: E402
from pathlib import Path  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

QUERY = "志愿服务政策"


def main() -> None:
    engine, path = sys.argv[1], Path(sys.argv[2])
    if engine == "whoosh":
        from knowledge.search.engine import SearchIndex

        index = SearchIndex(path)
        if "--no-warm" not in sys.argv:
            index.warm()
        ready = time.perf_counter()
        total = index.search(QUERY, per_page=10).total
    else:
        from fts import FtsIndex

        fts = FtsIndex(path)
        ready = time.perf_counter()
        total = fts.search(QUERY)[0]
    done = time.perf_counter()
    print(json.dumps({"start_s": ready - STARTED, "first_ms": (done - ready) * 1000, "n": total}))


if __name__ == "__main__":
    main()
