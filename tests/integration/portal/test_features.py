"""Features plug into the core by name (PORTAL_FEATURES); the core imports none of them."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask

from portal import create_app
from portal.results.framework import RegistryError
from portal.settings import SettingsError


def _app(tmp_path: Path, features: str) -> Flask:
    return create_app(
        {
            "INSTANCE_PATH": str(tmp_path),
            "DATABASE_URL": "sqlite://",
            "SECRET_KEY": "k",
            "PORTAL_FEATURES": features,
        }
    )


def test_an_app_without_the_feature_a_framework_needs_refuses_to_start_naming_it(
    tmp_path: Path,
) -> None:
    # The shipped framework counts outcome 3 from the knowledge repository: without that feature
    # plugged in, its indicators would have no provider, and the app says so instead of starting.
    with pytest.raises(RegistryError, match="indicator 3.1: source 'knowledge' has no registered"):
        _app(tmp_path, "surveys")


def test_every_feature_is_plugged_in_by_default(app) -> None:
    assert {"surveys", "knowledge"} <= set(app.blueprints)
    assert {"partner_survey", "volunteer_exit", "knowledge"} <= set(
        app.extensions["indicator_providers"]
    )


@pytest.mark.parametrize("features", ["surveys,no_such_feature", "portal.markers"])
def test_a_feature_that_cannot_plug_in_stops_the_app_with_its_name(
    tmp_path: Path, features: str
) -> None:
    with pytest.raises(SettingsError, match=features.split(",")[-1]):
        _app(tmp_path, features)
