"""The indicator-provider interface: how features hand their figures to the results registry.

A feature (surveys, knowledge) registers one provider per data source it owns. The results layer
asks it for one indicator and one reporting year and adds targets, performance and ratings itself.
Features never import each other; they meet only here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from flask import Flask
from sqlalchemy.orm import Session


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
        self, session: Session, code: str, spec: dict[str, Any], context: ComputeContext
    ) -> dict[str, Any]:
        """Return the figure for indicator `code` in `context.year`.

        `spec` is the indicator's registry entry (question_key, unit, breakdowns ...). The answer is
        one entry of the `/api/v1/indicators` list without target, performance and status: value,
        numerator, valid_n, excluded_n, ci95, parts, suppressed, breakdown (see CONTRACT.md).
        """
        ...


def register_provider(app: Flask, source: str, provider: IndicatorProvider) -> None:
    """Make `provider` answer for every registry indicator whose `source` is `source`."""
    providers: dict[str, Callable[..., dict[str, Any]]] = app.extensions.setdefault(
        "indicator_providers", {}
    )
    if source in providers:
        raise ValueError(f"a provider for {source} is already registered")
    providers[source] = provider


def provider_for(app: Flask, source: str) -> IndicatorProvider | None:
    return app.extensions.get("indicator_providers", {}).get(source)
