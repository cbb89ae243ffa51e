"""Snippets with ``<mark>`` around matched words and everything else HTML-escaped.

Fragments are chosen, scored and ordered exactly as Whoosh's ``ContextFragmenter`` (240
characters, 60 of context), ``BasicFragmentScorer`` and ``FIRST`` order chose them, and titles
are marked as with its ``WholeFragmenter``; but the passes run directly over the cached words of
the text (:mod:`~knowledge.search.engine.words`), so a hit's text is not analysed again for each
query, and the stretches of text that cannot reach a fragment are skipped.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import deque
from collections.abc import Iterable
from heapq import nlargest

from markupsafe import Markup, escape

from knowledge.search.engine.analysis import language_group
from knowledge.search.engine.words import Words, words_of

SNIPPET_CHARS = 240
_CONTEXT_CHARS = 60
#: Whoosh's fragmenters look no further into a text than this.
_CHARLIMIT = 2**15
_ELLIPSIS = "\u2026"

#: A matched stretch of text: (startchar, endchar, first term of its first word).
Match = tuple[int, int, str]
#: (startchar, endchar, matches) of a fragment.
Fragment = tuple[int, int, list[Match]]


def _token(words: Words, matched: set[int], i: int) -> tuple[int, int, int, bool]:
    """``(next index, startchar, endchar, matched)`` of the token at word ``i``: matched words
    with nothing between them (Chinese has no spaces) make one token."""
    starts, ends = words.starts, words.ends
    end, j = ends[i], i + 1
    if i not in matched:
        return j, starts[i], end, False
    count = len(starts)
    while j < count and j in matched and starts[j] == end:
        end, j = ends[j], j + 1
    return j, starts[i], end, True


def _context_fragments(words: Words, hits: list[int], length: int) -> list[Fragment]:
    """Whoosh's ``ContextFragmenter.fragment_tokens`` over the words, skipping to the context of
    the next match whenever no fragment is open (the skipped words would have left the context
    window before it)."""
    starts, ends, firsts = words.starts, words.ends, words.firsts
    found: list[Fragment] = []
    context: deque[int] = deque()
    first: int | None = None
    countdown, currentlen, endchar = -1, 0, 0
    tks: list[Match] = []
    matched_at = set(hits)
    upcoming = iter(hits)
    target = next(upcoming, None)
    i = 0
    while target is not None:
        if countdown < 0:  # outside a fragment: jump to the context of the next match
            while target is not None and target < i:
                target = next(upcoming, None)
            if target is None:
                break
            if target > i:
                jump = bisect_left(starts, ends[target - 1] - _CONTEXT_CHARS, i, target)
                if jump > i:
                    context.clear()
                    i = jump
        following, startchar, endchar, matched = _token(words, matched_at, i)
        tlength = endchar - startchar
        if endchar > _CHARLIMIT:
            break
        if countdown < 0 and not matched:
            context.append(startchar)
            while context and endchar - context[0] > _CONTEXT_CHARS:
                context.popleft()
        elif currentlen + tlength > SNIPPET_CHARS:
            countdown = 0
        elif matched:
            countdown = _CONTEXT_CHARS
            if first is None:
                if context:
                    first = context[0]
                else:
                    first = startchar
                    countdown += _CONTEXT_CHARS
            tks.append((startchar, endchar, firsts[i]))
        if countdown >= 0:
            currentlen += tlength
            countdown -= tlength
            if countdown <= 0:
                found.append(_fragment(first, endchar, tks, length))
                tks, context, first, currentlen = [], deque(), None, 0
        i = following
        if i >= len(starts):
            break
    if tks:
        found.append(_fragment(first, endchar, tks, length))
    return found


def _fragment(first: int | None, endchar: int, tks: list[Match], length: int) -> Fragment:
    """Whoosh's ``mkfrag``."""
    if first is None:
        first = tks[0][0] if tks else 0
    return max(0, first), min(length, endchar), tks


def _score(fragment: Fragment) -> float:
    """Whoosh's ``BasicFragmentScorer``: the matches, times 100 per distinct term."""
    matches = fragment[2]
    return float(len(matches)) * ((len({term for _, _, term in matches}) * 100) or 1)


def _formatted(text: str, fragment: Fragment) -> str:
    """The fragment's text escaped, its matches in ``<mark>``."""
    index, end, matches = fragment
    output = []
    for start, stop, _ in sorted(matches, key=lambda m: (m[0], m[0] - m[1])):
        if start < index:
            continue
        if start > index:
            output.append(str(escape(text[index:start])))
        output.append(f"<mark>{escape(text[start:stop])}</mark>")
        index = stop
    output.append(str(escape(text[index:end])))
    return "".join(output)


def highlighted(text: str, language: str, terms: Iterable[str], *, top: int = 2) -> Markup | None:
    """Fragments of ``text`` around the ``terms`` (analysed in ``language``), or ``None``."""
    termset = frozenset(terms)
    if not text or not termset:
        return None
    words = words_of(text, language_group(language))
    hits = words.matching(termset)
    if not hits:
        return None
    fragments = _context_fragments(words, hits, len(text))
    # Whoosh's top_fragments: the best by score, a later fragment first among equals.
    scored = nlargest(top, ((_score(f), f) for f in fragments), key=lambda p: (p[0], p[1][0]))
    best = sorted((f for score, f in scored if score >= 1), key=lambda f: f[0])
    if not best:
        return None
    lead = _ELLIPSIS if best[0][0] > 0 else ""
    tail = _ELLIPSIS if best[-1][1] < len(text) else ""
    joined = _ELLIPSIS.join(_formatted(text, fragment) for fragment in best)
    # Markup: every piece of text was escaped; only our <mark> tags are raw.
    return Markup(f"{lead}{joined}{tail}")  # noqa: S704


def whole_highlighted(text: str, language: str, terms: Iterable[str]) -> Markup:
    """All of a short ``text`` (a title), escaped, with matches marked."""
    termset = frozenset(terms)
    if not text or not termset:
        return escape(text)
    words = words_of(text, language_group(language))
    hits = words.matching(termset)
    matched_at = set(hits)
    matches: list[Match] = []
    i = hits[0] if hits else len(words.starts)
    while i < len(words.starts):  # Whoosh's WholeFragmenter, from the first match
        i, start, end, matched = _token(words, matched_at, i)
        if end > _CHARLIMIT:
            break
        if matched:
            matches.append((start, end, ""))
    if not matches:
        return escape(text)
    return Markup(_formatted(text, (0, len(text), matches)))  # noqa: S704


def head(text: str, limit: int = SNIPPET_CHARS) -> Markup:
    """The start of ``text``, cut at a word boundary, escaped."""
    if len(text) <= limit:
        return escape(text)
    cut = text.rfind(" ", 0, limit)
    return escape(text[: cut if cut > limit // 2 else limit].rstrip() + _ELLIPSIS)


def snippet(abstract: str, body: str, language: str, terms: Iterable[str]) -> Markup:
    """The abstract's matching fragments, else the file text's, else the abstract's start."""
    termset = frozenset(terms)
    for text in (abstract, body):
        marked = highlighted(text, language, termset)
        if marked is not None:
            return marked
    return head(abstract or body)
