"""Read-only views of an event's registrations for the organiser pages, exports and reports.

Each function runs a fixed number of SQL queries, whatever the number of registrations.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache

from flask import has_request_context, request
from sqlalchemy import Select, bindparam, case, func, select
from sqlalchemy.orm import Session, joinedload, selectinload
from sqlalchemy.sql.selectable import ScalarSelect

from seminar_app import pagecache
from seminar_app.enums import AttendanceMode, RegistrationStatus
from seminar_app.events.models import Event
from seminar_app.extensions import db
from seminar_app.projects.models import Partner, PrivacyNotice, Project
from seminar_app.registration.models import Registration
from seminar_app.registration.services import ACTIVE, WAITLIST_ORDER, capacity, offered_modes
from seminar_app.textsearch import matches


def event_to_register(event_id: int) -> Event | None:
    """The event with everything a registration reads (its partner and project, the event's
    translations and agenda for the mail and calendar entry, the project's privacy notices with
    their texts and its stakeholder groups): registration through the API is a hot path (issue 18).

    Read in 3 statements, and then kept in the worker for the rest of the content generation
    (`_kept_events`): the next registrations get a copy in their session without a statement,
    since only a public edit, which starts a new generation, changes what is kept. The event's
    own row is read again under the seat lock (`services._lock_event(refresh=True)`, or the share
    lock of `services._share_event`), so what changes without an edit (its SEQUENCE, its seat
    limits written in SQL) is never taken from the copy."""
    kept = _kept_events()
    if kept is None:
        return _read_event_to_register(event_id)
    if event_id not in kept:
        event = _read_event_to_register(event_id)
        if event is None:
            return None
        if len(kept) >= _MOST_KEPT_EVENTS:
            kept.clear()
        # A detached copy, so that nothing the request changes on its own objects is kept.
        copier = Session()
        kept[event_id] = copier.merge(event, load=False)
        copier.expunge_all()
        return event
    return db.session.merge(kept[event_id], load=False)


def _read_event_to_register(event_id: int) -> Event | None:
    return db.session.scalars(_event_to_register_statement(), {"event_id": event_id}).unique().first()


_MOST_KEPT_EVENTS = 256


def _kept_events() -> dict[int, Event] | None:
    """The events kept in this worker for the current content generation, by id."""
    return pagecache.kept_in_worker("events-to-register")


@cache
def _event_to_register_statement() -> Select[tuple[Event]]:
    """The statement of `event_to_register`, built once per process with the id bound when it
    runs: building it and its loader options was about a sixth of reading the event."""
    # An event has a handful of translations and agenda items, and a notice a handful of texts:
    # joined, their rows stay few, and each round trip saved is worth more than they cost.
    project = joinedload(Event.partner).joinedload(Partner.project)
    return (
        select(Event)
        .where(Event.id == bindparam("event_id"))
        .options(
            project.selectinload(Project.stakeholder_groups),
            project.selectinload(Project.privacy_notices).joinedload(PrivacyNotice.texts),
            joinedload(Event.translations),
            joinedload(Event.agenda_items),
        )
    )


SORTS = ("name", "organisation", "created", "status")
_STATUS_ORDER = (
    RegistrationStatus.PENDING,
    RegistrationStatus.CONFIRMED,
    RegistrationStatus.WAITLISTED,
    RegistrationStatus.CANCELLED,
    RegistrationStatus.DECLINED,
)


@dataclass
class ModeSummary:
    mode: AttendanceMode
    capacity: int | None
    by_status: dict[RegistrationStatus, int]

    @property
    def seats_taken(self) -> int:
        return sum(self.by_status[s] for s in ACTIVE)

    @property
    def seats_left(self) -> int | None:
        """None when the mode has no limit; never below 0 (an organiser may seat people beyond it)."""
        return None if self.capacity is None else max(self.capacity - self.seats_taken, 0)


@dataclass
class RegistrationSummary:
    modes: list[ModeSummary]
    totals: dict[RegistrationStatus, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.totals.values())


def summary(event: Event) -> RegistrationSummary:
    """Registrations per status and mode, with each offered mode's capacity and seats left."""
    rows = db.session.execute(
        select(Registration.status, Registration.mode, func.count())
        .where(Registration.event_id == event.id)
        .group_by(Registration.status, Registration.mode)
    ).all()
    counts = {(status, mode): n for status, mode, n in rows}
    modes = list(offered_modes(event))
    # People kept in a mode the event no longer offers (its format changed) still count.
    modes += [m for m in AttendanceMode if m not in modes and any(mode is m for _, mode in counts)]
    mode_summaries = [
        ModeSummary(m, capacity(event, m), {s: counts.get((s, m), 0) for s in _STATUS_ORDER}) for m in modes
    ]
    totals = {s: sum(n for (status, _), n in counts.items() if status is s) for s in _STATUS_ORDER}
    return RegistrationSummary(mode_summaries, totals)


@dataclass
class RegistrationRow:
    """A registration as the organiser's table and the exports show it."""

    registration: Registration
    waitlist_position: int | None
    group_label: str


def _waitlist_positions(event: Event) -> dict[int, int]:
    ids_by_mode = db.session.execute(
        select(Registration.id, Registration.mode)
        .where(Registration.event_id == event.id, Registration.status == RegistrationStatus.WAITLISTED)
        .order_by(*WAITLIST_ORDER)
    ).all()
    positions: dict[int, int] = {}
    seen: dict[AttendanceMode, int] = {}
    for reg_id, mode in ids_by_mode:
        seen[mode] = seen.get(mode, 0) + 1
        positions[reg_id] = seen[mode]
    return positions


def registration_rows(
    event: Event,
    *,
    search: str = "",
    sort: str = "created",
    descending: bool = False,
    with_consents: bool = False,
) -> list[RegistrationRow]:
    """The event's registrations, filtered by `search` (name, e-mail or organisation, any
    case, with or without accents, on every database) and ordered by `sort` (one of
    `SORTS`; unknown values sort by registration time). Waiting-list positions count every
    waiting person, not only those matching the search."""
    query = select(Registration).where(Registration.event_id == event.id)
    status_rank = case({s: n for n, s in enumerate(_STATUS_ORDER)}, value=Registration.status)
    keys = {
        "name": func.lower(Registration.name),
        "organisation": func.lower(Registration.organisation),
        "status": status_rank,
        "created": Registration.created_at,
    }
    key = keys.get(sort, Registration.created_at)
    query = query.order_by(key.desc() if descending else key.asc(), Registration.id)
    if with_consents:
        query = query.options(selectinload(Registration.consents))
    registrations = [r for r in db.session.scalars(query) if matches(search, r.name, r.email, r.organisation)]
    positions = _waitlist_positions(event)
    groups = {g.code: g.display_label for g in event.project.stakeholder_groups}
    return [
        RegistrationRow(r, positions.get(r.id), groups.get(r.stakeholder_group, r.stakeholder_group))
        for r in registrations
    ]


def registration_of_event(event: Event, registration_id: int) -> Registration | None:
    """The registration with this id if it belongs to `event` (never another event's)."""
    return db.session.scalar(
        select(Registration).where(Registration.id == registration_id, Registration.event_id == event.id)
    )


def next_in_line(registration: Registration) -> Registration | None:
    """Who would get the seat `registration` frees if it were cancelled or declined now:
    the first person waiting in its mode, if a seat would then be free. Lets pages name
    who will be told by e-mail before anything is sent."""
    if registration.status not in ACTIVE:
        return None
    event = registration.event
    limit = capacity(event, registration.mode)
    if limit is not None:
        taken = db.session.scalar(
            select(func.count()).where(
                Registration.event_id == event.id,
                Registration.mode == registration.mode,
                Registration.status.in_(ACTIVE),
            )
        )
        if (taken or 0) - 1 >= limit:
            return None
    return db.session.scalar(
        select(Registration)
        .where(
            Registration.event_id == event.id,
            Registration.mode == registration.mode,
            Registration.status == RegistrationStatus.WAITLISTED,
        )
        .order_by(*WAITLIST_ORDER)
        .limit(1)
    )


@dataclass(frozen=True)
class Seats:
    mode: AttendanceMode
    left: int | None  # None: no limit

    @property
    def full(self) -> bool:
        return self.left is not None and self.left <= 0


@dataclass
class _SeatCounts:
    """Seats taken per (event, mode), and which events have been counted."""

    taken: dict[tuple[int, AttendanceMode], int] = field(default_factory=dict)
    counted: set[int] = field(default_factory=set)


def _seat_counts() -> _SeatCounts:
    """This request's counts. Kept on the request, not on `g`, which outlives the request when
    an app context was already pushed (as in tests); outside a request, a fresh one per call."""
    if not has_request_context():
        return _SeatCounts()
    counts = getattr(request, "_registration_seat_counts", None)
    if counts is None:
        counts = request._registration_seat_counts = _SeatCounts()  # type: ignore[attr-defined]
    return counts


def _count_into(counts: _SeatCounts, events: Iterable[Event]) -> None:
    ids = sorted({e.id for e in events if e.id not in counts.counted and e.registration_open()})
    if not ids:
        return
    rows = db.session.execute(
        select(Registration.event_id, Registration.mode, func.count())
        .where(Registration.event_id.in_(ids), Registration.status.in_(ACTIVE))
        .group_by(Registration.event_id, Registration.mode)
    )
    counts.taken.update({(event_id, mode): n for event_id, mode, n in rows})
    counts.counted.update(ids)


def seats_taken_columns() -> list[ScalarSelect[int]]:
    """The seats taken of the event being selected, one column per attendance mode, to load
    with the event in the same statement; `note_seats_taken` hands them to `seats_by_mode`."""
    return [
        select(func.count())
        .where(Registration.event_id == Event.id, Registration.mode == mode, Registration.status.in_(ACTIVE))
        .correlate(Event)
        .scalar_subquery()
        for mode in AttendanceMode
    ]


def note_seats_taken(event: Event, taken: Sequence[int]) -> None:
    """Record the `seats_taken_columns` loaded with `event` as this request's count."""
    counts = _seat_counts()
    counts.taken.update({(event.id, mode): n for mode, n in zip(AttendanceMode, taken, strict=True)})
    counts.counted.add(event.id)


def seats_by_mode(event: Event) -> list[Seats]:
    """Seats left in each mode the event offers; empty when registration is not open."""
    if not event.registration_open():
        return []
    counts = _seat_counts()
    if event.id not in counts.counted:
        _count_into(counts, [event])
    seats = []
    for mode in offered_modes(event):
        limit = capacity(event, mode)
        taken = counts.taken.get((event.id, mode), 0)
        seats.append(Seats(mode, None if limit is None else max(0, limit - taken)))
    return seats
