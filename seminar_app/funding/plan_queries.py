"""Read-only queries of the plan page: the planned events with the events delivering them,
the events that may be linked, and the plan's change log. A bounded number of queries,
whatever the size of the plan."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from seminar_app.enums import EventStatus
from seminar_app.events.models import Event
from seminar_app.extensions import db
from seminar_app.funding.models import FundingChange, PlannedEvent
from seminar_app.funding.rules_services import PLAN_SETTING_PREFIX
from seminar_app.projects.models import Partner, Project


@dataclass
class PlanLine:
    planned: PlannedEvent
    events: list[Event] = field(default_factory=list)


def plan_lines(project: Project) -> list[PlanLine]:
    """The project's planned events by month and code, each with its linked events by date."""
    planned = db.session.scalars(
        select(PlannedEvent)
        .options(joinedload(PlannedEvent.partner))
        .where(PlannedEvent.project_id == project.id)
        .order_by(PlannedEvent.planned_month, PlannedEvent.code)
    ).all()
    lines = {p.id: PlanLine(p) for p in planned}
    if lines:
        linked = db.session.scalars(
            select(Event).where(Event.planned_event_id.in_(list(lines))).order_by(Event.starts_at, Event.id)
        )
        for event in linked:
            lines[event.planned_event_id].events.append(event)  # type: ignore[index]
    return list(lines.values())


def linkable_events(project: Project) -> list[Event]:
    """The project's events that may deliver a planned event: all but cancelled ones, by date."""
    return list(
        db.session.scalars(
            select(Event)
            .options(joinedload(Event.partner))
            .join(Partner, Partner.id == Event.partner_id)
            .where(Partner.project_id == project.id, Event.status != EventStatus.CANCELLED)
            .order_by(Event.starts_at, Event.id)
        )
    )


def link_choices(line: PlanLine, events: list[Event]) -> list[tuple[str, list[tuple[int, str]]]]:
    """The events a planned line may be linked to, as option groups: the planned partner's
    own events first, then the others; events already linked to this line left out."""
    own: list[tuple[int, str]] = []
    others: list[tuple[int, str]] = []
    for event in events:
        if event.planned_event_id == line.planned.id:
            continue
        label = f"{event.local_start:%Y-%m-%d} · {event.title} ({event.partner.short_name})"
        (own if event.partner_id == line.planned.partner_id else others).append((event.id, label))
    return [("own", own), ("others", others)]


def plan_changes(project: Project, *, limit: int = 100) -> list[FundingChange]:
    """The plan's latest changes, newest first."""
    query = (
        select(FundingChange)
        .where(FundingChange.project_id == project.id, FundingChange.setting.like(f"{PLAN_SETTING_PREFIX}%"))
        .order_by(FundingChange.changed_at.desc(), FundingChange.id.desc())
        .limit(limit)
    )
    return list(db.session.scalars(query))


def project_partners(project: Project) -> list[Partner]:
    return list(
        db.session.scalars(select(Partner).where(Partner.project_id == project.id).order_by(Partner.short_name))
    )
