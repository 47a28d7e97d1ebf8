"""Forms of the organiser workspace. They check shape only; the rules live in events.services."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict
from datetime import datetime, timedelta
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    HiddenField,
    IntegerField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
    URLField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from seminar_app import geo
from seminar_app.enums import EventFormat, EventKind, EventStatus, TargetAudience
from seminar_app.events.services import EventInput
from seminar_app.forms import MultiCheckboxField
from seminar_app.projects.models import Partner, ProjectResult

# The browser sends "2027-03-28T09:30"; the first format is also the one written back into the input.
LOCAL_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"]
_NOT_NEGATIVE = _l("Capacity cannot be negative; leave it empty for no limit.")


def select_choices(pairs: Iterable[tuple[Any, Any]]) -> list[SelectChoice]:
    """WTForms 3.3 wants `SelectChoice` objects rather than (value, label) tuples."""
    return [SelectChoice(value, label) for value, label in pairs]


def local_datetime_field(label: Any, *, required: bool) -> DateTimeLocalField:
    validators = [InputRequired()] if required else [Optional()]
    return DateTimeLocalField(label, format=LOCAL_FORMATS, validators=validators)


class EventForm(FlaskForm):
    partner_id = SelectField(_l("Organising partner"), coerce=int)

    kind = SelectField(_l("Type of event"), choices=select_choices(EventKind.choices()))
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    slug = StringField(_l("Web address (slug)"), validators=[Optional(), Length(max=100)])
    summary = TextAreaField(_l("Summary"), validators=[Length(max=500)], render_kw={"rows": 2})
    description = TextAreaField(_l("Description (Markdown)"), render_kw={"rows": 8})
    language = SelectField(_l("Language of the event"))

    # Unknown zones reach the service, which names the wrong value in its message.
    timezone = SelectField(_l("Time zone"), validate_choice=False)
    starts_local = local_datetime_field(_l("Start (local time in the chosen time zone)"), required=True)
    ends_local = local_datetime_field(_l("End (local time in the chosen time zone)"), required=True)

    format = SelectField(_l("Format"), choices=select_choices(EventFormat.choices()))
    venue_name = StringField(_l("Venue name"), validators=[Length(max=200)])
    address = StringField(_l("Address"), validators=[Length(max=300)])
    city = StringField(_l("City"), validators=[Length(max=120)])
    country = SelectField(_l("Country"))
    online_platform = StringField(_l("Online platform"), validators=[Length(max=80)])
    joining_url = URLField(_l("Joining link"), validators=[Length(max=500)])

    capacity_onsite = IntegerField(
        _l("Places on site"), validators=[Optional(), NumberRange(min=0, message=_NOT_NEGATIVE)]
    )
    capacity_online = IntegerField(
        _l("Places online"), validators=[Optional(), NumberRange(min=0, message=_NOT_NEGATIVE)]
    )
    registration_opens_local = local_datetime_field(
        _l("Registration opens (local time in the chosen time zone)"), required=False
    )
    registration_closes_local = local_datetime_field(
        _l("Registration closes (local time in the chosen time zone)"), required=False
    )

    requires_approval = BooleanField(_l("Registrations need my approval"))

    target_audiences = MultiCheckboxField(_l("Target audiences"), choices=select_choices(TargetAudience.choices()))
    objective = TextAreaField(_l("Objective"), validators=[Length(max=500)], render_kw={"rows": 2})
    result_ids = MultiCheckboxField(_l("Project results presented"), coerce=int)
    outcome = TextAreaField(_l("Outcome"), render_kw={"rows": 4})

    def setup(self, partners: list[Partner] | None, results: list[ProjectResult]) -> EventForm:
        """Fill the choices that depend on the user and the project.

        `partners` is None when the partner is fixed (editing); the field is then removed."""
        if partners is None:
            del self.partner_id
        else:
            self.partner_id.choices = select_choices(
                (p.id, f"{p.short_name} – {p.name} ({p.project.acronym})") for p in partners
            )
        self.language.choices = select_choices(geo.language_choices())
        self.timezone.choices = select_choices((z, z) for z in geo.timezone_names())
        self.country.choices = select_choices([("", _l("Choose a country")), *geo.country_choices()])
        several_projects = len({r.project_id for r in results}) > 1
        self.result_ids.choices = select_choices(
            (r.id, f"{r.project.acronym}: {r.label}" if several_projects else r.label) for r in results
        )
        return self

    def to_input(self) -> EventInput:
        return EventInput(
            title=(self.title.data or "").strip(),
            starts_local=self.starts_local.data,  # type: ignore[arg-type]
            ends_local=self.ends_local.data,  # type: ignore[arg-type]
            timezone=self.timezone.data or "",
            language=self.language.data or "",
            format=EventFormat(self.format.data),
            kind=EventKind(self.kind.data),
            slug=(self.slug.data or "").strip(),
            summary=self.summary.data or "",
            description=self.description.data or "",
            venue_name=self.venue_name.data or "",
            address=self.address.data or "",
            city=self.city.data or "",
            country=self.country.data or "",
            online_platform=self.online_platform.data or "",
            joining_url=self.joining_url.data or "",
            capacity_onsite=self.capacity_onsite.data,
            capacity_online=self.capacity_online.data,
            registration_opens_local=self.registration_opens_local.data,
            registration_closes_local=self.registration_closes_local.data,
            requires_approval=bool(self.requires_approval.data),
            target_audiences=list(self.target_audiences.data or []),
            objective=self.objective.data or "",
            outcome=self.outcome.data or "",
            result_ids=list(self.result_ids.data or []),
        )


def event_form_data(data: EventInput) -> dict[str, Any]:
    """Initial form values from an `EventInput` (enums as their stored values)."""
    values = asdict(data)
    values["format"] = data.format.value
    values["kind"] = data.kind.value
    return values


def partner_defaults(partner: Partner) -> dict[str, Any]:
    return {
        "partner_id": partner.id,
        "timezone": partner.timezone,
        "language": partner.default_language,
        "country": partner.country,
        "city": partner.city,
    }


class StatusForm(FlaskForm):
    target = HiddenField(validators=[DataRequired()])
    note = TextAreaField(_l("Note for the public (optional)"), validators=[Length(max=500)], render_kw={"rows": 2})
    # Cancelling mails every registrant: the first POST shows who will be told, the second acts.
    confirmed = HiddenField()

    def target_status(self) -> EventStatus | None:
        try:
            return EventStatus(self.target.data)
        except ValueError:
            return None


class DuplicateForm(FlaskForm):
    starts_local = local_datetime_field(_l("Start of the copy (local time in the event's time zone)"), required=True)


class ConfirmForm(FlaskForm):
    """A POST that only needs the CSRF token (delete buttons)."""


def default_duplicate_start(local_start: datetime) -> dict[str, datetime]:
    """One week later at the same wall-clock time, the usual rhythm of a seminar series."""
    return {"starts_local": local_start + timedelta(days=7)}
