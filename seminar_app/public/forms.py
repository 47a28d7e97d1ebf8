"""The public event filter: a GET form, so it works without JavaScript and can be bookmarked."""

from __future__ import annotations

from collections.abc import Mapping

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField
from wtforms.validators import Optional

from seminar_app import geo
from seminar_app.enums import EventFormat
from seminar_app.public.queries import EventFilters, FilterOptions


class EventFilterForm(FlaskForm):
    class Meta:
        csrf = False

    project = SelectField(_l("Project"), default="", validators=[Optional()])
    country = SelectField(_l("Country"), default="", validators=[Optional()])
    language = SelectField(_l("Language"), default="", validators=[Optional()])
    format = SelectField(_l("Format"), default="", validators=[Optional()])

    def setup(self, options: FilterOptions) -> EventFilterForm:
        any_choice = ("", _l("Any"))
        projects = ((slug, f"{acronym} – {name}") for slug, acronym, name in options.projects)
        self.project.choices = [any_choice, *projects]
        countries = geo.sorted_countries(options.countries)
        languages = geo.sorted_languages(options.languages)
        self.country.choices = [any_choice, *((c, geo.country_name(c)) for c in countries)]
        self.language.choices = [any_choice, *((c, geo.language_name(c)) for c in languages)]
        self.format.choices = [any_choice, *EventFormat.choices()]
        return self

    def filters(self) -> EventFilters:
        """The filters from the fields that passed validation; a bad value is ignored, not fatal."""

        def value(name: str) -> str | None:
            f = self[name]
            return f.data if f.data and not f.errors else None

        fmt = value("format")
        return EventFilters(
            project=value("project"),
            country=value("country"),
            language=value("language"),
            format=EventFormat(fmt) if fmt else None,
        )

    @property
    def is_filtered(self) -> bool:
        return any(vars(self.filters()).values())


def accepted_filters(options: FilterOptions, args: Mapping[str, str]) -> EventFilters | None:
    """The filters in `args` when each is empty or one of the choices `EventFilterForm.setup`
    offers for `options`, so that the form would take them without a message (and its HTML can
    be kept for them: public.fragments); `None` when the form has something to say."""
    choices = {
        "project": {choice.slug for choice in options.projects},
        "country": set(options.countries),
        "language": set(options.languages),
        "format": {fmt.value for fmt in EventFormat},
    }
    values = {name: args.get(name, "") for name in choices}
    if any(value and value not in choices[name] for name, value in values.items()):
        return None
    return EventFilters(
        project=values["project"] or None,
        country=values["country"] or None,
        language=values["language"] or None,
        format=EventFormat(values["format"]) if values["format"] else None,
    )
