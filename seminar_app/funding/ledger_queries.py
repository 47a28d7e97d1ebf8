"""Reading a project's ledger: its plan, the events linked to it (and the events linked to
nothing), their eligible participants and their evidence. A fixed number of queries
whatever the size of the project (see tests/test_funding_ledger.py)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import or_, select
from sqlalchemy.orm import joinedload

from seminar_app.db_types import utcnow
from seminar_app.events.models import Event
from seminar_app.extensions import db
from seminar_app.funding.eligibility_queries import counts_for_events
from seminar_app.funding.evidence_status import evidence_for_events
from seminar_app.funding.ledger import Ledger, build_ledger
from seminar_app.funding.models import PlannedEvent
from seminar_app.funding.rules import rules_for
from seminar_app.projects.models import Partner, Project
from seminar_app.reports.scope import ReportScope


def ledger_events(project: Project, scope: ReportScope) -> tuple[list[PlannedEvent], list[Event]]:
    """The planned events of the reader's partners and the events the ledger lists."""
    plan = list(
        db.session.scalars(
            select(PlannedEvent)
            .options(joinedload(PlannedEvent.partner))
            .where(PlannedEvent.project_id == project.id, PlannedEvent.partner_id.in_(scope.partner_ids))
        )
    )
    plan_ids = [p.id for p in plan]
    events = list(
        db.session.scalars(
            select(Event)
            .join(Partner, Partner.id == Event.partner_id)
            .options(joinedload(Event.partner))
            .where(
                Partner.project_id == project.id,
                or_(
                    Event.planned_event_id.in_(plan_ids),
                    Event.planned_event_id.is_(None) & Event.partner_id.in_(scope.partner_ids),
                ),
            )
        )
    )
    return plan, events


def ledger_for(project: Project, scope: ReportScope, *, today: date | None = None) -> Ledger:
    rules = rules_for(project)
    plan, events = ledger_events(project, scope)
    today = today or utcnow().date()
    return build_ledger(
        plan,
        events,
        counts_for_events(events, rules),
        evidence_for_events(events, rules, today=today),
        rules,
        today=today,
        whole_project=scope.whole_project,
    )
