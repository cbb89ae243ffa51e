"""How the index builder turns a field's value into postings: as the field itself does, or, for
plain word-count fields (the organisation and spelling vocabulary) and whole numbers, the same
postings computed with fewer steps."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from functools import partial
from itertools import chain
from typing import Any

from whoosh import fields, formats
from whoosh.system import pack_uint
from whoosh.util.numeric import to_sortable

from knowledge.search.engine.analysis import GENERIC, generic_analyzer, position_terms

#: What a field's ``index`` gives for a value: (term bytes, frequency, weight, value bytes).
Postings = Iterable[tuple[bytes, int, float, bytes]]


def field_indexer(field: fields.FieldType) -> Callable[[Any], Postings]:
    """What gives the postings of a value of ``field``: its ``index`` method, or the same
    computed from :func:`position_terms` for a text field of word counts (Whoosh's ``TEXT``
    without phrases) with the generic analyser."""
    frequencies = type(field) is fields.TEXT and type(field.format) is formats.Frequency
    if frequencies and field.format.field_boost == 1.0 and field.analyzer == generic_analyzer():
        return partial(_word_counts, field)
    if type(field) is fields.NUMERIC and field.shift_step and field.numtype is int:
        return partial(_number_tiers, field)
    return field.index  # type: ignore[no-any-return]


def _word_counts(field: fields.FieldType, value: Any) -> Postings:
    """``TEXT.index`` with the ``Frequency`` format: each term's count, as its frequency, its
    weight (the tokens' boosts, 1.0 each, summed) and its value."""
    if not isinstance(value, str):
        return field.index(value)  # type: ignore[no-any-return]
    counts = Counter(chain.from_iterable(position_terms(value, GENERIC)))
    return [(term.encode("utf-8"), n, float(n), pack_uint(n)) for term, n in counts.items()]


def _number_tiers(field: fields.NUMERIC, value: Any) -> Postings:
    """``NUMERIC.index`` for an integer: its sortable form at each precision (shift), turned
    into the sortable number once rather than once per shift."""
    if type(value) is not int:
        return field.index(value)  # type: ignore[no-any-return]
    sortable = to_sortable(field.numtype, field.bits, field.signed, field.prepare_number(value))
    to_bytes = field.sortable_to_bytes
    return [
        (to_bytes(sortable, shift), 1, 1.0, b"") for shift in range(0, field.bits, field.shift_step)
    ]
