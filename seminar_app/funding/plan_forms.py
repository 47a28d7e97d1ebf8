"""Forms of the plan page: a planned event, linking an event to it, deleting and importing.
Shape only: the rules (partner of the project, unique code, month range) live in
`plan_services`."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired, FileSize
from wtforms import DecimalField, HiddenField, IntegerField, MonthField, SelectField, StringField
from wtforms.validators import InputRequired, Optional

from seminar_app import geo
from seminar_app.enums import EventFormat
from seminar_app.funding.plan_import import MAX_PLAN_BYTES
from seminar_app.funding.plan_services import PlanInput
from seminar_app.projects.models import Partner


def _int_or_none(value: object) -> int | None:
    """A posted id, or None for anything that cannot be one (database integers are 32-bit)."""
    try:
        number = int(str(value))
    except (TypeError, ValueError):
        return None
    return number if 0 < number < 2**31 else None


class PlanForm(FlaskForm):
    code = StringField(_l("Code"), validators=[InputRequired(_l("Give the planned event a code, such as E1."))])
    title = StringField(_l("Title"), validators=[InputRequired(_l("Give the planned event a title."))])
    partner_id = SelectField(_l("Partner"), coerce=_int_or_none, validate_choice=False)
    country = SelectField(_l("Country"), validate_choice=False)
    planned_month = MonthField(_l("Planned month"), validators=[InputRequired(_l("Enter the planned month."))])
    format = SelectField(_l("Format"), choices=EventFormat.choices(), validate_choice=False)
    planned_local = IntegerField(
        _l("Planned local participants"), validators=[InputRequired(_l("Enter a number of participants."))]
    )
    planned_international = IntegerField(
        _l("Planned international participants"), validators=[InputRequired(_l("Enter a number of participants."))]
    )
    budget = DecimalField(_l("Budgeted amount"), places=2, validators=[Optional()])

    def setup(self, partners: list[Partner]) -> PlanForm:
        self.partner_id.choices = [(None, _l("Choose a partner"))] + [  # type: ignore[list-item]
            (p.id, f"{p.short_name} – {p.name}") for p in partners
        ]
        self.country.choices = [("", _l("Choose a country")), *geo.country_choices()]
        return self

    def fill(self, data: PlanInput) -> PlanForm:
        for name, value in vars(data).items():
            self[name].data = value
        return self

    def to_input(self) -> PlanInput:
        return PlanInput(
            code=(self.code.data or "").strip(),
            title=(self.title.data or "").strip(),
            partner_id=self.partner_id.data,
            country=(self.country.data or "").strip(),
            planned_month=self.planned_month.data,
            format=self.format.data or "",
            planned_local=self.planned_local.data,
            planned_international=self.planned_international.data,
            budget=self.budget.data,
        )


class LinkForm(FlaskForm):
    event_id = SelectField(_l("Event delivering it"), coerce=_int_or_none, validate_choice=False)


class ConfirmForm(FlaskForm):
    """Only the CSRF token: what is deleted or unlinked is named in the URL."""


class PlanImportForm(FlaskForm):
    file = FileField(
        _l("Plan file (CSV or XLSX)"),
        validators=[
            FileRequired(_l("Choose a file.")),
            FileSize(MAX_PLAN_BYTES, message=_l("The file is larger than 1 MB.")),
        ],
    )


class PlanConfirmForm(FlaskForm):
    payload = HiddenField()
