"""A forgiving parser for what people type into the search box; it never raises."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Literal

#: Longer input is cut here; hostile inputs of 10,000 characters cost no more than this.
MAX_QUERY_CHARS = 500
#: Words beyond this many (phrase words included) are ignored.
MAX_TERMS = 20
#: A trailing ``*`` makes a prefix search only on words at least this long.
MIN_PREFIX_CHARS = 3
#: Prefix searches beyond this many are searched as plain words.
MAX_PREFIX_CLAUSES = 5

#: ``name:`` typed before a word (a habit from other search engines) is dropped.
_ACCIDENTAL_FIELDS = frozenset(
    {
        "title",
        "abstract",
        "body",
        "text",
        "content",
        "file",
        "file_text",
        "id",
        "type",
        "language",
        "lang",
        "sdg",
        "country",
        "year",
        "author",
        "organisation",
        "organization",
        "org",
        "intitle",
        "site",
    }
)
_QUOTES = str.maketrans({c: '"' for c in "\u201c\u201d\u201e\u00ab\u00bb\uff02\u300c\u300d"})
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_PIECE = re.compile(r'"([^"]*)"|([^\s"]+)')
_FIELD_PREFIX = re.compile(r"^[+-]?([A-Za-z_]+):(.*)$", re.DOTALL)
_FUZZ_OR_BOOST = re.compile(r"[~^][\d.]*")
_WORD = re.compile(r"(\w+(?:['\u2019.\-]\w+)*)(\*?)")
_OR = frozenset({"OR", "|", "||"})
_AND = frozenset({"AND", "&", "&&", "+"})
_NOT = frozenset({"NOT", "-", "!"})

ClauseKind = Literal["word", "phrase", "prefix"]


@dataclass(frozen=True)
class Clause:
    """One searchable unit: a word, a quoted phrase, or a word prefix (``volunt*``)."""

    kind: ClauseKind
    words: tuple[str, ...]

    @property
    def text(self) -> str:
        return " ".join(self.words)


@dataclass(frozen=True)
class ParsedQuery:
    """All ``groups`` must match (AND); any clause within a group may (OR); none excluded."""

    text: str
    groups: tuple[tuple[Clause, ...], ...]
    excluded: tuple[Clause, ...]

    @property
    def is_empty(self) -> bool:
        return not self.groups and not self.excluded

    @property
    def has_positive_terms(self) -> bool:
        return bool(self.groups)

    def plain_words(self) -> list[str]:
        """Words of positive word and phrase clauses, in order, for spelling suggestions."""
        return [
            word
            for group in self.groups
            for clause in group
            if clause.kind != "prefix"
            for word in clause.words
        ]


class _Builder:
    def __init__(self) -> None:
        self.groups: list[list[Clause]] = []
        self.excluded: list[Clause] = []
        self.terms = 0
        self.prefixes: set[str] = set()

    def full(self) -> bool:
        return self.terms >= MAX_TERMS

    def clause_for(self, word: str, star: bool) -> Clause:
        if star and len(word) >= MIN_PREFIX_CHARS:
            if word in self.prefixes or len(self.prefixes) < MAX_PREFIX_CLAUSES:
                self.prefixes.add(word)
                return Clause("prefix", (word,))
        return Clause("word", (word,))

    def add(self, clause: Clause, *, negated: bool, join_or: bool) -> None:
        words = clause.words[: MAX_TERMS - self.terms]
        if not words:
            return
        if len(words) == 1 and clause.kind == "phrase":
            clause = Clause("word", words)
        else:
            clause = Clause(clause.kind, words)
        self.terms += len(words)
        if negated:
            if clause not in self.excluded:
                self.excluded.append(clause)
        elif join_or and self.groups:
            if clause not in self.groups[-1]:
                self.groups[-1].append(clause)
        elif [clause] not in self.groups:
            self.groups.append([clause])


def normalise_query_text(raw: str) -> str:
    """NFKC-normalised, control characters removed, whitespace collapsed, length capped."""
    text = unicodedata.normalize("NFKC", (raw or "")[: MAX_QUERY_CHARS * 2])
    text = _CONTROL.sub(" ", text).translate(_QUOTES)
    return " ".join(text.split())[:MAX_QUERY_CHARS].strip()


def parse_query(raw: str) -> ParsedQuery:
    """Turn any string into a :class:`ParsedQuery`; operators that make no sense are ignored.

    Understood: ``"exact phrase"``, ``word*`` (prefix, at least three letters), ``OR`` between
    words, ``-word`` or ``NOT word`` to exclude. Everything else (brackets, ``~``, ``^``, ``:``,
    leading wildcards, unbalanced quotes, ``title:`` prefixes) is treated as a separator.
    """
    text = normalise_query_text(raw)
    if text.count('"') % 2:
        cut = text.rfind('"')
        text = text[:cut] + " " + text[cut + 1 :]
    builder = _Builder()
    pending_or = pending_not = False
    for match in _PIECE.finditer(text):
        if builder.full():
            break
        phrase, chunk = match.group(1), match.group(2)
        if phrase is not None:
            words = tuple(m.group(1) for m in _WORD.finditer(phrase))
            builder.add(Clause("phrase", words), negated=pending_not, join_or=pending_or)
            pending_or = pending_not = False
            continue
        if chunk in _OR:
            pending_or = True
            continue
        if chunk in _AND:
            continue
        if chunk in _NOT:
            pending_not = True
            continue
        negated = pending_not or (chunk.startswith("-") and len(chunk) > 1)
        field = _FIELD_PREFIX.match(chunk)
        if field and field.group(1).lower() in _ACCIDENTAL_FIELDS:
            chunk = field.group(2)
        chunk = _FUZZ_OR_BOOST.sub(" ", chunk)
        join_or = pending_or
        for word_match in _WORD.finditer(chunk):
            clause = builder.clause_for(word_match.group(1), bool(word_match.group(2)))
            builder.add(clause, negated=negated, join_or=join_or)
            join_or = False
        pending_or = pending_not = False
    return ParsedQuery(
        text=text,
        groups=tuple(tuple(group) for group in builder.groups),
        excluded=tuple(builder.excluded),
    )
