"""Forms of the administrators' pages: searching accounts, changing one, deactivating it, forcing
a password reset, and filtering the audit log."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, IntegerField, SelectField, StringField
from wtforms.validators import DataRequired, Length, NumberRange, Optional, ValidationError

from portal.labels import ROLE_LABELS

MAX_ID = 2**31 - 1  # ids beyond any row, and within every database's integer


def role_choices(blank: Any = None) -> list[tuple[str, Any]]:
    roles = [(code, label) for code, label in ROLE_LABELS.items()]
    return ([("", blank)] if blank is not None else []) + roles


class UserSearchForm(FlaskForm):
    """A GET form: the filters stay in the address, so a filtered list can be bookmarked."""

    class Meta:
        csrf = False

    q = StringField(
        _l("Name or e-mail contains"), validators=[Optional(), Length(max=200)], default=""
    )
    role = SelectField(_l("Role"), choices=[], validators=[Optional()], default="")
    org = SelectField(_l("Organisation"), choices=[], validators=[Optional()], default="")
    state = SelectField(
        _l("State"),
        choices=[
            ("", _l("Active and deactivated")),
            ("active", _l("Active")),
            ("inactive", _l("Deactivated")),
        ],
        validators=[Optional()],
        default="",
    )


class AccountForm(FlaskForm):
    role = SelectField(_l("Role"), choices=[], validators=[DataRequired()])
    organisation = SelectField(
        _l("Organisation"),
        choices=[],
        validators=[Optional()],
        description=_l("Partners and contributors belong to an organisation."),
    )
    confirm_self = BooleanField(_l("Yes, change my own account, although I lose access."))


class DeactivateForm(FlaskForm):
    confirm = BooleanField(
        _l("Yes, deactivate this account: its sessions and API tokens stop working now."),
        validators=[DataRequired(message=_l("Tick the box to confirm."))],
    )
    confirm_self = BooleanField(_l("Yes, change my own account, although I lose access."))


class ForceResetForm(FlaskForm):
    confirm = BooleanField(
        _l("Yes, reset the password: the old one, every session and every API token stop now."),
        validators=[DataRequired(message=_l("Tick the box to confirm."))],
    )


class AuditFilterForm(FlaskForm):
    """A GET form over the audit log; days are UTC days and both ends are included."""

    class Meta:
        csrf = False

    actor = StringField(_l("Actor's e-mail"), validators=[Optional(), Length(max=254)])
    no_actor = BooleanField(_l("Only actions without a signed-in person (command line, worker)"))
    action = SelectField(_l("Event type"), choices=[], validators=[Optional()], default="")
    object_type = SelectField(_l("Object type"), choices=[], validators=[Optional()], default="")
    object_id = IntegerField(
        _l("Object number"), validators=[Optional(), NumberRange(min=1, max=MAX_ID)]
    )
    since = DateField(_l("From (UTC)"), validators=[Optional()])
    until = DateField(_l("To (UTC)"), validators=[Optional()])

    def validate_until(self, field: DateField) -> None:
        if field.data and self.since.data and field.data < self.since.data:
            raise ValidationError(_l("The end date is before the start date."))
