"""The survey forms staff see: every version of every survey, where it came from and its use."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from portal.errors import NotFound
from surveys.campaigns import shipped_definitions
from surveys.definition_snapshots import content_hash
from surveys.form_versions import known_versions
from surveys.models import Campaign, SurveyDefinitionVersion
from surveys.questionnaire import SurveyDefinition

# The six official UN languages in the order the portal offers them.
LANGUAGE_ORDER = ("en", "fr", "es", "zh", "ar", "ru")


@dataclass(frozen=True)
class FormVersion:
    """One version of a survey as the forms page lists it."""

    key: str
    version: int
    origin: str  # "shipped" (a YAML file of the release) or "imported" (an XLSForm)
    stored_at: datetime | None  # None: a shipped file no campaign or import has stored yet
    content_hash: str
    languages: tuple[str, ...]
    pages: int
    questions: int
    campaigns: int

    @property
    def short_hash(self) -> str:
        return self.content_hash[:12]


def definition_languages(definition: SurveyDefinition) -> tuple[str, ...]:
    """The languages the survey's texts are written in (its title's), in the portal's order."""
    present = set(definition.languages) | set(definition.title)
    return tuple(code for code in LANGUAGE_ORDER if code in present) + tuple(
        sorted(present - set(LANGUAGE_ORDER))
    )


def _origin(
    definition: SurveyDefinition, shipped: Mapping[tuple[str, int], SurveyDefinition]
) -> str:
    same = shipped.get((definition.key, definition.version))
    if same is not None and content_hash(same) == content_hash(definition):
        return "shipped"
    return "imported"


def survey_keys(session: Session) -> list[str]:
    """Every survey key: the shipped ones and those only imported."""
    stored = session.scalars(select(SurveyDefinitionVersion.survey_key).distinct())
    return sorted({key for key, _ in shipped_definitions()} | set(stored))


def form_versions(session: Session, survey_key: str) -> list[FormVersion]:
    """The survey's versions, newest first, with the number of campaigns pinned to each."""
    rows = {
        row.version: row
        for row in session.scalars(
            select(SurveyDefinitionVersion).where(SurveyDefinitionVersion.survey_key == survey_key)
        )
    }
    used = dict(
        session.execute(
            select(Campaign.definition_version_id, func.count())
            .where(Campaign.survey_key == survey_key)
            .group_by(Campaign.definition_version_id)
        ).all()
    )
    shipped = shipped_definitions()
    found = []
    for version, definition in sorted(known_versions(session, survey_key).items(), reverse=True):
        row = rows.get(version)
        found.append(
            FormVersion(
                key=survey_key,
                version=version,
                origin=_origin(definition, shipped),
                stored_at=row.created_at if row else None,
                content_hash=row.content_hash if row else content_hash(definition),
                languages=definition_languages(definition),
                pages=len(definition.pages),
                questions=len(definition.questions),
                campaigns=used.get(row.id, 0) if row else 0,
            )
        )
    return found


def catalogue(session: Session) -> dict[str, list[FormVersion]]:
    """Every survey key with its versions, newest first."""
    return {key: form_versions(session, key) for key in survey_keys(session)}


def definition_at(session: Session, survey_key: str, version: int) -> SurveyDefinition:
    """One version of a survey (stored or shipped); NotFound if there is none."""
    definition = known_versions(session, survey_key).get(version)
    if definition is None:
        raise NotFound(f"{survey_key} version {version}")
    return definition
