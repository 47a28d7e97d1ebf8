"""Forms of the attendee's pages. They check shape only; the rules live in registration.services."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, HiddenField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, ValidationError

from seminar_app import geo, i18n
from seminar_app.enums import AttendanceMode, ConsentPurpose
from seminar_app.events.models import Event
from seminar_app.projects.models import Project
from seminar_app.registration.models import Registration
from seminar_app.registration.services import DetailsInput, RegistrationInput


def _no_control_characters(_form: FlaskForm, field: Any) -> None:
    """Text that no keyboard types (NUL and other control characters) is refused before it reaches the database."""
    value = field.data or ""
    if any(ord(ch) < 32 and ch not in "\t\n\r" for ch in value):
        raise ValidationError(_l("This text contains characters that cannot be stored."))


def _text(label: Any, max_length: int, *, required: bool = False, autocomplete: str = "") -> StringField:
    validators: list[Any] = [InputRequired()] if required else []
    render_kw = {"autocomplete": autocomplete} if autocomplete else None
    return StringField(
        label, validators=[*validators, Length(max=max_length), _no_control_characters], render_kw=render_kw
    )


def stakeholder_group_choices(project: Project) -> list[tuple[str, str]]:
    """The project's groups with their labels for the reader (`StakeholderGroup.display_label`:
    the standard groups in the reader's language unless the project renamed them)."""
    return [(g.code, g.display_label) for g in project.stakeholder_groups]


def parse_mode(value: str | None) -> AttendanceMode | None:
    return AttendanceMode(value) if value in {m.value for m in AttendanceMode} else None


class _PersonFields(FlaskForm):
    """The person's own details (public form, private page): browsers may fill them in (WCAG 1.3.5)."""

    name = _text(_l("Name"), 200, required=True, autocomplete="name")
    organisation = _text(_l("Organisation"), 200, autocomplete="organization")
    organisation_city = _text(_l("City of the organisation"), 120, autocomplete="address-level2")
    organisation_country = SelectField(
        _l("Country of the organisation"), default="", render_kw={"autocomplete": "country"}
    )
    function_role = _text(_l("Function or role"), 200, autocomplete="organization-title")
    stakeholder_group = SelectField(_l("Which group do you belong to?"), default="")
    is_partner_staff = BooleanField(_l("I work for a partner organisation of this project"))
    access_needs = TextAreaField(
        _l("Access needs or dietary requirements (optional)"),
        validators=[Length(max=2000), _no_control_characters],
        render_kw={"rows": 2},
    )

    def setup(self, project: Project) -> _PersonFields:
        none = [("", _l("— Choose —"))]
        self.organisation_country.choices = none + geo.country_choices()
        self.stakeholder_group.choices = none + stakeholder_group_choices(project)
        return self


class RegistrationForm(_PersonFields):
    email = EmailField(_l("E-mail"), validators=[InputRequired(), Length(max=254)], render_kw={"autocomplete": "email"})
    # Unknown values reach the service, which says which modes the event offers.
    mode = RadioField(_l("How will you attend?"), validate_choice=False)
    privacy_acknowledged = BooleanField(ConsentPurpose.PRIVACY_NOTICE.lazy_label, render_kw={"required": True})
    consent_photos = BooleanField(ConsentPurpose.PHOTOS.lazy_label)
    consent_attendee_list = BooleanField(ConsentPurpose.ATTENDEE_LIST.lazy_label)
    consent_news = BooleanField(ConsentPurpose.NEWS.lazy_label)
    # A honeypot: hidden from people and assistive technology, filled in by form-filling robots.
    website = StringField(_l("Leave this field empty"), render_kw={"tabindex": "-1", "autocomplete": "off"})

    def setup_for(self, event: Event, mode_labels: list[tuple[str, str]]) -> RegistrationForm:
        self.setup(event.project)
        self.mode.choices = mode_labels
        return self

    @property
    def is_robot(self) -> bool:
        return bool((self.website.data or "").strip())

    def to_input(self, language: str, *, notice_language: str = "") -> RegistrationInput:
        """`language` is the person's language; `notice_language` the one the form (and its
        privacy notice) was shown in, when it differs."""
        data = person_input(
            self,
            mode=parse_mode(self.mode.data),
            language=language,
            privacy_acknowledged=bool(self.privacy_acknowledged.data),
            consent_photos=bool(self.consent_photos.data),
            consent_attendee_list=bool(self.consent_attendee_list.data),
            consent_news=bool(self.consent_news.data),
        )
        data.notice_language = notice_language
        return data


class DetailsForm(_PersonFields):
    @classmethod
    def showing(cls, registration: Registration) -> DetailsForm:
        """The form filled with what is stored, not with whatever another form just posted."""
        form = cls(formdata=None, obj=registration)
        form.setup(registration.event.project)
        return form

    def to_input(self) -> DetailsInput:
        return DetailsInput(
            name=self.name.data or "",
            organisation=self.organisation.data or "",
            organisation_city=self.organisation_city.data or "",
            organisation_country=self.organisation_country.data or "",
            function_role=self.function_role.data or "",
            stakeholder_group=self.stakeholder_group.data or "",
            is_partner_staff=bool(self.is_partner_staff.data),
            access_needs=self.access_needs.data or "",
        )


class ModeForm(FlaskForm):
    mode = HiddenField(validators=[InputRequired()])


def language_field() -> SelectField:
    """The person's language, among the shipped ones. An unknown code reaches the service,
    which names the rule in its refusal."""
    return SelectField(_l("Language of their e-mails"), validate_choice=False)


def setup_language(field: SelectField, default: str) -> None:
    """Offer the shipped languages by their own names; preselect `default` on a fresh form."""
    field.choices = i18n.shipped_language_choices()
    if not field.data:
        field.data = default


def person_input(form: FlaskForm, *, mode: AttendanceMode | None, language: str, **extra: bool) -> RegistrationInput:
    """The person's fields, shared by the public form and the organiser's "add a person" form."""
    return RegistrationInput(
        name=form.name.data or "",
        email=form.email.data or "",
        organisation=form.organisation.data or "",
        organisation_city=form.organisation_city.data or "",
        organisation_country=form.organisation_country.data or "",
        function_role=form.function_role.data or "",
        stakeholder_group=form.stakeholder_group.data or "",
        mode=mode,
        is_partner_staff=bool(form.is_partner_staff.data),
        access_needs=form.access_needs.data or "",
        language=language,
        **extra,
    )


class ConsentsForm(FlaskForm):
    """The optional consents, as the person wants them now."""

    photos = BooleanField(ConsentPurpose.PHOTOS.lazy_label)
    attendee_list = BooleanField(ConsentPurpose.ATTENDEE_LIST.lazy_label)
    news = BooleanField(ConsentPurpose.NEWS.lazy_label)

    @classmethod
    def showing(cls, registration: Registration) -> ConsentsForm:
        return cls(
            formdata=None,
            photos=registration.consent_given(ConsentPurpose.PHOTOS),
            attendee_list=registration.consent_given(ConsentPurpose.ATTENDEE_LIST),
            news=registration.consent_given(ConsentPurpose.NEWS),
        )

    def answers(self) -> dict[ConsentPurpose, bool]:
        return {
            ConsentPurpose.PHOTOS: bool(self.photos.data),
            ConsentPurpose.ATTENDEE_LIST: bool(self.attendee_list.data),
            ConsentPurpose.NEWS: bool(self.news.data),
        }


class ConfirmForm(FlaskForm):
    """A button with a CSRF token, for the steps that ask "are you sure?"."""
