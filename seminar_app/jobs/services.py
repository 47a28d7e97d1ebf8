"""The due-job runner: everything that happens because time passed.

`run_due_jobs` sends the reminder before an event, the feedback request after it and
one feedback reminder a few days later, deletes access needs once the event is over, and
queues what invitation campaigns still owe (so a campaign cut short by a crash continues),
forgets invitees' personal data INVITATION_RETENTION_DAYS after their event ended,
deletes delivered mail MAIL_RETENTION_DAYS after it went out, runs the two retention
tiers (seminar_app.privacy.retention), and counts again the report figures of the events
whose people or feedback changed (seminar_app.reports.tallies), so that a dashboard finds
them ready. None of these purges touches a project on legal hold.

Guarantees:
- each job is done once per person (once per event for the deletion): a `JobDone` row
  with a unique key is inserted in the same transaction as the outbox row it stands for,
  so a mail is queued exactly once, however often, late or concurrently the runner runs;
- two runners at once never double-send: the key is inserted with ON CONFLICT DO NOTHING,
  which on PostgreSQL waits for the other runner's uncommitted key and then yields, and
  on SQLite runs inside a write transaction that queues runners one after the other;
- each event's work is committed on its own, so a crash keeps what was done and one
  failing event does not stop the others (it is tried again at the next run);
- every query is bounded by a time window (or by the work left to do), never "all events".
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import exists, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.sql.elements import ColumnElement

from seminar_app.attendance.queries import attendance_recorded, attended_registration_ids
from seminar_app.db_types import start_write_transaction, utcnow
from seminar_app.enums import EventStatus, RegistrationStatus
from seminar_app.events.models import Event
from seminar_app.extensions import db
from seminar_app.feedback.services import feedback_url, has_answered, invite
from seminar_app.jobs import emails
from seminar_app.jobs.models import JobDone
from seminar_app.mail.retention import purge_delivered_mail
from seminar_app.projects.queries import events_on_legal_hold
from seminar_app.registration.models import Registration

REMINDER = "reminder"
FEEDBACK_REQUEST = "feedback_request"
FEEDBACK_REMINDER = "feedback_reminder"
PURGE_ACCESS_NEEDS = "purge_access_needs"
FORGET_INVITEES = "forget_invitees"

# Reminders are looked for among events starting within this horizon; a longer
# `Event.reminder_hours_before` is treated as this long.
MAX_REMINDER_HOURS = 31 * 24

# Events that took place: the ones people are asked about afterwards.
HELD = (EventStatus.PUBLISHED, EventStatus.DELIVERED)
# A postponed event's dates are stale: its access needs are still needed for the new ones.
PURGEABLE = (EventStatus.PUBLISHED, EventStatus.DELIVERED, EventStatus.CANCELLED)


@dataclass
class JobReport:
    """What one run did: mails queued per job, events whose access needs were deleted,
    and events whose work failed (logged, and tried again at the next run)."""

    reminders: int = 0
    feedback_requests: int = 0
    feedback_reminders: int = 0
    access_needs_purged: int = 0
    invitees_forgotten: int = 0
    campaign_mails: int = 0
    mail_purged: int = 0
    retention_operational: int = 0
    retention_evidence: int = 0
    report_tallies: int = 0
    failures: int = 0


def job_key(job: str, event_id: int, registration_id: int | None = None) -> str:
    """The `JobDone.key` of a job for one event, or for one registration of it."""
    key = f"{job}:event-{event_id}"
    return key if registration_id is None else f"{key}:registration-{registration_id}"


def run_due_jobs(now: datetime | None = None) -> JobReport:
    """Do every job that is due at `now` (default: the current time) and has not been
    done yet, committing event by event. Safe to call every minute, late, and from two
    processes at once. Raises nothing for one event's failure: it is logged, counted in
    `JobReport.failures` and tried again at the next run."""
    now = now or utcnow()
    config = current_app.config
    request_max_age = timedelta(days=config["FEEDBACK_REQUEST_MAX_DAYS"])
    reminder_delay = timedelta(days=config["FEEDBACK_REMINDER_DAYS"])
    report = JobReport()

    def not_answered(event: Event) -> list[Registration]:
        return _feedback_reminder_recipients(event, asked_by=now - reminder_delay)

    for event_id in _events_to_remind(now):
        report.reminders += _guarded(
            REMINDER, event_id, report, lambda e: _queue_once(REMINDER, e, now, _reminder_recipients, _remind)
        )
    for event_id in _events_ended_between(now - request_max_age, now):
        report.feedback_requests += _guarded(
            FEEDBACK_REQUEST,
            event_id,
            report,
            lambda e: _queue_once(FEEDBACK_REQUEST, e, now, feedback_request_recipients, _ask_for_feedback),
        )
    for event_id in _events_ended_between(now - request_max_age - reminder_delay, now - reminder_delay):
        report.feedback_reminders += _guarded(
            FEEDBACK_REMINDER,
            event_id,
            report,
            lambda e: _queue_once(FEEDBACK_REMINDER, e, now, not_answered, _remind_about_feedback),
        )
    for event_id in _events_with_access_needs_after_end(now):
        report.access_needs_purged += _guarded(
            PURGE_ACCESS_NEEDS, event_id, report, lambda e: _purge_access_needs(e, now)
        )
    retention = timedelta(days=config["INVITATION_RETENTION_DAYS"])
    for event_id in _events_with_invitees_after(now - retention):
        report.invitees_forgotten += _guarded(FORGET_INVITEES, event_id, report, lambda e: _forget_invitees(e, now))
    report.campaign_mails += _continue_campaigns(report)
    report.mail_purged += purge_delivered_mail(now)
    _run_retention(now, report)
    report.report_tallies += _count_report_tallies(report)
    return report


def _count_report_tallies(report: JobReport) -> int:
    """Bring the tallies of every event a report may show up to date and commit: the events
    whose people or feedback changed since, or never counted. One query when none did."""
    from seminar_app.reports.selection import reported_events
    from seminar_app.reports.tallies import commit_up_to_date_tallies

    try:
        return commit_up_to_date_tallies(reported_events())
    except Exception:
        db.session.rollback()
        current_app.logger.exception("Counting the report figures failed; they will be counted again.")
        report.failures += 1
        return 0


def _run_retention(now: datetime, report: JobReport) -> None:
    """Both retention tiers, each event's once (see privacy.retention)."""
    from seminar_app.privacy.retention import run_retention

    run = run_retention(now)
    report.retention_operational += run.operational_events
    report.retention_evidence += run.evidence_events
    report.failures += run.failures


def _continue_campaigns(report: JobReport) -> int:
    """Queue the invitations and reminders unfinished campaigns still owe (each at most
    once, see campaigns.batches); a failing campaign is logged and tried again next run."""
    from seminar_app.campaigns.batches import queue_all_batches
    from seminar_app.campaigns.queries import unfinished_campaign_ids

    queued = 0
    for campaign_id in unfinished_campaign_ids():
        try:
            queued += queue_all_batches(campaign_id)
        except Exception:
            db.session.rollback()
            current_app.logger.exception("Queueing campaign %d failed; it will be tried again.", campaign_id)
            report.failures += 1
    return queued


# --- which events are due ----------------------------------------------------------------


def _events_to_remind(now: datetime) -> list[int]:
    """Published events whose reminder time has come and which have not started."""
    rows = db.session.execute(
        select(Event.id, Event.starts_at, Event.reminder_hours_before)
        .where(
            Event.status == EventStatus.PUBLISHED,
            Event.reminder_hours_before.is_not(None),
            Event.starts_at > now,
            Event.starts_at <= now + timedelta(hours=MAX_REMINDER_HOURS),
        )
        .order_by(Event.starts_at, Event.id)
    ).all()
    return [
        event_id
        for event_id, starts_at, hours in rows
        if starts_at - timedelta(hours=min(hours, MAX_REMINDER_HOURS)) <= now
    ]


def _events_ended_between(earliest: datetime, latest: datetime) -> list[int]:
    """Events that took place and ended after `earliest` and no later than `latest`."""
    return list(
        db.session.scalars(
            select(Event.id)
            .where(Event.status.in_(HELD), Event.ends_at > earliest, Event.ends_at <= latest)
            .order_by(Event.ends_at, Event.id)
        )
    )


def _events_with_access_needs_after_end(now: datetime) -> list[int]:
    """Ended events that still hold access needs: the work left to do, however old."""
    has_needs = exists().where(Registration.event_id == Event.id, Registration.access_needs != "")
    return list(
        db.session.scalars(
            select(Event.id)
            .where(
                Event.status.in_(PURGEABLE), Event.ends_at <= now, has_needs, Event.id.not_in(events_on_legal_hold())
            )
            .order_by(Event.ends_at, Event.id)
        )
    )


def _events_with_invitees_after(ended_before: datetime) -> list[int]:
    """Events that ended before `ended_before` and still hold invitees' personal data."""
    from seminar_app.campaigns.models import Invitation

    has_invitees = exists().where(Invitation.event_id == Event.id, Invitation.erased_at.is_(None))
    return list(
        db.session.scalars(
            select(Event.id)
            .where(Event.ends_at <= ended_before, has_invitees, Event.id.not_in(events_on_legal_hold()))
            .order_by(Event.ends_at, Event.id)
        )
    )


# --- who gets what -----------------------------------------------------------------------


def _reachable(event: Event, *conditions: ColumnElement[bool]) -> list[Registration]:
    """The event's registrations meeting `conditions` that can still be written to."""
    return list(
        db.session.scalars(
            select(Registration)
            .where(
                Registration.event_id == event.id,
                Registration.erased_at.is_(None),
                Registration.email.is_not(None),
                *conditions,
            )
            .order_by(Registration.id)
        )
    )


def _reminder_recipients(event: Event) -> list[Registration]:
    return _reachable(event, Registration.status == RegistrationStatus.CONFIRMED)


def feedback_request_recipients(event: Event) -> list[Registration]:
    """The people who attended when attendance was recorded, else everyone confirmed."""
    if attendance_recorded(event):
        return _reachable(event, Registration.id.in_(attended_registration_ids(event)))
    return _reachable(event, Registration.status == RegistrationStatus.CONFIRMED)


def asked_for_feedback(event: Event) -> dict[int, datetime]:
    """When each registration of `event` was sent the feedback request (by id): the keys
    the runner and `queue_feedback_requests` claim, so they can never disagree."""
    prefix = job_key(FEEDBACK_REQUEST, event.id) + ":"
    rows = db.session.execute(
        select(JobDone.key, JobDone.done_at).where(JobDone.key.startswith(prefix, autoescape=True))
    )
    return {int(key.rpartition("-")[2]): done_at for key, done_at in rows}


def queue_feedback_requests(event: Event, now: datetime | None = None) -> int:
    """Queue the feedback request, now, for every recipient who has not had it (the
    runner's own job, so nobody gets it twice however the two meet), and commit.
    How many were queued. The caller checks that the event is over."""
    return _queue_once(FEEDBACK_REQUEST, event, now or utcnow(), feedback_request_recipients, _ask_for_feedback)


def _feedback_reminder_recipients(event: Event, *, asked_by: datetime) -> list[Registration]:
    """The people asked for feedback no later than `asked_by` who have not answered."""
    asked = db.session.scalars(
        select(JobDone.key).where(
            JobDone.key.startswith(job_key(FEEDBACK_REQUEST, event.id) + ":", autoescape=True),
            JobDone.done_at <= asked_by,
        )
    )
    asked_ids = [int(key.rpartition("-")[2]) for key in asked]
    if not asked_ids:
        return []
    return [r for r in _reachable(event, Registration.id.in_(asked_ids)) if not has_answered(r)]


# --- what each job does for one person ---------------------------------------------------


def _remind(registration: Registration) -> None:
    emails.queue_reminder(registration)


def _ask_for_feedback(registration: Registration) -> None:
    emails.queue_feedback_request(registration, feedback_url(invite(registration)))


def _remind_about_feedback(registration: Registration) -> None:
    emails.queue_feedback_reminder(registration, feedback_url(invite(registration)))


# --- doing a job once ---------------------------------------------------------------------


def _guarded(job: str, event_id: int, report: JobReport, work: Callable[[Event], int]) -> int:
    """Run one event's part of a job; a failure is logged and rolled back, not raised,
    so that the other events still get theirs."""
    try:
        event = db.session.get(Event, event_id)
        return work(event) if event is not None else 0
    except Exception:
        db.session.rollback()
        current_app.logger.exception("Job %s failed for event %d; it will be tried again.", job, event_id)
        report.failures += 1
        return 0


def _queue_once(
    job: str,
    event: Event,
    now: datetime,
    recipients: Callable[[Event], Sequence[Registration]],
    compose: Callable[[Registration], None],
) -> int:
    """Queue the job's mail for each recipient who has not had it, and commit.

    A first, read-only look avoids taking SQLite's write lock every minute for nothing;
    the recipients are then worked out again inside the write transaction."""
    if not _not_done(job, event, recipients(event)):
        return 0
    event_id = event.id
    start_write_transaction(db.session)
    event = db.session.get(Event, event_id)
    if event is None:
        return 0
    queued = 0
    for registration in _not_done(job, event, recipients(event)):
        if claim_once(job_key(job, event.id, registration.id), now):
            compose(registration)
            queued += 1
    db.session.commit()
    return queued


def _not_done(job: str, event: Event, registrations: Sequence[Registration]) -> list[Registration]:
    prefix = job_key(job, event.id) + ":"
    done = set(db.session.scalars(select(JobDone.key).where(JobDone.key.startswith(prefix, autoescape=True))))
    return [r for r in registrations if job_key(job, event.id, r.id) not in done]


def claim_once(key: str, now: datetime) -> bool:
    """Record `key` as done in the current transaction; False when it already is.

    On PostgreSQL a key another runner has inserted but not committed makes this wait
    for that runner, then yield: the unique key decides who does the job."""
    dialect = db.session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    # RETURNING says who inserted the key on every driver (psycopg reports no rowcount here).
    inserted = db.session.scalar(
        insert(JobDone)
        .values(key=key, done_at=now)
        .on_conflict_do_nothing(index_elements=["key"])
        .returning(JobDone.id)
    )
    return inserted is not None


def _forget_invitees(event: Event, now: datetime) -> int:
    """Blank the personal data of everyone invited to `event` (operational data, kept only
    to run the campaign), keeping each invitation's answer and group for the figures.
    How many invitations were blanked."""
    from seminar_app.campaigns.retention import forget_invitees

    event_id = event.id
    start_write_transaction(db.session)
    forgotten = forget_invitees(select(Event.id).where(Event.id == event_id), reason="retention period over", now=now)
    claim_once(job_key(FORGET_INVITEES, event_id), now)
    db.session.commit()
    return forgotten


def _purge_access_needs(event: Event, now: datetime) -> int:
    """Blank the access needs of every registration of `event` (operational data, kept
    only to run the event). 1 when something was deleted, else 0."""
    event_id = event.id
    start_write_transaction(db.session)
    deleted = db.session.execute(
        update(Registration)
        .where(Registration.event_id == event_id, Registration.access_needs != "")
        .values(access_needs="")
        .execution_options(synchronize_session=False)
    ).rowcount
    claim_once(job_key(PURGE_ACCESS_NEEDS, event_id), now)
    db.session.commit()
    return 1 if deleted else 0
