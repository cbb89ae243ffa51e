"""The results-framework registry: the shipped 2022-2025 framework, year rules and validation."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from portal.results.registry import (
    FRAMEWORKS_DIR,
    HISTORY_FILE,
    AnswerCodes,
    Framework,
    RegistryError,
    SourceVocabulary,
    check_vocabulary,
    framework_for_year,
    load_frameworks,
    load_history,
)

AGREEMENT = AnswerCodes(
    ("fully_agree", "somewhat_agree", "neither", "somewhat_disagree", "fully_disagree"),
    ("dont_know", "not_applicable"),
)
# What the surveys, knowledge and staff providers declare when they register.
VOCABULARY = [
    SourceVocabulary(
        "partner_survey", {"expectations_met": AGREEMENT, "recruitment_efficient": AGREEMENT}
    ),
    SourceVocabulary(
        "volunteer_exit",
        {"satisfied_experience": AGREEMENT, "development_contribution": AGREEMENT},
    ),
    SourceVocabulary("knowledge"),
    SourceVocabulary("staff"),
]

ANNEX_CODES = [
    "1.1", "1.2", "1.1.1", "1.1.2", "1.1.3", "1.2.1", "1.2.2",
    "2.1", "2.2", "2.1.1", "2.2.1", "2.2.2",
    "3.1", "3.2", "3.1.1", "3.1.2", "3.2.1", "3.2.2",
]  # fmt: skip


@pytest.fixture(scope="module")
def framework() -> Framework:
    return load_frameworks()[0]


def test_shipped_framework_is_2022_2025_with_every_annex_indicator(framework: Framework) -> None:
    assert (framework.key, framework.start_year, framework.end_year) == ("2022-2025", 2022, 2025)
    assert [indicator.code for indicator in framework.indicators()] == ANNEX_CODES


def test_only_lead_time_and_efficiency_ratio_are_lower_is_better(framework: Framework) -> None:
    lower = [i.code for i in framework.indicators() if i.direction == "lower"]
    assert lower == ["2.1", "2.1.1"]


def test_survey_indicators_name_their_question(framework: Framework) -> None:
    questions = {i.code: (i.source, i.question_key) for i in framework.indicators() if i.is_survey}
    assert questions == {
        "1.2": ("partner_survey", "expectations_met"),
        "2.2": ("partner_survey", "recruitment_efficient"),
        "1.2.1": ("volunteer_exit", "satisfied_experience"),
        "1.2.2": ("volunteer_exit", "development_contribution"),
    }
    assert framework.indicator("1.2").parts == ("fully_agree", "somewhat_agree")


def test_exit_indicators_carry_the_annex_breakdown_and_the_origin_groups(
    framework: Framework,
) -> None:
    indicator = framework.indicator("1.2.1")
    annex = {item.key: item.annex for item in indicator.breakdown if item.annex}
    assert annex == {
        "female": "a",
        "national": "b",
        "international": "c",
        "youth": "d",
        "disability": "e",
    }
    assert len(indicator.breakdown_keys) == 13


def test_knowledge_counts_and_sources(framework: Framework) -> None:
    assert framework.indicator("3.1.2").breakdown_keys == (
        "member_state",
        "un_entity",
        "cso",
        "private_sector",
    )
    knowledge = [i.code for i in framework.indicators() if i.source == "knowledge"]
    assert knowledge == ["3.1", "3.2", "3.1.1", "3.1.2", "3.2.1", "3.2.2"]
    assert framework.indicator("3.1.1").cumulative is True


def test_every_title_is_in_english_french_spanish_and_chinese(framework: Framework) -> None:
    for indicator in framework.indicators():
        assert set(indicator.titles) == {"en", "fr", "es", "zh"}, indicator.code


def test_no_targets_are_invented(framework: Framework) -> None:
    assert all(not i.targets and i.baseline is None for i in framework.indicators())


def test_title_falls_back_to_the_language_then_english(framework: Framework) -> None:
    indicator = framework.indicator("2.1.1")
    assert indicator.title_for("zh_Hans_CN") == "管理效率比"
    assert indicator.title_for("fr-CA") == "Ratio d'efficience de la gestion"
    assert indicator.title_for("ar") == "Management efficiency ratio"


def test_spec_is_the_plain_entry_for_providers(framework: Framework) -> None:
    assert framework.indicator("2.2").spec() == {
        "code": "2.2",
        "unit": "percent",
        "direction": "higher",
        "source": "partner_survey",
        "question_key": "recruitment_efficient",
        "parts": ["fully_agree", "somewhat_agree"],
        "breakdown": [],
        "cumulative": False,
    }


@pytest.mark.parametrize("year", [2022, 2025])
def test_years_of_the_period_use_the_framework(framework: Framework, year: int) -> None:
    assert framework_for_year([framework], year) == (framework, False)


def test_year_after_the_last_framework_uses_it_and_is_flagged(framework: Framework) -> None:
    assert framework_for_year([framework], 2026) == (framework, True)


def test_year_before_any_framework_has_none(framework: Framework) -> None:
    with pytest.raises(LookupError):
        framework_for_year([framework], 2021)


def raw_framework() -> dict:
    return yaml.safe_load((FRAMEWORKS_DIR / "2022-2025.yaml").read_text(encoding="utf-8"))


def write(directory: Path, name: str, data: dict) -> Path:
    path = directory / f"{name}.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def test_a_newer_framework_takes_over_its_own_years(tmp_path: Path) -> None:
    shutil.copy(FRAMEWORKS_DIR / "2022-2025.yaml", tmp_path)
    data = raw_framework() | {"key": "2026-2029", "start_year": 2026, "end_year": 2029}
    write(tmp_path, "2026-2029", data)
    frameworks = load_frameworks(tmp_path)
    assert [f.key for f in frameworks] == ["2022-2025", "2026-2029"]
    assert framework_for_year(frameworks, 2025)[0].key == "2022-2025"
    assert framework_for_year(frameworks, 2027) == (frameworks[1], False)


def test_overlapping_framework_periods_are_rejected(tmp_path: Path) -> None:
    shutil.copy(FRAMEWORKS_DIR / "2022-2025.yaml", tmp_path)
    write(tmp_path, "2025-2028", raw_framework() | {"key": "2025-2028", "start_year": 2025})
    with pytest.raises(RegistryError, match=r"2025-2028\.yaml.*overlaps"):
        load_frameworks(tmp_path)


def broken(tmp_path: Path, which: str, /, **changes: object) -> str:
    """Load a copy of the framework with indicator `which` changed; return the error message."""
    data = raw_framework()
    for outcome in data["outcomes"]:
        for holder in [outcome, *outcome.get("outputs", [])]:
            for indicator in holder.get("indicators", []):
                if indicator["code"] == which:
                    indicator.update(changes)
    write(tmp_path, "2022-2025", data)
    with pytest.raises(RegistryError) as error:
        load_frameworks(tmp_path, VOCABULARY)
    return str(error.value)


def test_unknown_unit_names_file_and_indicator(tmp_path: Path) -> None:
    message = broken(tmp_path, "1.1.1", unit="persons")
    assert message.startswith("2022-2025.yaml: indicator 1.1.1:")
    assert "unit 'persons'" in message


def test_unknown_direction_is_rejected(tmp_path: Path) -> None:
    assert "direction 'up'" in broken(tmp_path, "2.1", direction="up")


def test_survey_question_of_the_other_survey_is_rejected(tmp_path: Path) -> None:
    message = broken(tmp_path, "1.2", question_key="satisfied_experience")
    assert "indicator 1.2" in message and "not asked in partner_survey" in message


def test_survey_breakdown_outside_the_thirteen_groups_is_rejected(tmp_path: Path) -> None:
    message = broken(tmp_path, "1.2.1", breakdown=[{"key": "male"}])
    assert "indicator 1.2.1" in message and "'male'" in message


def test_percent_target_above_one_is_rejected(tmp_path: Path) -> None:
    message = broken(tmp_path, "1.2", targets={2024: 90})
    assert "indicator 1.2" in message and "fraction in [0, 1]" in message


def test_target_outside_the_period_is_rejected(tmp_path: Path) -> None:
    message = broken(tmp_path, "1.2", targets={2027: 0.9})
    assert "indicator 1.2" in message and "outside 2022-2025" in message


def test_missing_english_title_is_rejected(tmp_path: Path) -> None:
    message = broken(tmp_path, "3.2.2", title={"fr": "Nombre"})
    assert "indicator 3.2.2" in message and "English" in message


def test_unknown_field_is_rejected(tmp_path: Path) -> None:
    assert "unknown field(s) taget" in broken(tmp_path, "2.2.1", taget={2024: 1})


def test_repeated_code_is_rejected(tmp_path: Path) -> None:
    assert "repeat: 1.1.2" in broken(tmp_path, "1.1.3", code="1.1.2")


def test_code_outside_its_output_is_rejected(tmp_path: Path) -> None:
    assert "does not belong to output 1.1" in broken(tmp_path, "1.1.1", code="1.2.9")


def test_file_name_must_match_the_framework_key(tmp_path: Path) -> None:
    write(tmp_path, "2022-2026", raw_framework())
    with pytest.raises(RegistryError, match=r"2022-2026\.yaml: framework: key '2022-2025'"):
        load_frameworks(tmp_path)


def test_invalid_yaml_names_the_file(tmp_path: Path) -> None:
    (tmp_path / "2022-2025.yaml").write_text("key: [unclosed", encoding="utf-8")
    with pytest.raises(RegistryError, match=r"2022-2025\.yaml: not valid YAML"):
        load_frameworks(tmp_path)


def test_empty_directory_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(RegistryError, match="no framework files"):
        load_frameworks(tmp_path)


def test_history_maps_report_figures_onto_indicators(framework: Framework) -> None:
    history = load_history([framework])
    experience = next(f for f in history if f.indicator == "1.2.1")
    assert (experience.year, experience.value, experience.performance) == (2017, 0.91, 0.96)
    online = next(
        f for f in history if f.indicator == "1.1.3" and f.year == 2017 and not f.breakdown
    )
    assert (online.value, online.target, online.qualifier) == (18000, 22000, "approximately")
    lead = {f.breakdown: f.value for f in history if f.indicator == "2.1"}
    assert lead == {"international": 65, "national": 35}


def test_history_units_follow_the_breakdown(framework: Framework) -> None:
    history = load_history([framework])
    donors = next(f for f in history if f.breakdown == "svf_donor_countries")
    assert (donors.unit, donors.value) == ("count", 13)
    assert all(f.unit == "percent" for f in history if f.breakdown == "women_p4_and_above")


def test_history_figure_of_an_unknown_indicator_is_rejected(
    framework: Framework, tmp_path: Path
) -> None:
    data = yaml.safe_load(HISTORY_FILE.read_text(encoding="utf-8"))
    data["figures"][0]["indicator"] = "9.9"
    path = tmp_path / "history.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(RegistryError, match=r"history\.yaml: figure 1 \(indicator 9\.9\)"):
        load_history([framework], path)


def test_shipped_framework_matches_what_the_providers_declare(framework: Framework) -> None:
    check_vocabulary([framework], VOCABULARY)
    assert load_frameworks(vocabulary=VOCABULARY)[0].key == "2022-2025"


def test_unknown_question_key_names_file_and_indicator(tmp_path: Path) -> None:
    message = broken(tmp_path, "2.2", question_key="recruitment_fast")
    assert message == (
        "2022-2025.yaml: indicator 2.2: question recruitment_fast is not asked in partner_survey"
    )


def test_part_outside_the_declared_substantive_codes_is_rejected(tmp_path: Path) -> None:
    message = broken(tmp_path, "1.2.2", parts=["fully_agree", "dont_know"])
    assert message.startswith("2022-2025.yaml: indicator 1.2.2: part 'dont_know' is not")
    assert "substantive answer code of development_contribution" in message


def test_part_that_is_no_answer_code_at_all_is_rejected(tmp_path: Path) -> None:
    message = broken(tmp_path, "1.2", parts=["agree_a_lot"])
    assert "indicator 1.2: part 'agree_a_lot'" in message


def test_source_without_a_registered_provider_is_rejected(tmp_path: Path) -> None:
    message = broken(tmp_path, "2.1", source="erp")
    assert message.startswith("2022-2025.yaml: indicator 2.1: source 'erp' has no registered")


def test_question_source_indicator_without_question_key_is_rejected(tmp_path: Path) -> None:
    data = raw_framework()
    for outcome in data["outcomes"]:
        for indicator in outcome.get("indicators", []):
            if indicator["code"] == "1.2":
                del indicator["question_key"], indicator["parts"]
    write(tmp_path, "2022-2025", data)
    with pytest.raises(RegistryError, match=r"indicator 1\.2: .*question_key is required"):
        load_frameworks(tmp_path, VOCABULARY)


def test_the_vocabulary_is_checked_only_when_given(tmp_path: Path) -> None:
    data = raw_framework()
    write(tmp_path, "2022-2025", data)
    undeclared = [v for v in VOCABULARY if v.source != "knowledge"]
    assert load_frameworks(tmp_path)[0].key == "2022-2025"
    with pytest.raises(RegistryError, match=r"indicator 3\.1: source 'knowledge'"):
        load_frameworks(tmp_path, undeclared)


def test_answer_codes_must_not_repeat() -> None:
    with pytest.raises(ValueError, match="repeat"):
        AnswerCodes(("yes", "no"), ("no",))
