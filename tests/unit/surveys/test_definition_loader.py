"""The loader refuses a broken definition with a message naming the file, question and fault."""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from surveys.definition_files import latest, load_all, load_definition
from surveys.questionnaire import LIKERT_CODES, DefinitionError

Mutation = Callable[[dict[str, Any]], None]


def _question(data: dict[str, Any], key: str) -> dict[str, Any]:
    return next(q for page in data["pages"] for q in page["questions"] if q["key"] == key)


def _write(directory: Path, name: str, data: dict[str, Any]) -> Path:
    path = directory / name
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def _set(question_key: str, **fields: Any) -> Mutation:
    return lambda data: _question(data, question_key).update(fields)


def _drop_language(key: str, language: str) -> Mutation:
    return lambda data: _question(data, key)["label"].pop(language)


def _drop_option_language(data: dict[str, Any]) -> None:
    _question(data, "role")["options"][1]["label"].pop("zh")


def _move_why_to_first_page(data: dict[str, Any]) -> None:
    data["pages"][0]["questions"].insert(0, data["pages"][1]["questions"].pop(0))


BROKEN: list[tuple[str, Mutation, str | None, str]] = [
    ("duplicate key", _set("amount", key="role"), "role", "duplicate question key"),
    ("unknown type", _set("rating", type="stars"), "rating", "unknown type 'stars'"),
    (
        "show_if on a later question",
        _move_why_to_first_page,
        "why",
        "show_if refers to 'rating', which is not a question on an earlier page",
    ),
    (
        "show_if on the same page",
        _set("hosted", show_if={"question": "role", "in": ["head"]}),
        "hosted",
        "show_if refers to 'role', which is not a question on an earlier page",
    ),
    (
        "show_if on an unknown question",
        _set("why", show_if={"question": "nope", "in": ["yes"]}),
        "why",
        "show_if refers to 'nope'",
    ),
    (
        "show_if on an unknown code",
        _set("why", show_if={"question": "rating", "in": ["maybe"]}),
        "why",
        "show_if lists maybe, not answer codes of 'rating'",
    ),
    (
        "show_if on a number",
        _set("why", show_if={"question": "hosted", "in": ["1"]}),
        "why",
        "not a choice question",
    ),
    (
        "missing fr label",
        _drop_language("role", "fr"),
        "role",
        "label is missing the translation in fr",
    ),
    ("missing zh option label", _drop_option_language, "role", "label of option 'staff'"),
    (
        "unknown language",
        _set("role", label={"en": "a", "fr": "b", "es": "c", "zh": "d", "xx": "e"}),
        "role",
        "unknown language 'xx'",
    ),
    ("options missing", lambda d: _question(d, "role").pop("options"), "role", "needs a list"),
    (
        "one option only",
        _set("role", options=[{"code": "a", "label": {"en": "A"}}]),
        "role",
        "at least two options",
    ),
    (
        "duplicate option code",
        _set(
            "role",
            options=[{"code": "a", "label": {"en": "A", "fr": "A", "es": "A", "zh": "甲"}}] * 2,
        ),
        "role",
        "option code 'a' is used twice",
    ),
    ("min above max", _set("hosted", min=10, max=5), "hosted", "min (10) is greater than max (5)"),
    (
        "fractional bound on a whole number",
        _set("hosted", min=0.5),
        "hosted",
        "min must be a whole number",
    ),
    ("text bound", _set("amount", max="ten"), "amount", "max must be a number"),
    ("infinite bound", _set("amount", max=float("inf")), "amount", "max must be a number"),
    ("date min after max", _set("ended", min="2026-01-01"), "ended", "is later than max"),
    ("impossible date", _set("ended", max="2025-13-01"), "ended", "max must be a date"),
    ("misspelt field", _set("rating", requred=True), "rating", "unknown field(s): requred"),
    ("field of another type", _set("note", min=1), "note", "unknown field(s): min"),
    (
        "likert codes changed",
        _set(
            "rating",
            options=[
                {"code": c, "label": {"en": c, "fr": c, "es": c, "zh": c}} for c in LIKERT_CODES[:5]
            ],
        ),
        "rating",
        "likert5 options must be",
    ),
    ("reserved key", _set("note", key="csrf_token"), "csrf_token", "reserved"),
    (
        "boolean label",
        _set("role", label={"en": True, "fr": "b", "es": "c", "zh": "d"}),
        "role",
        "quote words such as yes, no",
    ),
    ("text too long a limit", _set("note", max_length=6000), "note", "max_length"),
    (
        "unquoted yes as a code",
        _set(
            "role",
            options=[{"code": True, "label": {"en": "Y", "fr": "O", "es": "S", "zh": "是"}}] * 2,
        ),
        "role",
        "invalid code True (quote codes such as yes, no",
    ),
    ("non-boolean required", _set("note", required="sometimes"), "note", "required must be true"),
]


@pytest.mark.parametrize(
    ("mutate", "question", "problem"),
    [case[1:] for case in BROKEN],
    ids=[case[0] for case in BROKEN],
)
def test_a_broken_definition_is_refused_naming_file_question_and_problem(
    tmp_path: Path,
    survey_data: dict[str, Any],
    mutate: Mutation,
    question: str | None,
    problem: str,
) -> None:
    data = copy.deepcopy(survey_data)
    mutate(data)
    path = _write(tmp_path, "tiny.v1.yaml", data)

    with pytest.raises(DefinitionError) as caught:
        load_definition(path)

    message = str(caught.value)
    assert message.startswith(f"{path}: question {question!r}: ")
    assert problem in message
    assert caught.value.question == question


def test_a_page_without_a_chinese_title_is_refused(
    tmp_path: Path, survey_data: dict[str, Any]
) -> None:
    del survey_data["pages"][1]["title"]["zh"]
    path = _write(tmp_path, "tiny.v1.yaml", survey_data)

    with pytest.raises(DefinitionError, match="title of page 2 is missing the translation in zh"):
        load_definition(path)


def test_a_file_name_version_other_than_the_content_version_is_refused(
    tmp_path: Path, survey_data: dict[str, Any]
) -> None:
    path = _write(tmp_path, "tiny.v2.yaml", survey_data)

    with pytest.raises(DefinitionError) as caught:
        load_definition(path)

    assert str(caught.value) == (
        f"{path}: the file name says tiny version 2 but the content says tiny version 1"
    )


def test_a_file_name_without_a_version_is_refused(
    tmp_path: Path, survey_data: dict[str, Any]
) -> None:
    path = _write(tmp_path, "tiny.yaml", survey_data)

    with pytest.raises(DefinitionError, match=r"file name must be <key>\.v<version>\.yaml"):
        load_definition(path)


def test_a_key_given_twice_in_one_yaml_mapping_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "tiny.v1.yaml"
    path.write_text("key: tiny\nversion: 1\nversion: 2\n", encoding="utf-8")

    with pytest.raises(DefinitionError, match="duplicate key 'version'") as caught:
        load_definition(path)

    assert str(path) in str(caught.value)


def test_invalid_yaml_is_refused_with_its_position(tmp_path: Path) -> None:
    path = tmp_path / "tiny.v1.yaml"
    path.write_text("key: tiny\npages: [\n", encoding="utf-8")

    with pytest.raises(DefinitionError, match="cannot be read as YAML") as caught:
        load_definition(path)

    assert "line" in str(caught.value)


def test_load_all_reads_every_version_and_latest_picks_the_highest(
    tmp_path: Path, survey_data: dict[str, Any]
) -> None:
    _write(tmp_path, "tiny.v1.yaml", survey_data)
    _write(tmp_path, "tiny.v2.yaml", {**survey_data, "version": 2})
    (tmp_path / "README.txt").write_text("not a definition", encoding="utf-8")

    definitions = load_all(tmp_path)

    assert sorted(definitions) == [("tiny", 1), ("tiny", 2)]
    assert latest(definitions, "tiny").version == 2


def test_latest_of_an_unknown_survey_raises_lookup_error(
    tmp_path: Path, survey_data: dict[str, Any]
) -> None:
    _write(tmp_path, "tiny.v1.yaml", survey_data)

    with pytest.raises(LookupError, match="no survey definition with key 'partner'"):
        latest(load_all(tmp_path), "partner")


def test_the_same_version_in_yaml_and_yml_files_is_refused(
    tmp_path: Path, survey_data: dict[str, Any]
) -> None:
    _write(tmp_path, "tiny.v1.yaml", survey_data)
    _write(tmp_path, "tiny.v1.yml", survey_data)

    with pytest.raises(DefinitionError, match="tiny version 1 is defined twice"):
        load_all(tmp_path)
