"""Read-only queries about events for the organiser workspace, the API and the CLI."""

from __future__ import annotations

from collections import Counter

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from seminar_app.accounts.models import User
from seminar_app.accounts.permissions import manageable_partners
from seminar_app.enums import EventStatus
from seminar_app.events.models import Event
from seminar_app.extensions import db
from seminar_app.projects.models import Partner, ProjectResult


def partners_for(user: User) -> list[Partner]:
    """The partners `user` may organise events for, with their projects loaded."""
    return list(db.session.scalars(manageable_partners(user).options(selectinload(Partner.project))))


def managed_events(user: User, status: EventStatus | None = None) -> list[Event]:
    """Events of every partner `user` may manage, soonest first, with partner and project loaded
    (three queries whatever the number of events)."""
    partner_ids = manageable_partners(user).with_only_columns(Partner.id).order_by(None)
    query = (
        select(Event)
        .where(Event.partner_id.in_(partner_ids))
        .options(selectinload(Event.partner).selectinload(Partner.project))
        .order_by(Event.starts_at, Event.id)
    )
    if status is not None:
        query = query.where(Event.status == status)
    return list(db.session.scalars(query))


def status_counts(user: User) -> dict[EventStatus, int]:
    """How many of the user's manageable events are in each status (every status present, maybe 0)."""
    partner_ids = manageable_partners(user).with_only_columns(Partner.id).order_by(None)
    rows = db.session.execute(select(Event.status).where(Event.partner_id.in_(partner_ids)))
    counts = Counter(status for (status,) in rows)
    return {status: counts.get(status, 0) for status in EventStatus}


def results_for_partners(partners: list[Partner]) -> list[ProjectResult]:
    """The results of the projects of `partners`, ordered by project and code."""
    project_ids = {p.project_id for p in partners}
    if not project_ids:
        return []
    query = (
        select(ProjectResult)
        .where(ProjectResult.project_id.in_(project_ids))
        .options(selectinload(ProjectResult.project))
        .order_by(ProjectResult.project_id, ProjectResult.code)
    )
    return list(db.session.scalars(query))
