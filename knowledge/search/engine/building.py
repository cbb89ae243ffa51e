"""Writes a new index generation: large builds in parallel with Whoosh's multiprocess writer.

The parent process turns products into field values and hands them to ``procs`` sub-writer
processes in batches (job files of :data:`JOB_DOCUMENTS` documents); each sub-writer analyses
its documents and writes a finished segment, and the parent commits them all at once. Whoosh's
``MpWriter`` is hardened here: a sub-writer that dies makes the build fail instead of hanging
on a full job queue or silently losing its documents, and cancelling stops the sub-writers.
"""

from __future__ import annotations

import pickle
import queue
from collections.abc import Iterable, Mapping
from contextlib import suppress
from itertools import chain, islice
from pathlib import Path
from typing import Any

from whoosh.filedb.filestore import FileStorage
from whoosh.index import FileIndex
from whoosh.multiproc import MpWriter
from whoosh.util import random_name
from whoosh.writing import SegmentWriter

from knowledge.search.engine import analysis, writers
from knowledge.search.engine.schema import (
    TitleKey,
    build_schema,
    document_fields,
    folded_title_key,
)

#: Builds of fewer documents are written by one process (starting sub-writers costs more).
PARALLEL_FROM = 2_000
#: Documents per job file handed to a sub-writer.
JOB_DOCUMENTS = 250
#: Seconds between two checks that the sub-writers are alive while the job queue is full.
_QUEUE_WAIT = 1.0


class SubWriterDied(RuntimeError):
    """A sub-writer process of a parallel build ended without finishing its segment."""


class _ParallelWriter(MpWriter):  # Whoosh is untyped: its classes are Any
    """``MpWriter`` that notices dead sub-writers and really stops them when cancelled."""

    docbuffer: list[Any]

    def _new_task(self) -> writers.SubWriterTask:
        task = writers.SubWriterTask(
            self.storage,
            self.indexname,
            self.jobqueue,
            self.resultqueue,
            self.subargs,
            self.multisegment,
        )
        self.tasks.append(task)
        task.start()
        return task

    def _enqueue(self) -> None:
        filename = f"{random_name()}.doclist"
        with self.temp_storage().create_file(filename).raw_file() as jobs:
            for item in self.docbuffer:
                # The job file format of Whoosh's sub-writers: pickled (0, fields) tuples.
                pickle.dump(item, jobs, 2)
        if len(self.tasks) < self.procs:
            self._new_task()
        self._put((filename, len(self.docbuffer)))
        self.docbuffer = []

    def _put(self, job: tuple[str, int] | None) -> None:
        while True:
            try:
                self.jobqueue.put(job, timeout=_QUEUE_WAIT)
                return
            except queue.Full:
                if not all(task.is_alive() for task in self.tasks):
                    raise SubWriterDied("an index sub-writer stopped") from None

    def _commit(self, mergetype: Any, optimize: Any, merge: Any) -> None:
        # MpWriter._commit for ``multisegment``, waiting on live sub-writers only.
        if self.docbuffer:
            self._enqueue()
        for _ in self.tasks:
            self._put(None)
        segments = self._merge_segments(mergetype, optimize, merge)
        results: list[Any] = []
        while len(results) < len(self.tasks):
            try:
                results.append(self.resultqueue.get(timeout=_QUEUE_WAIT))
            except queue.Empty:
                if not any(task.is_alive() for task in self.tasks) and self.resultqueue.empty():
                    raise SubWriterDied("an index sub-writer stopped") from None
        for task in self.tasks:
            task.join()
        segments += [segment for _, _, segment in results]
        if self._added:
            segments.append(self._finalize_segment())
        else:
            self._close_segment()
        self._commit_toc(segments)
        self._finish()

    def cancel(self) -> None:
        try:
            for task in self.tasks:
                task.terminate()  # a sub-writer's files are in the generation being discarded
            for task in self.tasks:
                task.join(10)
        finally:
            SegmentWriter.cancel(self)


def storage(path: Path) -> FileStorage:
    # No mmap: a segment truncated under a mapped reader kills the process (see index).
    return FileStorage(str(path), supports_mmap=False)


def write_generation(
    path: Path,
    documents: Iterable[Mapping[str, Any]],
    *,
    memory_mb: int,
    procs: int,
    parallel_from: int = PARALLEL_FROM,
    title_key: TitleKey = folded_title_key,
) -> int:
    """Create an index in the empty folder ``path`` holding ``documents``; their number.

    With ``procs`` above 1 and at least ``parallel_from`` documents, ``procs`` sub-writer
    processes analyse them in parallel, each writing its own segment.
    """
    index: FileIndex = storage(path).create_index(build_schema())
    stream = iter(documents)
    head = list(islice(stream, parallel_from))
    parallel = procs > 1 and len(head) >= parallel_from
    if parallel:
        analysis.warm_up()  # sub-writers are forked: they inherit the loaded dictionaries
        writer = _ParallelWriter(
            index,
            procs=procs,
            batchsize=JOB_DOCUMENTS,
            multisegment=True,
            subargs={"limitmb": max(32, memory_mb // procs)},
        )
    else:
        writer = writers.SegmentWriter(index, limitmb=memory_mb)
    count = 0
    try:
        for doc in chain(head, stream):
            writer.add_document(**document_fields(doc, title_key))
            count += 1
        writer.commit()
    except BaseException:
        with suppress(Exception):
            writer.cancel()
        raise
    written = int(storage(path).open_index().doc_count_all())
    if written != count:
        raise SubWriterDied(f"index build wrote {written} of {count} documents")
    return count
