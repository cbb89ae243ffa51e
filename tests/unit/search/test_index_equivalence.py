"""An index built the engine's way holds, posting for posting, what Whoosh's standard path wrote."""

from __future__ import annotations

import datetime as dt
import io
import random
import shutil
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from whoosh.codec import whoosh3
from whoosh.fields import Schema
from whoosh.filedb.structfile import StructFile
from whoosh.formats import Positions

from knowledge.search.engine import building, codec, writers
from knowledge.search.engine.analysis import (
    LANGUAGE_GROUPS,
    language_group,
    position_terms,
    word_terms,
)
from knowledge.search.engine.building import storage, write_generation
from knowledge.search.engine.schema import ProductDocument, build_schema, document_fields

from .conftest import make_product
from .test_highlight_equivalence import VOCABULARY, _text
from .whoosh_indexing import numbers_indexed, reference_schema

EDGE_DOCUMENTS: list[dict[str, Any]] = [
    {"title": "Tom & Jerry <b>", "abstract": "Cheap <b>pumps</b>.", "file_text": ""},
    {"title": "", "abstract": "", "file_text": None},
    {"title": "...", "abstract": "!!! ???", "file_text": "— «»"},
    {"title": "Volunteers", "abstract": "", "file_text": "volunteers VOLUNTEERS Volunteering"},
    {"title": "U.S. e-mail 3.5 star* co-operation", "abstract": "organisation's _x_ __"},
    # Frequencies past the bits a posting weight keeps for a part, and positions far apart.
    {"title": "volunteer " * 600, "abstract": "policy " * 70, "file_text": "volunteer " * 9000},
    {"language": "fr", "title": "Éducation ÉDUCATION education", "abstract": "l'égalité"},
    {"language": "pt", "title": "organização organizações organizacao", "abstract": "saúde"},
    {"language": "es", "title": "Organización", "abstract": "", "file_text": "niñas NIÑAS"},
    {"language": "zh", "title": "志愿服务" * 30, "abstract": "志愿志愿", "file_text": "联合国"},
    {"language": "zh", "title": "联合国志愿人员", "abstract": "本报告介绍志愿服务如何促进。"},
    {"language": "zh", "title": "", "abstract": "Volunteer 2030 社区", "file_text": "ÉTÉ"},
    {"language": "de", "title": "Straße Größe", "abstract": "Ǆemal İstanbul ﬁnance"},
    {"language": "", "title": "No language", "abstract": "Sans langue"},
    {"language": "EN-gb", "title": "British English", "abstract": "Colour"},
]


def _documents(seed: int, count: int) -> Iterator[ProductDocument]:
    rng = random.Random(seed)
    for edge in EDGE_DOCUMENTS:
        yield make_product(**edge)
    for _ in range(count):
        language = rng.choice([*VOCABULARY, "", "it"])
        words = language if language in VOCABULARY else "en"
        yield make_product(
            language=language,
            title=_text(rng, words, rng.randint(0, 12)),
            abstract=_text(rng, words, rng.choice((0, 8, 40, 300))),
            file_text=_text(rng, words, rng.choice((0, 30, 400, 1500))) or None,
            organisation="\n".join(_text(rng, "en", 2) for _ in range(rng.randint(0, 3))),
            countries=rng.sample(["KEN", "SEN", "BRA", "CHN"], rng.randint(0, 2)),
            sdgs=rng.sample(range(1, 18), rng.randint(0, 3)),
            publication_date=dt.date(2010 + rng.randint(0, 15), rng.randint(1, 12), 1),
        )


def _engine_build(path: Path, documents: list[ProductDocument], **options: Any) -> None:
    path.mkdir()
    write_generation(path, documents, **options)


def _reference_build(
    path: Path, documents: list[ProductDocument], schema: Schema | None = None
) -> None:
    """Whoosh's standard writer, with the text fields indexed from the analysers' tokens."""
    path.mkdir()
    index = storage(path).create_index(schema or reference_schema())
    writer = index.writer(limitmb=32)
    for doc in documents:
        writer.add_document(**document_fields(doc))
    writer.commit()


def _contents(path: Path, term_weights: bool = True) -> dict[str, Any]:
    """Every posting, term statistic, field length and column value, keyed by product id.

    Without ``term_weights``, a term's total weight is left out: over several segments it is a
    sum of floats that depends on how the documents were split between them.
    """
    index = storage(path).open_index()
    with index.reader() as reader:
        ids = {docnum: int(stored["id"]) for docnum, stored in reader.iter_docs()}
        postings = {}
        for fieldname, text in reader.all_terms():
            info = reader.term_info(fieldname, text)
            matcher = reader.postings(fieldname, text)
            found = []
            while matcher.is_active():
                found.append((ids[matcher.id()], matcher.weight(), matcher.value()))
                matcher.next()
            statistics = (info.weight() if term_weights else None, info.doc_frequency())
            statistics += (info.max_weight(),)
            lengths = (info.min_length(), info.max_length())
            postings[fieldname, text] = (sorted(found), statistics, lengths)
        schema = index.schema
        names = sorted(schema.names())
        field_lengths = {
            (ids[docnum], name): reader.doc_field_length(docnum, name)
            for docnum in ids
            for name in names
            if schema[name].scorable
        }
        totals = {name: reader.field_length(name) for name in names}
        columns = {}
        for name in names:
            if schema[name].column_type and reader.has_column(name):
                column = reader.column_reader(name, translate=False)
                columns[name] = sorted((ids[docnum], column[docnum]) for docnum in ids)
    return {"postings": postings, "lengths": field_lengths, "totals": totals, "columns": columns}


def _text_postings(contents: dict[str, Any]) -> int:
    groups = {f"text_{group}" for group in LANGUAGE_GROUPS}
    counted: Counter[str] = Counter()
    for (name, _), (found, *_) in contents["postings"].items():
        counted[name] += len(found)
    assert groups <= set(counted)
    return sum(counted[name] for name in groups)


def _segment_files(path: Path) -> dict[str, bytes]:
    """The files inside the one segment's compound file, named without the random segment id
    (the compound file lists them in the folder's order, which varies)."""
    index = storage(path).open_index()
    (segment,) = index._segments()
    compound = segment.open_compound_file(index.storage)
    files = {}
    for name in compound.list():
        with compound.open_file(name) as file:
            files[name.replace(segment.segid, "<segment>")] = file.read()
    compound.close()
    return files


def _pickled_schema(path: Path) -> bytes:
    """The schema as pickled in the index's table of contents, past its header."""
    (toc,) = path.glob("_MAIN_*.toc")
    stream = StructFile(io.BytesIO(toc.read_bytes()))
    for read in (stream.read_varint,) * 3 + (stream.read_int,) * 2 + (stream.read_varint,) * 3:
        read()  # the sizes of numbers, a byte order check, the format's and Whoosh's versions
    return bytes(stream.read_string())


def _table_of_contents(path: Path) -> bytes:
    index = storage(path).open_index()
    (segment,) = index._segments()
    (toc,) = path.glob("_MAIN_*.toc")
    return toc.read_bytes().replace(segment.segid.encode("ascii"), b"<segment>")


@pytest.mark.parametrize("seed", range(2))
def test_the_segment_is_byte_for_byte_the_standard_one(tmp_path: Path, seed: int) -> None:
    documents = list(_documents(seed, 150))
    _engine_build(tmp_path / "engine", documents, memory_mb=32, procs=1)
    _reference_build(tmp_path / "reference", documents)

    engine = _contents(tmp_path / "engine")
    assert engine == _contents(tmp_path / "reference")
    assert _text_postings(engine) > 2_000  # what is compared is not empty
    files = _segment_files(tmp_path / "engine")
    assert len(files) > 10
    assert files == _segment_files(tmp_path / "reference")


def test_a_parallel_build_holds_the_standard_postings(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(building, "JOB_DOCUMENTS", 40)  # several jobs for each sub-writer
    documents = list(_documents(7, 220))
    _engine_build(tmp_path / "engine", documents, memory_mb=64, procs=2, parallel_from=100)
    _reference_build(tmp_path / "reference", documents)

    assert len(storage(tmp_path / "engine").open_index()._segments()) > 1  # parallel indeed
    engine = _contents(tmp_path / "engine", term_weights=False)
    assert engine == _contents(tmp_path / "reference", term_weights=False)
    assert _text_postings(engine) > 2_000


def test_ids_and_dates_keep_their_columns_without_their_terms(tmp_path: Path) -> None:
    documents = list(_documents(11, 60))
    _engine_build(tmp_path / "engine", documents, memory_mb=32, procs=1)
    _reference_build(tmp_path / "before", documents, numbers_indexed(reference_schema()))

    engine, before = _contents(tmp_path / "engine"), _contents(tmp_path / "before")
    numbers = {"id_num", "date"}
    assert {name for name, _ in before["postings"]} & numbers == numbers
    assert {key: found for key, found in before["postings"].items() if key[0] not in numbers} == (
        engine["postings"]
    )
    assert numbers <= set(engine["columns"])
    assert {key: engine[key] for key in ("lengths", "totals", "columns")} == {
        key: before[key] for key in ("lengths", "totals", "columns")
    }


@pytest.mark.parametrize("limitmb", [0.05, 32])  # a run every few hundred postings, or none
def test_the_writer_writes_what_whoosh_s_writer_does(tmp_path: Path, limitmb: float) -> None:
    documents = list(_documents(3, 120))
    built = []
    for name in ("whoosh", "engine"):
        (tmp_path / name).mkdir()
        index = storage(tmp_path / name).create_index(build_schema())
        schema = _pickled_schema(tmp_path / name)
        if name == "whoosh":
            writer = index.writer(limitmb=limitmb)
        else:
            writer = writers.SegmentWriter(index, limitmb=limitmb)
        for doc in documents:
            writer.add_document(**document_fields(doc))
        built.append(len(writer.pool.runs))
        writer.commit()
        assert _pickled_schema(tmp_path / name) == schema  # indexing left nothing in the schema

    assert min(built) > 5 if limitmb < 1 else built == [0, 0]
    assert _contents(tmp_path / "engine") == _contents(tmp_path / "whoosh")
    assert _segment_files(tmp_path / "engine") == _segment_files(tmp_path / "whoosh")
    assert _table_of_contents(tmp_path / "engine") == _table_of_contents(tmp_path / "whoosh")


def test_merged_segments_are_those_whoosh_merges(tmp_path: Path) -> None:
    documents = list(_documents(5, 100))
    (tmp_path / "two").mkdir()
    index = storage(tmp_path / "two").create_index(build_schema())
    for half in (documents[:60], documents[60:]):
        writer = index.writer()
        for doc in half:
            writer.add_document(**document_fields(doc))
        writer.commit(merge=False)
    shutil.copytree(tmp_path / "two", tmp_path / "whoosh")
    shutil.copytree(tmp_path / "two", tmp_path / "engine")

    storage(tmp_path / "whoosh").open_index().writer().commit(optimize=True)
    writers.SegmentWriter(storage(tmp_path / "engine").open_index()).commit(optimize=True)

    assert _contents(tmp_path / "engine") == _contents(tmp_path / "whoosh")
    assert _segment_files(tmp_path / "engine") == _segment_files(tmp_path / "whoosh")
    # The table of contents too: the same schema and a segment naming Whoosh's own codec.
    assert _table_of_contents(tmp_path / "engine") == _table_of_contents(tmp_path / "whoosh")


@pytest.mark.parametrize("one_by_one", [False, True])  # as merges add them, or as documents do
@pytest.mark.parametrize("shuffled", [False, True])
def test_the_pool_gives_the_postings_sorted_however_they_came(
    shuffled: bool, one_by_one: bool
) -> None:
    rng = random.Random(4)
    docs = list(range(300))
    if shuffled:
        rng.shuffle(docs)
    pool = writers.PostingPool(None, None, limitmb=64)
    expected = []
    for docnum in docs:
        words = {rng.choice(b"abcdefgh").to_bytes(1, "big") * rng.randint(1, 3) for _ in range(5)}
        items = [(word, 1, float(rng.randint(1, 9)), bytes([docnum % 7])) for word in words]
        field = rng.choice(["f", "g"])
        if not one_by_one:
            pool.add_field(field, docnum, items, 1.0)
        else:
            for word, _, weight, value in items:
                pool.add((field, word, docnum, weight, value))
        expected += [(field, word, docnum, weight, value) for word, _, weight, value in items]
        if docnum % 5 == 0:  # the same term again for the document, weighing less
            word, _, weight, value = items[0]
            pool.add((field, word, docnum, weight - 1, value))
            expected.append((field, word, docnum, weight - 1, value))

    assert pool.items() == sorted(expected)


@pytest.mark.parametrize("count", [1, 2, 127, 128, 129, 256, 300])
def test_a_term_s_postings_added_at_once_are_written_as_one_by_one(
    tmp_path: Path, count: int
) -> None:
    rng = random.Random(count)
    docnums = sorted(rng.sample(range(5 * count), count))
    weights = [rng.choice([1.0, 1.0, 2.0, 0.5, 98337.0]) for _ in docnums]
    values = [
        rng.choice([b"", b"\x00\x01", bytes(rng.randrange(256) for _ in range(9))]) for _ in docnums
    ]
    lengths = [rng.choice([0, None, 1, 7, 300, 70_000]) for _ in range(5 * count)]
    storage_ = storage(tmp_path)
    written = []
    for writer in (whoosh3.W3PostingsWriter, codec.PostingsWriter):
        with storage_.create_file(f"{writer.__name__}.pst") as file:
            postings = writer(file, blocklimit=128, compression=3, inlinelimit=1)
            postings.start_postings(Positions(), whoosh3.W3TermInfo())
            if writer is codec.PostingsWriter:
                flat = [
                    field
                    for posting in zip(docnums, weights, values, strict=True)
                    for field in posting
                ]
                postings.add_all(flat, lengths)
            else:
                for docnum, weight, value in zip(docnums, weights, values, strict=True):
                    postings.add_posting(docnum, weight, value, lengths[docnum])
            info = postings.finish_postings().to_bytes()
        written.append((info, (tmp_path / f"{writer.__name__}.pst").read_bytes()))

    assert written[0] == written[1]


@pytest.mark.parametrize("language", [*VOCABULARY, ""])
def test_position_terms_are_the_word_terms_without_their_spans(language: str) -> None:
    group = language_group(language)
    for seed in range(3):
        text = _text(random.Random(seed), language or "en", 300)
        assert position_terms(text, group) == [terms for _, _, terms in word_terms(text, group)]
