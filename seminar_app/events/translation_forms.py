"""The organiser's form for an event's texts in one language. It checks nothing but its
shape: every rule (title required, lengths, languages) lives in events.translation_services."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import Field, HiddenField, StringField, TextAreaField

from seminar_app.agenda.models import AgendaItem
from seminar_app.events.models import Event, EventTranslation
from seminar_app.events.translation_services import AgendaTextInput, EventTranslationInput, translation_for


def agenda_field_names(item: AgendaItem) -> tuple[str, str]:
    """The form's (title, description) fields of an agenda item; the service reports its
    errors under the same names."""
    return f"agenda-{item.id}-title", f"agenda-{item.id}-description"


class TranslationForm(FlaskForm):
    # "1" when the form was shown to create the translation: saving then refuses a duplicate
    # that someone else created in the meantime instead of overwriting it.
    new = HiddenField()
    title = StringField(_l("Title"))
    summary = TextAreaField(_l("Summary"), render_kw={"rows": 2})
    description = TextAreaField(_l("Description"), render_kw={"rows": 8})
    objective = TextAreaField(_l("Objective"), render_kw={"rows": 2})

    def agenda_fields(self, item: AgendaItem) -> tuple[Field, Field]:
        title, description = agenda_field_names(item)
        return self[title], self[description]

    def to_input(self, event: Event) -> EventTranslationInput:
        agenda = {}
        for item in event.agenda_items:
            title, description = self.agenda_fields(item)
            agenda[item.id] = AgendaTextInput(title.data or "", description.data or "")
        return EventTranslationInput(
            title=self.title.data or "",
            summary=self.summary.data or "",
            description=self.description.data or "",
            objective=self.objective.data or "",
            agenda=agenda,
        )


def translation_form(event: Event, language: str, *, formdata: bool = True) -> TranslationForm:
    """The form for `event` in `language`: one pair of fields per agenda item, filled with the
    saved translation (if any) when shown."""
    fields: dict[str, Field] = {}
    for item in event.agenda_items:
        title, description = agenda_field_names(item)
        fields[title] = StringField(_l("Title"))
        fields[description] = TextAreaField(_l("Description"), render_kw={"rows": 2})
    form_class = type("EventTranslationForm", (TranslationForm,), fields)
    translation: EventTranslation | None = translation_for(event, language)
    data: dict[str, str] = {"new": "" if translation else "1"}
    if translation is not None:
        data.update(
            title=translation.title,
            summary=translation.summary,
            description=translation.description,
            objective=translation.objective,
        )
        for item in event.agenda_items:
            text = next((t for t in item.translations if t.language == language), None)
            if text is not None:
                title, description = agenda_field_names(item)
                data[title], data[description] = text.title, text.description
    if not formdata:
        return form_class(formdata=None, data=data)
    return form_class(data=data)
