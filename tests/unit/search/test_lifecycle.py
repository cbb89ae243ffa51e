"""Index lifecycle: updates, atomic rebuilds, concurrent writers, damaged or missing indexes."""

from __future__ import annotations

import datetime as dt
import fcntl
import gc
import multiprocessing
import os
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from knowledge.search.engine import IndexBusy, ProductDocument, SearchIndex, SearchUnavailable
from knowledge.search.engine.index import LOCK_FILE

from .conftest import IndexFactory, make_product

NEWEST = dt.date(2030, 1, 1)
WRITERS = 4
BATCHES_PER_WRITER = 6


def _write_batches(base_dir: str, writer: int) -> list[str]:
    """Runs in a separate process, like a gunicorn worker draining its outbox rows."""
    index = SearchIndex(Path(base_dir), lock_timeout=60)
    failures: list[str] = []
    for batch in range(BATCHES_PER_WRITER):
        first = 10_000 + writer * 100 + batch * 2
        products = [
            make_product(id=first + n, title=f"Writer{writer} batch{batch} kiwifruit")
            for n in range(2)
        ]
        # Every writer also rewrites the shared product 1, so lost updates would show.
        shared = make_product(id=1, title=f"Shared kiwifruit by writer{writer}")
        try:
            index.apply([*products, shared], [])
        except Exception as exc:  # reported to the parent, which asserts there are none
            failures.append(repr(exc))
    return failures


def test_apply_adds_replaces_and_deletes(new_index: IndexFactory) -> None:
    index = new_index([make_product(id=1, title="Old mango"), make_product(id=2, title="Papaya")])
    written = index.apply([make_product(id=1, title="New mango"), make_product(id=3)], [2])
    assert written == 3
    assert [hit.title for hit in index.search("mango").hits] == ["New mango"]
    assert index.search("papaya").total == 0
    assert index.doc_count() == 2


def test_a_warm_reader_sees_replaced_and_deleted_documents_go(new_index: IndexFactory) -> None:
    # The thread's cached reader is reopened, not Searcher.refresh()ed: in whoosh-reloaded 2.7.5
    # a refreshed reader keeps the old segments, bringing replaced and deleted documents back.
    index = new_index([make_product(id=1, title="Old mango"), make_product(id=2, title="Papaya")])
    assert index.search("mango").total == 1  # this thread now holds a reader
    index.apply([make_product(id=1, title="New mango")], [2])
    assert [hit.title for hit in index.search("mango").hits] == ["New mango"]
    assert index.search("papaya").total == 0
    assert index.doc_count() == 1


def test_facets_and_date_order_follow_applied_changes(new_index: IndexFactory) -> None:
    index = new_index([make_product(id=1, product_type="toolkit", sdgs=[3])])
    assert index.search("").facets["type"] == {"toolkit": 1}
    index.apply([make_product(id=2, product_type="vnr", sdgs=[3, 5], publication_date=NEWEST)], [])
    result = index.search("")
    assert result.facets["type"] == {"toolkit": 1, "vnr": 1}
    assert result.facets["sdg"] == {"3": 2, "5": 1}
    assert [hit.id for hit in result.hits] == [2, 1]


def test_exists_and_warm_report_the_index_state(tmp_path: Path) -> None:
    index = SearchIndex(tmp_path)
    index.warm()
    assert not index.exists()
    index.rebuild([make_product()])
    index.warm()
    assert index.exists() and index.doc_count() == 1


def test_apply_without_changes_writes_nothing(new_index: IndexFactory) -> None:
    assert new_index([]).apply([], []) == 0


def test_concurrent_writers_lose_nothing_and_never_raise(tmp_path: Path) -> None:
    SearchIndex(tmp_path).rebuild([make_product(id=1, title="Shared kiwifruit")])
    context = multiprocessing.get_context("spawn")
    with context.Pool(WRITERS) as pool:
        outcomes = pool.starmap(_write_batches, [(str(tmp_path), w) for w in range(WRITERS)])
    assert outcomes == [[]] * WRITERS
    index = SearchIndex(tmp_path)
    assert index.doc_count() == 1 + WRITERS * BATCHES_PER_WRITER * 2
    for writer in range(WRITERS):
        assert index.search(f"writer{writer} kiwifruit").total >= BATCHES_PER_WRITER * 2
    assert index.search("shared").total == 1


def test_writer_held_too_long_raises_index_busy(new_index: IndexFactory, tmp_path: Path) -> None:
    index = new_index([])
    descriptor = os.open(index.base_dir / LOCK_FILE, os.O_RDWR)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX)
        with pytest.raises(IndexBusy):
            index.apply([make_product(title="Blocked")], [], timeout=0.2)
    finally:
        os.close(descriptor)
    assert index.apply([make_product(title="Unblocked")], []) == 1


def test_rebuild_swaps_in_a_new_generation_while_searches_continue(tmp_path: Path) -> None:
    index = SearchIndex(tmp_path)
    index.rebuild([make_product(id=i, title="Baobab") for i in range(5)])
    stop = threading.Event()
    seen: list[int] = []
    errors: list[BaseException] = []

    def keep_searching() -> None:
        reader = SearchIndex(tmp_path)
        while not stop.is_set():
            try:
                seen.append(reader.search("baobab").total)
            except BaseException as exc:
                errors.append(exc)

    searcher = threading.Thread(target=keep_searching)
    searcher.start()
    try:
        for size in (7, 9, 11):
            index.rebuild([make_product(id=i, title="Baobab") for i in range(size)])
    finally:
        stop.set()
        searcher.join()
    assert errors == []
    assert set(seen) <= {5, 7, 9, 11} and seen
    assert index.search("baobab").total == 11
    generations = [p for p in tmp_path.iterdir() if p.name.startswith("gen-")]
    assert len(generations) == 2


def test_apply_waits_out_a_rebuild_with_index_busy(tmp_path: Path) -> None:
    index = SearchIndex(tmp_path)
    index.rebuild([])
    started, release = threading.Event(), threading.Event()

    def slow_products() -> Iterator[ProductDocument]:
        yield make_product(id=1, title="Rebuilt tamarind")
        started.set()
        release.wait(10)

    rebuild = threading.Thread(target=index.rebuild, args=(slow_products(),))
    rebuild.start()
    try:
        assert started.wait(10)
        with pytest.raises(IndexBusy):
            index.apply([make_product(id=2, title="Queued tamarind")], [], timeout=0.1)
        assert index.search("tamarind").total == 0
    finally:
        release.set()
        rebuild.join()
    index.apply([make_product(id=2, title="Queued tamarind")], [])
    assert index.search("tamarind").total == 2


def test_failed_rebuild_keeps_the_active_index(new_index: IndexFactory) -> None:
    index = new_index([make_product(id=1, title="Durian")])

    def broken() -> Iterator[ProductDocument]:
        yield make_product(id=2, title="Half")
        raise RuntimeError("database went away")

    with pytest.raises(RuntimeError):
        index.rebuild(broken())
    assert index.search("durian").total == 1
    assert len([p for p in index.base_dir.iterdir() if p.name.startswith("gen-")]) == 1


def test_missing_index_is_unavailable(tmp_path: Path) -> None:
    index = SearchIndex(tmp_path / "never-built")
    assert not index.exists()
    with pytest.raises(SearchUnavailable):
        index.search("anything")
    with pytest.raises(SearchUnavailable):
        index.doc_count()
    with pytest.raises(SearchUnavailable):
        index.apply([make_product()], [])


# Whoosh leaves the damaged segment file open when it fails to read it; collect it here.
@pytest.mark.filterwarnings("ignore::ResourceWarning")
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
def test_truncated_segment_is_unavailable(new_index: IndexFactory) -> None:
    index = new_index([make_product(title=f"Guava {i}", abstract="x " * 200) for i in range(30)])
    generation = index.base_dir / str(index.current_generation())
    for segment in generation.glob("*.seg"):
        os.truncate(segment, segment.stat().st_size // 2)
    with pytest.raises(SearchUnavailable) as caught:
        SearchIndex(index.base_dir).search("guava")
    assert isinstance(caught.value.__cause__, EOFError)
    del caught
    gc.collect()


def test_deleted_toc_is_unavailable_even_to_a_warm_reader(new_index: IndexFactory) -> None:
    index = new_index([make_product(title="Lychee")])
    assert index.search("lychee").total == 1
    generation = index.base_dir / str(index.current_generation())
    for toc in generation.glob("*.toc"):
        toc.unlink()
    with pytest.raises(SearchUnavailable):
        index.search("lychee")
    with pytest.raises(SearchUnavailable):
        SearchIndex(index.base_dir).doc_count()


def test_garbage_pointer_is_unavailable(new_index: IndexFactory) -> None:
    index = new_index([make_product(title="Quince")])
    (index.base_dir / "CURRENT").write_text("../../etc\n")
    with pytest.raises(SearchUnavailable):
        index.search("quince")


def test_rebuild_repairs_a_damaged_index(new_index: IndexFactory) -> None:
    index = new_index([make_product(title="Jackfruit")])
    generation = index.base_dir / str(index.current_generation())
    for toc in generation.glob("*.toc"):
        toc.unlink()
    index.rebuild([make_product(title="Jackfruit")])
    assert index.search("jackfruit").total == 1


def test_warm_up_shares_the_commit_arrays_with_every_thread(new_index: IndexFactory) -> None:
    index = new_index([make_product(id=1, title="Tamarind", sdgs=[2])])
    warming = threading.Thread(target=index.warm)
    warming.start()
    warming.join()
    shared = index._values._reader_values  # built by the warming thread
    assert shared is not None
    assert index.search("tamarind").facets["sdg"] == {"2": 1}
    assert index._values._reader_values is shared  # this thread's reader reused them
