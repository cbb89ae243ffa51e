"""The query parser accepts anything and keeps only what it can search safely."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from knowledge.search.engine.parsing import (
    MAX_PREFIX_CLAUSES,
    MAX_QUERY_CHARS,
    MAX_TERMS,
    Clause,
    parse_query,
)


def test_quoted_words_become_a_phrase() -> None:
    parsed = parse_query('"climate change" adaptation')
    assert parsed.groups == (
        (Clause("phrase", ("climate", "change")),),
        (Clause("word", ("adaptation",)),),
    )


def test_unbalanced_quote_is_ignored() -> None:
    parsed = parse_query('"volunteer policy')
    assert parsed.groups == ((Clause("word", ("volunteer",)),), (Clause("word", ("policy",)),))


def test_curly_quotes_work_like_straight_quotes() -> None:
    assert parse_query("\u201cyouth volunteering\u201d").groups == (
        (Clause("phrase", ("youth", "volunteering")),),
    )


def test_trailing_star_on_three_letters_is_a_prefix() -> None:
    assert parse_query("volunt*").groups == ((Clause("prefix", ("volunt",)),),)


def test_short_or_leading_wildcards_are_plain_words() -> None:
    assert parse_query("ab* *gender").groups == (
        (Clause("word", ("ab",)),),
        (Clause("word", ("gender",)),),
    )


def test_prefix_clauses_are_capped() -> None:
    parsed = parse_query(" ".join(f"wor{chr(97 + i)}*" for i in range(10)))
    kinds = [clause.kind for group in parsed.groups for clause in group]
    assert kinds.count("prefix") == MAX_PREFIX_CLAUSES
    assert kinds.count("word") == 10 - MAX_PREFIX_CLAUSES


def test_or_joins_neighbours_and_not_excludes() -> None:
    parsed = parse_query("health OR education -water NOT sanitation")
    assert parsed.groups == ((Clause("word", ("health",)), Clause("word", ("education",))),)
    assert parsed.excluded == (Clause("word", ("water",)), Clause("word", ("sanitation",)))


def test_fuzzy_and_boost_suffixes_are_dropped() -> None:
    assert parse_query("gender~2 youth^3").groups == (
        (Clause("word", ("gender",)),),
        (Clause("word", ("youth",)),),
    )


def test_accidental_field_syntax_keeps_the_word() -> None:
    assert parse_query("title:gender").groups == ((Clause("word", ("gender",)),),)
    assert parse_query("title:(").is_empty


def test_lone_operators_parse_to_nothing() -> None:
    assert parse_query("AND OR NOT ( ) : * ~ ^ - +").is_empty


def test_terms_and_length_are_capped() -> None:
    parsed = parse_query(" ".join(f"word{i}" for i in range(100)))
    assert sum(len(clause.words) for group in parsed.groups for clause in group) == MAX_TERMS
    assert len(parse_query("x" * 10_000).text) == MAX_QUERY_CHARS


def test_repeated_clauses_are_searched_once() -> None:
    assert parse_query(" OR ".join(["*abc*"] * 300)).groups == ((Clause("prefix", ("abc",)),),)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=600))
def test_any_text_parses_within_the_caps(text: str) -> None:
    parsed = parse_query(text)
    words = [word for group in parsed.groups for clause in group for word in clause.words]
    assert len(words) + sum(len(c.words) for c in parsed.excluded) <= MAX_TERMS
    assert len(parsed.text) <= MAX_QUERY_CHARS
