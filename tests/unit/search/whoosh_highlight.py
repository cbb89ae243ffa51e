"""The highlighter as it was, on Whoosh's Highlighter machinery: the reference for the output.

Kept verbatim (the engine's ``highlight`` module before it worked over cached words), so that
tests can check that the engine's snippets and marked titles have not changed by a byte.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from markupsafe import Markup, escape
from whoosh import highlight as wh

from knowledge.search.engine.analysis import analyzer_for, language_group

SNIPPET_CHARS = 240
_CONTEXT_CHARS = 60
_ELLIPSIS = "\u2026"


class MarkFormatter(wh.Formatter):  # Whoosh is untyped: its classes are Any
    """Escapes the text between matches itself, so the output is safe to mark as Markup."""

    between = _ELLIPSIS

    def _text(self, text: str) -> str:
        return str(escape(text))

    def format_token(self, text: str, token: wh.Token, replace: bool = False) -> str:
        return f"<mark>{escape(wh.get_text(text, token, replace))}</mark>"

    def format(self, fragments: list[wh.Fragment], replace: bool = False) -> str:
        if not fragments:
            return ""
        joined = self.between.join(self.format_fragment(f, replace=replace) for f in fragments)
        # An ellipsis wherever the fragments cut the text short.
        lead = _ELLIPSIS if fragments[0].startchar > 0 else ""
        tail = _ELLIPSIS if fragments[-1].endchar < len(fragments[-1].text) else ""
        return f"{lead}{joined}{tail}"


def _whole_words(tokens: Iterable[wh.Token]) -> Iterator[wh.Token]:
    """One token per word position, spanning the whole word and matched when any of its forms
    is: a Chinese dictionary sub-word ("志愿") marks the jieba word it lies in ("志愿人员"), never
    half of it, and the two forms of a stemmed word give one mark."""
    word = None
    for token in tokens:
        if word is not None and token.pos == word.pos:
            word.startchar = min(word.startchar, token.startchar)
            word.endchar = max(word.endchar, token.endchar)
            word.matched = word.matched or token.matched
            continue
        if word is not None:
            yield word
        word = token.copy()  # the analyser reuses one Token object
    if word is not None:
        yield word


def _joined(words: Iterable[wh.Token]) -> Iterator[wh.Token]:
    """Matched words with nothing between them (Chinese has no spaces) as one mark."""
    last = None
    for word in words:
        if last is not None and last.matched and word.matched and word.startchar == last.endchar:
            last.endchar = word.endchar
            continue
        if last is not None:
            yield last
        last = word
    if last is not None:
        yield last


def _marked(
    text: str, language: str, termset: frozenset[str], fragmenter: wh.Fragmenter, top: int
) -> str:
    """Whoosh's highlight(), marking whole words (see _whole_words)."""
    analyzer = analyzer_for(language_group(language))
    tokens = analyzer(text, chars=True, positions=True, mode="index", removestops=False)
    words = _joined(_whole_words(wh.set_matched_filter(tokens, termset)))
    fragments = fragmenter.fragment_tokens(text, words)
    best = wh.top_fragments(fragments, top, wh.BasicFragmentScorer(), wh.FIRST, minscore=1)
    return str(MarkFormatter()(text, best))


def highlighted(text: str, language: str, terms: Iterable[str], *, top: int = 2) -> Markup | None:
    """Fragments of ``text`` around the ``terms`` (analysed in ``language``), or ``None``."""
    termset = frozenset(terms)
    if not text or not termset:
        return None
    fragmenter = wh.ContextFragmenter(maxchars=SNIPPET_CHARS, surround=_CONTEXT_CHARS)
    marked = _marked(text, language, termset, fragmenter, top)
    # Markup: every piece was escaped by MarkFormatter; only our <mark> tags are raw.
    return Markup(marked) if marked else None  # noqa: S704


def whole_highlighted(text: str, language: str, terms: Iterable[str]) -> Markup:
    """All of a short ``text`` (a title), escaped, with matches marked."""
    termset = frozenset(terms)
    if not text or not termset:
        return escape(text)
    marked = _marked(text, language, termset, wh.WholeFragmenter(), 1)
    return Markup(marked) if marked else escape(text)  # noqa: S704


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
