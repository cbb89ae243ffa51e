"""The vocabulary providers declare when the app is built, and the check the registry runs on it."""

from __future__ import annotations

import pytest
from flask import Flask

from portal.results.periods import frameworks
from portal.results.providers import declared_vocabulary, register_provider
from portal.results.registry import RegistryError, check_vocabulary
from portal.results.staff import staff_indicator

SUBSTANTIVE = ("fully_agree", "somewhat_agree", "neither", "somewhat_disagree", "fully_disagree")


def test_the_surveys_declare_their_agreement_questions_from_their_definitions(app: Flask) -> None:
    declared = {vocabulary.source: vocabulary for vocabulary in declared_vocabulary(app)}

    assert set(declared) == {"partner_survey", "volunteer_exit", "knowledge", "staff"}
    partner = declared["partner_survey"].questions
    assert {"expectations_met", "recruitment_efficient"} <= set(partner)
    assert "satisfied_experience" not in partner
    assert partner["expectations_met"].substantive == SUBSTANTIVE
    assert partner["expectations_met"].non_substantive == ("dont_know", "not_applicable")
    assert {"satisfied_experience", "development_contribution"} <= set(
        declared["volunteer_exit"].questions
    )
    assert declared["knowledge"].questions == {} and declared["staff"].questions == {}


def test_the_shipped_frameworks_hold_to_the_declared_vocabulary(app: Flask) -> None:
    check_vocabulary(frameworks(), declared_vocabulary(app))


def test_a_framework_question_no_provider_declares_stops_the_check(app: Flask) -> None:
    without_partners = [v for v in declared_vocabulary(app) if v.source != "partner_survey"]

    with pytest.raises(RegistryError, match=r"^2022-2025\.yaml: indicator 1\.2: source"):
        check_vocabulary(frameworks(), without_partners)


def test_a_source_registers_one_provider_only(app: Flask) -> None:
    with pytest.raises(ValueError, match="already registered"):
        register_provider(app, "staff", staff_indicator)
