"""How the index builder turns a field's value into postings: as the field itself does, or, for
plain word-count fields (the organisation and spelling vocabulary), the same postings computed
without Whoosh's token stream."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from functools import partial
from itertools import chain
from typing import Any

from whoosh import fields, formats
from whoosh.system import pack_uint

from knowledge.search.engine.analysis import GENERIC, generic_analyzer, position_terms

#: What a field's ``index`` gives for a value: (term bytes, frequency, weight, value bytes).
Postings = Iterable[tuple[bytes, int, float, bytes | None]]


def field_indexer(field: fields.FieldType) -> Callable[[Any], Postings]:
    """What gives the postings of a value of ``field``: its ``index`` method, or the same
    computed from :func:`position_terms` for a text field of word counts (Whoosh's ``TEXT``
    without phrases) with the generic analyser."""
    frequencies = type(field) is fields.TEXT and type(field.format) is formats.Frequency
    if frequencies and field.format.field_boost == 1.0 and field.analyzer == generic_analyzer():
        return partial(_word_counts, field)
    return field.index  # type: ignore[no-any-return]


def _word_counts(field: fields.FieldType, value: Any) -> Postings:
    """``TEXT.index`` with the ``Frequency`` format: each term's count, as its frequency, its
    weight (the tokens' boosts, 1.0 each, summed) and its value."""
    if not isinstance(value, str):
        return field.index(value)  # type: ignore[no-any-return]
    counts = Counter(chain.from_iterable(position_terms(value, GENERIC)))
    return [(term.encode("utf-8"), n, float(n), pack_uint(n)) for term, n in counts.items()]
