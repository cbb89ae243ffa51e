"""Figures of earlier reports (`history.yaml`) mapped onto the indicators of a framework."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from portal.results.framework import (
    COMPARABILITY,
    QUALIFIERS,
    UNITS,
    Framework,
    HistoricalFigure,
    Indicator,
)
from portal.results.suppression import GROUP_KEYS
from portal.results.yaml_reader import YamlReader

HISTORY_FILE = Path(__file__).parent / "history.yaml"


class HistoryReader(YamlReader):
    """The history file: its documents, then each figure checked against its indicator."""

    def history(self, frameworks: Sequence[Framework]) -> list[HistoricalFigure]:
        data = self.load()
        key = str(self.required(data, "framework", "history"))
        framework = next((f for f in frameworks if f.key == key), None)
        if framework is None:
            raise self.fail("history", f"framework {key!r} is not loaded")
        documents = self.required(data, "documents", "history")
        if not isinstance(documents, Mapping):
            raise self.fail("history", "documents must map keys to titles")
        return [
            self.figure(raw, number, framework, documents)
            for number, raw in enumerate(self.required(data, "figures", "history"), start=1)
        ]

    def _indicator(self, framework: Framework, code: str, where: str) -> Indicator:
        try:
            return framework.indicator(code)
        except KeyError:
            raise self.fail(where, f"no such indicator in {framework.key}") from None

    def figure(
        self, raw: Any, number: int, framework: Framework, documents: Mapping[str, Any]
    ) -> HistoricalFigure:
        code = str(self.required(raw, "indicator", f"figure {number}"))
        where = f"figure {number} (indicator {code})"
        indicator = self._indicator(framework, code, where)
        breakdown = raw.get("breakdown")
        if breakdown is not None and breakdown not in (*indicator.breakdown_keys, *GROUP_KEYS):
            raise self.fail(where, f"breakdown {breakdown!r} is not one of the indicator's")
        units = {item.key: item.unit for item in indicator.breakdown}
        unit = self.choice(
            raw.get("unit", units.get(breakdown or "", indicator.unit)), UNITS, "unit", where
        )
        document = str(self.required(raw, "document", where))
        if not isinstance(documents.get(document), Mapping):
            raise self.fail(where, f"document {document!r} is not listed under documents")
        qualifier = raw.get("qualifier")
        if qualifier is not None:
            self.choice(qualifier, QUALIFIERS, "qualifier", where)
        target, performance = raw.get("target"), raw.get("performance")
        return HistoricalFigure(
            framework=framework.key,
            indicator=indicator.code,
            year=self.year(raw.get("year"), "year", where),
            value=self.number(raw.get("value"), "value", where, unit),
            unit=unit,
            comparability=self.choice(
                raw.get("comparability"), COMPARABILITY, "comparability", where
            ),
            document=document,
            document_titles=self.titles(documents[document].get("title"), "title", document),
            original=self.titles(raw.get("original"), "original", where),
            breakdown=breakdown,
            period=None if raw.get("period") is None else str(raw["period"]),
            qualifier=qualifier,
            target=None if target is None else self.number(target, "target", where, unit),
            performance=None
            if performance is None
            else self.number(performance, "performance", where, "ratio"),
        )


def load_history(
    frameworks: Sequence[Framework], path: Path | str = HISTORY_FILE
) -> list[HistoricalFigure]:
    """Figures of earlier reports mapped onto the indicators of a loaded framework."""
    return HistoryReader(Path(path)).history(frameworks)
