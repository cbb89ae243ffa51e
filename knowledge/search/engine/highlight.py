"""Snippets with ``<mark>`` around matched words and everything else HTML-escaped."""

from __future__ import annotations

from collections.abc import Iterable

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


def highlighted(text: str, language: str, terms: Iterable[str], *, top: int = 2) -> Markup | None:
    """Fragments of ``text`` around the ``terms`` (analysed in ``language``), or ``None``."""
    termset = frozenset(terms)
    if not text or not termset:
        return None
    fragmenter = wh.ContextFragmenter(maxchars=SNIPPET_CHARS, surround=_CONTEXT_CHARS)
    marked = wh.highlight(
        text,
        termset,
        analyzer_for(language_group(language)),
        fragmenter,
        MarkFormatter(),
        top=top,
        order=wh.FIRST,
        mode="index",
    )
    # Markup: every piece was escaped by MarkFormatter; only our <mark> tags are raw.
    return Markup(marked) if marked else None  # noqa: S704


def whole_highlighted(text: str, language: str, terms: Iterable[str]) -> Markup:
    """All of a short ``text`` (a title), escaped, with matches marked."""
    termset = frozenset(terms)
    if not text or not termset:
        return escape(text)
    marked = wh.highlight(
        text,
        termset,
        analyzer_for(language_group(language)),
        wh.WholeFragmenter(),
        MarkFormatter(),
        top=1,
        mode="index",
    )
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
