"""The knowledge repository: products, files, moderation, public pages and outcome-3 counts."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask import Flask
from flask_babel import gettext
from flask_babel import lazy_gettext as _l

from knowledge.identifiers import licence_url


def init_app(app: Flask) -> None:
    """Blueprints, the `knowledge` command group, navigation, demo data, the 3.x provider and the
    worker task that reads uploaded files' text."""
    # contribute_views, review_views, cite_views, settings_views and support_views add their
    # routes to views.bp.
    from knowledge import (  # noqa: F401
        api_spec,
        catalogue_export,
        cite_views,
        contribute_views,
        feeds,
        forms,
        oai_views,
        permissions,
        review_views,
        settings_views,
        support_views,
        usage,
        usage_views,
        views,
    )
    from knowledge.cli import knowledge_cli
    from knowledge.demo import load_demo
    from knowledge.indicators import knowledge_indicator
    from knowledge.organisations import merge_organisation_rows
    from knowledge.search.wiring import init_app as init_search
    from knowledge.text_queue import extraction_task
    from knowledge.work_counts import awaiting_review
    from portal import background, navigation, schedule, work
    from portal.auth.organisations import register_merge_handler
    from portal.cli import register_demo_loader
    from portal.markers import N_
    from portal.results.providers import register_provider

    app.register_blueprint(views.bp)
    app.register_blueprint(views.seo_bp)
    app.register_blueprint(views.api_bp)
    app.register_blueprint(oai_views.bp)
    app.register_blueprint(feeds.bp)
    app.register_blueprint(catalogue_export.bp)
    api_spec.init_app(app)
    app.cli.add_command(knowledge_cli)
    navigation.register(app, "knowledge.browse", _l("Knowledge"), lambda user: True, 20)
    navigation.register(
        app, "knowledge.mine", _l("My products"), permissions.can_contribute_knowledge, 25
    )
    navigation.register(
        app, "knowledge.review_queue", _l("Review queue"), permissions.can_review_queue, 30
    )
    navigation.register(
        app, "knowledge.support_list", _l("Technical support"), permissions.can_manage_support, 35
    )
    work.register_count(
        app,
        "awaiting_review",
        _l("Products awaiting review"),
        "knowledge.review_queue",
        permissions.can_review_queue,
        awaiting_review,
        10,
    )
    register_demo_loader(app, load_demo)
    schedule.register_job(
        app,
        "knowledge.forget_readers",
        timedelta(hours=6),
        usage.forget_readers_job,
        N_("Clear the reader hashes that usage counting no longer needs"),
    )
    register_provider(app, "knowledge", knowledge_indicator)
    register_merge_handler(app, "knowledge", merge_organisation_rows)
    # Before search's own wiring, so that text read in a round reaches the index in that round.
    background.register_task(app, "extraction", extraction_task)
    init_search(app)

    @app.context_processor
    def _knowledge_labels() -> dict[str, Any]:
        return {
            "product_type_labels": forms.PRODUCT_TYPE_LABELS,
            "product_status_labels": forms.STATUS_LABELS,
            "licence_labels": forms.LICENCE_LABELS,
            "licence_url": licence_url,
            "recipient_kind_labels": forms.RECIPIENT_KIND_LABELS,
            "process_labels": forms.PROCESS_LABELS,
            "knowledge_field_labels": forms.FIELD_LABELS,
            "sdg_label": _sdg_label,
            "country_name": _country_name,
            "language_name": _language_name,
            "translated_note": _translated_note,
        }


def _sdg_label(number: int) -> str:
    from knowledge.sdgs import sdg_label
    from portal.i18n import current_language

    return sdg_label(number, current_language())


def _country_name(code: str) -> str:
    from portal.countries import countries
    from portal.i18n import current_language

    country = countries().get(code)
    return country.name(current_language()) if country else code


def _language_name(code: str) -> str:
    from knowledge.products import language_name
    from portal.i18n import current_language

    return language_name(code, current_language())


def _translated_note(message_id: str) -> str:
    """Notes about a file's text are message ids of knowledge.extraction, translated here."""
    return gettext(message_id) if message_id else ""
