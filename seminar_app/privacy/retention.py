"""Retention in two tiers (DOMAIN.md): operational personal data goes some days after each
event, the funder's evidence at the project's evidence date; a legal hold stops both.

Tier 1, operational (`operational_retention_days` after the event ended, default the
OPERATIONAL_RETENTION_DAYS setting), for published, delivered and cancelled events (a
postponed event's people are still needed for its new dates):
- people who did not attend are anonymised like an erasure (`registration.services.anonymise`);
- attendees lose their e-mail address, access needs and function; they keep what the
  attendance sheets and the online list print (name, organisation, city, country, group,
  days and minutes) and their private link, so that they can still see, export or erase
  what is left;
- every mail of the event is blanked (address, subject, bodies; status and dates stay);
- invitees to the event are forgotten (as INVITATION_RETENTION_DAYS does, if that is later);
- feedback links lose their tie to a registration (answers never had one).
Consents stay: purpose, answer, notice version and time, anonymous once the person is.

Tier 2, evidence (on `evidence_kept_until`; never while it is unset), for every ended
event of the project: everyone left is anonymised, online minutes and who ticked the
attendance are cleared, the uploaded evidence files (scanned signed sheets) and the
eligibility decisions are deleted, and once per project the audit entries are purged, with
the evidence files and decisions of any event not ended. The generated evidence PDFs and
the evidence pack are built from these rows, so from then on they list nobody. Tier 1 and
a person's erasure never touch the uploaded files: a signed sheet is the funder's evidence.

Both tiers keep every row reports count (registrations with status, mode, country, group
and partner flag; attendance days; feedback invitations and answers), so no figure changes.

Each event's tier is done once (a `JobDone` key claimed in the same transaction, as in
`jobs.services`), committed on its own; a failure is logged and tried again next run.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from flask import current_app
from sqlalchemy import ColumnElement, String, cast, exists, literal, select, update

from seminar_app.attendance.models import Attendance
from seminar_app.audit.services import purge_for_project
from seminar_app.db_types import start_write_transaction, utcnow
from seminar_app.enums import EventStatus
from seminar_app.events.models import Event
from seminar_app.extensions import db
from seminar_app.feedback.models import FeedbackInvitation
from seminar_app.funding.retention import delete_funding_evidence
from seminar_app.jobs.models import JobDone
from seminar_app.jobs.services import claim_once, job_key
from seminar_app.mail.models import OutboxMessage
from seminar_app.mail.retention import forget_mail
from seminar_app.projects.models import Partner, Project
from seminar_app.registration.models import Registration
from seminar_app.registration.services import anonymise

OPERATIONAL = "retention_operational"
EVIDENCE = "retention_evidence"
# A postponed event's people are still needed for its new dates; drafts never took place.
OPERATIONAL_STATUSES = (EventStatus.PUBLISHED, EventStatus.DELIVERED, EventStatus.CANCELLED)


@dataclass
class RetentionRun:
    """What one run purged: events per tier, projects whose audit entries went, people
    anonymised (both tiers), and failures (logged, tried again at the next run)."""

    operational_events: int = 0
    evidence_events: int = 0
    evidence_projects: int = 0
    people_anonymised: int = 0
    failures: int = 0


def operational_days(project: Project) -> int:
    """Days after each event's end when the project's operational data goes."""
    if project.operational_retention_days is not None:
        return project.operational_retention_days
    return int(current_app.config["OPERATIONAL_RETENTION_DAYS"])


def project_key(project_id: int) -> str:
    """The `JobDone.key` of the project-wide part of tier 2 (its audit entries)."""
    return f"{EVIDENCE}:project-{project_id}"


def _not_done(job: str) -> ColumnElement[bool]:
    key = literal(f"{job}:event-") + cast(Event.id, String)
    return ~exists().where(JobDone.key == key)


def _projects_not_on_hold(project_ids: Sequence[int] | None) -> list[Project]:
    query = select(Project).where(Project.legal_hold.is_(False)).order_by(Project.id)
    if project_ids is not None:
        query = query.where(Project.id.in_(project_ids))
    return list(db.session.scalars(query))


def due_operational(now: datetime, project_ids: Sequence[int] | None = None) -> list[int]:
    """Events whose tier 1 is due at `now` and not done, oldest first: the work left,
    one query per project not on hold."""
    due: list[tuple[datetime, int]] = []
    for project in _projects_not_on_hold(project_ids):
        cutoff = now - timedelta(days=operational_days(project))
        due.extend(
            db.session.execute(
                select(Event.ends_at, Event.id)
                .join(Partner, Partner.id == Event.partner_id)
                .where(
                    Partner.project_id == project.id,
                    Event.status.in_(OPERATIONAL_STATUSES),
                    Event.ends_at <= cutoff,
                    _not_done(OPERATIONAL),
                )
            ).tuples()
        )
    return [event_id for _ends, event_id in sorted(due)]


def evidence_due(project: Project, now: datetime) -> bool:
    """Whether the project's evidence date has come (never while unset or on hold)."""
    return (
        not project.legal_hold
        and project.evidence_kept_until is not None
        and project.evidence_kept_until <= now.astimezone(UTC).date()
    )


def due_evidence(now: datetime, project_ids: Sequence[int] | None = None) -> list[int]:
    """Ended events whose tier 2 is due at `now` and not done, oldest first."""
    projects = [p.id for p in _projects_not_on_hold(project_ids) if evidence_due(p, now)]
    if not projects:
        return []
    return list(
        db.session.scalars(
            select(Event.id)
            .join(Partner, Partner.id == Event.partner_id)
            .where(Partner.project_id.in_(projects), Event.ends_at <= now, _not_done(EVIDENCE))
            .order_by(Event.ends_at, Event.id)
        )
    )


def due_evidence_projects(now: datetime, project_ids: Sequence[int] | None = None) -> list[int]:
    """Projects whose evidence date has come and whose audit entries were not purged yet."""
    done = set(db.session.scalars(select(JobDone.key).where(JobDone.key.startswith(f"{EVIDENCE}:project-"))))
    return [p.id for p in _projects_not_on_hold(project_ids) if evidence_due(p, now) and project_key(p.id) not in done]


def run_retention(now: datetime | None = None) -> RetentionRun:
    """Purge what is due at `now` (default: the current time) and not done yet: tier 2
    first (it includes tier 1's work), then tier 1, then the audit entries of projects
    past their evidence date. Idempotent; safe from two processes at once."""
    now = now or utcnow()
    run = RetentionRun()
    for event_id in due_evidence(now):
        people = _guarded(EVIDENCE, event_id, run, lambda e: purge_evidence(e, now))
        run.evidence_events += people is not None
        run.people_anonymised += people or 0
    for event_id in due_operational(now):
        people = _guarded(OPERATIONAL, event_id, run, lambda e: purge_operational(e, now))
        run.operational_events += people is not None
        run.people_anonymised += people or 0
    for project_id in due_evidence_projects(now):
        try:
            run.evidence_projects += _purge_project_evidence(project_id, now)
        except Exception:
            db.session.rollback()
            current_app.logger.exception("Retention failed for project %d; it will be tried again.", project_id)
            run.failures += 1
    return run


def _guarded(job: str, event_id: int, run: RetentionRun, work: Callable[[Event], int | None]) -> int | None:
    try:
        event = db.session.get(Event, event_id)
        return work(event) if event is not None else None
    except Exception:
        db.session.rollback()
        current_app.logger.exception("Retention %s failed for event %d; it will be tried again.", job, event_id)
        run.failures += 1
        return None


def _locked(event: Event) -> Event | None:
    """The event again, inside a write transaction, or None when its project went on hold."""
    event_id = event.id
    start_write_transaction(db.session)
    event = db.session.get(Event, event_id)
    if event is None or _on_hold(event.partner.project_id):
        db.session.rollback()
        return None
    return event


def _on_hold(project_id: int) -> bool:
    """The hold as committed now: the row lock makes a hold being switched on wait for
    this purge to end, or this purge wait for the hold and then see it (PostgreSQL)."""
    held = db.session.scalar(select(Project.legal_hold).where(Project.id == project_id).with_for_update())
    return bool(held)


def purge_operational(event: Event, now: datetime) -> int | None:
    """Tier 1 for `event` (see the module docstring) and commit. How many people were
    anonymised; None when it was already done or the project is on legal hold."""
    locked = _locked(event)
    if locked is None or not claim_once(job_key(OPERATIONAL, locked.id), now):
        db.session.rollback()
        return None
    people = _operational_work(locked, now)
    db.session.commit()
    return people


def purge_evidence(event: Event, now: datetime) -> int | None:
    """Tier 2 for `event` (tier 1's work too, if not done yet) and commit. How many people
    were anonymised; None when it was already done or the project is on legal hold."""
    locked = _locked(event)
    if locked is None or not claim_once(job_key(EVIDENCE, locked.id), now):
        db.session.rollback()
        return None
    people = _operational_work(locked, now) if claim_once(job_key(OPERATIONAL, locked.id), now) else 0
    for registration in _people_left(locked.id):
        anonymise(registration, now=now)
        people += 1
    db.session.execute(
        update(Attendance)
        .where(Attendance.event_id == locked.id)
        .values(minutes=None, checked_in_by_id=None)
        .execution_options(synchronize_session=False)
    )
    delete_funding_evidence(select(Event.id).where(Event.id == locked.id))
    db.session.commit()
    return people


def _people_left(event_id: int, *conditions: ColumnElement[bool]) -> list[Registration]:
    return list(
        db.session.scalars(
            select(Registration)
            .where(Registration.event_id == event_id, Registration.erased_at.is_(None), *conditions)
            .order_by(Registration.id)
        )
    )


def _operational_work(event: Event, now: datetime) -> int:
    """Tier 1's changes in the caller's transaction. How many people were anonymised."""
    from seminar_app.campaigns.retention import forget_invitees

    attended = select(Attendance.registration_id).where(Attendance.event_id == event.id)
    absent = _people_left(event.id, Registration.id.not_in(attended))
    for registration in absent:
        anonymise(registration, now=now)
    db.session.execute(
        update(Registration)
        .where(Registration.event_id == event.id, Registration.erased_at.is_(None))
        .values(email=None, access_needs="", function_role="")
        .execution_options(synchronize_session=False)
    )
    db.session.execute(
        update(FeedbackInvitation)
        .where(FeedbackInvitation.event_id == event.id)
        .values(registration_id=None)
        .execution_options(synchronize_session=False)
    )
    forget_invitees(select(Event.id).where(Event.id == event.id), reason="retention period over", now=now)
    forget_mail(OutboxMessage.event_id == event.id, reason="retention period over")
    return len(absent)


def _purge_project_evidence(project_id: int, now: datetime) -> int:
    """The project-wide part of tier 2, once: its audit entries, and the evidence files and
    eligibility decisions of events that had not ended by then. 1 when done now."""
    start_write_transaction(db.session)
    project = db.session.get(Project, project_id)
    if project is None or _on_hold(project_id) or not evidence_due(project, now):
        db.session.rollback()
        return 0
    if not claim_once(project_key(project_id), now):
        db.session.rollback()
        return 0
    purge_for_project(project_id)
    delete_funding_evidence(
        select(Event.id).join(Partner, Partner.id == Event.partner_id).where(Partner.project_id == project_id)
    )
    db.session.commit()
    return 1
