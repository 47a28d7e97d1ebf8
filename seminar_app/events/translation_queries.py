"""Read-only questions about an event's translations, for the organiser's Translations tab."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import func

from seminar_app import i18n
from seminar_app.agenda.models import AgendaItem
from seminar_app.calendar import invitations
from seminar_app.events.models import Event, EventTranslation
from seminar_app.events.translation_services import (
    EVENT_TEXT_FIELDS,
    item_translation,
    readers_query,
    translation_for,
)
from seminar_app.extensions import db


def count_readers_with_entries(event: Event, language: str) -> int:
    """How many people a change of the translation into `language` may send an update to:
    confirmed registrants whose own language it is (0 unless the event is published or postponed)."""
    if event.status not in invitations.LIVE_STATUSES:
        return 0
    query = readers_query(event, language).with_only_columns(func.count()).order_by(None)
    return db.session.scalar(query) or 0


@dataclass
class TranslationStatus:
    """How far the event's texts are translated into one language, for the organiser."""

    language: str
    name: str
    state: str  # "main", "complete", "partial" or "none"
    missing_fields: list[str] = field(default_factory=list)
    missing_items: list[AgendaItem] = field(default_factory=list)
    translation: EventTranslation | None = None


def translation_statuses(event: Event) -> list[TranslationStatus]:
    """One line per shipped language: the main one, then the others in the product's order.
    A field counts as missing where the main text has a value and the translation none."""
    statuses = []
    for code, name in i18n.shipped_languages().items():
        if code == event.language:
            statuses.append(TranslationStatus(code, name, "main"))
            continue
        translation = translation_for(event, code)
        if translation is None:
            statuses.append(TranslationStatus(code, name, "none"))
            continue
        missing_fields = [
            f for f in EVENT_TEXT_FIELDS if getattr(event, f).strip() and not getattr(translation, f).strip()
        ]
        missing_items = []
        for item in event.agenda_items:
            text = item_translation(item, code)
            if text is None or (item.description.strip() and not text.description.strip()):
                missing_items.append(item)
        state = "partial" if missing_fields or missing_items else "complete"
        statuses.append(TranslationStatus(code, name, state, missing_fields, missing_items, translation))
    return statuses
