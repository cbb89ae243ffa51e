"""The indicator-provider interface: how features hand their figures to the results registry.

A feature (surveys, knowledge) registers one provider per data source it owns, declaring the
questions and answer codes its indicators are computed from. The results layer asks it for one
indicator and one reporting year and adds targets, performance and ratings itself. Features never
import each other; they meet only here.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Protocol

from flask import Flask
from sqlalchemy.orm import Session

from portal.results.figures import IndicatorFigure, IndicatorSpec
from portal.results.framework import Indicator
from portal.results.vocabulary import AnswerCodes, SourceVocabulary

_PROVIDERS = "indicator_providers"
_VOCABULARY = "indicator_vocabulary"


@dataclass(frozen=True)
class ComputeContext:
    """What a provider needs besides the database: the year, the period and the privacy rule."""

    year: int
    period_start: int  # first year of the framework period the year belongs to
    period_end: int  # last year of that period
    suppress_below: int  # k: figures from fewer valid answers are suppressed
    global_south_flag: str  # M49 column that defines Global South


class IndicatorProvider(Protocol):
    def __call__(
        self, session: Session, code: str, spec: IndicatorSpec, context: ComputeContext
    ) -> IndicatorFigure:
        """Return the figure for indicator `code` in `context.year`.

        `spec` is the indicator's registry entry (question_key, unit, breakdowns ...). The answer is
        one entry of the `/api/v1/indicators` list without target, performance and status: value,
        numerator, valid_n, excluded_n, ci95, parts, suppressed, breakdown (see CONTRACT.md).
        """
        ...


def register_provider(
    app: Flask,
    source: str,
    provider: IndicatorProvider,
    *,
    questions: Mapping[str, AnswerCodes] | None = None,
) -> None:
    """Make `provider` answer for every registry indicator whose `source` is `source`.

    `questions` declares the question keys the source answers and the answer codes of each; the
    registry checks every indicator of the source against it when the app is built.
    """
    providers: dict[str, IndicatorProvider] = app.extensions.setdefault(_PROVIDERS, {})
    if source in providers:
        raise ValueError(f"a provider for {source} is already registered")
    providers[source] = provider
    vocabulary: dict[str, SourceVocabulary] = app.extensions.setdefault(_VOCABULARY, {})
    vocabulary[source] = SourceVocabulary(source, dict(questions or {}))


def providers_of(app: Flask) -> dict[str, IndicatorProvider]:
    """Every registered provider by source (a copy)."""
    registered: dict[str, IndicatorProvider] = app.extensions.get(_PROVIDERS, {})
    return dict(registered)


def provider_for(app: Flask, source: str) -> IndicatorProvider | None:
    return providers_of(app).get(source)


def declared_vocabulary(app: Flask) -> list[SourceVocabulary]:
    """What each registered source declared: its questions and their answer codes."""
    declared: dict[str, SourceVocabulary] = app.extensions.get(_VOCABULARY, {})
    return list(declared.values())


def indicator_questions(
    app: Flask, source: str, indicators: Iterable[Indicator]
) -> dict[str, AnswerCodes]:
    """The questions of `source` that feed one of `indicators`, with the codes it declared.

    What a questionnaire of that source must keep asking, with exactly these answer codes, for
    the registry's figures to stay computable.
    """
    declared: dict[str, SourceVocabulary] = app.extensions.get(_VOCABULARY, {})
    vocabulary = declared.get(source)
    if vocabulary is None:
        return {}
    return {
        indicator.question_key: vocabulary.questions[indicator.question_key]
        for indicator in indicators
        if indicator.source == source
        and indicator.question_key is not None
        and indicator.question_key in vocabulary.questions
    }
