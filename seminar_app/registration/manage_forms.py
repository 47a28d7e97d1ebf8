"""Forms of the organiser's Registrations tab. They check shape only; the rules live in
registration.services."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length

from seminar_app import geo
from seminar_app.enums import AttendanceMode
from seminar_app.events.forms import select_choices
from seminar_app.events.models import Event
from seminar_app.registration.forms import language_field, person_input, setup_language
from seminar_app.registration.services import RegistrationInput, event_language_for_people, offered_modes


class AddRegistrationForm(FlaskForm):
    """An organiser registers someone by hand (for example a person who phoned in)."""

    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    email = EmailField(_l("E-mail address"), validators=[DataRequired(), Length(max=254)])
    organisation = StringField(_l("Organisation"), validators=[Length(max=200)])
    organisation_city = StringField(_l("City of the organisation"), validators=[Length(max=120)])
    organisation_country = SelectField(_l("Country of the organisation"))
    function_role = StringField(_l("Function or role"), validators=[Length(max=200)])
    stakeholder_group = SelectField(_l("Stakeholder group"))
    mode = SelectField(_l("Attends"))
    is_partner_staff = BooleanField(_l("Works for a partner organisation of this project"))
    access_needs = TextAreaField(_l("Access needs"), validators=[Length(max=2000)], render_kw={"rows": 2})
    language = language_field()

    def setup(self, event: Event) -> AddRegistrationForm:
        """Fill the choices of the event's project; the mode is asked only for a hybrid event."""
        setup_language(self.language, event_language_for_people(event))
        self.organisation_country.choices = select_choices([("", _l("Choose a country")), *geo.country_choices()])
        self.stakeholder_group.choices = select_choices(
            [("", _l("Choose a group")), *((g.code, g.display_label) for g in event.project.stakeholder_groups)]
        )
        modes = offered_modes(event)
        if len(modes) > 1:
            self.mode.choices = select_choices(
                [("", _l("Choose on site or online")), *((m.value, m.label) for m in modes)]
            )
            self.mode.validators = [DataRequired(_l("Choose whether the person attends on site or online."))]
        else:
            del self.mode
        return self

    def to_input(self, event: Event) -> RegistrationInput:
        mode_field = self._fields.get("mode")
        mode = AttendanceMode(mode_field.data) if mode_field is not None and mode_field.data else None
        return person_input(self, mode=mode, language=self.language.data or event_language_for_people(event))


class DeclineForm(FlaskForm):
    reason = TextAreaField(
        _l("Reason, sent to the person (optional)"), validators=[Length(max=1000)], render_kw={"rows": 3}
    )


class LanguageForm(FlaskForm):
    """The registrant's language, changed by an organiser."""

    language = language_field()


class ConfirmActionForm(FlaskForm):
    """A POST that only needs the CSRF token (approve, move from the waiting list, cancel, resend)."""
