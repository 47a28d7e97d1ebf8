"""Read-only queries behind the public pages and the JSON API.

Only events in a public status (`PUBLIC_STATUSES`) are ever returned: a draft is
invisible here whatever the caller asks. Each function runs a fixed number of SQL
statements whatever the number of events, partners or agenda items.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime
from functools import cache, lru_cache
from typing import Literal, NamedTuple

from sqlalchemy import BigInteger, Integer, Select, bindparam, func, select
from sqlalchemy.orm import contains_eager, joinedload, selectinload

from seminar_app.agenda.models import AgendaItem
from seminar_app.converters import DB_INT_MAX
from seminar_app.db_types import utcnow
from seminar_app.enums import EventFormat
from seminar_app.events.content import offered_in_clause
from seminar_app.events.models import PUBLIC_STATUSES, Event, EventTranslation
from seminar_app.extensions import db
from seminar_app.projects.models import Partner, PrivacyNotice, Project
from seminar_app.registration.queries import note_seats_taken, seats_taken_columns

When = Literal["upcoming", "past"]
WHEN_VALUES: tuple[When, ...] = ("upcoming", "past")


@dataclass(frozen=True)
class EventFilters:
    """What a visitor narrows the event list by; `None` means "any"."""

    project: str | None = None
    country: str | None = None
    language: str | None = None
    format: EventFormat | None = None


@dataclass(frozen=True)
class EventPage:
    """One page of events, with what macros/pagination.html reads of a Flask-SQLAlchemy page."""

    items: list[Event]
    total: int
    page: int
    per_page: int
    # When the next public event ends, which moves it from the upcoming list to the past one
    # (known when the page has events: public.fragments keeps such a page until then).
    next_end: datetime | None = None

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.per_page)) if self.per_page else 1

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def prev_num(self) -> int:
        return self.page - 1

    @property
    def next_num(self) -> int:
        return self.page + 1

    def iter_pages(self) -> range:
        """Every page number: the public list links to each of its pages."""
        return range(1, self.pages + 1)


class ProjectChoice(NamedTuple):
    slug: str
    acronym: str
    name: str


@dataclass(frozen=True)
class FilterOptions:
    """The values that can usefully be chosen in the public filters (those with public events);
    plain values, so that they are kept once per content generation (pagecache.per_generation)."""

    projects: list[ProjectChoice]
    countries: list[str]
    languages: list[str]


def _public_events(*, with_owners: bool = True) -> Select[tuple[Event]]:
    """Public events joined to their partner and project (loaded too, `with_owners`)."""
    query = select(Event).join(Event.partner).join(Partner.project).where(Event.status.in_(PUBLIC_STATUSES))
    return query.options(contains_eager(Event.partner).contains_eager(Partner.project)) if with_owners else query


def _filtered(query: Select[tuple[Event]], filters: EventFilters) -> Select[tuple[Event]]:
    if filters.project:
        query = query.where(Project.slug == filters.project)
    if filters.country:
        query = query.where(Event.country == filters.country.upper())
    if filters.language:
        # Events held in the language, and those with a translation into it.
        query = query.where(offered_in_clause(filters.language))
    if filters.format:
        query = query.where(Event.format == filters.format)
    return query


@lru_cache(maxsize=256)
def _list_statements(
    filters: EventFilters, when: When, with_content: bool
) -> tuple[Select[tuple[Event, int, datetime | None, int, int]], Select[tuple[int]]]:
    """The statements of `list_public_events` (a page, and the count for a page past the end),
    built once per process for each filter: building them was a fifth of the list's time, and
    they differ only by the time and the page, which are bound when they run."""
    query = _filtered(_public_events(with_owners=with_content), filters)
    now = bindparam("now", type_=Event.ends_at.type)
    if when == "past":
        query = query.where(Event.ends_at <= now).order_by(Event.starts_at.desc(), Event.id.desc())
    else:
        query = query.where(Event.ends_at > now).order_by(Event.starts_at, Event.id)
    # The number of matching events comes with each row (a window over the whole match, worked
    # out before LIMIT), so only a page past the end needs a count of its own.
    next_end = select(func.min(Event.ends_at)).where(Event.status.in_(PUBLIC_STATUSES), Event.ends_at > now)
    paged = (
        query.add_columns(func.count().over(), next_end.scalar_subquery(), *seats_taken_columns())
        .limit(bindparam("limit", type_=Integer))
        .offset(bindparam("offset", type_=BigInteger))  # a page far past the end is still asked for
    )
    if with_content:
        paged = paged.options(joinedload(Event.translations))
    count = select(func.count()).select_from(query.order_by(None).subquery())
    return paged, count  # type: ignore[return-value]


def list_public_events(
    filters: EventFilters | None = None,
    when: When = "upcoming",
    page: int = 1,
    per_page: int = 24,
    *,
    now: datetime | None = None,
    with_content: bool = True,
) -> EventPage:
    """One page of public events with their seats taken counted for `seats_by_mode` and (unless
    a page keeps their cards: public.fragments) their partner, project and translations loaded,
    in one SQL statement (two for a page past the end), with the time the next public event
    ends (`EventPage.next_end`) when the page has events.

    "upcoming" is every event not yet ended, soonest first; "past" every ended
    event, most recent first. A page past the end is empty, not an error, and so is a page
    number too large for SQL's OFFSET.
    """
    page = min(max(1, page), DB_INT_MAX)
    paged, count = _list_statements(filters or EventFilters(), when, with_content)
    values = {"now": now or utcnow(), "limit": per_page, "offset": (page - 1) * per_page}
    rows = db.session.execute(paged, values).unique().all()
    for event, _total, _next_end, *taken in rows:
        note_seats_taken(event, taken)
    next_end = None
    if rows:
        total, next_end = rows[0][1], rows[0][2]
    elif page > 1:
        total = db.session.scalar(count, {"now": values["now"]}) or 0
    else:
        total = 0
    items = [row[0] for row in rows]
    return EventPage(items=items, total=total, page=page, per_page=per_page, next_end=next_end)


def load_card_content(events: list[Event]) -> None:
    """Load the partner, project and translations of `events` (loaded without them) in one
    SQL statement."""
    if events:
        query = select(Event).where(Event.id.in_([e.id for e in events]))
        query = query.options(joinedload(Event.partner).joinedload(Partner.project), joinedload(Event.translations))
        db.session.execute(query).unique().all()


def public_filter_options() -> FilterOptions:
    """Projects, countries and languages that have at least one public event (held in the
    language or translated into it)."""
    public = Event.status.in_(PUBLIC_STATUSES)
    project_ids = select(Partner.project_id).join(Event, Event.partner_id == Partner.id).where(public)
    projects = db.session.execute(
        select(Project.slug, Project.acronym, Project.name).where(Project.id.in_(project_ids)).order_by(Project.acronym)
    )
    countries = db.session.scalars(select(Event.country).where(public).distinct())
    held = select(Event.language).where(public)
    translated = select(EventTranslation.language).join(Event, Event.id == EventTranslation.event_id).where(public)
    languages = db.session.scalars(held.union(translated))
    return FilterOptions(
        projects=[ProjectChoice(*row) for row in projects],
        countries=sorted(countries),
        languages=sorted(set(languages)),
    )


@cache
def _event_statement(by_id: bool, with_content: bool) -> Select[tuple[Event, int, int]]:
    """The statement of `get_public_event`, built once per process: building it was a fifth of
    the event page's time, and it differs only by the key, which is bound when it runs."""
    # Translations are few per event and per item, so they are joined to the event's and the
    # agenda's queries rather than fetched by queries of their own (five statements in all;
    # one without the content, for a page whose content is kept: public.fragments).
    if with_content:
        query = _public_events().options(
            joinedload(Event.translations),
            selectinload(Event.agenda_items).joinedload(AgendaItem.translations),
            selectinload(Event.agenda_items).selectinload(AgendaItem.speakers),
            selectinload(Event.speakers),
            selectinload(Event.results),
        )
    else:
        query = select(Event).where(Event.status.in_(PUBLIC_STATUSES))
    key = Event.id if by_id else Event.slug
    return query.where(key == bindparam("key")).add_columns(*seats_taken_columns())  # type: ignore[return-value]


def get_public_event(key: int | str, *, with_content: bool = True) -> Event | None:
    """The public event with this id (int) or slug (str), with its seats taken counted for
    `seats_by_mode`, and (`with_content`) its partner, project, translations, agenda, speakers
    and results loaded; `None` for drafts and unknown keys."""
    statement = _event_statement(isinstance(key, int), with_content)
    row = db.session.execute(statement, {"key": key}).unique().first()
    if row is None:
        return None
    event, *taken = row
    note_seats_taken(event, taken)
    return event


def get_public_event_for_calendar(slug: str) -> Event | None:
    """The public event with what its calendar file shows loaded (partner, project, texts,
    agenda and their translations) in one SQL statement; `None` for drafts and unknown slugs."""
    # One statement for it all: an event has a handful of translations and agenda items, so
    # the joined rows stay few, and a round trip to the database costs more than they do.
    query = _public_events().options(
        joinedload(Event.translations), joinedload(Event.agenda_items).joinedload(AgendaItem.translations)
    )
    return db.session.scalars(query.where(Event.slug == slug)).unique().first()


def get_public_project(slug: str) -> Project | None:
    """The project with its partners and results loaded, or `None`."""
    query = (
        select(Project)
        .where(Project.slug == slug)
        .options(selectinload(Project.partners), selectinload(Project.results), selectinload(Project.privacy_notices))
    )
    return db.session.scalars(query).first()


def projects_with_privacy_notices() -> list[Project]:
    """Every project, by acronym, with its privacy notice versions and their texts loaded."""
    notices = selectinload(Project.privacy_notices)
    query = select(Project).options(notices.selectinload(PrivacyNotice.texts)).order_by(Project.acronym)
    return list(db.session.scalars(query))
