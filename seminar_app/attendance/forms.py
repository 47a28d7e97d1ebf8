"""Forms of the Attendance tab. They check shape only; the rules live in attendance.services."""

from __future__ import annotations

from datetime import date, datetime, time

from flask import request
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired, FileSize
from wtforms import BooleanField, EmailField, HiddenField, IntegerField, SelectField, StringField
from wtforms.validators import DataRequired, Email, InputRequired, Length, NumberRange, Optional

from seminar_app import geo
from seminar_app.attendance.import_services import Decisions
from seminar_app.attendance.imports import MAX_REPORT_BYTES
from seminar_app.attendance.services import WalkInInput
from seminar_app.enums import AttendanceMode
from seminar_app.events.forms import select_choices
from seminar_app.events.models import Event
from seminar_app.registration.forms import language_field, parse_mode, setup_language, stakeholder_group_choices
from seminar_app.registration.services import event_language_for_people, offered_modes
from seminar_app.timefmt import format_date


def day_choices(event: Event) -> list[tuple[str, str]]:
    noon = [datetime.combine(d, time(12), tzinfo=event.tz) for d in event.local_days]
    return [(moment.date().isoformat(), format_date(moment, event.timezone)) for moment in noon]


class TickForm(FlaskForm):
    """Check a person in or undo it; `q` brings the organiser back to the same search."""

    day = HiddenField(validators=[InputRequired()])
    q = HiddenField()


class WalkInForm(FlaskForm):
    """Someone who came without registering: added and checked in at once."""

    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    email = EmailField(
        _l("E-mail address (optional)"),
        validators=[Optional(), Email(_l("Give a valid e-mail address, such as name@example.org.")), Length(max=254)],
    )
    organisation = StringField(_l("Organisation"), validators=[Length(max=200)])
    organisation_country = SelectField(_l("Country of the organisation"))
    stakeholder_group = SelectField(_l("Stakeholder group"))
    mode = SelectField(_l("Attends"))
    is_partner_staff = BooleanField(_l("Works for a partner organisation of this project"))
    language = language_field()
    day = HiddenField(validators=[InputRequired()])

    def setup(self, event: Event) -> WalkInForm:
        setup_language(self.language, event_language_for_people(event))
        self.organisation_country.choices = select_choices([("", _l("Choose a country")), *geo.country_choices()])
        self.stakeholder_group.choices = select_choices(
            [("", _l("Choose a group")), *stakeholder_group_choices(event.project)]
        )
        modes = offered_modes(event)
        if len(modes) > 1:
            self.mode.choices = select_choices([(m.value, m.label) for m in modes])
        else:
            del self.mode
        return self

    def to_input(self) -> WalkInInput:
        mode_field = self._fields.get("mode")
        mode: AttendanceMode | None = parse_mode(mode_field.data) if mode_field is not None else None
        return WalkInInput(
            name=self.name.data or "",
            email=self.email.data or "",
            organisation=self.organisation.data or "",
            organisation_country=self.organisation_country.data or "",
            stakeholder_group=self.stakeholder_group.data or "",
            mode=mode,
            is_partner_staff=bool(self.is_partner_staff.data),
            language=self.language.data or "",
        )


class QrCheckInForm(FlaskForm):
    """The button on the page a QR code opens (the event the organiser scans for, if any,
    comes with the address as `event_id`, so a code for another event is refused)."""

    day = SelectField(_l("Day"))

    def setup(self, event: Event, day: date) -> QrCheckInForm:
        self.day.choices = select_choices(day_choices(event))
        if not self.day.data:
            self.day.data = day.isoformat()
        return self


class ImportForm(FlaskForm):
    report = FileField(
        _l("Participant report (CSV from Zoom or Microsoft Teams)"),
        validators=[
            FileRequired(_l("Choose the report file to upload.")),
            FileSize(MAX_REPORT_BYTES, message=_l("The file is larger than 5 MB.")),
        ],
    )
    day = SelectField(_l("Day of the event"))
    min_minutes = IntegerField(
        _l("Minimum minutes present"),
        default=10,
        validators=[InputRequired(), NumberRange(min=0, max=24 * 60)],
    )

    def setup(self, event: Event, day: date) -> ImportForm:
        self.day.choices = select_choices(day_choices(event))
        if not self.day.data:
            self.day.data = day.isoformat()
        return self


class ImportConfirmForm(FlaskForm):
    """Carries the signed preview (see attendance.import_services.sign_import), and the
    organiser's decisions as `assign-<row>` (a registration id, empty: left out) and
    `credit-<row>` fields, one per report row the preview asks about."""

    payload = HiddenField(validators=[InputRequired()])
    dates_ok = BooleanField(_l("This is the report of this event's meeting: record it anyway."))

    def decisions(self) -> Decisions:
        decisions = Decisions()
        for key, value in request.form.items(multi=True):
            kind, _sep, row = key.partition("-")
            if not row.isdigit() or len(row) > 6:
                continue
            if kind == "assign" and value.isdigit() and len(value) < 12:
                decisions.assign[int(row)] = int(value)
            elif kind == "credit" and value:
                decisions.credit.add(int(row))
        return decisions
