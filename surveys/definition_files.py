"""Survey definition files: `<key>.v<version>.yaml` in surveys/definitions/, read and checked."""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

from surveys.definition_checks import from_dict
from surveys.questionnaire import DefinitionError, SurveyDefinition

DEFINITIONS_DIR = Path(__file__).with_name("definitions")
_FILE_RE = re.compile(r"(?P<key>[a-z][a-z0-9_]{0,62})\.v(?P<version>[1-9][0-9]*)\.ya?ml")


class _UniqueKeyLoader(yaml.SafeLoader):
    """Safe YAML loader that refuses a key given twice in one mapping (PyYAML keeps the last)."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: list[Any] = []
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    None, None, f"duplicate key {key!r}", key_node.start_mark
                )
            seen.append(key)
        return super().construct_mapping(node, deep)


def load_definition(path: str | Path) -> SurveyDefinition:
    """Read and check one definition file named `<key>.v<version>.yaml`."""
    path = Path(path)
    source = str(path)
    name = _FILE_RE.fullmatch(path.name)
    if name is None:
        raise DefinitionError(source, "the file name must be <key>.v<version>.yaml")
    try:
        loader = _UniqueKeyLoader(path.read_text(encoding="utf-8"))
        try:
            data = loader.get_single_data()
        finally:
            loader.dispose()
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise DefinitionError(source, f"cannot be read as YAML: {exc}") from exc
    definition = from_dict(data, source)
    if (definition.key, definition.version) != (name["key"], int(name["version"])):
        problem = (
            f"the file name says {name['key']} version {int(name['version'])} "
            f"but the content says {definition.key} version {definition.version}"
        )
        raise DefinitionError(source, problem)
    return definition


def load_all(directory: str | Path = DEFINITIONS_DIR) -> dict[tuple[str, int], SurveyDefinition]:
    """Every definition in the directory, by (key, version)."""
    found: dict[tuple[str, int], SurveyDefinition] = {}
    for path in sorted(Path(directory).iterdir()):
        if path.suffix in (".yaml", ".yml"):
            definition = load_definition(path)
            ident = (definition.key, definition.version)
            if ident in found:
                raise DefinitionError(str(path), f"{ident[0]} version {ident[1]} is defined twice")
            found[ident] = definition
    return found


def latest(definitions: Mapping[tuple[str, int], SurveyDefinition], key: str) -> SurveyDefinition:
    """The highest version of the survey `key`; LookupError if there is none."""
    versions = [definition for (k, _), definition in definitions.items() if k == key]
    if not versions:
        raise LookupError(f"no survey definition with key {key!r}")
    return max(versions, key=lambda definition: definition.version)
