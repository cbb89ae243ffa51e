"""Results: the year's indicators against targets, indicator pages, exports, API and CLI."""

from __future__ import annotations

from typing import Any

from flask import Flask
from flask_babel import lazy_gettext as _l


def init_app(app: Flask) -> None:
    """Blueprints, the `results` command group, navigation, demo data and the staff provider.

    The composition root initialises the results last, after every feature has registered its
    providers: the frameworks are then checked against what the providers declared, and a
    mismatch stops the app from being built (a RegistryError naming file and indicator).
    """
    from portal import navigation
    from portal.cli import register_demo_loader
    from portal.results import api, api_spec, partner_view, views
    from portal.results.cli import results_cli
    from portal.results.demo import load_demo
    from portal.results.labels import GROUP_LABELS, STATUS_LABELS, UNIT_LABELS
    from portal.results.periods import frameworks
    from portal.results.permissions import (
        can_enter_results,
        can_view_partner_results,
        can_view_results,
    )
    from portal.results.presentation import date_text, figure_note, figure_text, performance_text
    from portal.results.providers import declared_vocabulary, register_provider
    from portal.results.staff import staff_indicator
    from portal.results.vocabulary import check_vocabulary

    app.register_blueprint(views.bp)
    app.register_blueprint(api.bp)
    api_spec.init_app(app)
    app.register_blueprint(partner_view.bp)
    app.cli.add_command(results_cli)
    navigation.register(app, "results.dashboard", _l("Results"), can_view_results, 40)
    navigation.register(app, "results.data_entry", _l("Targets and values"), can_enter_results, 45)
    navigation.register(
        app, "results_partner.partner_results", _l("Our results"), can_view_partner_results, 40
    )
    register_provider(app, "staff", staff_indicator)
    check_vocabulary(frameworks(), declared_vocabulary(app))
    register_demo_loader(app, load_demo)

    @app.context_processor
    def _results_helpers() -> dict[str, Any]:
        return {
            "figure_text": figure_text,
            "figure_notes": figure_note,
            "date_text": date_text,
            "performance_text": performance_text,
            "status_labels": STATUS_LABELS,
            "results_group_labels": GROUP_LABELS,
            "results_unit_labels": UNIT_LABELS,
        }
