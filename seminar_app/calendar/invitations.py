"""Registrants' calendar entries: who has one, the iTIP objects that keep it true, and
the per-event SEQUENCE.

A registrant has an entry once their place is confirmed (pending and waitlisted people
get none). Each change to an entry is sent with a SEQUENCE higher than any sent before
for the event, taken from `event.ical_sequence`, which is raised in SQL so that two
requests can never hand out the same number and a restart loses nothing.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, select, update
from sqlalchemy.orm.attributes import set_committed_value

from seminar_app.calendar.ics import Invitee, UidSpace, event_location, itip_calendar, personal_calendar
from seminar_app.enums import EventStatus, RegistrationStatus
from seminar_app.events.content import LocalizedEvent, localized
from seminar_app.events.models import Event
from seminar_app.extensions import db
from seminar_app.installation import calendar_uid_settings
from seminar_app.registration.models import Registration
from seminar_app.timefmt import format_span, zone_label

# What a calendar entry shows: a change to any of these is sent to every attendee.
CALENDAR_FIELDS = (
    "title",
    "starts_at",
    "ends_at",
    "format",
    "venue_name",
    "address",
    "city",
    "country",
    "online_platform",
    "joining_url",
)
# Events whose attendees' entries are kept up to date.
LIVE_STATUSES = (EventStatus.PUBLISHED, EventStatus.POSTPONED)


def uid_space() -> UidSpace:
    """This installation's UIDs: the public site's host name and the installation's id."""
    domain = urlsplit(current_app.config["PUBLIC_BASE_URL"]).hostname or "localhost"
    return UidSpace(domain, *calendar_uid_settings())


def event_as_seen(registration: Registration) -> LocalizedEvent:
    """The registration's event with its texts in the registrant's language where it is
    translated, in its main language otherwise: what their mails and calendar entry show."""
    return localized(registration.event, registration.language)


def has_entry(registration: Registration) -> bool:
    """Whether the registrant was sent an invitation that is still in force."""
    return registration.status is RegistrationStatus.CONFIRMED and not registration.is_erased


def _with_entries(event: Event) -> Any:
    return (
        Registration.event_id == event.id,
        Registration.status == RegistrationStatus.CONFIRMED,
        Registration.erased_at.is_(None),
    )


def attendees_with_entries(event: Event) -> list[Registration]:
    """Confirmed registrants of `event` (their calendars hold its entry), in registration order."""
    return list(db.session.scalars(select(Registration).where(*_with_entries(event)).order_by(Registration.id)))


def count_attendees_with_entries(event: Event) -> int:
    """How many people an update of `event` would reach (0 unless it is published or postponed)."""
    if event.status not in LIVE_STATUSES:
        return 0
    return db.session.scalar(select(func.count()).select_from(Registration).where(*_with_entries(event))) or 0


def count_still_registered(event: Event) -> int:
    """How many people a postponement or cancellation of `event` would reach
    (confirmed, pending and waiting)."""
    if event.status not in LIVE_STATUSES:
        return 0
    waiting = (RegistrationStatus.CONFIRMED, RegistrationStatus.PENDING, RegistrationStatus.WAITLISTED)
    query = select(func.count()).select_from(Registration)
    query = query.where(
        Registration.event_id == event.id, Registration.status.in_(waiting), Registration.erased_at.is_(None)
    )
    return db.session.scalar(query) or 0


def next_sequence(event: Event) -> int:
    """Raise the event's SEQUENCE in the database and return the new value (in the caller's
    transaction: the UPDATE also locks the event's row until the caller commits)."""
    value = db.session.execute(
        update(Event)
        .where(Event.id == event.id)
        .values(ical_sequence=Event.ical_sequence + 1)
        .returning(Event.ical_sequence)
        .execution_options(synchronize_session=False)
    ).scalar_one()
    set_committed_value(event, "ical_sequence", value)
    return value


def snapshot(event: Event) -> dict[str, object]:
    """The values of `event` that its calendar entries show."""
    return {name: getattr(event, name) for name in CALENDAR_FIELDS}


def describe_changes(before: dict[str, object], event: Event, registration: Registration) -> list[str]:
    """One sentence per change the registrant will notice, in the current language."""
    after = snapshot(event)
    changed = {name for name in CALENDAR_FIELDS if before[name] != after[name]}
    lines = []
    seen = event_as_seen(registration)
    # A registrant reading a translated title does not see the main title change.
    if "title" in changed and seen.lang_of("title") == event.language:
        lines.append(_("New title: %(title)s", title=seen.title))
    if changed & {"starts_at", "ends_at"}:
        lines.append(
            _(
                "New time: %(when)s (%(zone)s)",
                when=format_span(event.starts_at, event.ends_at, event.timezone),
                zone=zone_label(event.starts_at, event.timezone),
            )
        )
    if changed & {"format", "venue_name", "address", "city", "country", "online_platform"}:
        lines.append(_("New place: %(place)s", place=event_location(event)))
    if "joining_url" in changed and registration.may_join_online:
        lines.append(_("New joining link: %(url)s", url=event.joining_url))
    return lines


def invitee(registration: Registration, private_url: str) -> Invitee:
    return Invitee(
        email=registration.email or "",
        name=registration.name,
        private_url=private_url,
        joining_url=registration.event.joining_url if registration.may_join_online else "",
    )


def invitation(
    registration: Registration,
    *,
    method: str,
    sequence: int,
    private_url: str,
    event_url: str,
    seen: LocalizedEvent | None = None,
) -> str:
    """The iTIP REQUEST or CANCEL for the registrant's entry, as text for the outbox, with the
    event's texts in the registrant's language where translated (`seen`, when the caller
    already has `event_as_seen(registration)`)."""
    return itip_calendar(
        seen or event_as_seen(registration),
        invitee(registration, private_url if method == "REQUEST" else ""),
        method=method,
        sequence=sequence,
        event_url=event_url,
        uids=uid_space(),
    ).decode("utf-8")


def personal_download(registration: Registration, *, private_url: str, event_url: str) -> bytes:
    """The registrant's "Add to calendar" file: same UID as the invitation, no ATTENDEE, in
    the registrant's language like their invitation."""
    return personal_calendar(
        event_as_seen(registration), invitee(registration, private_url), event_url=event_url, uids=uid_space()
    )
