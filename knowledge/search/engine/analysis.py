"""Text analysis per language: stemming and accent folding, jieba segmentation for Chinese."""

from __future__ import annotations

import functools
import logging
import re
import threading
from collections.abc import Iterator
from typing import Any

from whoosh.analysis import (
    Analyzer,
    CharsetFilter,
    Filter,
    LowercaseFilter,
    RegexTokenizer,
    Token,
    Tokenizer,
)
from whoosh.lang import stemmer_for_language
from whoosh.support.charset import accent_map

#: Languages with their own analysed fields; every other language goes to the generic field.
STEMMED_LANGUAGES: tuple[str, ...] = ("en", "fr", "es", "pt")
CHINESE = "zh"
GENERIC = "xx"
LANGUAGE_GROUPS: tuple[str, ...] = (*STEMMED_LANGUAGES, CHINESE, GENERIC)

_WORD_CHAR = re.compile(r"\w")
#: The words of the stemming and generic analysers (Whoosh's default tokenizer pattern).
_WORDS = RegexTokenizer().expression
#: The same pattern with its group made non-capturing, so that ``findall`` gives whole words.
_WORD_TEXTS = re.compile(r"[\w\*]+(?:\.?[\w\*]+)*")
_jieba_ready = threading.Lock()
_jieba_initialised = False


def language_group(language: str) -> str:
    """The analysed field group a product in ``language`` (ISO 639-1) is indexed under."""
    code = (language or "").strip().lower()
    if code in STEMMED_LANGUAGES or code == CHINESE:
        return code
    return GENERIC


def _jieba() -> Any:
    """Import and initialise jieba once, with its chatty start-up log silenced."""
    global _jieba_initialised
    # Imported on first use, not at the top (an optional cost, not a cycle): only Chinese text
    # needs jieba, and importing it also loads pkg_resources, which other processes are spared.
    import jieba

    if not _jieba_initialised:
        with _jieba_ready:
            if not _jieba_initialised:
                jieba.setLogLevel(logging.WARNING)
                jieba.initialize()
                _jieba_initialised = True
    return jieba


class JiebaTokenizer(Tokenizer):  # Whoosh is untyped: its classes are Any
    """Segments Chinese text with jieba.

    At index time the dictionary sub-words of long words are emitted at the word's own position
    (as jieba's search mode does), so "志愿" finds "志愿服务" while phrases keep working.
    """

    def __eq__(self, other: object) -> bool:
        return isinstance(other, JiebaTokenizer)

    def __hash__(self) -> int:
        return hash(JiebaTokenizer)

    def __call__(
        self,
        value: str,
        positions: bool = False,
        chars: bool = False,
        keeporiginal: bool = False,
        removestops: bool = True,
        start_pos: int = 0,
        start_char: int = 0,
        tokenize: bool = True,
        mode: str = "",
        **kwargs: Any,
    ) -> Iterator[Token]:
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        if not tokenize:
            token.original = token.text = value
            token.boost = 1.0
            if positions:
                token.pos = start_pos
            if chars:
                token.startchar = start_char
                token.endchar = start_char + len(value)
            yield token
            return
        pos = start_pos
        for pieces in _segmented(value, with_subwords=mode == "index"):
            for text, piece_start, piece_end in pieces:
                token.text = text
                token.boost = 1.0
                token.stopped = False
                if keeporiginal:
                    token.original = text
                if positions:
                    token.pos = pos
                if chars:
                    token.startchar = start_char + piece_start
                    token.endchar = start_char + piece_end
                yield token
            pos += 1


def _segmented(value: str, with_subwords: bool) -> Iterator[list[tuple[str, int, int]]]:
    """jieba's words in ``value`` that have a word character, each as its pieces with their
    spans: its dictionary sub-words if asked, then the word itself (at one position)."""
    jieba = _jieba()
    for word, start, end in jieba.tokenize(value):
        if not _WORD_CHAR.search(word):
            continue
        pieces = _subwords(jieba, word, start) if with_subwords else []
        pieces.append((word, start, end))
        yield pieces


def _subwords(jieba: Any, word: str, start: int) -> list[tuple[str, int, int]]:
    """Dictionary bigrams and trigrams inside a long word, as jieba's search mode finds them."""
    found: list[tuple[str, int, int]] = []
    for size in (2, 3):
        if len(word) <= size:
            continue
        for offset in range(len(word) - size + 1):
            gram = word[offset : offset + size]
            if jieba.get_FREQ(gram):
                found.append((gram, start + offset, start + offset + size))
    return found


@functools.cache
def _stemmer(language: str) -> Any:
    return stemmer_for_language(language)


@functools.lru_cache(maxsize=400_000)
def stem_forms(language: str, word: str) -> tuple[str, ...]:
    """fold(stem(word)), then stem(fold(word)) when that differs (see SnowballStemFilter)."""
    # functools' cache is thread-safe, unlike the LFU cache inside Whoosh's StemFilter.
    stem = _stemmer(language)
    stemmed = fold(str(stem(word)))
    folded = fold(word)
    if folded == word:
        return (stemmed,)
    unaccented = str(stem(folded))
    return (stemmed,) if unaccented == stemmed else (stemmed, unaccented)


class SnowballStemFilter(Filter):  # Whoosh is untyped: its classes are Any
    """Snowball stemming that also folds accents, emitting two forms where they differ.

    Snowball relies on accented suffixes ("organização" and "organizações" share the stem
    "organiz"), while people often type without accents ("organizacao"). Each word is therefore
    indexed as fold(stem(word)) and, at the same position, as stem(fold(word)): the first joins
    inflected forms, the second makes accented and unaccented spellings meet. Queries produce
    both forms too and match either. The cache is process-wide and thread-safe; the filter
    pickles as just its language.
    """

    is_morph = True

    def __init__(self, language: str) -> None:
        self.language = language

    def __eq__(self, other: object) -> bool:
        return isinstance(other, SnowballStemFilter) and other.language == self.language

    def __hash__(self) -> int:
        return hash((SnowballStemFilter, self.language))

    def __call__(self, tokens: Iterator[Token]) -> Iterator[Token]:
        language = self.language
        for token in tokens:
            if token.stopped:
                yield token
                continue
            for form in stem_forms(language, token.text):
                token.text = form
                yield token


def _folding() -> CharsetFilter:
    return CharsetFilter(accent_map)


def stemming_analyzer(language: str) -> Analyzer:
    """Lower-case, then Snowball-stem in ``language`` with accent folding."""
    return RegexTokenizer() | LowercaseFilter() | SnowballStemFilter(language)


def chinese_analyzer() -> Analyzer:
    return JiebaTokenizer() | LowercaseFilter() | _folding()


def generic_analyzer() -> Analyzer:
    """For languages without a stemmer here, and for the spelling vocabulary."""
    return RegexTokenizer() | LowercaseFilter() | _folding()


@functools.cache
def analyzer_for(group: str) -> Analyzer:
    """The shared analyser of a language group (see :data:`LANGUAGE_GROUPS`)."""
    if group in STEMMED_LANGUAGES:
        return stemming_analyzer(group)
    if group == CHINESE:
        return chinese_analyzer()
    return generic_analyzer()


def group_of(analyzer: Analyzer) -> str:
    """The language group whose analyser equals ``analyzer`` (one unpickled from an index)."""
    for group in LANGUAGE_GROUPS:
        if analyzer == analyzer_for(group):
            return group
    raise ValueError(f"not the analyser of a language group: {analyzer!r}")


def word_terms(text: str, group: str) -> list[tuple[int, int, tuple[str, ...]]]:
    """``(startchar, endchar, terms)`` of each word position ``analyzer_for(group)`` finds in
    ``text`` in index mode, the terms in the analyser's order and the span covering them all;
    computed without Whoosh's token stream where the steps are plain (stemming, generic), from
    the same terms by word as :func:`position_terms`."""
    if group != CHINESE:
        forms = _word_forms.get(group, _word_forms[GENERIC])
        return [(*match.span(), forms[match.group()]) for match in _WORDS.finditer(text)]
    words: list[tuple[int, int, tuple[str, ...]]] = []
    last_pos = None
    for token in analyzer_for(group)(text, chars=True, positions=True, mode="index"):
        if token.pos != last_pos:
            last_pos = token.pos
            words.append((token.startchar, token.endchar, (token.text,)))
        else:  # a dictionary sub-word, or the word itself after its sub-words
            start, end, terms = words[-1]
            span = (min(start, token.startchar), max(end, token.endchar))
            words[-1] = (*span, (*terms, token.text))
    return words


def position_terms(text: str, group: str) -> list[tuple[str, ...]]:
    """The terms at each word position ``analyzer_for(group)`` finds in ``text`` in index mode,
    in the analyser's order: :func:`word_terms` without the spans, for indexing."""
    if group != CHINESE:
        forms = _word_forms.get(group, _word_forms[GENERIC])
        return list(map(forms.__getitem__, _WORD_TEXTS.findall(text)))
    # jieba's words, as JiebaTokenizer segments them (tokenize is cut with offsets).
    forms = _word_forms[CHINESE]
    return [terms for terms in map(forms.__getitem__, _jieba().cut(text)) if terms]


class _WordForms(dict[str, tuple[str, ...]]):
    """The terms of a word as its group's analyser makes them in index mode, by the word as
    written (a plain dictionary look-up for words seen before): for Chinese, jieba's pieces of
    the word (see JiebaTokenizer), none if it has no word character, lower-cased and folded."""

    #: Words remembered; past this many, the dictionary starts again.
    LIMIT = 100_000

    def __init__(self, group: str) -> None:
        super().__init__()
        self.group = group

    def __missing__(self, word: str) -> tuple[str, ...]:
        if self.group in STEMMED_LANGUAGES:
            forms = stem_forms(self.group, word.lower())
        elif self.group != CHINESE:
            forms = (fold(word),)
        elif _WORD_CHAR.search(word):
            pieces = [piece for piece, _, _ in _subwords(_jieba(), word, 0)]
            forms = tuple(fold(piece) for piece in [*pieces, word])
        else:
            forms = ()
        if len(self) >= self.LIMIT:
            self.clear()
        self[word] = forms
        return forms


_word_forms = {group: _WordForms(group) for group in LANGUAGE_GROUPS}


def fold(text: str) -> str:
    """Lower-case and strip accents, as every analyser does to its terms."""
    return text.lower().translate(accent_map)


def warm_up() -> None:
    """Load every analyser now: jieba's dictionary (about a second) and the stemmers.

    Called when a process starts serving, so that its first search does not pay for them.
    """
    for group in LANGUAGE_GROUPS:
        list(analyzer_for(group)("预热 warm", mode="index"))
