"""Forms for agenda items and speakers. Shape only; the rules live in agenda.services."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length

from seminar_app.agenda.models import AgendaItem, Speaker
from seminar_app.agenda.services import AgendaItemInput, SpeakerInput
from seminar_app.enums import AgendaItemKind
from seminar_app.events.forms import local_datetime_field, select_choices
from seminar_app.forms import MultiCheckboxField
from seminar_app.timefmt import to_local


class AgendaItemForm(FlaskForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    kind = SelectField(_l("Type"), choices=select_choices(AgendaItemKind.choices()))
    starts_local = local_datetime_field(_l("Start (local time of the event)"), required=True)
    ends_local = local_datetime_field(_l("End (local time of the event)"), required=True)
    description = TextAreaField(_l("Description (Markdown)"), render_kw={"rows": 4})
    speaker_ids = MultiCheckboxField(_l("Speakers"), coerce=int)

    def setup(self, speakers: list[Speaker]) -> AgendaItemForm:
        self.speaker_ids.choices = select_choices(
            (s.id, f"{s.name} ({s.affiliation})" if s.affiliation else s.name) for s in speakers
        )
        return self

    def to_input(self) -> AgendaItemInput:
        return AgendaItemInput(
            title=(self.title.data or "").strip(),
            starts_local=self.starts_local.data,  # type: ignore[arg-type]
            ends_local=self.ends_local.data,  # type: ignore[arg-type]
            kind=AgendaItemKind(self.kind.data),
            description=self.description.data or "",
            speaker_ids=list(self.speaker_ids.data or []),
        )


def item_form_data(item: AgendaItem) -> dict[str, Any]:
    tz = item.event.timezone
    return {
        "title": item.title,
        "kind": item.kind.value,
        "starts_local": to_local(item.starts_at, tz),
        "ends_local": to_local(item.ends_at, tz),
        "description": item.description,
        "speaker_ids": [s.id for s in item.speakers],
    }


class SpeakerForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    affiliation = StringField(_l("Organisation or role"), validators=[Length(max=200)])
    bio = TextAreaField(_l("Short biography (Markdown)"), render_kw={"rows": 4})

    def to_input(self) -> SpeakerInput:
        return SpeakerInput(name=self.name.data or "", affiliation=self.affiliation.data or "", bio=self.bio.data or "")


def speaker_form_data(speaker: Speaker) -> dict[str, Any]:
    return asdict(SpeakerInput(name=speaker.name, affiliation=speaker.affiliation, bio=speaker.bio))
