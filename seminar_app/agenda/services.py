"""Business rules for an event's agenda and speakers.

Items are entered in the event's wall-clock time, must lie inside the event, and
are kept ordered by time. Overlaps are allowed (parallel sessions happen) but
flagged by `overlapping_item_ids` so the organiser sees them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from seminar_app.accounts.models import User
from seminar_app.agenda.models import AgendaItem, Speaker
from seminar_app.db_types import utcnow
from seminar_app.enums import AgendaItemKind, EventStatus
from seminar_app.errors import DomainError, InvalidTransition
from seminar_app.events.models import Event
from seminar_app.extensions import db
from seminar_app.timefmt import to_utc
from seminar_app.validation import FieldErrors


@dataclass
class AgendaItemInput:
    """An agenda item as entered: times are wall-clock times in the event's zone."""

    title: str
    starts_local: datetime
    ends_local: datetime
    kind: AgendaItemKind = AgendaItemKind.TALK
    description: str = ""
    speaker_ids: list[int] = field(default_factory=list)


@dataclass
class SpeakerInput:
    name: str
    affiliation: str = ""
    bio: str = ""


def _touch(event: Event) -> None:
    """The agenda is part of the event's calendar entry: calendars see it changed."""
    event.updated_at = utcnow()


def _ensure_editable(event: Event) -> None:
    if event.status in (EventStatus.CANCELLED, EventStatus.DELIVERED):
        raise InvalidTransition(_("The agenda of a cancelled or delivered event can no longer be changed."))


def _checked_item(event: Event, data: AgendaItemInput) -> tuple[datetime, datetime, list[Speaker]]:
    errors = FieldErrors()
    times: dict[str, datetime] = {}
    for name in ("starts_local", "ends_local"):
        try:
            times[name] = to_utc(getattr(data, name), event.timezone, field=name)
        except DomainError as exc:
            errors.add(name, exc.message)
    errors.fit("title", data.title, AgendaItem.title, required=_l("Give the item a title."))
    errors.fit("description", data.description, AgendaItem.description)
    start, end = times.get("starts_local"), times.get("ends_local")
    if start and end:
        if end <= start:
            errors.add("ends_local", _("The item must end after it starts."))
        if start < event.starts_at or start >= event.ends_at:
            errors.add("starts_local", _("The item must start during the event."))
        if end > event.ends_at or end <= event.starts_at:
            errors.add("ends_local", _("The item must end by the end of the event."))
    speakers: list[Speaker] = []
    if data.speaker_ids:
        speakers = list(
            db.session.scalars(select(Speaker).where(Speaker.id.in_(data.speaker_ids), Speaker.event_id == event.id))
        )
        if len(speakers) != len(set(data.speaker_ids)):
            errors.add("speaker_ids", _("Choose speakers of this event."))
    errors.raise_if_any()
    return start, end, speakers  # type: ignore[return-value]


def add_agenda_item(event: Event, data: AgendaItemInput, *, actor: User | None = None) -> AgendaItem:
    """Add an item inside the event's times, its texts fitting their columns (no control
    characters). Raises `ValidationFailed`, `InvalidTransition`."""
    _ensure_editable(event)
    start, end, speakers = _checked_item(event, data)
    item = AgendaItem(
        event=event,
        starts_at=start,
        ends_at=end,
        title=data.title.strip(),
        description=data.description,
        kind=data.kind,
        speakers=speakers,
    )
    db.session.add(item)
    _touch(event)
    db.session.commit()
    return item


def update_agenda_item(item: AgendaItem, data: AgendaItemInput, *, actor: User | None = None) -> AgendaItem:
    """Change an item; the same rules as adding one."""
    _ensure_editable(item.event)
    start, end, speakers = _checked_item(item.event, data)
    item.starts_at, item.ends_at = start, end
    item.title = data.title.strip()
    item.description = data.description
    item.kind = data.kind
    item.speakers = speakers
    _touch(item.event)
    db.session.commit()
    return item


def remove_agenda_item(item: AgendaItem, *, actor: User | None = None) -> None:
    _ensure_editable(item.event)
    _touch(item.event)
    db.session.delete(item)
    db.session.commit()


def overlapping_item_ids(event: Event) -> set[int]:
    """Ids of items that overlap another item of the same event (breaks included)."""
    items = sorted(event.agenda_items, key=lambda i: (i.starts_at, i.ends_at))
    overlapping: set[int] = set()
    latest_end, latest_id = None, None
    for item in items:
        if latest_end is not None and item.starts_at < latest_end:
            overlapping.update({item.id, latest_id})  # type: ignore[arg-type]
        if latest_end is None or item.ends_at > latest_end:
            latest_end, latest_id = item.ends_at, item.id
    return overlapping


def _checked_speaker(data: SpeakerInput) -> None:
    errors = FieldErrors()
    errors.fit("name", data.name, Speaker.name, required=_l("Give the speaker's name."))
    errors.fit_all(data, Speaker, "affiliation", "bio")
    errors.raise_if_any()


def add_speaker(event: Event, data: SpeakerInput, *, actor: User | None = None) -> Speaker:
    """Add a speaker to the event. Raises `ValidationFailed` for a missing name or a text
    that does not fit (too long, control characters), `InvalidTransition`."""
    _ensure_editable(event)
    _checked_speaker(data)
    speaker = Speaker(event=event, name=data.name.strip(), affiliation=data.affiliation.strip(), bio=data.bio)
    db.session.add(speaker)
    db.session.commit()
    return speaker


def update_speaker(speaker: Speaker, data: SpeakerInput, *, actor: User | None = None) -> Speaker:
    _ensure_editable(speaker.event)
    _checked_speaker(data)
    speaker.name, speaker.affiliation, speaker.bio = data.name.strip(), data.affiliation.strip(), data.bio
    db.session.commit()
    return speaker


def remove_speaker(speaker: Speaker, *, actor: User | None = None) -> None:
    """Remove a speaker; the agenda items they spoke at stay, without them."""
    _ensure_editable(speaker.event)
    db.session.delete(speaker)
    db.session.commit()
