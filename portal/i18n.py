"""Languages of the portal: locale choice, right-to-left layout and the language switcher's data."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, cast

from babel import support
from flask import Flask, request, session
from flask_babel import Babel, Domain, get_locale
from flask_babel import _get_current_context as _babel_context
from flask_login import current_user

from portal.typography import french_spacing

# Native names, so a person finds their language whatever the page's language is.
LANGUAGES: dict[str, str] = {
    "en": "English",
    "fr": "Français",
    "es": "Español",
    "zh": "中文",
    "ar": "العربية",
    "ru": "Русский",
}
RTL_LANGUAGES = {"ar"}
DEFAULT_LOCALE = "en"

babel = Babel()


def select_locale() -> str:
    chosen = session.get("lang")
    if isinstance(chosen, str) and chosen in LANGUAGES:
        return chosen
    user_locale = getattr(current_user, "locale", None) if current_user else None
    if isinstance(user_locale, str) and user_locale in LANGUAGES:
        return user_locale
    return request.accept_languages.best_match(list(LANGUAGES), DEFAULT_LOCALE) or DEFAULT_LOCALE


def current_language() -> str:
    return str(get_locale() or DEFAULT_LOCALE).split("_")[0]


@dataclass(frozen=True)
class NavLink:
    url: str
    label: str
    active: bool


class PortalDomain(Domain):
    """The portal's message domain: the French catalogue gets its typographic spaces (narrow
    no-break spaces before ; : ! ? and inside « ») once, as it is loaded, so that every French
    string, in pages, mails or lazy labels, has them and the catalogue keeps plain spaces."""

    def get_translations(self) -> support.NullTranslations:
        # Every gettext asks (a page has dozens): the request keeps its catalogue in the slot
        # Flask-Babel's refresh() empties and force_locale() swaps, so a change of language
        # is still seen at once.
        context = _babel_context()
        kept = getattr(context, "babel_translations", None)
        if kept is not None:
            return cast(support.NullTranslations, kept)
        translations: support.NullTranslations = super().get_translations()
        if not getattr(translations, "typeset", False):  # a language's catalogue: seen to once
            catalog = getattr(translations, "_catalog", None)
            if current_language() == "fr" and catalog:
                for key, text in catalog.items():
                    if key and isinstance(text, str):
                        catalog[key] = french_spacing(text)
            # Flask-Babel caches one catalogue object per language: this one is never another's.
            translations.typeset = True  # type: ignore[attr-defined]
        if context is not None:
            context.babel_translations = translations
        return translations


def init_app(app: Flask) -> None:
    babel.init_app(
        app,
        locale_selector=select_locale,
        default_translation_directories=str(app.config["TRANSLATIONS_DIR"]),
    )
    # One domain for every app, as Babel's own default would be (its translations cache too).
    babel.domain_instance = PortalDomain()

    @app.context_processor
    def _language_context() -> dict[str, Any]:
        code = current_language()
        return {
            "locale_code": code,
            "text_direction": "rtl" if code in RTL_LANGUAGES else "ltr",
            "available_languages": list(LANGUAGES.items()),
        }
