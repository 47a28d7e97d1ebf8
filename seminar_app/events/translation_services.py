"""Business rules for an event's texts in other languages than its main one.

A translation carries only texts (title, summary, description, objective, and agenda
items' titles and descriptions): dates, places, capacity and the calendar UID are the
event's own and a translation never touches them. Every function validates the whole
input, raises `ValidationFailed` (field -> messages) or a `DomainError`, and commits on
success; a rejected call changes nothing.

Calendar entries are written in each registrant's own language (`Registration.language`),
so a change to the translation into one language is sent only to confirmed registrants of
that language whose entry's text actually changed; the SEQUENCE rises only then.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, select

from seminar_app import i18n
from seminar_app.accounts.models import User
from seminar_app.agenda.models import AgendaItem, AgendaItemTranslation
from seminar_app.calendar import invitations
from seminar_app.enums import RegistrationStatus
from seminar_app.errors import Conflict, DomainError, ValidationFailed
from seminar_app.events.content import localized
from seminar_app.events.models import Event, EventTranslation
from seminar_app.extensions import db
from seminar_app.geo import language_name
from seminar_app.registration import emails
from seminar_app.registration.models import Registration
from seminar_app.validation import FieldErrors

EVENT_TEXT_FIELDS = ("title", "summary", "description", "objective")


@dataclass
class AgendaTextInput:
    """An agenda item's title and description in the translation's language."""

    title: str = ""
    description: str = ""


@dataclass
class EventTranslationInput:
    """The event's texts in one language. `agenda` maps agenda item ids to their texts;
    an item whose title and description are both left empty has no translation."""

    title: str
    summary: str = ""
    description: str = ""
    objective: str = ""
    agenda: dict[int, AgendaTextInput] = field(default_factory=dict)


def translation_for(event: Event, language: str) -> EventTranslation | None:
    return next((t for t in event.translations if t.language == language), None)


def item_translation(item: AgendaItem, language: str) -> AgendaItemTranslation | None:
    return next((t for t in item.translations if t.language == language), None)


def _check_language(event: Event, language: str) -> None:
    if not i18n.is_shipped(language):
        raise ValidationFailed(
            {"language": [_("Translations can be written in the product's languages only: choose one from the list.")]}
        )
    if language == event.language:
        raise ValidationFailed(
            {
                "language": [
                    _(
                        "%(language)s is the event's main language: edit the event itself to change these texts.",
                        language=language_name(language),
                    )
                ]
            }
        )


# --- who reads a language, and telling them --------------------------------------------


def readers_query(event: Event, language: str) -> Select[tuple[Registration]]:
    """Confirmed registrants of `event` whose own language is `language`."""
    return select(Registration).where(
        Registration.event_id == event.id,
        Registration.status == RegistrationStatus.CONFIRMED,
        Registration.erased_at.is_(None),
        Registration.language == language,
    )


def calendar_text(event: Event, language: str) -> tuple[object, ...]:
    """The texts a reader of `language` finds in the event's calendar entry (see
    calendar.ics: the title, the summary and the agenda's outline). The description and the
    objective are not in it, so correcting them sends nobody an update."""
    shown = localized(event, language)
    return (shown.title, shown.summary, tuple(item.title for item in shown.agenda_items))


def _tell_readers(event: Event, language: str, before: tuple[object, ...]) -> int:
    """Queue an updated calendar entry for the confirmed readers of `language` whose text
    changed, in the caller's transaction. Returns how many were told."""
    if event.status not in invitations.LIVE_STATUSES:
        return 0
    if calendar_text(event, language) == before:
        return 0
    readers = list(db.session.scalars(readers_query(event, language).order_by(Registration.id)))
    if readers:
        sequence = invitations.next_sequence(event)
        unchanged = invitations.snapshot(event)
        for registration in readers:
            emails.queue_event_changed(registration, unchanged, sequence)
    return len(readers)


# --- event translations ------------------------------------------------------------------


def _check_agenda(event: Event, agenda: dict[int, AgendaTextInput], errors: FieldErrors) -> dict[int, AgendaItem]:
    items = {item.id: item for item in event.agenda_items}
    if any(item_id not in items for item_id in agenda):
        raise DomainError(
            _("An agenda item of another event cannot be translated here: reload the page and try again."),
            field="agenda",
            code="foreign_agenda_item",
        )
    for item_id, text in agenda.items():
        name = f"agenda-{item_id}"
        if text.description.strip() and not text.title.strip():
            errors.add(f"{name}-title", _("Give the translated agenda item a title, or leave both fields empty."))
        else:
            errors.fit(f"{name}-title", text.title, AgendaItemTranslation.title)
        errors.fit(f"{name}-description", text.description, AgendaItemTranslation.description)
    return items


def save_event_translation(
    event: Event, language: str, data: EventTranslationInput, *, actor: User | None = None, new: bool = False
) -> EventTranslation:
    """Create or change the event's texts in `language` (with `new`, only create: a
    translation that already exists is refused as a duplicate). Agenda items listed in
    `data.agenda` get their texts too. Confirmed registrants who read the event in
    `language` get an updated calendar entry if what they read changed.

    Raises `ValidationFailed` (a language the product does not ship, the event's main
    language, an empty title, texts too long), `Conflict` (a duplicate) and `DomainError`
    (an agenda item of another event)."""
    _check_language(event, language)
    existing = translation_for(event, language)
    if new and existing is not None:
        raise Conflict(
            _(
                "This event already has a translation into %(language)s: edit that one instead.",
                language=language_name(language),
            ),
            field="language",
            code="duplicate_translation",
        )
    errors = FieldErrors()
    errors.fit("title", data.title, EventTranslation.title, required=_l("Give the translation a title."))
    errors.fit_all(data, EventTranslation, "summary", "description", "objective")
    items = _check_agenda(event, data.agenda, errors)
    errors.raise_if_any()

    before = calendar_text(event, language)
    translation = existing or EventTranslation(language=language)
    translation.title = data.title.strip()
    translation.summary = data.summary.strip()
    translation.description = data.description if data.description.strip() else ""
    translation.objective = data.objective.strip()
    if existing is None:
        event.translations.append(translation)
    for item_id, text in data.agenda.items():
        _apply_item_text(items[item_id], language, text.title, text.description)
    _tell_readers(event, language, before)
    db.session.commit()
    return translation


def delete_event_translation(event: Event, language: str, *, actor: User | None = None) -> None:
    """Remove the event's texts in `language`, with its agenda items' texts in it. Its
    readers then get the main language; confirmed ones among them get an updated entry.
    Raises `DomainError` (code "not_found") when there is no such translation."""
    translation = translation_for(event, language)
    if translation is None:
        raise DomainError(
            _("This event has no translation into %(language)s.", language=language_name(language)),
            field="language",
            code="not_found",
        )
    before = calendar_text(event, language)
    event.translations.remove(translation)
    for item in event.agenda_items:
        text = item_translation(item, language)
        if text is not None:
            item.translations.remove(text)
    _tell_readers(event, language, before)
    db.session.commit()


# --- agenda item translations ------------------------------------------------------------


def _apply_item_text(item: AgendaItem, language: str, title: str, description: str) -> None:
    existing = item_translation(item, language)
    if not title.strip() and not description.strip():
        if existing is not None:
            item.translations.remove(existing)
        return
    translation = existing or AgendaItemTranslation(language=language)
    translation.title = title.strip()
    translation.description = description if description.strip() else ""
    if existing is None:
        item.translations.append(translation)


def _check_item(item: AgendaItem, language: str, event: Event | None) -> Event:
    if event is not None and item.event_id != event.id:
        raise DomainError(
            _("An agenda item of another event cannot be translated here: reload the page and try again."),
            field="agenda",
            code="foreign_agenda_item",
        )
    own = item.event
    _check_language(own, language)
    if translation_for(own, language) is None:
        raise DomainError(
            _(
                "Translate the event's title into %(language)s before its agenda.",
                language=language_name(language),
            ),
            field="language",
            code="no_event_translation",
        )
    return own


def save_agenda_item_translation(
    item: AgendaItem,
    language: str,
    title: str,
    description: str = "",
    *,
    actor: User | None = None,
    event: Event | None = None,
) -> AgendaItemTranslation:
    """Create or change an agenda item's title and description in `language`; the event must
    have a translation into it. `event`: the event the caller believes the item belongs to.
    Raises `ValidationFailed` (language, empty title, lengths) and `DomainError` (an item of
    another event, no event translation yet)."""
    own = _check_item(item, language, event)
    errors = FieldErrors()
    errors.fit("title", title, AgendaItemTranslation.title, required=_l("Give the translated agenda item a title."))
    errors.fit("description", description, AgendaItemTranslation.description)
    errors.raise_if_any()
    before = calendar_text(own, language)
    _apply_item_text(item, language, title, description)
    _tell_readers(own, language, before)
    db.session.commit()
    translation = item_translation(item, language)
    assert translation is not None
    return translation


def delete_agenda_item_translation(
    item: AgendaItem, language: str, *, actor: User | None = None, event: Event | None = None
) -> None:
    """Remove an agenda item's texts in `language` (its readers see the main language's).
    Raises `DomainError` for an item of another event or when there is no such translation."""
    own = _check_item(item, language, event)
    existing = item_translation(item, language)
    if existing is None:
        raise DomainError(
            _("This agenda item has no translation into %(language)s.", language=language_name(language)),
            field="language",
            code="not_found",
        )
    before = calendar_text(own, language)
    item.translations.remove(existing)
    _tell_readers(own, language, before)
    db.session.commit()
