"""Reading what eligibility needs: attendance rows with the registrations' country and
partner flag, and the organisers' decisions. Read-only, two queries whatever the number
of events (`counts_for_events`)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from seminar_app.attendance.models import Attendance
from seminar_app.events.models import Event
from seminar_app.extensions import db
from seminar_app.funding.eligibility import Attendee, Category, EventCounts, Presence, classify
from seminar_app.funding.models import EligibilityDecision, FundingRules
from seminar_app.registration.models import Registration


@dataclass
class EventFacts:
    """An event's attendees with their presences, and the decisions about them (oldest first)."""

    attendees: dict[int, Attendee]
    presences: dict[int, list[Presence]]
    decisions: dict[int, list[EligibilityDecision]]

    def marked_ineligible(self, registration_id: int) -> bool:
        history = self.decisions.get(registration_id)
        return bool(history) and not history[-1].eligible


def facts_for_events(event_ids: Sequence[int], *, with_deciders: bool = False) -> dict[int, EventFacts]:
    """Per event id, its attendees' facts. Two queries (three with the deciders' accounts)."""
    facts = {event_id: EventFacts({}, defaultdict(list), defaultdict(list)) for event_id in event_ids}
    if not event_ids:
        return facts
    rows = db.session.execute(
        select(
            Attendance.event_id,
            Attendance.registration_id,
            Attendance.mode,
            Attendance.minutes,
            Registration.organisation_country,
            Registration.is_partner_staff,
        )
        .join(Registration, Registration.id == Attendance.registration_id)
        .where(Attendance.event_id.in_(event_ids))
        .order_by(Attendance.event_id, Attendance.registration_id, Attendance.day)
    )
    for event_id, registration_id, mode, minutes, country, staff in rows:
        one = facts[event_id]
        one.attendees.setdefault(registration_id, Attendee(registration_id, country or "", bool(staff)))
        one.presences[registration_id].append(Presence(mode, minutes))
    query = (
        select(EligibilityDecision)
        .where(EligibilityDecision.event_id.in_(event_ids))
        .order_by(EligibilityDecision.decided_at, EligibilityDecision.id)
    )
    if with_deciders:
        query = query.options(selectinload(EligibilityDecision.decided_by))
    for decision in db.session.scalars(query):
        facts[decision.event_id].decisions[decision.registration_id].append(decision)
    return facts


def count_event(event: Event, facts: EventFacts, rules: FundingRules) -> EventCounts:
    counts = EventCounts()
    for registration_id, attendee in facts.attendees.items():
        category = classify(
            event.country,
            attendee,
            facts.presences[registration_id],
            rules,
            marked_ineligible=facts.marked_ineligible(registration_id),
        )
        counts.add(category, registration_id)
    return counts


def counts_for_events(events: Sequence[Event], rules: FundingRules) -> dict[int, EventCounts]:
    """Each event's counts by category, keyed by event id."""
    facts = facts_for_events([event.id for event in events])
    return {event.id: count_event(event, facts[event.id], rules) for event in events}


@dataclass
class EligibilityRow:
    """One attendee on the eligibility page."""

    registration: Registration
    category: Category
    online_minutes: int | None
    history: list[EligibilityDecision]

    @property
    def decision(self) -> EligibilityDecision | None:
        return self.history[-1] if self.history else None


def eligibility_rows(event: Event, rules: FundingRules) -> list[EligibilityRow]:
    """The event's attendees with their category and the decisions about them, erased people
    last, by name otherwise. Four queries."""
    facts = facts_for_events([event.id], with_deciders=True)[event.id]
    counts = count_event(event, facts, rules)
    registrations = db.session.scalars(select(Registration).where(Registration.id.in_(list(facts.attendees))))
    rows = []
    for registration in registrations:
        presences = facts.presences[registration.id]
        minutes = [p.minutes for p in presences if p.minutes is not None]
        rows.append(
            EligibilityRow(
                registration,
                counts.by_registration[registration.id],
                max(minutes) if minutes else None,
                list(facts.decisions.get(registration.id, [])),
            )
        )
    rows.sort(key=lambda row: (row.registration.is_erased, row.registration.name.casefold(), row.registration.id))
    return rows
