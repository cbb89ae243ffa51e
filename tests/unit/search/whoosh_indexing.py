"""The text fields' indexing as it was, on Whoosh's token streams: the reference for postings.

``ReferenceText`` keeps ``WeightedText.index`` verbatim from before it read the words' terms
by position, so that tests can check that an index built the engine's way holds the postings
Whoosh's standard path gave, byte for byte.
"""

from __future__ import annotations

import threading
from collections import defaultdict
from collections.abc import Iterator
from typing import Any

from whoosh import fields

from knowledge.search.engine.analysis import LANGUAGE_GROUPS, analyzer_for
from knowledge.search.engine.schema import (
    PART_GAP,
    PART_SLOTS,
    WeightedText,
    build_schema,
    pack_frequencies,
    pack_lengths,
    text_field,
)

_analysed = threading.local()


class ReferenceText(WeightedText):
    def index(self, value: Any, **kwargs: Any) -> Iterator[tuple[bytes, int, float, bytes]]:
        positions: dict[str, list[int]] = defaultdict(list)
        counts: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
        lengths = [0, 0, 0]
        start = 0
        for part, text in value:
            slot = PART_SLOTS[part]
            end = start
            for token in self.analyzer(text, positions=True, mode="index", start_pos=start):
                if token.stopped:
                    continue
                positions[token.text].append(token.pos)
                counts[token.text][slot] += 1
                lengths[slot] += 1
                end = token.pos + 1
            start = end + PART_GAP
        _analysed.lengths = (value, pack_lengths(*lengths))
        for word, where in positions.items():
            weight = float(pack_frequencies(*counts[word]))
            yield word.encode("utf-8"), len(where), weight, self.format.encode(where)

    def to_column_value(self, value: Any) -> int:
        # Whoosh asks for the column value right after indexing the same value.
        analysed = getattr(_analysed, "lengths", None)
        if analysed is None or analysed[0] is not value:
            for _ in self.index(value):
                pass
            analysed = _analysed.lengths
        return int(analysed[1])


def reference_schema() -> fields.Schema:
    """The engine's schema with its text fields indexed the reference way."""
    schema = build_schema()
    for group in LANGUAGE_GROUPS:
        name = text_field(group)
        schema.remove(name)
        schema.add(name, ReferenceText(analyzer=analyzer_for(group)))
    return schema


def numbers_indexed(schema: fields.Schema) -> fields.Schema:
    """``schema`` with the product id and date indexed as terms too, as before version 4."""
    for name, bits in (("id_num", 64), ("date", 32)):
        schema.remove(name)
        schema.add(name, fields.NUMERIC(int, bits=bits, sortable=True))
    return schema
