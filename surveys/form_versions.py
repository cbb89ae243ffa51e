"""Importing and exporting XLSForms: each import a new immutable definition version, or none.

`import_form` is the one action behind `flask surveys form-import` and the staff upload page.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal import audit
from portal.errors import InputError
from portal.markers import N_
from portal.models import User
from portal.results.periods import frameworks
from portal.results.providers import indicator_questions
from surveys.campaigns import definition_of, shipped_definitions, sync_definition
from surveys.definition_snapshots import content_hash
from surveys.forms_export import form_workbook
from surveys.forms_import import read_form
from surveys.forms_sheets import FormProblem, FormRejected
from surveys.indicators import SURVEY_OF_SOURCE
from surveys.models import SurveyDefinitionVersion
from surveys.questionnaire import SurveyDefinition

OBJECT_TYPE = "survey_definition_version"


@dataclass(frozen=True)
class FormImport:
    """What an import did (`stored`), would do (`dry_run`) or found already there (`unchanged`)."""

    key: str
    version: int
    outcome: str  # "stored", "unchanged" or "dry_run"
    pages: int
    questions: int
    content_hash: str


def indicator_codes(survey_key: str) -> dict[str, Sequence[str]]:
    """The questions of the survey that feed a results indicator, with the codes it must offer."""
    needed: dict[str, Sequence[str]] = {}
    for source, key in SURVEY_OF_SOURCE.items():
        if key == survey_key:
            indicators = [i for framework in frameworks() for i in framework.indicators()]
            for name, codes in indicator_questions(current_app, source, indicators).items():
                needed[name] = (*codes.substantive, *codes.non_substantive)
    return needed


def known_versions(session: Session, survey_key: str) -> dict[int, SurveyDefinition]:
    """Every version of the survey: stored ones, and shipped YAML files not stored yet."""
    known = {
        version: definition
        for (key, version), definition in shipped_definitions().items()
        if key == survey_key
    }
    rows = session.scalars(
        select(SurveyDefinitionVersion).where(SurveyDefinitionVersion.survey_key == survey_key)
    )
    known.update({row.version: definition_of(row) for row in rows})
    return known


def _same_content(
    definition: SurveyDefinition, known: Mapping[int, SurveyDefinition]
) -> int | None:
    """The version whose content equals the definition's, whatever its version number."""
    digest = content_hash(replace(definition, version=1))
    for version, other in sorted(known.items()):
        if content_hash(replace(other, version=1)) == digest:
            return version
    return None


def _version_problem(message: str) -> FormRejected:
    return FormRejected([FormProblem(message, "settings", 2, "version")])


def _choose_version(version: int | None, key: str, known: Mapping[int, SurveyDefinition]) -> int:
    newest = max(known, default=0)
    if version is None:
        return newest + 1
    if version in known:
        message = (
            f"{key} version {version} is already stored with other content: "
            f"give the changed form version {newest + 1}"
        )
        raise _version_problem(message)
    if version < newest:
        raise _version_problem(f"version {version} is older than the newest, {newest}")
    return version


def import_form(
    session: Session,
    actor: User | None,
    data: bytes,
    filename: str,
    *,
    dry_run: bool = False,
) -> FormImport:
    """Read, check and store an XLSForm as a new version; FormRejected, nothing stored, if bad.

    Content already stored (under any version number) is reported as that version, not stored
    twice; a version number already stored with other content is refused.
    """
    read = read_form(data, filename, indicator_codes)
    known = known_versions(session, read.key)
    definition = read.definition(read.version or max(known, default=0) + 1)
    same = _same_content(definition, known)
    if same is not None:
        definition, outcome = known[same], "unchanged"
    else:
        definition = read.definition(_choose_version(read.version, read.key, known))
        outcome = "dry_run" if dry_run else "stored"
    if outcome == "stored":
        for (key, _), shipped in sorted(shipped_definitions().items()):
            if key == read.key:
                sync_definition(session, shipped)
        stored = sync_definition(session, definition)
        audit.record(
            session,
            actor,
            "surveys.form_imported",
            OBJECT_TYPE,
            stored.id,
            survey_key=stored.survey_key,
            version=stored.version,
            content_hash=stored.content_hash,
        )
    return FormImport(
        key=definition.key,
        version=definition.version,
        outcome=outcome,
        pages=len(definition.pages),
        questions=len(definition.questions),
        content_hash=content_hash(definition),
    )


def export_form(session: Session, survey_key: str, version: int | None = None) -> bytes:
    """The survey's definition (the newest version unless `version`) as an XLSForm workbook."""
    known = known_versions(session, survey_key)
    if not known:
        raise InputError(N_("There is no survey %(key)s."), key=survey_key)
    chosen = max(known) if version is None else version
    if chosen not in known:
        raise InputError(
            N_("Survey %(key)s has no version %(version)s."), key=survey_key, version=chosen
        )
    return form_workbook(known[chosen])


def survey_versions(session: Session) -> dict[str, list[SurveyDefinitionVersion]]:
    """The stored versions of every survey key, newest first (for the staff page)."""
    rows = session.scalars(
        select(SurveyDefinitionVersion).order_by(
            SurveyDefinitionVersion.survey_key, SurveyDefinitionVersion.version.desc()
        )
    )
    found: dict[str, list[SurveyDefinitionVersion]] = {}
    for row in rows:
        found.setdefault(row.survey_key, []).append(row)
    return found
