"""The highlighter over cached words gives, byte for byte, the snippets Whoosh's gave."""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any

import pytest

from knowledge.search.engine import highlight
from knowledge.search.engine.analysis import analyzer_for, language_group, word_terms
from knowledge.search.engine.words import clear_cache

from . import whoosh_highlight as reference

VOCABULARY = {
    "en": "volunteer volunteers volunteering policy policies community communities climate change "
    "development sustainable report evaluation women girls programme youth education health "
    "water sanitation data-driven U.S. 3.5 e-mail co-operation star* organisation's",
    "fr": "volontariat volontaires développement durable éducation education évaluation "
    "communautés jeunesse santé eau l'égalité aujourd'hui femmes filles organisation",
    "es": "voluntariado voluntarios desarrollo sostenible educación evaluación comunidades "
    "jóvenes salud agua mujeres niñas organización organizacion política",
    "pt": "voluntariado voluntários desenvolvimento sustentável educação educacao avaliação "
    "comunidades organização organizações saúde água mulheres meninas",
    "zh": "志愿 志愿服务 志愿人员 可持续发展 可持续 联合国 社区 工作 教育 评估 妇女 青年 气候变化 "
    "数据 报告 促进 目标 实现 本报告介绍 如何 在 的 volunteer 2030",
    "ar": "العمل التطوعي في المجتمعات المتطوعين التنمية المستدامة التعليم تقييم المرأة الشباب",
    "ru": "Волонтёры волонтеры местные сообщества развитие устойчивое образование оценка "
    "женщины молодёжь санитария и в",
    "de": "Freiwillige Gemeinschaft Entwicklung nachhaltige Bildung Bewertung Frauen Jugend",
}
SEPARATORS = (" ", " ", " ", ", ", ". ", " & ", " <b>", "</b> ", ' "', "' ", "\n", " — ", "...")
CHINESE_SEPARATORS = ("", "", "", "，", "。", "<i>", "&", " ")


def _text(rng: random.Random, language: str, words: int) -> str:
    vocabulary = VOCABULARY[language].split()
    separators = CHINESE_SEPARATORS if language == "zh" else SEPARATORS
    parts = []
    for _ in range(words):
        word = rng.choice(vocabulary)
        parts.append(word.upper() if rng.random() < 0.05 else word)
        parts.append(rng.choice(separators))
    return "".join(parts).strip()


def _terms(rng: random.Random, language: str, text: str) -> set[str]:
    """Query terms as the engine makes them, now and then with a term of the text's own."""
    group = language_group(language)
    query = " ".join(rng.sample(VOCABULARY[language].split(), rng.randint(1, 3)))
    terms = {token.text for token in analyzer_for(group)(query, mode="query")}
    own = [term for _, _, forms in word_terms(text, group) for term in forms]
    if own and rng.random() < 0.5:
        terms.add(rng.choice(own))
    return terms


def _cases(seed: int, count: int) -> list[tuple[str, str, str, str, set[str]]]:
    rng = random.Random(seed)
    cases = []
    for _ in range(count):
        language = rng.choice([*VOCABULARY, "", "en-GB"])
        vocabulary_of = language if language in VOCABULARY else "en"
        title = _text(rng, vocabulary_of, rng.randint(1, 12))
        abstract = _text(rng, vocabulary_of, rng.choice((0, 8, 40, 120, 300)))
        body = _text(rng, vocabulary_of, rng.choice((0, 30, 400, 1500)))
        cases.append((language, title, abstract, body, _terms(rng, vocabulary_of, abstract + body)))
    return cases


EDGE_CASES = [
    ("en", "Tom & Jerry <b>", "Cheap <b>pumps</b>.", "", {"volunt"}),
    ("en", "", "", "", {"volunt"}),
    ("en", "Volunteers", "Volunteers", "", set()),
    ("en", "x" * 300, "word " + "x" * 300 + " word", "", {"x" * 300, "word"}),
    ("en", "volunteer " * 4000, "", "policy " * 7000 + "volunteer", {"volunt", "polici"}),
    ("zh", "志愿服务" * 100, "志愿服务" * 200, "", {"志愿", "服务", "志愿服务"}),
    ("zh", "联合国志愿人员", "本报告介绍志愿服务如何促进可持续发展的实现。", "", {"志愿", "可"}),
]


def _differences(
    language: str, title: str, abstract: str, body: str, terms: set[str]
) -> list[tuple[str, tuple[Any, ...]]]:
    checks: list[tuple[str, Callable[..., object], Callable[..., object], tuple[Any, ...]]] = [
        ("snippet", highlight.snippet, reference.snippet, (abstract, body, language, terms)),
        (
            "title",
            highlight.whole_highlighted,
            reference.whole_highlighted,
            (title, language, terms),
        ),
        ("abstract", highlight.highlighted, reference.highlighted, (abstract, language, terms)),
    ]
    differences = [(name, args) for name, new, old, args in checks if new(*args) != old(*args)]
    for top in (1, 3):
        new = highlight.highlighted(body, language, terms, top=top)
        if new != reference.highlighted(body, language, terms, top=top):
            differences.append((f"body, top {top}", (body, language, terms)))
    return differences


@pytest.mark.parametrize("seed", range(4))
def test_snippets_and_titles_are_those_of_the_whoosh_highlighter(seed: int) -> None:
    differences = []
    for case in [*EDGE_CASES, *_cases(seed, 120)]:
        differences += _differences(*case)  # the words analysed now
        differences += _differences(*case)  # the words from the cache
        if seed % 2:
            clear_cache()
    assert differences == []


@pytest.mark.parametrize("language", [*VOCABULARY, ""])
def test_word_terms_are_the_analysers_tokens_by_position(language: str) -> None:
    group = language_group(language)
    text = _text(random.Random(7), language or "en", 400)
    expected: list[tuple[int, int, tuple[str, ...]]] = []
    last_pos = None
    for token in analyzer_for(group)(text, chars=True, positions=True, mode="index"):
        if token.pos == last_pos:
            start, end, terms = expected[-1]
            span = (min(start, token.startchar), max(end, token.endchar))
            expected[-1] = (*span, (*terms, token.text))
        else:
            expected.append((token.startchar, token.endchar, (token.text,)))
        last_pos = token.pos

    assert word_terms(text, group) == expected
