"""Surveys: the UN partner survey and the UN Volunteer exit questionnaire, roster to figures."""

from __future__ import annotations

from flask import Flask
from flask_babel import lazy_gettext as _l

from portal import navigation, work
from portal.auth.organisations import register_merge_handler
from portal.cli import register_demo_loader
from portal.results.providers import register_provider


def init_app(app: Flask) -> None:
    # the *_views modules add routes to bp, form_cli and count_cli commands to surveys_cli
    from surveys import (  # noqa: F401
        campaign_views,
        count_cli,
        form_cli,
        form_views,
        jobs,
        preview_views,
        views,
    )
    from surveys.cli import surveys_cli
    from surveys.demo import load_demo
    from surveys.indicators import SURVEY_OF_SOURCE, declared_questions, provider_for
    from surveys.organisations import merge_organisation_rows
    from surveys.permissions import (
        can_answer_office_surveys,
        can_author_surveys,
        can_manage_campaigns,
    )
    from surveys.work_counts import campaigns_closing, campaigns_to_open

    app.register_blueprint(views.bp)
    app.cli.add_command(surveys_cli)
    navigation.register(
        app, "surveys.campaign_list", _l("Survey campaigns"), can_manage_campaigns, 20
    )
    navigation.register(app, "surveys.form_list", _l("Survey forms"), can_author_surveys, 21)
    navigation.register(app, "surveys.my_surveys", _l("My surveys"), can_answer_office_surveys, 20)
    for source, survey_key in SURVEY_OF_SOURCE.items():
        register_provider(
            app, source, provider_for(survey_key), questions=declared_questions(survey_key)
        )
    work.register_count(
        app,
        "campaigns_to_open",
        _l("Campaigns to open this week"),
        "surveys.campaign_list",
        can_manage_campaigns,
        campaigns_to_open,
        30,
    )
    work.register_count(
        app,
        "campaigns_closing",
        _l("Campaigns closing this week"),
        "surveys.campaign_list",
        can_manage_campaigns,
        campaigns_closing,
        31,
    )
    register_demo_loader(app, load_demo)
    register_merge_handler(app, "surveys", merge_organisation_rows)
    jobs.init_app(app)
