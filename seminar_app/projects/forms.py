"""Admin forms for projects, privacy notices, results and partners. Shape only; the rules
(unique slugs, codes and short names, real countries and zones) live in projects.services."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, IntegerField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Email, Length, Optional

from seminar_app import geo, i18n
from seminar_app.projects import eu_wording
from seminar_app.projects.eu_wording import FundingKind
from seminar_app.projects.services import PartnerInput, ProjectInput, ResultInput


def _text(value: Any) -> str:
    return (value or "").strip()


class ProjectForm(FlaskForm):
    name = StringField(_l("Full name"), validators=[DataRequired(), Length(max=200)])
    acronym = StringField(_l("Acronym"), validators=[DataRequired(), Length(max=40)])
    slug = StringField(_l("Web address (slug)"), validators=[Optional(), Length(max=80)])
    funding_programme = StringField(_l("Funding programme"), validators=[Length(max=200)])
    grant_number = StringField(_l("Grant agreement number"), validators=[Length(max=80)])
    # Its choices are the official statements themselves, in the interface's language.
    funding_kind = RadioField(_l("EU funding statement"), default=FundingKind.CO_FUNDED.value)
    granting_authority = StringField(_l("Granting authority"), validators=[Length(max=200)])
    funding_statement = TextAreaField(_l("Own funding statement"), render_kw={"rows": 2})
    disclaimer = TextAreaField(_l("Own disclaimer"), render_kw={"rows": 4})
    default_language = SelectField(_l("Default language"))
    feedback_min_answers = IntegerField(_l("Answers needed before feedback results are shown"), default=5)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.default_language.choices = geo.language_choices()
        language = i18n.current_language()
        self.funding_kind.choices = [(kind.value, eu_wording.statement(kind, language)) for kind in FundingKind]

    def to_input(self) -> ProjectInput:
        return ProjectInput(
            name=_text(self.name.data),
            acronym=_text(self.acronym.data),
            slug=_text(self.slug.data).lower(),
            funding_programme=_text(self.funding_programme.data),
            grant_number=_text(self.grant_number.data),
            funding_statement=_text(self.funding_statement.data),
            disclaimer=_text(self.disclaimer.data),
            funding_kind=self.funding_kind.data or "",
            granting_authority=_text(self.granting_authority.data),
            default_language=self.default_language.data or "",
            feedback_min_answers=self.feedback_min_answers.data if self.feedback_min_answers.data is not None else -1,
        )


class PrivacyNoticeForm(FlaskForm):
    text = TextAreaField(_l("Text of the new version (Markdown)"), validators=[DataRequired()], render_kw={"rows": 14})


class PrivacyNoticeTextForm(FlaskForm):
    """The current version's text in one more language. Unknown languages reach the
    service, which refuses them with a message naming the rule."""

    language = SelectField(_l("Language"), validate_choice=False)
    text = TextAreaField(_l("Text in this language (Markdown)"), render_kw={"rows": 10})

    def setup(self, present: list[str]) -> PrivacyNoticeTextForm:
        """Offer the shipped languages the version has no text in yet."""
        self.language.choices = [("", "—")] + [
            (code, name) for code, name in i18n.shipped_language_choices() if code not in present
        ]
        return self


class ResultForm(FlaskForm):
    code = StringField(_l("Code"), validators=[DataRequired(), Length(max=20)])
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=300)])
    work_package = StringField(_l("Work package"), validators=[Length(max=40)])

    def to_input(self) -> ResultInput:
        return ResultInput(
            code=_text(self.code.data), title=_text(self.title.data), work_package=_text(self.work_package.data)
        )


class PartnerForm(FlaskForm):
    name = StringField(_l("Organisation name"), validators=[DataRequired(), Length(max=200)])
    short_name = StringField(_l("Short name"), validators=[DataRequired(), Length(max=40)])
    country = SelectField(_l("Country"))
    city = StringField(_l("City"), validators=[Length(max=120)])
    # Unknown zones reach the service, which names the wrong value in its message.
    timezone = SelectField(_l("Time zone"), validate_choice=False)
    default_language = SelectField(_l("Default language of its events"))
    contact_email = EmailField(_l("Contact e-mail"), validators=[DataRequired(), Email(), Length(max=254)])

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.country.choices = [("", "—"), *geo.country_choices()]
        self.timezone.choices = [("", "—"), *((z, z) for z in geo.timezone_names())]
        self.default_language.choices = geo.language_choices()

    def to_input(self) -> PartnerInput:
        return PartnerInput(
            name=_text(self.name.data),
            short_name=_text(self.short_name.data),
            country=self.country.data or "",
            city=_text(self.city.data),
            timezone=self.timezone.data or "",
            default_language=self.default_language.data or "",
            contact_email=_text(self.contact_email.data),
        )


class ConfirmForm(FlaskForm):
    """A button-only form: the CSRF token is its only field."""
