"""Read-only questions about attendance, shared by pages, evidence, jobs and reports."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import exists, func, or_, select

from seminar_app.attendance.models import Attendance
from seminar_app.db_types import utcnow
from seminar_app.enums import RegistrationStatus
from seminar_app.events.models import Event
from seminar_app.extensions import db
from seminar_app.registration.models import Registration
from seminar_app.textsearch import matches


def attendance_recorded(event: Event) -> bool:
    """Whether anyone's attendance was recorded for `event` (by hand, QR, walk-in or import)."""
    return bool(db.session.scalar(select(exists().where(Attendance.event_id == event.id))))


def attended_registration_ids(event: Event) -> set[int]:
    """Ids of the registrations with attendance on at least one day of `event`."""
    return set(db.session.scalars(select(Attendance.registration_id).where(Attendance.event_id == event.id)))


def attendance_on(registration: Registration, day: date) -> Attendance | None:
    """The person's attendance on `day`, if recorded."""
    return db.session.scalar(
        select(Attendance).where(Attendance.registration_id == registration.id, Attendance.day == day)
    )


def present_registration_ids(event: Event, day: date) -> set[int]:
    """Ids of the registrations with attendance on `day`."""
    return set(
        db.session.scalars(
            select(Attendance.registration_id).where(Attendance.event_id == event.id, Attendance.day == day)
        )
    )


def import_candidates(event: Event) -> list[Registration]:
    """The registrants an online-attendance report is matched against: every confirmed
    person (someone registered on site may well have followed online)."""
    return list(
        db.session.scalars(
            select(Registration)
            .where(
                Registration.event_id == event.id,
                Registration.status == RegistrationStatus.CONFIRMED,
                Registration.erased_at.is_(None),
            )
            .order_by(Registration.id)
        )
    )


def default_day(event: Event, today: date | None = None) -> date:
    """The day a check-in page opens on: today in the event's zone while the event runs,
    else its first day before it and its last day after it."""
    days = event.local_days
    today = today or utcnow().astimezone(event.tz).date()
    if today in days:
        return today
    return days[0] if today < days[0] else days[-1]


def today_outside_event(event: Event, today: date | None = None) -> date | None:
    """Today in the event's zone when it is not one of the event's days (a check-in page
    opened before or after the event), else None."""
    today = today or utcnow().astimezone(event.tz).date()
    return None if today in event.local_days else today


def parse_day(event: Event, value: str | None) -> date | None:
    """The event day written as YYYY-MM-DD in `value`, or None when it is not one."""
    try:
        day = date.fromisoformat((value or "")[:10])
    except ValueError:
        return None
    return day if day in event.local_days else None


@dataclass(frozen=True)
class CheckInRow:
    registration: Registration
    attendance: Attendance | None


@dataclass(frozen=True)
class DayCounts:
    confirmed: int
    present: int


def check_in_rows(event: Event, day: date, *, search: str = "") -> list[CheckInRow]:
    """The people an organiser ticks on `day`, by name: every confirmed registrant (walk-ins
    included) and anyone already ticked that day, filtered by `search` on name or
    organisation (any case, with or without accents). Two queries, whatever the number of people."""
    present = select(Attendance.registration_id).where(Attendance.event_id == event.id, Attendance.day == day)
    query = select(Registration).where(
        Registration.event_id == event.id,
        Registration.erased_at.is_(None),
        or_(Registration.status == RegistrationStatus.CONFIRMED, Registration.id.in_(present)),
    )
    registrations = [
        r
        for r in db.session.scalars(query.order_by(func.lower(Registration.name), Registration.id))
        if matches(search, r.name, r.organisation)
    ]
    attendances = {
        a.registration_id: a
        for a in db.session.scalars(select(Attendance).where(Attendance.event_id == event.id, Attendance.day == day))
    }
    return [CheckInRow(r, attendances.get(r.id)) for r in registrations]


def day_counts(event: Event, day: date) -> DayCounts:
    """Confirmed registrations of the event and people present on `day` (whatever the search)."""
    confirmed = db.session.scalar(
        select(func.count()).where(
            Registration.event_id == event.id, Registration.status == RegistrationStatus.CONFIRMED
        )
    )
    present = db.session.scalar(select(func.count()).where(Attendance.event_id == event.id, Attendance.day == day))
    return DayCounts(confirmed or 0, present or 0)
