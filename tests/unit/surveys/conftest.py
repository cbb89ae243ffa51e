"""Fixtures for the survey definition unit tests."""

from __future__ import annotations

from typing import Any

import pytest

from surveys.definition_checks import from_dict
from surveys.questionnaire import SurveyDefinition

from .sample_survey import survey_definition_data


@pytest.fixture
def survey_data() -> dict[str, Any]:
    """A fresh copy of the sample survey, free to mutate."""
    return survey_definition_data()


@pytest.fixture
def tiny(survey_data: dict[str, Any]) -> SurveyDefinition:
    return from_dict(survey_data, "tiny.v1.yaml")
