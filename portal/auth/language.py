"""The language a signed-in person browses in, remembered on their account so that the mails sent
to them (decisions, password resets) come in it, not only after they press "Change language"."""

from __future__ import annotations

from flask import Flask, request
from flask_login import current_user

from portal.auth.accounts import remember_locale
from portal.i18n import current_language

# Requests that are not someone reading pages: scripts with a token, assets, health probes.
_NOT_BROWSING = ("/api/", "/static/")


def remember_browsing_language() -> None:
    """Before each page a signed-in person opens: record the page's language if it changed.

    Cheap: the account is loaded for the request anyway, and it is written only on a change
    (the request's one commit stores it).
    """
    if request.path.startswith(_NOT_BROWSING) or not current_user.is_authenticated:
        return
    remember_locale(current_user._get_current_object(), current_language())


def init_app(app: Flask) -> None:
    app.before_request(remember_browsing_language)
