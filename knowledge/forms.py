"""Forms and translated labels of the knowledge repository: products, moderation, support."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    DateField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    URLField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from knowledge.creators import Creator, creators_text
from knowledge.identifiers import LICENCES, licence
from knowledge.product_input import MAX_ABSTRACT, MAX_TITLE

PRODUCT_TYPE_LABELS = {
    "research": _l("Research"),
    "report": _l("Report"),
    "case_study": _l("Case study"),
    "policy_brief": _l("Policy brief"),
    "toolkit": _l("Toolkit"),
    "legislation": _l("Legislation"),
    "vnr": _l("Voluntary National Review (VNR)"),
    "unsdcf": _l("UN Sustainable Development Cooperation Framework (UNSDCF)"),
    "other": _l("Other"),
}
STATUS_LABELS = {
    "draft": _l("Draft"),
    "submitted": _l("Waiting for review"),
    "published": _l("Published"),
    "rejected": _l("Rejected"),
    "withdrawn": _l("Withdrawn"),
}
LICENCE_LABELS = {
    "CC-BY-4.0": _l("Creative Commons Attribution 4.0 (CC BY 4.0)"),
    "CC-BY-SA-4.0": _l("Creative Commons Attribution-ShareAlike 4.0 (CC BY-SA 4.0)"),
    "CC-BY-NC-4.0": _l("Creative Commons Attribution-NonCommercial 4.0 (CC BY-NC 4.0)"),
    "CC-BY-NC-SA-4.0": _l("Creative Commons Attribution-NonCommercial-ShareAlike 4.0"),
    "CC-BY-ND-4.0": _l("Creative Commons Attribution-NoDerivatives 4.0 (CC BY-ND 4.0)"),
    "CC-BY-NC-ND-4.0": _l("Creative Commons Attribution-NonCommercial-NoDerivatives 4.0"),
    "CC0-1.0": _l("Public domain (CC0)"),
    "LicenseRef-All-Rights-Reserved": _l("All rights reserved"),
}
RECIPIENT_KIND_LABELS = {
    "unct": _l("UN country team"),
    "un_entity": _l("UN entity"),
    "member_state": _l("Member state"),
}
PROCESS_LABELS = {
    "cca_unsdcf": _l("Common Country Analysis or UNSDCF process"),
    "national_policy": _l("National policies and plans"),
}
FIELD_LABELS = {
    "title": _l("Title"),
    "abstract": _l("Abstract"),
    "product_type": _l("Type of product"),
    "language": _l("Language"),
    "publication_date": _l("Publication date"),
    "countries": _l("Countries"),
    "sdgs": _l("Sustainable Development Goals"),
    "themes": _l("Themes"),
    "url": _l("Link"),
    "licence": _l("Licence"),
    "volunteering_integrated": _l("Volunteering integrated"),
    "creators": _l("Creators"),
    "doi": _l("DOI"),
}
LICENCE_CHOICES = [("", _l("Not stated"))] + [(key, LICENCE_LABELS[key]) for key in LICENCES]
FLAG_CHOICES = [("", _l("Not stated")), ("yes", _l("Yes")), ("no", _l("No"))]


def flag_value(raw: str | None) -> bool | None:
    return {"yes": True, "no": False}.get(raw or "")


def flag_raw(flag: bool | None) -> str:
    return "" if flag is None else "yes" if flag else "no"


class ProductForm(FlaskForm):
    """Fields of CONTRACT.md (title ... file) plus themes, licence and the VNR/UNSDCF flag."""

    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=MAX_TITLE)])
    abstract = TextAreaField(
        _l("Abstract"),
        validators=[DataRequired(), Length(max=MAX_ABSTRACT)],
        description=_l("What the product is about and what a reader will find in it."),
    )
    product_type = SelectField(
        _l("Type of product"),
        choices=[("", _l("Choose a type"))] + list(PRODUCT_TYPE_LABELS.items()),
        validators=[DataRequired()],
    )
    language = SelectField(_l("Language of the product"), choices=[], validators=[DataRequired()])
    publication_date = DateField(
        _l("Publication date"),
        validators=[InputRequired()],
        description=_l("The date the product was published by its authors."),
    )
    organisation = SelectField(
        _l("Contributing organisation"), choices=[], coerce=int, validators=[Optional()]
    )
    countries = SelectMultipleField(
        _l("Countries"),
        choices=[],
        validators=[Optional()],
        description=_l("The countries the product is about."),
    )
    sdgs = SelectMultipleField(
        _l("Sustainable Development Goals"),
        choices=[],
        coerce=int,
        validators=[Optional()],
        description=_l("The goals the product contributes to."),
    )
    themes = StringField(
        _l("Themes"),
        validators=[Optional(), Length(max=900)],
        description=_l("Separate themes with commas, for example: youth, climate, gender."),
    )
    url = URLField(
        _l("Link"),
        validators=[Optional(), Length(max=500)],
        description=_l("Web address where the product is published (starting with https://)."),
    )
    licence = SelectField(_l("Licence"), choices=LICENCE_CHOICES, validators=[Optional()])
    creators = TextAreaField(
        _l("Creators (optional)"),
        validators=[Optional(), Length(max=12_000)],
        description=_l(
            "One creator per line, in the order of the title page: a person as "
            '"Family name, Given names", an organisation as "org: Name". Add an ORCID iD or '
            "a ROR id in square brackets, for example: Diallo, Aminata [0000-0002-1825-0097]. "
            "Without creators, the contributing organisation is credited."
        ),
    )
    doi = StringField(
        _l("DOI (optional)"),
        validators=[Optional(), Length(max=250)],
        description=_l("The product's Digital Object Identifier, for example 10.18356/abc123."),
    )
    volunteering_integrated = RadioField(
        _l("Does it integrate volunteering into development plans or the results framework?"),
        choices=FLAG_CHOICES,
        default="",
        validators=[Optional()],
        description=_l("Only for Voluntary National Reviews and UNSDCF documents."),
    )
    file = FileField(
        _l("File"),
        description=_l(
            "PDF, Word, Excel, PowerPoint, OpenDocument text, CSV or plain text. "
            "Give a file, a link or both."
        ),
    )
    file_language = SelectField(
        _l("Language of the file"),
        choices=[],
        validators=[Optional()],
        description=_l("Only when the file is in another language than the product."),
    )
    file_edition = StringField(
        _l("Edition or version of the file (optional)"),
        validators=[Optional(), Length(max=60)],
        description=_l("For example: 2nd edition, or version 1.1."),
    )

    def fill_choices(
        self,
        *,
        languages: list[tuple[str, str]],
        countries: list[tuple[str, str]],
        sdgs: list[tuple[str, str]],
        organisations: list[tuple[int, str]] | None,
    ) -> None:
        """Choices depend on the reader's language; the organisation only for staff."""
        self.language.choices = [("", _l("Choose a language"))] + languages
        self.file_language.choices = [("", _l("Same as the product"))] + languages
        self.countries.choices = countries
        self.sdgs.choices = [(int(value), label) for value, label in sdgs]
        if organisations is None:
            del self.organisation
        else:
            self.organisation.choices = organisations

    def validate_with_files(self, *, has_files: bool) -> bool:
        """A product needs a file or a link to be worth reading."""
        valid = bool(self.validate())
        if valid and not has_files and not self.url.data and not self.file.data:
            self.file.errors = [_l("Give a file, a link to the product, or both.")]
            return False
        return valid

    def errors_from(self, field: str, message: str) -> None:
        target = getattr(self, field, None) or self.title
        target.errors = [*target.errors, message]

    def volunteering_flag(self) -> bool | None:
        return flag_value(self.volunteering_integrated.data)

    def load(self, values: dict[str, Any]) -> None:
        """Pre-fill from ProductInput.to_json() values (editing)."""
        for name, value in values.items():
            if name == "volunteering_integrated":
                self.volunteering_integrated.data = flag_raw(value)
            elif name == "themes":
                self.themes.data = ", ".join(value)
            elif name == "creators":
                self.creators.data = creators_text(Creator.from_json(item) for item in value)
            elif name == "licence":  # a revision may hold a licence under its former id
                self.licence.data = licence(value or "") or ""
            elif name == "publication_date":
                self.publication_date.data = date.fromisoformat(value)
            elif hasattr(self, name):
                getattr(self, name).data = value


class SettingsForm(FlaskForm):
    """The repository's settings that staff change (knowledge.repository_settings)."""

    default_licence = SelectField(
        _l("Default licence of new products"),
        choices=LICENCE_CHOICES,
        validators=[Optional()],
        description=_l(
            "Given to a new product, submitted or imported, whose licence is not stated."
        ),
    )


class ReasonForm(FlaskForm):
    reason = TextAreaField(
        _l("Reason"),
        validators=[DataRequired(), Length(max=2000)],
        description=_l("Sent to the contributor with the decision."),
    )


class WithdrawForm(FlaskForm):
    reason = TextAreaField(
        _l("Why is it withdrawn? (optional)"), validators=[Optional(), Length(max=2000)]
    )


class SupportForm(FlaskForm):
    recipient_kind = RadioField(
        _l("Who received the support?"),
        choices=list(RECIPIENT_KIND_LABELS.items()),
        validators=[DataRequired()],
    )
    recipient_country = SelectField(
        _l("Country"),
        choices=[],
        validators=[Optional()],
        description=_l("Required for a UN country team or a member state."),
    )
    recipient_organisation = SelectField(
        _l("UN entity"),
        choices=[],
        validators=[Optional()],
        description=_l("Required when a UN entity received the support."),
    )
    recipient_name = StringField(
        _l("Name of the recipient (optional)"),
        validators=[Optional(), Length(max=200)],
        description=_l(
            "For example: UN country team in Kenya, or the ministry that was supported."
        ),
    )
    year = IntegerField(_l("Year"), validators=[InputRequired(), NumberRange(min=2000, max=2100)])
    # Not "process": that name is the form's own method.
    supported_process = RadioField(
        _l("Process supported"), choices=list(PROCESS_LABELS.items()), validators=[DataRequired()]
    )
    description = TextAreaField(
        _l("What support was given?"), validators=[Optional(), Length(max=5000)]
    )
