"""The results matrix at a glance and the printable annex (PDF) of the demo year, per language.

Times, on the demo data (SQLite): the dashboard's work (the period's payloads and the 18 tiles
with their two charts), then the PDF annex of the same payload in each language, beside the XLSX
export of that payload (the reference: another file of the same content). Run:

    .venv/bin/python bench/report.py --year 2025 --repeat 3
"""

from __future__ import annotations

import argparse
import io
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _best(work: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    best, result = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        result = work()
        best = min(best, time.perf_counter() - start)
    return best, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--year", type=int, default=2025)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    from flask_babel import force_locale
    from pypdf import PdfReader

    from portal import create_app
    from portal.db import create_schema, database
    from portal.demo import load_demo
    from portal.results import exports, glance
    from portal.results.annex_pdf import annex_pdf
    from portal.results.reporting import period_results, reporting_config

    with tempfile.TemporaryDirectory() as workdir:
        app = create_app(
            {
                "DATABASE_URL": f"sqlite:///{workdir}/bench.db",
                "SECRET_KEY": "bench",
                "PORTAL_DATA_DIR": workdir,
                "BASE_URL": "http://127.0.0.1",
            }
        )
        create_schema(app)
        load_demo(app)
        print(f"{'work':<44} {'seconds':>8} {'pages':>6} {'bytes':>9}")
        with app.test_request_context(), database(app).transaction() as session:
            for lang in ("en", "fr", "ar", "zh"):
                config = reporting_config(app, lang)

                def dashboard(config: Any = config, lang: str = lang) -> Any:
                    by_year = period_results(session, args.year, config)
                    with force_locale(lang):
                        return glance.matrix_tiles(by_year, args.year, lang == "ar"), by_year

                seconds, (_tiles, by_year) = _best(dashboard, args.repeat)
                print(f"{'dashboard: payloads and tiles (' + lang + ')':<44} {seconds:>8.2f}")
                payload = by_year[args.year]
                seconds, pdf = _best(lambda p=payload, lang=lang: annex_pdf(p, lang), args.repeat)
                pages = len(PdfReader(io.BytesIO(pdf)).pages)
                print(f"{'annex PDF (' + lang + ')':<44} {seconds:>8.2f} {pages:>6} {len(pdf):>9}")
                seconds, xlsx = _best(lambda p=payload: exports.export(p, "xlsx"), args.repeat)
                print(f"{'reference: XLSX export (' + lang + ')':<44} {seconds:>8.2f} {'':>6} "
                      f"{len(xlsx):>9}")  # fmt: skip


if __name__ == "__main__":
    main()
