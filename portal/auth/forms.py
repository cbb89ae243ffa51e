"""Forms for signing in, passwords, API tokens, account requests and merging organisations."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, EqualTo, Length, Optional

REQUESTABLE_KINDS = (
    ("member_state", _l("Member state (government)")),
    ("un_entity", _l("UN entity")),
    ("cso", _l("Civil-society organisation")),
    ("private_sector", _l("Private-sector partner")),
    ("academia", _l("Academia or research")),
    ("other", _l("Other")),
)


class LoginForm(FlaskForm):
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=256)])


class ForgotPasswordForm(FlaskForm):
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Length(max=254)])


class ResetPasswordForm(FlaskForm):
    password = PasswordField(
        _l("New password"),
        validators=[DataRequired(), Length(min=12, max=256)],
        description=_l("At least 12 characters. A phrase of several words is easy to remember."),
    )
    confirm = PasswordField(
        _l("Repeat the new password"),
        validators=[DataRequired(), EqualTo("password", message=_l("The passwords differ."))],
    )


class TokenForm(FlaskForm):
    label = StringField(
        _l("What the token is for"),
        validators=[Optional(), Length(max=100)],
        description=_l("For example: annual report workbook."),
    )


class AccountRequestForm(FlaskForm):
    name = StringField(_l("Your name"), validators=[DataRequired(), Length(max=200)])
    email = EmailField(_l("Work e-mail"), validators=[DataRequired(), Length(max=254)])
    organisation_name = StringField(
        _l("Organisation"), validators=[DataRequired(), Length(max=200)]
    )
    organisation_kind = SelectField(
        _l("Kind of organisation"), choices=REQUESTABLE_KINDS, validators=[DataRequired()]
    )
    country = SelectField(_l("Country"), choices=[], validators=[Optional()])
    reason = TextAreaField(
        _l("What would you like to share?"),
        validators=[Optional(), Length(max=2000)],
        description=_l("A sentence or two helps UNV staff approve your request."),
    )


class ApproveRequestForm(FlaskForm):
    organisation = SelectField(
        _l("Organisation"),
        choices=[],
        validators=[Optional()],
        description=_l(
            "The organisations that match the request come first. "
            "Create a new organisation only if it is not listed."
        ),
    )
    new_code = StringField(
        _l("Code of a new organisation"),
        validators=[Optional(), Length(max=40)],
        description=_l("Used only when a new organisation is created."),
    )


class MergeOrganisationsForm(FlaskForm):
    """Which organisation goes (the duplicate) and which one stays, by code as on the CLI."""

    duplicate = StringField(_l("Duplicate (removed)"), validators=[DataRequired(), Length(max=40)])
    keep = StringField(_l("Organisation kept"), validators=[DataRequired(), Length(max=40)])


class ConfirmForm(FlaskForm):
    """A form with only the CSRF token, for buttons that change something."""
