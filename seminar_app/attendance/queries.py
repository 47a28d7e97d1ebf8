"""Read-only questions about attendance, shared by pages, evidence, jobs and reports."""

from __future__ import annotations

from sqlalchemy import exists, select

from seminar_app.attendance.models import Attendance
from seminar_app.events.models import Event
from seminar_app.extensions import db


def attendance_recorded(event: Event) -> bool:
    """Whether anyone's attendance was recorded for `event` (by hand, QR, walk-in or import)."""
    return bool(db.session.scalar(select(exists().where(Attendance.event_id == event.id))))


def attended_registration_ids(event: Event) -> set[int]:
    """Ids of the registrations with attendance on at least one day of `event`."""
    return set(db.session.scalars(select(Attendance.registration_id).where(Attendance.event_id == event.id)))
