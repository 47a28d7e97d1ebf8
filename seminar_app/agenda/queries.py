"""Read-only views of an agenda, shared by the organiser workspace and the public pages."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from seminar_app.agenda.models import AgendaItem
from seminar_app.events.models import Event
from seminar_app.extensions import db


def group_by_local_day(event: Event, items: Iterable[AgendaItem] | None = None) -> list[tuple[date, list[AgendaItem]]]:
    """Agenda items in time order, grouped by calendar day in the event's own zone.

    Uses `event.agenda_items` unless `items` is given (already loaded, so no query runs here)."""
    ordered = sorted(event.agenda_items if items is None else items, key=lambda i: (i.starts_at, i.ends_at, i.id))
    days: dict[date, list[AgendaItem]] = {}
    for item in ordered:
        days.setdefault(item.starts_at.astimezone(event.tz).date(), []).append(item)
    return list(days.items())


def agenda_with_speakers(event: Event) -> list[AgendaItem]:
    """The event's items with their speakers and translations, in three queries whatever the
    agenda's length."""
    query = (
        select(AgendaItem)
        .where(AgendaItem.event_id == event.id)
        .options(selectinload(AgendaItem.speakers), selectinload(AgendaItem.translations))
    )
    return list(db.session.scalars(query))
