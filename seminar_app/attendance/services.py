"""Attendance rules: ticking people in (by hand, by QR code, as walk-ins) and undoing a
tick. Online attendance from a video-conference report is in import_services.

One `Attendance` row per registration and local day of the event: a second check-in of
the same person on the same day changes nothing (the database refuses a second row, so
two organisers ticking the same person at once still record one). Only confirmed
registrations of an event that is neither a draft nor cancelled can be checked in.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask import current_app
from flask_babel import gettext as _
from itsdangerous import BadData, URLSafeSerializer
from sqlalchemy.exc import IntegrityError

from seminar_app import sentences
from seminar_app.accounts.models import User
from seminar_app.attendance import queries
from seminar_app.attendance.models import Attendance
from seminar_app.audit import services as audit
from seminar_app.audit.models import AuditAction
from seminar_app.db_types import utcnow
from seminar_app.enums import AttendanceMode, CheckInSource, EventStatus, RegistrationStatus
from seminar_app.errors import DomainError
from seminar_app.events.models import Event
from seminar_app.extensions import db
from seminar_app.registration import emails
from seminar_app.registration import services as registration_services
from seminar_app.registration.models import Registration


class CheckInRefused(DomainError):
    code = "check_in_refused"
    status = 409


@dataclass(frozen=True)
class CheckInOutcome:
    """`created` is False when the person was already checked in that day (nothing changed)."""

    attendance: Attendance
    created: bool


def ensure_attendance_open(event: Event) -> None:
    """Raise `CheckInRefused` when attendance cannot be recorded for `event` at all."""
    if event.status is EventStatus.DRAFT:
        raise CheckInRefused(_("This event is a draft: publish it before checking people in."))
    if event.status is EventStatus.CANCELLED:
        raise CheckInRefused(_("This event is cancelled: attendance cannot be recorded."))


def ensure_event_day(event: Event, day: date) -> None:
    """Raise `DomainError` (field "day") unless `day` is a local day of the event."""
    if day not in event.local_days:
        raise DomainError(
            _("%(day)s is not a day of this event.", day=day.isoformat()), field="day", code="not_event_day"
        )


def _ensure_checkable(registration: Registration, day: date) -> None:
    ensure_attendance_open(registration.event)
    ensure_event_day(registration.event, day)
    if registration.is_erased:
        raise CheckInRefused(_("This registration has been erased."))
    if registration.status is not RegistrationStatus.CONFIRMED:
        raise CheckInRefused(
            _("%(name)s cannot be checked in: only confirmed registrations can be.", name=registration.name)
            + " "
            + sentences.registration_state(registration.status)
        )


def _mode(registration: Registration, source: CheckInSource) -> AttendanceMode:
    """How the person attended: online for an imported report; on site for a QR code shown
    at the door of an event with a venue; otherwise as they registered."""
    if source is CheckInSource.IMPORT:
        return AttendanceMode.ONLINE
    if source is CheckInSource.QR and registration.event.format.has_venue:
        return AttendanceMode.ONSITE
    return registration.mode


def check_in(
    registration: Registration,
    day: date,
    *,
    source: CheckInSource = CheckInSource.MANUAL,
    actor: User | None = None,
) -> CheckInOutcome:
    """Record that the person attended on `day`; an existing record for that day is kept
    unchanged and returned with `created=False`. Raises `CheckInRefused`, `DomainError`."""
    _ensure_checkable(registration, day)
    existing = queries.attendance_on(registration, day)
    if existing is not None:
        return CheckInOutcome(existing, created=False)
    attendance = Attendance(
        event_id=registration.event_id,
        registration=registration,
        day=day,
        mode=_mode(registration, source),
        source=source,
        checked_in_at=utcnow(),
        checked_in_by_id=actor.id if actor is not None else None,
    )
    db.session.add(attendance)
    _audit(AuditAction.ATTENDANCE_RECORDED, registration, day, actor, mode=attendance.mode.value, source=source.value)
    try:
        db.session.commit()
    except IntegrityError:
        # Another organiser ticked the same person a moment ago.
        db.session.rollback()
        existing = queries.attendance_on(registration, day)
        if existing is None:
            raise
        return CheckInOutcome(existing, created=False)
    return CheckInOutcome(attendance, created=True)


def undo_check_in(registration: Registration, day: date, *, actor: User | None = None) -> bool:
    """Remove the person's attendance on `day` (a tick made by mistake). Returns False when
    there was none. Allowed whatever the event's status, so mistakes can always be undone."""
    ensure_event_day(registration.event, day)
    existing = queries.attendance_on(registration, day)
    if existing is None:
        return False
    _audit(AuditAction.ATTENDANCE_UNDONE, registration, day, actor, mode=existing.mode.value)
    db.session.delete(existing)
    db.session.commit()
    return True


def _audit(action: str, registration: Registration, day: date, actor: User | None, **details: str) -> None:
    audit.record(
        action,
        actor=actor,
        event=registration.event,
        target_id=registration.id,
        details={"day": day.isoformat(), **details},
    )


# --- walk-ins -------------------------------------------------------------------------------


@dataclass
class WalkInInput:
    """Someone who came without registering: only the name is required."""

    name: str
    email: str = ""
    organisation: str = ""
    organisation_country: str = ""
    stakeholder_group: str = ""
    mode: AttendanceMode | None = None
    is_partner_staff: bool = False
    # The person's language; empty: the event's (see registration.services.event_language_for_people).
    language: str = ""


# Stands in for a missing address while the registration rules are checked: a walk-in may
# have none, every other field is checked as for anyone an organiser adds.
_NO_EMAIL_PLACEHOLDER = "walk-in@example.org"


def add_walk_in(event: Event, data: WalkInInput, day: date, *, actor: User | None = None) -> Registration:
    """Register a person who came without registering and check them in, in one
    transaction. The registration is confirmed whatever the capacity (they are in the
    room). With an e-mail address the person gets the usual confirmation with their
    private link (their data, the feedback form, the certificate). Raises
    `ValidationFailed`, `CheckInRefused`, `DomainError` (address already registered)."""
    ensure_attendance_open(event)
    ensure_event_day(event, day)
    email = data.email.strip()
    language = data.language.strip() or registration_services.event_language_for_people(event)
    checked_email, mode = registration_services._check(
        event,
        registration_services.RegistrationInput(
            name=data.name,
            email=email or _NO_EMAIL_PLACEHOLDER,
            organisation=data.organisation,
            organisation_country=data.organisation_country,
            stakeholder_group=data.stakeholder_group,
            mode=data.mode,
            language=language,
        ),
        by_organiser=True,
    )
    email = checked_email if email else ""
    registration_services._lock_event(event)
    if email:
        existing = registration_services._existing(event, email)
        if existing is not None:
            db.session.rollback()
            raise DomainError(
                _(
                    "%(email)s is already registered for this event (%(status)s, as %(name)s): "
                    "find the person in the list instead.",
                    email=email,
                    status=existing.status.label,
                    name=existing.name,
                ),
                field="email",
                code="already_registered",
            )
    now = utcnow()
    registration = Registration(
        event=event,
        mode=mode,
        status=RegistrationStatus.CONFIRMED,
        confirmed_at=now,
        created_at=now,
        name=data.name.strip(),
        email=email or None,
        organisation=data.organisation.strip(),
        organisation_country=data.organisation_country.upper(),
        stakeholder_group=data.stakeholder_group,
        is_partner_staff=data.is_partner_staff,
        language=language,
        source="walk_in",
    )
    registration_services._give_link(registration)
    db.session.add(registration)
    db.session.flush()
    db.session.add(
        Attendance(
            event_id=event.id,
            registration=registration,
            day=day,
            mode=mode,
            source=CheckInSource.WALK_IN,
            checked_in_at=now,
            checked_in_by_id=actor.id if actor is not None else None,
        )
    )
    if email:
        emails.queue_registered(registration)
    # One entry for the walk-in: their registration exists only because they came.
    _audit(
        AuditAction.ATTENDANCE_RECORDED, registration, day, actor, mode=mode.value, source=CheckInSource.WALK_IN.value
    )
    db.session.commit()
    return registration


# --- QR codes -------------------------------------------------------------------------------


def _check_in_serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="check-in")


def check_in_token(registration: Registration) -> str:
    """The token in the person's QR code: their registration and event, signed (so it cannot
    be forged or altered), without expiry (the code is printed or saved on phones)."""
    return _check_in_serializer().dumps({"r": registration.id, "e": registration.event_id})


def registration_for_check_in_token(token: str) -> Registration | None:
    """The registration a QR code's token names, or None when the token is forged, altered,
    or its registration is gone or erased."""
    if not token or len(token) > 200:
        return None
    try:
        data = _check_in_serializer().loads(token)
    except BadData:
        return None
    if not isinstance(data, dict):
        return None
    registration_id, event_id = data.get("r"), data.get("e")
    if type(registration_id) is not int or type(event_id) is not int:
        return None
    registration = db.session.get(Registration, registration_id)
    if registration is None or registration.event_id != event_id or registration.is_erased:
        return None
    return registration


def check_in_url(registration: Registration) -> str:
    """The absolute address a QR code opens (an organiser's page; log-in required)."""
    return emails.external_url("attendance.qr_check_in", token=check_in_token(registration))
