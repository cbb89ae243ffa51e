"""Forms of the campaign management pages: settings, an invitee's e-mail, resending a link."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, EmailField, IntegerField, StringField
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from surveys.models import REMINDER_DAYS_RANGE, REMINDER_LIMIT_RANGE

STATUS_LABELS = {
    "not_sent": _l("Not mailed yet"),
    "invited": _l("Invited"),
    "mail_failed": _l("Mail failed"),
    "opened": _l("Opened"),
    "in_progress": _l("In progress"),
    "completed": _l("Completed"),
}
MAIL_STATE_LABELS = {
    "queued": _l("Waiting to be sent"),
    "sending": _l("Being sent"),
    "sent": _l("Sent"),
    "failed": _l("Failed"),
}


class CampaignEditForm(FlaskForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    opens_on = DateField(_l("Opens on"), validators=[Optional()])
    closes_on = DateField(
        _l("Closes on"),
        validators=[Optional()],
        description=_l("After this date the links stop working."),
    )
    reminder_days = IntegerField(
        _l("Remind after (days)"),
        validators=[InputRequired(), NumberRange(*REMINDER_DAYS_RANGE)],
        description=_l(
            "Days since the last mail an invitee was sent before a reminder may follow "
            "(whoever sends it: this page, the command line or the automatic reminders)."
        ),
    )
    reminder_limit = IntegerField(
        _l("Reminders per invitee, at most"),
        validators=[InputRequired(), NumberRange(*REMINDER_LIMIT_RANGE)],
        description=_l("0: no reminder at all."),
    )
    reminders_automatic = BooleanField(
        _l("Send the reminders automatically when they are due"),
        description=_l("The portal's worker checks once a day."),
    )

    def validate_closes_on(self, field: DateField) -> None:
        if field.data and self.opens_on.data and field.data < self.opens_on.data:
            raise ValidationError(_l("The closing date must not be before the opening date."))


class EmailCorrectionForm(FlaskForm):
    email = EmailField(
        _l("Correct e-mail address"),
        validators=[DataRequired(), Length(max=254)],
        description=_l(
            "The links already mailed to the old address stop working; mail the new address "
            "afterwards."
        ),
    )


class ResendForm(FlaskForm):
    mail = BooleanField(_l("Mail the new link to the invitee"), default=True)
