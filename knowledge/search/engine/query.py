"""Compiles a parsed query into a tree of terms and phrases over every language's field."""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from itertools import islice
from typing import Any

from whoosh.reading import IndexReader

from knowledge.search.engine.analysis import (
    CHINESE,
    LANGUAGE_GROUPS,
    analyzer_for,
    fold,
    generic_analyzer,
)
from knowledge.search.engine.parsing import MAX_TERMS, Clause, ParsedQuery
from knowledge.search.engine.schema import (
    FACETS,
    ORGANISATION_BOOST,
    normalise_facet_value,
    text_field,
)

#: Index terms a prefix may expand to, per language (the most frequent win).
PREFIX_EXPANSIONS = 12
#: Index terms looked at per language while expanding a prefix, however many there are.
PREFIX_SCAN_LIMIT = 6_000
#: Analysed tokens per language for the whole query (a long unspaced Chinese query makes many).
TOKENS_PER_LANGUAGE = 2 * MAX_TERMS
#: Values accepted per filter; more are ignored.
MAX_FILTER_VALUES = 50


@dataclass(frozen=True)
class Term:
    """Documents with ``text`` in field ``name``, scored by BM25F times ``boost``."""

    name: str
    text: str
    boost: float = 1.0


@dataclass(frozen=True)
class Phrase:
    """Documents with ``words`` one after the other in field ``name``."""

    name: str
    words: tuple[str, ...]
    boost: float = 1.0


@dataclass(frozen=True)
class AllOf:
    """Documents matching every part; the parts' scores add up."""

    parts: tuple[Node, ...]


@dataclass(frozen=True)
class AnyOf:
    """Documents matching any part; the scores of the parts they match add up."""

    parts: tuple[Node, ...]


@dataclass(frozen=True)
class Without:
    """Documents matching ``positive`` but not ``negative``, scored by ``positive``."""

    positive: Node
    negative: Node


@dataclass(frozen=True)
class Everything:
    """Every document, all scored alike (a query of excluded words only)."""


@dataclass(frozen=True)
class Nothing:
    """No document (a clause whose words exist nowhere in the index)."""


Node = Term | Phrase | AllOf | AnyOf | Without | Everything | Nothing
#: A clause whose words exist nowhere in the index.
NOTHING = Nothing()


@functools.lru_cache(maxsize=8_192)
def _analysed(group: str, text: str) -> tuple[tuple[str, ...], ...]:
    """``text`` analysed for ``group``: its forms per position (queries repeat: cached)."""
    # Chinese in index mode: each word comes after its dictionary sub-words, so a query word
    # segmented whole can still match text where jieba split it (see _at_position).
    mode = "index" if group == CHINESE else "query"
    by_position: dict[int, list[str]] = {}
    for token in analyzer_for(group)(text, positions=True, mode=mode):
        forms = by_position.setdefault(token.pos, [])
        if token.text not in forms:
            forms.append(token.text)
    return tuple(tuple(forms) for forms in by_position.values())


@dataclass
class CompiledQuery:
    """A query tree (``None`` means every document) and, per language group, what to mark."""

    query: Node | None
    highlight_terms: dict[str, set[str]] = field(default_factory=dict)


class _Compiler:
    def __init__(self, reader: IndexReader) -> None:
        self.reader = reader
        self.budget = dict.fromkeys(LANGUAGE_GROUPS, TOKENS_PER_LANGUAGE)
        self.highlight: dict[str, set[str]] = {group: set() for group in LANGUAGE_GROUPS}

    def positions(self, group: str, text: str) -> list[list[str]]:
        """Analysed forms of ``text`` grouped by position (a word may have two forms)."""
        found = [list(forms) for forms in _analysed(group, text)[: max(self.budget[group], 0)]]
        self.budget[group] -= len(found)
        return found

    def clause(self, clause: Clause, *, mark: bool) -> Node | None:
        """The clause's query, :data:`NOTHING` if it cannot match, ``None`` if it has no words."""
        if clause.kind == "prefix":
            return self._prefix(clause.words[0], mark=mark)
        analysable = False
        alternatives: list[Node | None] = []
        for group in LANGUAGE_GROUPS:
            positions = self.positions(group, clause.text)
            if not positions:
                continue
            analysable = True
            if mark:
                self.highlight[group].update(form for forms in positions for form in forms)
            if clause.kind == "phrase" and len(positions) > 1:
                alternatives.append(self._phrase(group, positions))
            else:
                alternatives.append(
                    _all_of([self._at_position(group, forms) for forms in positions])
                )
        organisation = list(
            dict.fromkeys(t.text for t in generic_analyzer()(clause.text, mode="query"))
        )
        alternatives.append(
            _all_of([self._term("organisation", t, ORGANISATION_BOOST) for t in organisation])
        )
        if not analysable and not organisation:
            return None
        return _or_nothing(_any_of(alternatives))

    def _prefix(self, word: str, *, mark: bool) -> Node | None:
        alternatives: list[Node | None] = []
        for group in LANGUAGE_GROUPS:
            prefixes = {fold(word)}
            positions = self.positions(group, word)
            if len(positions) == 1:
                prefixes.update(positions[0])
            expansions = self._expand(group, prefixes)
            if mark:
                self.highlight[group].update(expansions)
            alternatives.extend(self._term(text_field(group), term, 1.0) for term in expansions)
        return _or_nothing(_any_of(alternatives))

    def _expand(self, group: str, prefixes: Iterable[str]) -> list[str]:
        frequency: dict[str, int] = {}
        name = text_field(group)
        for prefix in prefixes:
            found = self.reader.iter_prefix(name, prefix)
            for raw, info in islice(found, PREFIX_SCAN_LIMIT):
                frequency[raw.decode("utf-8")] = info.doc_frequency()
        ranked = sorted(frequency, key=lambda term: (-frequency[term], term))
        return ranked[:PREFIX_EXPANSIONS]

    # Terms absent from the index are left out: most words exist in only one or two languages'
    # fields, and a clause none of whose words exist cannot match.

    def _term(self, field_name: str, token: str, boost: float) -> Node | None:
        if (field_name, token) not in self.reader:
            return None
        return Term(field_name, token, boost)

    def _any_part(self, group: str, token: str) -> Node | None:
        # Title, abstract and file text share one field (see schema.WeightedText).
        return self._term(text_field(group), token, 1.0)

    def _at_position(self, group: str, forms: list[str]) -> Node | None:
        """Any of a word's forms; for Chinese, the whole word or else all of its sub-words."""
        if group == CHINESE and len(forms) > 1:
            *subwords, word = forms
            return _any_of(
                [
                    self._any_part(group, word),
                    _all_of([self._any_part(group, sub) for sub in subwords]),
                ]
            )
        return _any_of([self._any_part(group, form) for form in forms])

    def _phrase(self, group: str, positions: list[list[str]]) -> Node | None:
        # One phrase of each word's first forms and one of its last (accent-insensitive) forms;
        # Chinese words come last after their sub-words, so only the last forms there.
        first = -1 if group == CHINESE else 0
        variants = dict.fromkeys(
            (tuple(f[first] for f in positions), tuple(f[-1] for f in positions))
        )
        phrases: list[Node | None] = []
        name = text_field(group)
        for words in variants:
            if all((name, word) in self.reader for word in words):
                phrases.append(Phrase(name, words))
        return _any_of(phrases)


def _or_nothing(query: Node | None) -> Node:
    return NOTHING if query is None else query


def _all_of(queries: list[Node | None]) -> Node | None:
    """AND; ``None`` (cannot match) if any part cannot."""
    if not queries or any(q is None for q in queries):
        return None
    present = [q for q in queries if q is not None]
    return present[0] if len(present) == 1 else AllOf(tuple(present))


def _any_of(queries: list[Node | None]) -> Node | None:
    """OR of the parts that can match; ``None`` if none can."""
    present = [q for q in queries if q is not None]
    if not present:
        return None
    return present[0] if len(present) == 1 else AnyOf(tuple(present))


def compile_query(parsed: ParsedQuery, reader: IndexReader) -> CompiledQuery:
    """The Whoosh query for ``parsed``; clauses without searchable words are dropped."""
    compiler = _Compiler(reader)
    required: list[Node] = []
    impossible = False
    for group in parsed.groups:
        options = [q for q in (compiler.clause(c, mark=True) for c in group) if q is not None]
        if not options:
            continue
        either = _any_of([None if q is NOTHING else q for q in options])
        if either is None:
            impossible = True
        else:
            required.append(either)
    excluded: list[Node | None] = [
        q
        for q in (compiler.clause(c, mark=False) for c in parsed.excluded)
        if q is not None and q is not NOTHING
    ]
    highlight = {group: terms for group, terms in compiler.highlight.items() if terms}
    if impossible:
        return CompiledQuery(NOTHING, highlight)
    if not required and not excluded:
        return CompiledQuery(None, highlight)
    positive = _all_of(list(required)) if required else Everything()
    unwanted = _any_of(list(excluded))
    if positive is not None and unwanted is not None:
        positive = Without(positive, unwanted)
    return CompiledQuery(positive, highlight)


def normalise_filters(
    filters: Mapping[str, Iterable[Any] | str | int] | None,
) -> dict[str, list[str]]:
    """Indexed codes per facet, duplicates and blanks removed; unknown facets raise ValueError."""
    normalised: dict[str, list[str]] = {}
    for facet, values in (filters or {}).items():
        if facet not in FACETS:
            raise ValueError(f"unknown search filter {facet!r}; expected one of {FACETS}")
        listed: Iterable[Any] = [values] if isinstance(values, str | int) else values
        codes = list(
            dict.fromkeys(
                normalise_facet_value(facet, value)
                for value in islice(listed, MAX_FILTER_VALUES)
                if str(value).strip()
            )
        )
        if codes:
            normalised[facet] = codes
    return normalised
