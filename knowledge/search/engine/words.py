"""The words of a stored text, with their character spans and analysed terms, kept in a cache.

Highlighting a hit used to analyse its title and abstract again for every query. A stored text
never changes, so its words are analysed once per process and looked up by the text itself
(with its language group): a product seen in an earlier page or query costs a dictionary look-up,
and a changed product simply brings a new text. The cache is bounded by the characters of the
texts it holds and shared by the threads of the process.
"""

from __future__ import annotations

import threading
from collections import OrderedDict

from knowledge.search.engine.analysis import word_terms

#: Characters of stored text whose words are kept (some 20 bytes of words per character).
CACHE_CHARS = 1_000_000


class Words:
    """One entry per word position: its span (``starts``, ``ends``), the first term analysed from
    it (``firsts``), and, for each term, the positions carrying it (``positions``).

    A position's span covers all its tokens, so a Chinese dictionary sub-word lies inside the
    jieba word it came from, and the two stems of a word share one span.
    """

    __slots__ = ("ends", "firsts", "positions", "starts")

    def __init__(self, text: str, group: str) -> None:
        found = word_terms(text, group)
        self.starts: list[int] = [start for start, _, _ in found]
        self.ends: list[int] = [end for _, end, _ in found]
        self.firsts: list[str] = [terms[0] for _, _, terms in found]
        self.positions: dict[str, list[int]] = {}
        at = self.positions
        for index, (_, _, terms) in enumerate(found):
            for term in terms:
                if term in at:
                    at[term].append(index)
                else:
                    at[term] = [index]

    def matching(self, terms: frozenset[str]) -> list[int]:
        """The word indices, in order, carrying any of ``terms`` (a term may list a word twice)."""
        positions = self.positions
        found: set[int] = set()
        for term in terms:
            at = positions.get(term)
            if at is not None:
                found.update(at)
        return sorted(found)


class _WordsCache:
    """Recently used :class:`Words` by (language group, text), up to a budget of characters."""

    def __init__(self, budget: int) -> None:
        self.budget = budget
        self._items: OrderedDict[tuple[str, str], Words] = OrderedDict()
        self._chars = 0
        self._lock = threading.Lock()

    def get(self, text: str, group: str) -> Words:
        key = (group, text)
        with self._lock:
            words = self._items.get(key)
            if words is not None:
                self._items.move_to_end(key)
                return words
        words = Words(text, group)  # analysed outside the lock; a race only analyses twice
        if len(text) > self.budget:
            return words
        with self._lock:
            if key not in self._items:
                self._items[key] = words
                self._chars += len(text)
                while self._chars > self.budget:
                    (_, dropped), _ = self._items.popitem(last=False)
                    self._chars -= len(dropped)
        return words

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self._chars = 0


_cache = _WordsCache(CACHE_CHARS)


def words_of(text: str, group: str) -> Words:
    """The (cached) words of ``text`` as ``analyzer_for(group)`` analyses it."""
    return _cache.get(text, group)


def clear_cache() -> None:
    """Forget every analysed text (for measurements of the uncached cost)."""
    _cache.clear()
