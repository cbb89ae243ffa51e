""" "Did you mean": nearest words from the index vocabulary for words the index does not know."""

from __future__ import annotations

import re
from itertools import islice

from whoosh.reading import IndexReader

from knowledge.search.engine.analysis import fold
from knowledge.search.engine.parsing import ParsedQuery

SPELLING_FIELD = "spell"
#: Only this many words of a query are checked (each costs a vocabulary scan).
MAX_CHECKED_WORDS = 6
#: Vocabulary entries looked at per word: the words sharing its first letter, up to this many.
SCAN_LIMIT = 30_000
_MIN_LENGTH = 3
_MAX_LENGTH = 24


def edit_distance(a: str, b: str, limit: int) -> int:
    """Damerau-Levenshtein (optimal string alignment) distance, or ``limit + 1`` once exceeded."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, char_a in enumerate(a, start=1):
        current = [i] + [0] * len(b)
        for j, char_b in enumerate(b, start=1):
            cost = 0 if char_a == char_b else 1
            best = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and char_a == b[j - 2] and a[i - 2] == char_b:
                best = min(best, previous2[j - 2] + 1)
            current[j] = best
        if min(current) > limit:
            return limit + 1
        previous2, previous = previous, current
    return previous[-1]


def _checkable(word: str) -> bool:
    # Chinese, Japanese and Korean words have no edit-distance misspellings worth suggesting.
    return (
        _MIN_LENGTH <= len(word) <= _MAX_LENGTH
        and word.isalpha()
        and not any("\u2e80" <= char <= "\uffef" for char in word)
    )


def closest_word(reader: IndexReader, word: str) -> str | None:
    """The most frequent vocabulary word within one or two edits of ``word``."""
    limit = 1 if len(word) <= 5 else 2
    best: tuple[int, int, str] | None = None
    for raw, info in islice(reader.iter_prefix(SPELLING_FIELD, word[0]), SCAN_LIMIT):
        candidate = raw.decode("utf-8")
        if abs(len(candidate) - len(word)) > limit:
            continue
        distance = edit_distance(word, candidate, limit)
        if distance > limit:
            continue
        rank = (distance, -info.doc_frequency(), candidate)
        if best is None or rank < best:
            best = rank
    return best[2] if best else None


def suggest(parsed: ParsedQuery, reader: IndexReader) -> str | None:
    """The query with unknown words replaced by their nearest known words, or ``None``."""
    if SPELLING_FIELD not in reader.schema:
        return None
    replacements: dict[str, str] = {}
    for word in parsed.plain_words()[:MAX_CHECKED_WORDS]:
        folded = fold(word)
        if folded in replacements or not _checkable(folded):
            continue
        if reader.doc_frequency(SPELLING_FIELD, folded) > 0:
            continue
        nearest = closest_word(reader, folded)
        if nearest is not None and nearest != folded:
            replacements[word] = nearest
    if not replacements:
        return None
    pattern = re.compile(
        r"(?<!\w)("
        + "|".join(re.escape(w) for w in sorted(replacements, key=len, reverse=True))
        + r")(?!\w)"
    )
    return pattern.sub(lambda match: replacements[match.group(1)], parsed.text)
