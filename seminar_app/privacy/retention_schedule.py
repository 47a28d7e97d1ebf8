"""What retention will purge when: the one query behind `flask retention report` and the
Retention section of the project pages, so that both always say the same.

Per project: the days after each event, the evidence date (or none set), the legal hold
(since when, by whom, why) and whether the project-wide part of tier 2 is done. Per event:
when tier 1 falls due, whether each tier is due now or done (and when). "Due now" comes
from the same functions the purge runs on (`privacy.retention.due_*`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from seminar_app.db_types import utcnow
from seminar_app.enums import EventStatus
from seminar_app.events.models import Event
from seminar_app.extensions import db
from seminar_app.jobs.models import JobDone
from seminar_app.jobs.services import job_key
from seminar_app.privacy import retention
from seminar_app.privacy.models import RetentionChange
from seminar_app.projects.models import Partner, Project


@dataclass(frozen=True)
class EventRetention:
    """One event's two tiers. `operational_on` is None for an event whose tier 1 waits for
    something else (a postponed event's new dates, a draft)."""

    event_id: int
    slug: str
    title: str
    status: EventStatus
    timezone: str
    ends_at: datetime
    operational_on: datetime | None
    operational_due: bool
    operational_done_at: datetime | None
    evidence_due: bool
    evidence_done_at: datetime | None


@dataclass(frozen=True)
class ProjectRetention:
    project_id: int
    slug: str
    acronym: str
    operational_days: int
    days_are_default: bool
    evidence_kept_until: date | None
    legal_hold: bool
    legal_hold_since: datetime | None
    legal_hold_reason: str
    legal_hold_by: str
    evidence_done_at: datetime | None
    evidence_project_due: bool
    events: list[EventRetention]

    @property
    def due_now(self) -> bool:
        return self.evidence_project_due or any(e.operational_due or e.evidence_due for e in self.events)


def retention_schedule(projects: list[Project], now: datetime | None = None) -> list[ProjectRetention]:
    """The schedule of `projects` at `now` (default: the current time), events by end.
    A fixed number of queries per project."""
    now = now or utcnow()
    ids = [p.id for p in projects]
    due_operational = set(retention.due_operational(now, ids))
    due_evidence = set(retention.due_evidence(now, ids))
    due_projects = set(retention.due_evidence_projects(now, ids))
    done = dict(
        db.session.execute(
            select(JobDone.key, JobDone.done_at).where(JobDone.key.startswith("retention_", autoescape=True))
        )
        .tuples()
        .all()
    )
    schedule = []
    for project in projects:
        days = retention.operational_days(project)
        events = db.session.scalars(
            select(Event)
            .join(Partner, Partner.id == Event.partner_id)
            .where(Partner.project_id == project.id, Event.status != EventStatus.DRAFT)
            .order_by(Event.ends_at, Event.id)
        ).all()
        rows = [
            EventRetention(
                event_id=e.id,
                slug=e.slug,
                title=e.title,
                status=e.status,
                timezone=e.timezone,
                ends_at=e.ends_at,
                operational_on=e.ends_at + timedelta(days=days) if e.status in retention.OPERATIONAL_STATUSES else None,
                operational_due=e.id in due_operational,
                operational_done_at=done.get(job_key(retention.OPERATIONAL, e.id)),
                evidence_due=e.id in due_evidence,
                evidence_done_at=done.get(job_key(retention.EVIDENCE, e.id)),
            )
            for e in events
        ]
        schedule.append(
            ProjectRetention(
                project_id=project.id,
                slug=project.slug,
                acronym=project.acronym,
                operational_days=days,
                days_are_default=project.operational_retention_days is None,
                evidence_kept_until=project.evidence_kept_until,
                legal_hold=project.legal_hold,
                legal_hold_since=project.legal_hold_set_at if project.legal_hold else None,
                legal_hold_reason=project.legal_hold_reason if project.legal_hold else "",
                legal_hold_by=(project.legal_hold_set_by.name if project.legal_hold_set_by else "")
                if project.legal_hold
                else "",
                evidence_done_at=done.get(retention.project_key(project.id)),
                evidence_project_due=project.id in due_projects,
                events=rows,
            )
        )
    return schedule


def all_projects(slug: str | None = None) -> list[Project]:
    """Every project by acronym, or the one with `slug` (empty list if none)."""
    query = select(Project).options(selectinload(Project.legal_hold_set_by)).order_by(Project.acronym, Project.id)
    if slug is not None:
        query = query.where(Project.slug == slug)
    return list(db.session.scalars(query))


def retention_changes(project: Project, limit: int = 50) -> list[RetentionChange]:
    """The latest changes of the project's retention settings, newest first."""
    return list(
        db.session.scalars(
            select(RetentionChange)
            .where(RetentionChange.project_id == project.id)
            .order_by(RetentionChange.changed_at.desc(), RetentionChange.id.desc())
            .limit(limit)
        )
    )
