"""Reading one registry YAML file: typed values, with errors naming the file and the item."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import yaml

from portal.results.framework import RegistryError

KEY = re.compile(r"^[a-z][a-z0-9_]*$")


class YamlReader:
    """Reads one YAML file, raising errors that name the file and the item being read."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def fail(self, where: str, message: str) -> RegistryError:
        return RegistryError(f"{self.path.name}: {where}: {message}")

    def load(self) -> Mapping[str, Any]:
        try:
            data = yaml.safe_load(self.path.read_text(encoding="utf-8"))
        except yaml.YAMLError as exc:
            raise RegistryError(f"{self.path.name}: not valid YAML: {exc}") from exc
        if not isinstance(data, Mapping):
            raise RegistryError(f"{self.path.name}: the top level must be a mapping")
        return data

    def required(self, data: Any, name: str, where: str) -> Any:
        if not isinstance(data, Mapping):
            raise self.fail(where, f"expected a mapping with '{name}', found {data!r}")
        if data.get(name) is None:
            raise self.fail(where, f"'{name}' is required")
        return data[name]

    def choice(self, value: Any, allowed: Sequence[str], name: str, where: str) -> str:
        if value not in allowed:
            raise self.fail(where, f"{name} {value!r} is not one of {', '.join(allowed)}")
        return str(value)

    def key(self, value: Any, name: str, where: str) -> str:
        if not isinstance(value, str) or not KEY.match(value):
            raise self.fail(where, f"{name} {value!r} is not a snake_case name")
        return value

    def year(self, value: Any, name: str, where: str) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or not 1900 <= value <= 2200:
            raise self.fail(where, f"{name} {value!r} is not a year")
        return value

    def number(self, value: Any, name: str, where: str, unit: str) -> float:
        if isinstance(value, bool) or not isinstance(value, int | float) or value != value:
            raise self.fail(where, f"{name} {value!r} is not a number")
        if value < 0 or (unit == "percent" and value > 1):
            bounds = "a fraction in [0, 1]" if unit == "percent" else "zero or more"
            raise self.fail(where, f"{name} {value!r} must be {bounds}")
        return float(value)

    def titles(self, value: Any, name: str, where: str) -> dict[str, str]:
        if not isinstance(value, Mapping) or not isinstance(value.get("en"), str):
            raise self.fail(where, f"{name} needs at least an English ('en') text")
        if not all(isinstance(text, str) and text.strip() for text in value.values()):
            raise self.fail(where, f"{name} has an empty or non-text translation")
        return {str(locale): text.strip() for locale, text in value.items()}
