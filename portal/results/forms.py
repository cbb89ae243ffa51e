"""Forms of the results pages: a target, a staff-entered value, and the CSV imports."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import Length

from portal.results.framework import Indicator
from portal.results.targets import MAX_NOTE
from portal.tables import Problem

BREAKDOWN_PREFIX = "breakdown_"
NUMBER_HELP = _l("A fraction such as 0.87, or a percentage such as 87%.")


class _CellsForm(FlaskForm):
    """A form whose fields are the cells of an import row, checked by the same service."""

    def cells(self, code: str) -> dict[str, str]:
        values = {"code": code}
        for field in self:
            if field.name != "csrf_token":
                key = field.name.removeprefix(BREAKDOWN_PREFIX)
                values[key] = (field.data or "").strip()
        return values

    def show_problems(self, problems: Sequence[Problem]) -> None:
        """Put each problem on its field, or on the form when no field owns it."""
        for problem in problems:
            name = problem.column or ""
            field = self._fields.get(name) or self._fields.get(BREAKDOWN_PREFIX + name)
            if field is None:
                self.form_errors.append(problem.translated())
            else:
                field.errors = [*field.errors, problem.translated_message()]


class TargetForm(_CellsForm):
    year = SelectField(_l("Year"))
    target = StringField(_l("Target"), validators=[Length(max=40)])
    baseline = StringField(_l("Baseline"), validators=[Length(max=40)])
    baseline_year = StringField(_l("Year of the baseline"), validators=[Length(max=4)])
    source = TextAreaField(
        _l("Source note"),
        validators=[Length(max=MAX_NOTE)],
        description=_l("Where the target comes from, e.g. the results framework or a decision."),
    )


class _ValueForm(_CellsForm):
    year = SelectField(_l("Year"))
    value = StringField(_l("Value"), validators=[Length(max=40)])
    source = TextAreaField(
        _l("Source note"),
        validators=[Length(max=MAX_NOTE)],
        description=_l("The system or report the figure comes from, and its date."),
    )


def value_form(indicator: Indicator, labels: dict[str, str], **kwargs: Any) -> _CellsForm:
    """The value form of a staff-entered indicator, with an optional field per breakdown item."""
    fields = {
        BREAKDOWN_PREFIX + item.key: StringField(
            labels[item.key],
            validators=[Length(max=40)],
            description=NUMBER_HELP if item.unit == "percent" else None,
        )
        for item in indicator.breakdown
    }
    form_class = type("ValueForm", (_ValueForm,), fields)
    form: _CellsForm = form_class(**kwargs)
    if indicator.unit == "percent":
        form.value.description = NUMBER_HELP
    return form


def target_form(indicator: Indicator, **kwargs: Any) -> TargetForm:
    form = TargetForm(**kwargs)
    if indicator.unit == "percent":
        form.target.description = form.baseline.description = NUMBER_HELP
    return form


class ImportForm(FlaskForm):
    file = FileField(_l("CSV file"), validators=[FileRequired(_l("Choose a file."))])
