"""Framework files (`frameworks/*.yaml`) read into the typed model, every rule checked."""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from portal.results.framework import (
    DIRECTIONS,
    UNITS,
    Baseline,
    BreakdownItem,
    Framework,
    Indicator,
    Outcome,
    Output,
    RegistryError,
)
from portal.results.suppression import GROUP_KEYS
from portal.results.yaml_reader import YamlReader

FRAMEWORKS_DIR = Path(__file__).parent / "frameworks"

# fmt: off
_INDICATOR_FIELDS = {
    "code", "title", "unit", "direction", "source", "question_key", "parts", "breakdown",
    "baseline", "targets", "cumulative", "note",
}
# fmt: on
_CODE = re.compile(r"^\d+(\.\d+){1,2}$")


class FrameworkReader(YamlReader):
    """One framework file: outcomes, outputs and indicators, with their baselines and targets."""

    def breakdown_item(self, raw: Any, unit: str, survey: bool, where: str) -> BreakdownItem:
        key = raw if isinstance(raw, str) else raw.get("key") if isinstance(raw, Mapping) else None
        self.key(key, "breakdown key", where)
        options = raw if isinstance(raw, Mapping) else {}
        if survey and key not in GROUP_KEYS:
            raise self.fail(
                where, f"survey breakdown {key!r} is not one of {', '.join(GROUP_KEYS)}"
            )
        if key not in GROUP_KEYS and "title" not in options:
            raise self.fail(where, f"breakdown {key!r} needs a title")
        item_unit = self.choice(options.get("unit", unit), UNITS, f"breakdown {key} unit", where)
        titles = (
            self.titles(options["title"], f"breakdown {key} title", where)
            if ("title" in options)
            else {}
        )
        annex = options.get("annex")
        return BreakdownItem(str(key), item_unit, None if annex is None else str(annex), titles)

    def _code(self, raw: Mapping[str, Any], outcome: str, output: str | None) -> str:
        code = str(raw.get("code", ""))
        where = f"indicator {code or '?'}"
        if not _CODE.match(code):
            raise self.fail(where, "code must look like 1.2 or 1.2.1")
        if not code.startswith(f"{output or outcome}."):
            raise self.fail(
                where,
                f"code does not belong to {'output' if output else 'outcome'} {output or outcome}",
            )
        if unknown := sorted(set(raw) - _INDICATOR_FIELDS):
            raise self.fail(where, f"unknown field(s) {', '.join(unknown)}")
        return code

    def _question(
        self, raw: Mapping[str, Any], unit: str, where: str
    ) -> tuple[str | None, tuple[str, ...]]:
        """The question a survey indicator is computed from, and the answer codes it adds up."""
        question_key, parts = raw.get("question_key"), raw.get("parts") or ()
        if question_key is None:
            if parts:
                raise self.fail(where, "only survey indicators (with a question_key) take parts")
            return None, ()
        self.key(question_key, "question_key", where)
        if unit != "percent":
            raise self.fail(where, "survey indicators are percentages")
        return question_key, tuple(self.key(part, "part", where) for part in parts)

    def _baseline(self, raw: Mapping[str, Any], unit: str, where: str) -> Baseline | None:
        if (raw_baseline := raw.get("baseline")) is None:
            return None
        if not isinstance(raw_baseline, Mapping):
            raise self.fail(where, "baseline must be a mapping with value and year")
        return Baseline(
            self.number(raw_baseline.get("value"), "baseline value", where, unit),
            self.year(raw_baseline.get("year"), "baseline year", where),
        )

    def _targets(self, raw: Mapping[str, Any], unit: str, where: str) -> dict[int, float]:
        raw_targets = raw.get("targets") or {}
        if not isinstance(raw_targets, Mapping):
            raise self.fail(where, "targets must map years to values")
        return {
            self.year(year, "target year", where): self.number(value, "target", where, unit)
            for year, value in raw_targets.items()
        }

    def indicator(self, raw: Any, outcome: str, output: str | None) -> Indicator:
        if not isinstance(raw, Mapping):
            raise self.fail(f"outcome {outcome}", "each indicator must be a mapping")
        code = self._code(raw, outcome, output)
        where = f"indicator {code}"
        unit = self.choice(self.required(raw, "unit", where), UNITS, "unit", where)
        direction = self.choice(
            self.required(raw, "direction", where), DIRECTIONS, "direction", where
        )
        source = self.key(self.required(raw, "source", where), "source", where)
        question_key, parts = self._question(raw, unit, where)
        survey = question_key is not None
        items = [self.breakdown_item(b, unit, survey, where) for b in raw.get("breakdown") or ()]
        if len({item.key for item in items}) != len(items):
            raise self.fail(where, "breakdown keys repeat")
        return Indicator(
            code=code,
            titles=self.titles(raw.get("title"), "title", where),
            unit=unit,
            direction=direction,
            source=source,
            outcome=outcome,
            output=output,
            question_key=question_key,
            parts=parts,
            breakdown=tuple(items),
            baseline=self._baseline(raw, unit, where),
            targets=self._targets(raw, unit, where),
            cumulative=bool(raw.get("cumulative", False)),
            notes=self.titles(raw["note"], "note", where) if raw.get("note") else {},
        )

    def outcome(self, raw: Any, key: str) -> Outcome:
        code = str(self.required(raw, "code", f"framework {key} outcome"))
        where = f"outcome {code}"
        outputs = []
        for raw_output in raw.get("outputs") or ():
            output = str(self.required(raw_output, "code", f"{where} output"))
            indicators = raw_output.get("indicators") or ()
            outputs.append(
                Output(
                    output,
                    self.titles(raw_output.get("title"), "title", f"output {output}"),
                    tuple(self.indicator(item, code, output) for item in indicators),
                )
            )
        return Outcome(
            code,
            self.titles(raw.get("title"), "title", where),
            self.titles(raw["statement"], "statement", where) if raw.get("statement") else {},
            tuple(self.indicator(item, code, None) for item in raw.get("indicators") or ()),
            tuple(outputs),
        )

    def framework(self) -> Framework:
        data = self.load()
        key = str(self.required(data, "key", "framework"))
        if key != self.path.stem:
            raise self.fail(
                "framework", f"key {key!r} differs from the file name {self.path.stem!r}"
            )
        start = self.year(self.required(data, "start_year", key), "start_year", key)
        end = self.year(self.required(data, "end_year", key), "end_year", key)
        if end < start:
            raise self.fail(key, f"end_year {end} is before start_year {start}")
        outcomes = tuple(self.outcome(raw, key) for raw in self.required(data, "outcomes", key))
        framework = Framework(
            key,
            start,
            end,
            self.titles(data.get("title"), "title", key),
            str(data.get("document", "")),
            outcomes,
        )
        self._check_codes_and_years(framework)
        return framework

    def _check_codes_and_years(self, framework: Framework) -> None:
        codes = [indicator.code for indicator in framework.indicators()]
        if repeated := sorted({code for code in codes if codes.count(code) > 1}):
            raise self.fail(
                f"framework {framework.key}", f"indicator code(s) repeat: {', '.join(repeated)}"
            )
        period = f"{framework.start_year}-{framework.end_year}"
        for indicator in framework.indicators():
            if outside := sorted(y for y in indicator.targets if not framework.covers(y)):
                raise self.fail(
                    f"indicator {indicator.code}", f"target year(s) {outside} outside {period}"
                )


def load_frameworks(directory: Path | str = FRAMEWORKS_DIR) -> list[Framework]:
    """Every `*.yaml` framework in `directory`, oldest first; periods must not overlap."""
    paths = sorted(Path(directory).glob("*.yaml"))
    if not paths:
        raise RegistryError(f"{directory}: no framework files (*.yaml)")
    frameworks = sorted(
        (FrameworkReader(path).framework() for path in paths), key=lambda f: f.start_year
    )
    for earlier, later in zip(frameworks, frameworks[1:], strict=False):
        if later.start_year <= earlier.end_year:
            raise RegistryError(
                f"{later.key}.yaml: period {later.start_year}-{later.end_year} overlaps "
                f"framework {earlier.key}"
            )
    return frameworks
