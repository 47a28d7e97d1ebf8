"""The app's own integrity checks over a database (`flask integrity check`).

Run after a restore (deploy/restore.sh), after the production rehearsal, or whenever an
operator doubts the data. Each check reads raw rows with its own query, independent of
the code paths it checks, and says what it found. A failure means the data breaks a rule
the app is supposed to keep (seats, waiting list, attendance, report counts); a warning
means something an operator should look at but which the app repairs by itself (a stale
mail claim is re-queued by the next sender).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from enum import Enum

from alembic.runtime.migration import MigrationContext
from flask import current_app
from sqlalchemy import func, inspect, select

from seminar_app.attendance.models import Attendance
from seminar_app.db_types import utcnow
from seminar_app.enums import AttendanceMode, EventStatus, OutboxStatus, RegistrationStatus
from seminar_app.events.models import Event
from seminar_app.extensions import db
from seminar_app.mail.models import OutboxMessage
from seminar_app.ops.health import migrations_head
from seminar_app.projects.models import Project
from seminar_app.registration.models import Registration

# Statuses that hold a seat (as seminar_app.registration.services.ACTIVE, restated on purpose:
# the check must not share the code it checks).
_SEAT_HOLDING = (RegistrationStatus.CONFIRMED, RegistrationStatus.PENDING)
_EXAMPLES = 5


class Outcome(Enum):
    OK = "ok"
    WARNING = "warning"
    FAILED = "FAILED"


@dataclass(frozen=True)
class CheckResult:
    name: str
    outcome: Outcome
    detail: str

    def line(self) -> str:
        return f"[{self.outcome.value:>7}] {self.name}: {self.detail}"


def _examples(items: list[str]) -> str:
    shown = ", ".join(items[:_EXAMPLES])
    more = f" and {len(items) - _EXAMPLES} more" if len(items) > _EXAMPLES else ""
    return shown + more


def _result(name: str, problems: list[str], ok: str, *, warning: bool = False) -> CheckResult:
    if not problems:
        return CheckResult(name, Outcome.OK, ok)
    outcome = Outcome.WARNING if warning else Outcome.FAILED
    return CheckResult(name, outcome, f"{len(problems)} problem(s): {_examples(problems)}")


def check_migrations() -> CheckResult:
    """The database's Alembic revision is the code's head (else the app runs on an old schema)."""
    name = "migrations at head"
    heads = {migrations_head()}
    with db.engine.connect() as connection:
        if not inspect(connection).has_table("alembic_version"):
            return CheckResult(name, Outcome.FAILED, "no alembic_version table: run `flask db upgrade`")
        current = set(MigrationContext.configure(connection).get_current_heads())
    if current != heads:
        return CheckResult(
            name,
            Outcome.FAILED,
            f"database at {', '.join(sorted(current)) or 'nothing'}, code at {', '.join(sorted(heads))}: "
            "run `flask db upgrade`",
        )
    return CheckResult(name, Outcome.OK, f"at {', '.join(sorted(heads))}")


def check_capacity() -> CheckResult:
    """No event has more seat-holding registrations in a mode than that mode's capacity.

    On-site and online seats are separate pools (a hybrid event has both). Walk-ins added
    at the door do not count. An organiser who deliberately seats someone beyond the limit
    (moving them from the waiting list) or lowers a capacity below the seats taken shows up
    here too: the app does not record that it was deliberate, so the operator looks."""
    rows = db.session.execute(
        select(Registration.event_id, Registration.mode, func.count())
        .where(Registration.status.in_(_SEAT_HOLDING), Registration.source != "walk_in")
        .group_by(Registration.event_id, Registration.mode)
    ).all()
    limits = {
        event_id: {AttendanceMode.ONSITE: onsite, AttendanceMode.ONLINE: online}
        for event_id, onsite, online in db.session.execute(
            select(Event.id, Event.capacity_onsite, Event.capacity_online)
        )
    }
    problems = []
    for event_id, mode, taken in rows:
        limit = limits.get(event_id, {}).get(mode)
        if limit is not None and taken > limit:
            problems.append(f"event {event_id} {mode.value}: {taken} seats taken of {limit}")
    return _result("no event over capacity", problems, f"{len(rows)} event/mode pool(s) within capacity")


def check_duplicates() -> CheckResult:
    """One address holds at most one registration per event (case-insensitively; erased rows have none)."""
    rows = db.session.execute(
        select(Registration.event_id, func.lower(Registration.email), func.count())
        .where(Registration.email.is_not(None), Registration.email != "")
        .group_by(Registration.event_id, func.lower(Registration.email))
        .having(func.count() > 1)
    ).all()
    problems = [f"event {event_id}: {count} registrations of one address" for event_id, _email, count in rows]
    return _result("no duplicate registration of one address", problems, "every address registered once per event")


def check_waiting_list() -> CheckResult:
    """Nobody waits in a mode that has a free seat at an event still to come.

    Promotion happens in the same transaction as the cancellation that frees a seat, so
    a waiting person next to a free seat means a promotion was lost."""
    now = utcnow()
    events = {
        event.id: event
        for event in db.session.scalars(
            select(Event).where(Event.starts_at > now, Event.status == EventStatus.PUBLISHED)
        )
    }
    counts: dict[tuple[int, AttendanceMode, RegistrationStatus], int] = Counter()
    for event_id, mode, status, n in db.session.execute(
        select(Registration.event_id, Registration.mode, Registration.status, func.count())
        .where(Registration.event_id.in_(list(events)))
        .group_by(Registration.event_id, Registration.mode, Registration.status)
    ):
        counts[(event_id, mode, status)] = n
    problems = []
    for event_id, event in events.items():
        for mode, limit in (
            (AttendanceMode.ONSITE, event.capacity_onsite),
            (AttendanceMode.ONLINE, event.capacity_online),
        ):
            waiting = counts[(event_id, mode, RegistrationStatus.WAITLISTED)]
            if not waiting:
                continue
            taken = sum(counts[(event_id, mode, s)] for s in _SEAT_HOLDING)
            if limit is None or taken < limit:
                free = "no limit" if limit is None else f"{limit - taken} free seat(s)"
                problems.append(f"event {event_id} {mode.value}: {waiting} waiting with {free}")
    return _result(
        "waiting list consistent", problems, f"nobody waits next to a free seat ({len(events)} upcoming event(s))"
    )


def check_stale_claims() -> CheckResult:
    """Outbox rows claimed by a sender longer ago than MAIL_STALE_CLAIM_SECONDS: the sender
    died. The next `flask mail worker` pass re-queues them, so this is a warning."""
    limit = current_app.config["MAIL_STALE_CLAIM_SECONDS"]
    cutoff = utcnow() - timedelta(seconds=limit)
    ids = db.session.scalars(
        select(OutboxMessage.id).where(OutboxMessage.status == OutboxStatus.SENDING, OutboxMessage.claimed_at < cutoff)
    ).all()
    return _result(
        "no stale mail claim",
        [f"message {i}" for i in ids],
        f"no message claimed for longer than {limit} s",
        warning=True,
    )


def check_attendance_links() -> CheckResult:
    """Every attendance row belongs to a registration of the same event."""
    rows = db.session.execute(
        select(Attendance.id, Attendance.event_id, Registration.event_id)
        .select_from(Attendance)
        .outerjoin(Registration, Registration.id == Attendance.registration_id)
        .where((Registration.id.is_(None)) | (Registration.event_id != Attendance.event_id))
    ).all()
    problems = [
        f"attendance {att_id} (event {event_id}) "
        + ("has no registration" if reg_event is None else f"points to a registration of event {reg_event}")
        for att_id, event_id, reg_event in rows
    ]
    return _result("attendance linked to its event's registrations", problems, "every attendance row linked")


def _raw_people_counts() -> dict[int, tuple[int, int, int]]:
    """(registered, confirmed, attended) per event from raw rows, by the definitions in
    DOMAIN.md: registered = still standing, cancelled once the event had started, or
    present; confirmed = confirmed, confirmed then cancelled late, or present."""
    present = {reg_id for (reg_id,) in db.session.execute(select(Attendance.registration_id).distinct())}
    starts = dict(db.session.execute(select(Event.id, Event.starts_at)).tuples().all())
    counts: dict[int, list[int]] = defaultdict(lambda: [0, 0, 0])
    for reg_id, event_id, status, confirmed_at, cancelled_at in db.session.execute(
        select(
            Registration.id,
            Registration.event_id,
            Registration.status,
            Registration.confirmed_at,
            Registration.cancelled_at,
        )
    ):
        attended = reg_id in present
        late = status is RegistrationStatus.CANCELLED and cancelled_at is not None and cancelled_at >= starts[event_id]
        standing = status in (*_SEAT_HOLDING, RegistrationStatus.WAITLISTED)
        if not (standing or late or attended):
            continue
        row = counts[event_id]
        row[0] += 1
        row[1] += int(status is RegistrationStatus.CONFIRMED or (late and confirmed_at is not None) or attended)
        row[2] += int(attended)
    return {event_id: (r[0], r[1], r[2]) for event_id, r in counts.items()}


def check_report_counts() -> CheckResult:
    """The counts the reports show (registered, confirmed, attended per event) equal the
    counts made from raw rows here."""
    from seminar_app.reports.filters import ReportFilter
    from seminar_app.reports.queries import events_for
    from seminar_app.reports.scope import ReportScope

    raw = _raw_people_counts()
    problems = []
    checked = 0
    for project in db.session.scalars(select(Project).order_by(Project.id)):
        for row in events_for(project, ReportFilter(), ReportScope.of_project(project)):
            checked += 1
            shown = (row.registered, row.confirmed, row.attended)
            expected = raw.get(row.event_id, (0, 0, 0))
            if shown != expected:
                problems.append(
                    f"event {row.event_id}: report shows registered/confirmed/attended {shown}, rows give {expected}"
                )
    return _result("report counts equal raw counts", problems, f"{checked} event(s) compared")


CHECKS: tuple[Callable[[], CheckResult], ...] = (
    check_migrations,
    check_capacity,
    check_duplicates,
    check_waiting_list,
    check_stale_claims,
    check_attendance_links,
    check_report_counts,
)


def run_checks() -> list[CheckResult]:
    """Every check, in order; a check that cannot run at all is reported as failed."""
    results = []
    for check in CHECKS:
        try:
            results.append(check())
        except Exception as exc:  # a broken schema must be reported, not crash the other checks
            db.session.rollback()
            name = check.__name__.removeprefix("check_").replace("_", " ")
            results.append(CheckResult(name, Outcome.FAILED, f"could not run: {exc.__class__.__name__}: {exc}"))
    return results
