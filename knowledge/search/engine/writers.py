"""Whoosh's segment writer with cheaper bookkeeping per posting: the same segment, byte for byte.

Whoosh pools a segment's postings one tuple at a time, sorts them all when the segment is
flushed, and then asks the per-document reader for the length of a posting's field once per
posting (the reader reads the byte in the field's length column each time or, for a field
without lengths, looks for the column's file again). :class:`SegmentWriter` hands its pool a
document's postings a field at a time; the pool keeps each term's postings together in one flat
list (less memory than Whoosh's tuples, so fewer runs saved to disk), so that putting them in
order sorts the terms, not every posting; the flush writes each term's postings straight from
the pool (a term's postings at once, through :mod:`codec`'s writers), with the lengths read
once per document and field. :class:`SubWriterTask` runs that writer in the sub-processes of a
parallel build.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from itertools import groupby
from operator import itemgetter
from typing import Any

from whoosh import multiproc, writing

from knowledge.search.engine.codec import Codec, FieldWriter
from knowledge.search.engine.indexing import Postings, field_indexer

#: A posting as Whoosh pools it: (field name, term bytes, document number, weight, value bytes).
Posting = tuple[str, bytes, int, float, bytes | None]

#: This pool's estimate of the memory a posting takes (three list slots, a weight, a value
#: bytes object), past the value's length, and of a term's own (its key, list and slot).
_POSTING_BYTES = 100
_TERM_BYTES = 200


class PostingPool(writing.PostingPool):  # Whoosh is untyped: its classes are Any
    """Whoosh's pool of a segment's postings, each term's postings kept together in one flat
    list, in the order they came: document number, weight, value, document number, ...

    Taken out, the terms are sorted, and each term's postings too unless every one came after
    the term's previous one in document order (as a writer adds them): the order is exactly that
    of sorting all the postings. Past ``limitmb`` of postings (by this pool's estimate of its own
    memory, flat lists taking less than Whoosh's tuples), they are saved to a run on disk in
    Whoosh's format, as Whoosh does.
    """

    def __init__(self, tempstore: Any, segment: Any, limitmb: int = 128, **kwargs: Any) -> None:
        super().__init__(tempstore, segment, limitmb=limitmb, **kwargs)
        self._fields: dict[str, dict[bytes, list[Any]]] = {}
        self._in_document_order = True

    def _terms(self, fieldname: str) -> dict[bytes, list[Any]]:
        terms = self._fields.get(fieldname)
        if terms is None:
            terms = self._fields[fieldname] = {}
            self.fieldnames.add(fieldname)
        return terms

    def add(self, item: Posting) -> None:
        fieldname, text, docnum, weight, value = item
        self.add_field(fieldname, docnum, [(text, 0, weight, value)], 1)

    def add_field(self, fieldname: str, docnum: int, items: Postings, boost: float) -> int:
        """Pool one document's postings in a field, as ``(text, frequency, weight, value)``
        (what a field's ``index`` gives); the sum of their frequencies."""
        terms = self._terms(fieldname)
        frequencies = size = 0
        for text, frequency, weight, value in items:
            postings = terms.get(text)
            if postings is None:
                terms[text] = [docnum, weight * boost, value]
                size += _TERM_BYTES + len(text)
            else:
                if postings[-3] >= docnum:
                    self._in_document_order = False
                postings += (docnum, weight * boost, value)
            frequencies += frequency
            size += _POSTING_BYTES + len(value or b"")
        self.currentsize += size
        if self.currentsize > self.limit:
            self.save()
        return frequencies

    def fields(self) -> Iterator[tuple[str, Iterator[tuple[bytes, list[Any]]]]]:
        """Each field's terms with their postings (flat lists), all in order (fields, terms,
        documents)."""
        ordered = _as_they_are if self._in_document_order else _sorted_postings
        for fieldname in sorted(self._fields):
            terms = self._fields[fieldname]
            yield fieldname, ((text, ordered(terms[text])) for text in sorted(terms))

    def _in_order(self) -> list[Posting]:
        return [
            (fieldname, text, *posting)
            for fieldname, terms in self.fields()
            for text, postings in terms
            for posting in _triples(postings)
        ]

    def save(self) -> None:
        self.current = self._in_order()
        self._fields = {}
        self._in_document_order = True
        super().save()

    def items(self, maxfiles: int = 128) -> Any:
        if not self.runs:
            return self._in_order()
        return super().items(maxfiles)


def _triples(postings: list[Any]) -> Iterator[tuple[int, float, bytes | None]]:
    return zip(postings[0::3], postings[1::3], postings[2::3], strict=True)


def _as_they_are(postings: list[Any]) -> list[Any]:
    return postings


def _sorted_postings(postings: list[Any]) -> list[Any]:
    return [field for posting in sorted(_triples(postings)) for field in posting]


def _grouped(
    postings: Iterable[Posting],
) -> Iterator[tuple[str, Iterator[tuple[bytes, list[Any]]]]]:
    """Postings in order (Whoosh's tuples, as runs on disk give them) as :meth:`PostingPool.fields`
    gives its own."""
    for fieldname, in_field in groupby(postings, key=itemgetter(0)):
        terms = groupby(in_field, key=itemgetter(1))
        yield (
            fieldname,
            (
                (text, [field for posting in found for field in posting[2:]])
                for text, found in terms
            ),
        )


class FieldLengths:
    """The lengths a per-document reader gives, read once for each document of a field."""

    def __init__(self, schema: Any, reader: Any) -> None:
        self._schema = schema
        self._reader = reader
        self._tables: dict[str, list[int | None]] = {}

    def table(self, fieldname: str) -> list[int | None]:
        """The field's length in each document, by document number."""
        table = self._tables.get(fieldname)
        if table is None:
            count = self._reader.doc_count_all()
            if self._schema[fieldname].scorable:
                length = self._reader.doc_field_length
                table = [length(docnum, fieldname) for docnum in range(count)]
            else:  # Whoosh records no length for these: the reader answers its default
                table = [0] * count
            self._tables[fieldname] = table
        return table

    def doc_field_length(self, docnum: int, fieldname: str) -> int | None:
        return self.table(fieldname)[docnum]


class SegmentWriter(writing.SegmentWriter):  # Whoosh is untyped: its classes are Any
    """Whoosh's ``SegmentWriter`` with :class:`PostingPool`, flushing each term's postings
    straight from it."""

    def __init__(self, ix: Any, limitmb: int = 128, codec: Any = None, **kwargs: Any) -> None:
        codec = Codec() if codec is None else codec
        super().__init__(ix, limitmb=limitmb, codec=codec, **kwargs)
        self.pool = PostingPool(self._tempstorage, self.newsegment, limitmb=limitmb)
        self._indexers: dict[str, Callable[[Any], Postings]] | None = None

    def add_document(self, **fields: Any) -> None:
        if self._indexers is None:  # the schema cannot change once a document is added
            plain = not any(f.vector or f.separate_spelling() for f in self.schema)
            items = self.schema.items()
            self._indexers = {name: field_indexer(field) for name, field in items} if plain else {}
        if not self._indexers:
            super().add_document(**fields)
            return
        # writing.SegmentWriter.add_document without vectors or spelling words, handing the
        # pool a field's postings at once (computed by indexing.field_indexer).
        indexers = self._indexers
        self._check_state()
        perdocwriter = self.perdocwriter
        schema = self.schema
        docnum = self.docnum
        docboost = self._doc_boost(fields)
        fieldnames = sorted(name for name in fields if not name.startswith("_"))
        self._check_fields(schema, fieldnames)
        perdocwriter.start_doc(docnum)
        try:
            for fieldname in fieldnames:
                value = fields.get(fieldname)
                if value is None:
                    continue
                field = schema[fieldname]
                length = 0
                if field.indexed:
                    boost = self._field_boost(fields, fieldname, docboost)
                    items = indexers[fieldname](value)
                    frequencies = self.pool.add_field(fieldname, docnum, items, boost)
                    length = frequencies if field.scorable else 0
                stored = fields.get(f"_stored_{fieldname}", value)
                perdocwriter.add_field(fieldname, field, stored if field.stored else None, length)
                column = field.column_type
                if column and stored is not None:
                    perdocwriter.add_column_value(fieldname, column, field.to_column_value(stored))
        except Exception:
            perdocwriter.cancel_doc()
            raise
        perdocwriter.finish_doc()
        self._added = True
        self.docnum += 1

    def _flush_segment(self) -> None:
        if not self.codec.length_stats:
            super()._flush_segment()
            return
        # writing.SegmentWriter._flush_segment, with the lengths read once, and each term's
        # postings taken from the pool at once unless some were saved to disk.
        self.perdocwriter.close()
        reader = self.per_document_reader()
        try:
            lengths = FieldLengths(self.schema, reader)
            if not isinstance(self.fieldwriter, FieldWriter):
                self.fieldwriter.add_postings(self.schema, lengths, self.pool.iter_postings())
            elif self.pool.runs:  # merged from disk in Whoosh's format
                _write_terms(self.fieldwriter, self.schema, lengths, _grouped(self.pool.items()))
            else:
                _write_terms(self.fieldwriter, self.schema, lengths, self.pool.fields())
            self.fieldwriter.close()
        finally:
            reader.close()


def _write_terms(
    writer: FieldWriter,
    schema: Any,
    lengths: FieldLengths,
    fields: Iterator[tuple[str, Iterator[tuple[bytes, list[Any]]]]],
) -> None:
    """What Whoosh's ``FieldWriter.add_postings`` does with the postings in order, term by term
    (each term's as a flat list: document number, weight, value, ...)."""
    for fieldname, terms in fields:
        writer.start_field(fieldname, schema[fieldname])
        length = lengths.table(fieldname)
        for text, postings in terms:
            if postings[0] == -1:  # Whoosh skips these: words for a spelling graph
                kept = [posting for posting in _triples(postings) if posting[0] != -1]
                postings = [field for posting in kept for field in posting]
                if not postings:
                    continue
            writer.start_term(text)
            writer.add_all(postings, length)
            writer.finish_term()
        writer.finish_field()


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
