"""Forms of the survey pages: campaigns, roster uploads, answering pages and action buttons."""

from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, DateField, IntegerField, SelectField, StringField
from wtforms.validators import DataRequired, Length, NumberRange, Optional, ValidationError

from portal.labels import OFFICE_TYPE_LABELS

SURVEY_LABELS = {
    "partner": _l("UN partner survey"),
    "volunteer_exit": _l("UN Volunteer exit questionnaire"),
}
STATE_LABELS = {
    "draft": _l("Draft"),
    "open": _l("Open"),
    "closed": _l("Closed"),
}
GROUP_LABELS = {
    "office_type": _l("Office type"),
    "category": _l("Category"),
    "gender": _l("Gender"),
    "modality": _l("Modality"),
}
VALUE_LABELS = {
    **OFFICE_TYPE_LABELS,
    "national": _l("National UN Volunteers"),
    "international": _l("International UN Volunteers"),
    "female": _l("Female"),
    "male": _l("Male"),
    "other": _l("Other"),
    "undisclosed": _l("Not disclosed"),
    "onsite": _l("Onsite"),
    "online": _l("Online"),
}


class CampaignForm(FlaskForm):
    survey = SelectField(
        _l("Survey"), choices=list(SURVEY_LABELS.items()), validators=[DataRequired()]
    )
    year = IntegerField(
        _l("Year"),
        default=lambda: date.today().year,
        validators=[DataRequired(), NumberRange(min=2000, max=2100)],
    )
    title = StringField(
        _l("Title"),
        validators=[Optional(), Length(max=200)],
        description=_l("Leave empty to use the survey's name and the year."),
    )
    opens_on = DateField(_l("Opens on"), validators=[Optional()])
    closes_on = DateField(
        _l("Closes on"),
        validators=[Optional()],
        description=_l("After this date the links stop working."),
    )

    def validate_closes_on(self, field: DateField) -> None:
        if field.data and self.opens_on.data and field.data < self.opens_on.data:
            raise ValidationError(_l("The closing date must not be before the opening date."))


class RosterForm(FlaskForm):
    roster = FileField(
        _l("Roster file (CSV or XLSX)"),
        validators=[FileRequired(_l("Choose a file."))],
        description=_l("One row per invitee; the first row names the columns."),
    )


class FormUploadForm(FlaskForm):
    xlsform = FileField(
        _l("XLSForm file (.xlsx)"),
        validators=[FileRequired(_l("Choose a file."))],
        description=_l(
            "The settings sheet names the survey (form_id) and may give the version number."
        ),
    )
    dry_run = BooleanField(_l("Check only: say what would be stored, store nothing"))


class PageForm(FlaskForm):
    """An answering page: the questions are rendered from the definition; this carries CSRF."""
