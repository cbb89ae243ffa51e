"""Whoosh's segment writer with a cheaper flush: the same segment, fewer look-ups per posting.

When a segment is flushed, Whoosh's field writer asks the per-document reader for the length
of a posting's field in its document once per posting: the reader reads and decodes the byte in
the field's length column each time, or, for a field without lengths (an id, a number), looks
for the column's file again (a ``stat``). :class:`SegmentWriter` hands the field writer the same
answers, read once per document and field. :class:`SubWriterTask` runs that writer in the
sub-processes of a parallel build.
"""

from __future__ import annotations

from typing import Any

from whoosh import multiproc, writing


class FieldLengths:
    """The lengths a per-document reader gives, read once for each document of a field."""

    def __init__(self, schema: Any, reader: Any) -> None:
        self._schema = schema
        self._reader = reader
        self._tables: dict[str, list[int | None] | None] = {}

    def doc_field_length(self, docnum: int, fieldname: str, default: int = 0) -> int | None:
        try:
            table = self._tables[fieldname]
        except KeyError:
            table = self._tables[fieldname] = self._table(fieldname)
        return default if table is None else table[docnum]

    def _table(self, fieldname: str) -> list[int | None] | None:
        if not self._schema[fieldname].scorable:
            return None  # Whoosh records no length for these: the reader answers the default
        length = self._reader.doc_field_length
        return [length(docnum, fieldname) for docnum in range(self._reader.doc_count_all())]


class SegmentWriter(writing.SegmentWriter):  # Whoosh is untyped: its classes are Any
    """Whoosh's ``SegmentWriter`` whose flush reads each document's field lengths once."""

    def _flush_segment(self) -> None:
        # writing.SegmentWriter._flush_segment, with the lengths read through FieldLengths.
        self.perdocwriter.close()
        reader = self.per_document_reader() if self.codec.length_stats else None
        lengths = None if reader is None else FieldLengths(self.schema, reader)
        self.fieldwriter.add_postings(self.schema, lengths, self.pool.iter_postings())
        self.fieldwriter.close()
        if reader is not None:
            reader.close()


class SubWriterTask(multiproc.SubWriterTask):  # Whoosh is untyped: its classes are Any
    """A sub-writer process of a parallel build that writes its segment with
    :class:`SegmentWriter`."""

    def run(self) -> None:
        # multiproc.SubWriterTask.run, with this module's writer.
        ix = self.storage.open_index(self.indexname)
        writer = self.writer = SegmentWriter(ix, _lk=False, **self.kwargs)
        while self.running:
            job = self.jobqueue.get()
            if job is None:
                break
            self._process_file(*job)
        if not self.running:
            writer.cancel()
            return
        if self.multisegment:
            runname, fieldnames, segment = None, writer.pool.fieldnames, writer._finalize_segment()
        else:
            k = self.kwargs.get("k", 64)
            runname, fieldnames, segment = multiproc.finish_subsegment(writer, k)
        self.resultqueue.put((runname, fieldnames, segment), timeout=5)
