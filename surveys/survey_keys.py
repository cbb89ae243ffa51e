"""The surveys the portal knows (the two shipped, those imported under new keys) and their names."""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from flask_babel import get_locale
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from surveys.forms import SURVEY_LABELS as SHIPPED_LABELS
from surveys.models import SURVEY_KEYS, SurveyDefinitionVersion
from surveys.questionnaire import text_for


def imported_titles(session: Session) -> dict[str, dict[str, str]]:
    """The title of the newest version of every survey imported under a new key, by key."""
    newest = (
        select(SurveyDefinitionVersion.survey_key, func.max(SurveyDefinitionVersion.version))
        .where(SurveyDefinitionVersion.survey_key.not_in(SURVEY_KEYS))
        .group_by(SurveyDefinitionVersion.survey_key)
        .subquery()
    )
    rows = session.execute(
        select(SurveyDefinitionVersion.survey_key, SurveyDefinitionVersion.snapshot).join(
            newest,
            (SurveyDefinitionVersion.survey_key == newest.c.survey_key)
            & (SurveyDefinitionVersion.version == newest.c[1]),
        )
    )
    return {key: dict(snapshot.get("title") or {}) for key, snapshot in rows}


def known_keys(session: Session) -> list[str]:
    """Every survey a campaign can run: the shipped ones, then the imported ones by key."""
    return [*SURVEY_KEYS, *sorted(imported_titles(session))]


class SurveyNames(Mapping[str, str]):
    """A survey's name for pages: the shipped surveys' translated names, an imported survey's own
    title in the page's language (looked up once, when first asked), else its key."""

    def __init__(self, session: Session) -> None:
        self._session = session
        self._imported: dict[str, dict[str, str]] | None = None

    def __getitem__(self, key: str) -> str:
        if key in SHIPPED_LABELS:
            return str(SHIPPED_LABELS[key])
        if self._imported is None:
            self._imported = imported_titles(self._session)
        title = self._imported.get(key)
        return text_for(title, get_locale()) if title else key

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str)

    def __iter__(self) -> Iterator[str]:
        return iter(SHIPPED_LABELS)

    def __len__(self) -> int:
        return len(SHIPPED_LABELS)


def survey_choices(session: Session) -> list[tuple[str, str]]:
    """(key, name) of every survey a campaign can run, for a select field."""
    names = SurveyNames(session)
    return [(key, names[key]) for key in known_keys(session)]
