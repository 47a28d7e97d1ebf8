"""Forms of the Invitations tab. They check shape only; who is invited is decided by
campaigns.selection and campaigns.services."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, IntegerField, SelectMultipleField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from seminar_app import geo
from seminar_app.campaigns.selection import Criteria
from seminar_app.contacts.models import ContactList
from seminar_app.events.forms import select_choices
from seminar_app.events.models import Event
from seminar_app.forms import MultiCheckboxField


class CampaignForm(FlaskForm):
    """Lists, filters and the mail's options; "Preview" shows the result, "Send" starts it."""

    lists = MultiCheckboxField(
        _l("Contact lists"), coerce=int, validators=[DataRequired(_l("Choose at least one list."))]
    )
    groups = SelectMultipleField(_l("Stakeholder groups"), description=_l("None chosen: every group."))
    countries = SelectMultipleField(_l("Countries"), description=_l("None chosen: every country."))
    languages = SelectMultipleField(_l("Languages"), description=_l("None chosen: every language."))
    personal_note = TextAreaField(
        _l("Personal note (optional)"),
        validators=[Length(max=2000)],
        description=_l("Plain text, shown in the invitation above the event's details."),
        render_kw={"rows": 4},
    )
    save_the_date = BooleanField(_l("Attach a save-the-date calendar file"))
    expected_count = IntegerField(validators=[Optional()])
    preview = SubmitField(_l("Preview"))
    send = SubmitField(_l("Send the invitations"))

    def setup(
        self, event: Event, lists: list[tuple[ContactList, int]], countries: list[str], languages: list[str]
    ) -> CampaignForm:
        """The partner's lists (with member counts) and the filter values its contacts have."""
        self.lists.choices = select_choices(
            (contact_list.id, f"{contact_list.name} ({count})") for contact_list, count in lists
        )
        self.groups.choices = select_choices((g.code, g.label) for g in event.project.stakeholder_groups)
        self.countries.choices = select_choices((code, geo.country_name(code)) for code in countries)
        self.languages.choices = select_choices((code, geo.language_name(code)) for code in languages)
        return self

    def criteria(self) -> Criteria:
        return Criteria(
            list_ids=tuple(self.lists.data or ()),
            groups=tuple(self.groups.data or ()),
            countries=tuple(self.countries.data or ()),
            languages=tuple(self.languages.data or ()),
        )


class ReminderForm(FlaskForm):
    """The confirm step of the reminder: the number shown is sent back and checked."""

    expected_count = IntegerField(validators=[DataRequired()])
