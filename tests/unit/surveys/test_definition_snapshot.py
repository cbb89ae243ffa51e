"""A definition survives its JSON snapshot, and its content hash tracks what respondents see."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from surveys.definition_checks import from_dict
from surveys.definition_files import DEFINITIONS_DIR, load_all, load_definition
from surveys.definition_snapshots import content_hash, to_dict
from surveys.questionnaire import DefinitionError, SurveyDefinition


@pytest.mark.parametrize("ident", [("partner", 1), ("volunteer_exit", 1)])
def test_a_shipped_definition_round_trips_through_json(ident: tuple[str, int]) -> None:
    definition = load_all(DEFINITIONS_DIR)[ident]

    snapshot = json.loads(json.dumps(to_dict(definition)))

    assert from_dict(snapshot) == definition
    assert content_hash(from_dict(snapshot)) == content_hash(definition)


def test_a_snapshot_spells_out_defaults_and_likert_labels(tiny: SurveyDefinition) -> None:
    rating = to_dict(tiny)["pages"][0]["questions"][3]
    note = to_dict(tiny)["pages"][1]["questions"][4]

    assert rating["required"] is True
    assert [option["code"] for option in rating["options"]][:2] == ["fully_agree", "somewhat_agree"]
    assert rating["options"][0]["label"]["fr"] == "Tout à fait d'accord"
    assert note == {
        "key": "note",
        "type": "text",
        "label": note["label"],
        "required": False,
        "max_length": 10,
        "multiline": False,
    }


def test_the_hash_ignores_yaml_layout_and_spelled_out_defaults(
    tmp_path: Path, survey_data: dict[str, Any]
) -> None:
    compact = tmp_path / "a" / "tiny.v1.yaml"
    verbose = tmp_path / "b" / "tiny.v1.yaml"
    compact.parent.mkdir()
    verbose.parent.mkdir()
    compact.write_text(yaml.safe_dump(survey_data, default_flow_style=True), encoding="utf-8")
    spelled_out = copy.deepcopy(survey_data)
    spelled_out["pages"][1]["questions"][2]["required"] = False
    verbose.write_text(
        "# a comment\n" + yaml.safe_dump(spelled_out, sort_keys=False, allow_unicode=True),
        encoding="utf-8",
    )

    assert content_hash(load_definition(compact)) == content_hash(load_definition(verbose))


def test_the_hash_changes_when_a_label_changes(survey_data: dict[str, Any]) -> None:
    before = content_hash(from_dict(survey_data))
    survey_data["pages"][0]["questions"][0]["label"]["fr"] = "Votre fonction ?"

    assert content_hash(from_dict(survey_data)) != before


def test_the_hash_changes_when_a_rule_changes(survey_data: dict[str, Any]) -> None:
    before = content_hash(from_dict(survey_data))
    survey_data["pages"][0]["questions"][1]["max"] = 99

    assert content_hash(from_dict(survey_data)) != before


def test_the_hash_is_a_sha256_hex_digest(tiny: SurveyDefinition) -> None:
    digest = content_hash(tiny)
    assert len(digest) == 64
    assert int(digest, 16) >= 0


def test_a_corrupt_snapshot_is_refused_naming_its_source(survey_data: dict[str, Any]) -> None:
    survey_data["pages"][0]["questions"][0]["options"][0]["code"] = "Not A Code"

    with pytest.raises(DefinitionError, match="campaign 7: question 'role': option 1 has an"):
        from_dict(survey_data, "campaign 7")
