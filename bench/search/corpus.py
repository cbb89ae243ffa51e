"""A reproducible multilingual corpus of knowledge products, with topic labels for judging."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import accumulate
from typing import Any

from vocabulary import (
    COUNTRIES,
    DOMAIN,
    FUNCTION,
    LANGUAGE_WEIGHTS,
    LANGUAGES,
    ORG_KIND_WEIGHTS,
    ORG_KINDS,
    PRODUCT_TYPE_WEIGHTS,
    PRODUCT_TYPES,
    SYLLABLES,
    TOPICS,
    Topic,
)

RARE_WORDS_PER_LANGUAGE = 6_000
ORGANISATIONS = [
    "UN Volunteers",
    "UNDP",
    "UNICEF",
    "UN Women",
    "WHO",
    "FAO",
    "UNHCR",
    "UNEP",
    "ILO",
    "Red Cross Society",
    "Ministry of Youth",
    "National Volunteer Council",
    "Civic Forum",
    "University Research Centre",
    "Community Action Network",
    "Youth Alliance",
]
_FIRST_DAY = dt.date(2010, 1, 1).toordinal()
_LAST_DAY = dt.date(2025, 6, 30).toordinal()


@dataclass(frozen=True)
class GeneratedProduct:
    """A product dict for the engines plus what it is about, for relevance judgments."""

    doc: dict[str, Any]
    topic: str
    secondary: str | None
    title_on_topic: bool


class _Language:
    """Word sources of one language: topic keywords, domain, function and rare words."""

    def __init__(self, code: str, rng: random.Random) -> None:
        self.code = code
        self.domain = DOMAIN[code]
        self.function = FUNCTION[code]
        syllables = SYLLABLES[code]
        rare: set[str] = set()
        while len(rare) < RARE_WORDS_PER_LANGUAGE:
            size = rng.randint(2, 3) if code == "zh" else rng.randint(2, 4)
            rare.add("".join(rng.choices(syllables, k=size)))
        self.rare = sorted(rare)
        # Zipf-like frequencies for the long tail.
        self.rare_weights = list(accumulate(1.0 / (rank + 1) for rank in range(len(self.rare))))

    def keyword(self, topic: Topic, rng: random.Random) -> str:
        forms = rng.choice(topic.words[self.code])
        if len(forms) == 1 or rng.random() < 0.7:
            return forms[0]
        return rng.choice(forms[1:])


class CorpusGenerator:
    """Deterministic for a given seed: the same products in the same order."""

    def __init__(self, seed: int) -> None:
        self.seed = seed
        rng = random.Random(seed)
        self.languages = {code: _Language(code, rng) for code in LANGUAGES}

    def _sentence(
        self,
        rng: random.Random,
        language: _Language,
        topic: Topic,
        secondary: Topic | None,
        share: float,
        length: tuple[int, int],
    ) -> str:
        words: list[str] = []
        for _ in range(rng.randint(*length)):
            roll = rng.random()
            if roll < share:
                words.append(language.keyword(topic, rng))
            elif secondary is not None and roll < share * 1.4:
                words.append(language.keyword(secondary, rng))
            elif roll < share * 1.4 + 0.01:
                # An off-topic mention, as real documents stray.
                words.append(language.keyword(rng.choice(TOPICS), rng))
            elif roll < 0.45:
                words.append(rng.choice(language.function))
            elif roll < 0.72:
                words.append(rng.choice(language.domain))
            else:
                words.append(rng.choices(language.rare, cum_weights=language.rare_weights)[0])
        if language.code == "zh":
            return "".join(words) + "。"
        text = " ".join(words)
        return text[:1].upper() + text[1:] + "."

    def _title(self, rng: random.Random, language: _Language, topic: Topic, on_topic: bool) -> str:
        words = [rng.choice(language.domain)]
        if on_topic:
            words += [language.keyword(topic, rng) for _ in range(2)]
        words += [rng.choice(language.domain), rng.choice(language.function)]
        words += rng.choices(language.rare, cum_weights=language.rare_weights, k=rng.randint(1, 3))
        rng.shuffle(words)
        if language.code == "zh":
            return "".join(words)
        text = " ".join(words)
        return text[:1].upper() + text[1:]

    def product(self, product_id: int) -> GeneratedProduct:
        rng = random.Random(f"{self.seed}:{product_id}")
        code = rng.choices(LANGUAGES, weights=LANGUAGE_WEIGHTS)[0]
        language = self.languages[code]
        topic = rng.choice(TOPICS)
        secondary = rng.choice(TOPICS) if rng.random() < 0.4 else None
        if secondary is topic:
            secondary = None
        on_topic = rng.random() < 0.8
        abstract = " ".join(
            self._sentence(rng, language, topic, secondary, 0.22, (10, 18))
            for _ in range(rng.randint(2, 4))
        )
        file_text = None
        if rng.random() < 0.9:
            paragraphs = [
                " ".join(
                    self._sentence(rng, language, topic, secondary, 0.10, (8, 20))
                    for _ in range(rng.randint(3, 5))
                )
                for _ in range(rng.randint(3, 5))
            ]
            file_text = "\n\n".join(paragraphs)
        sdgs = {topic.sdg, *([secondary.sdg] if secondary else []), rng.randint(1, 17)}
        doc = {
            "id": product_id,
            "title": self._title(rng, language, topic, on_topic),
            "abstract": abstract,
            "file_text": file_text,
            "language": code,
            "organisation": rng.choice(ORGANISATIONS),
            "org_kind": rng.choices(ORG_KINDS, weights=ORG_KIND_WEIGHTS)[0],
            "product_type": rng.choices(PRODUCT_TYPES, weights=PRODUCT_TYPE_WEIGHTS)[0],
            "countries": sorted(set(rng.sample(COUNTRIES, rng.randint(1, 3)))),
            "sdgs": sorted(sdgs),
            "publication_date": dt.date.fromordinal(rng.randint(_FIRST_DAY, _LAST_DAY)),
        }
        return GeneratedProduct(doc, topic.key, secondary.key if secondary else None, on_topic)

    def products(self, count: int) -> Iterator[GeneratedProduct]:
        for product_id in range(1, count + 1):
            yield self.product(product_id)


@dataclass(frozen=True)
class JudgedQuery:
    text: str
    language: str
    topic: str


#: Queries whose relevant products follow from the generator: same language, same topic.
JUDGED_QUERIES: tuple[JudgedQuery, ...] = (
    JudgedQuery("gender equality", "en", "gender"),
    JudgedQuery("youth employment skills", "en", "youth"),
    JudgedQuery("climate adaptation policies", "en", "climate"),
    JudgedQuery("water sanitation", "en", "water"),
    JudgedQuery("volunteer laws", "en", "volunteer_policy"),
    JudgedQuery("disasters preparedness", "en", "disaster"),
    JudgedQuery("égalité des femmes", "fr", "gender"),
    JudgedQuery("changement climatique", "fr", "climate"),
    JudgedQuery("volontariat politiques", "fr", "volunteer_policy"),
    JudgedQuery("sante vaccination", "fr", "health"),
    JudgedQuery("empleo juvenil", "es", "youth"),
    JudgedQuery("seguridad alimentaria agricultores", "es", "food"),
    JudgedQuery("voluntario legislacion", "es", "volunteer_policy"),
    JudgedQuery("inundaciones riesgo", "es", "disaster"),
    JudgedQuery("igualdade de genero", "pt", "gender"),
    JudgedQuery("educacao escolas", "pt", "education"),
    JudgedQuery("energia renováveis", "pt", "energy"),
    JudgedQuery("性别平等", "zh", "gender"),
    JudgedQuery("气候变化适应", "zh", "climate"),
    JudgedQuery("志愿服务政策", "zh", "volunteer_policy"),
)


def relevance(query: JudgedQuery, product: GeneratedProduct) -> int:
    """3: about the topic with it in the title; 2: about it; 1: touches it; 0: not relevant."""
    if product.doc["language"] != query.language:
        return 0
    if product.topic == query.topic:
        return 3 if product.title_on_topic else 2
    return 1 if product.secondary == query.topic else 0
