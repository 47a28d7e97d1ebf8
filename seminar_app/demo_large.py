"""A large demo project for the reports' scale: 300 events and 100,000 registrations by
default (`flask demo-data --scale large`, and `bench/reports.py`).

The project, its results and partners are made by the services; events are bulk-inserted,
and registrations, attendance and feedback are COPYed in batches (`demo_copy`), which is
what makes 1,000,000 registrations take a minute or two. Bulk loading bypasses the
services on purpose: no mail is queued, no calendar invitation is built. The data is
deterministic (the n-th registration always gets the same status, country and group), so
tests can count what to expect.
"""

from __future__ import annotations

import secrets
import time as clock
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import func, insert, select

from seminar_app.accounts.models import User
from seminar_app.agenda.models import AgendaItem
from seminar_app.attendance.models import Attendance
from seminar_app.db_types import utcnow
from seminar_app.demo import PARTNERS, RESULTS
from seminar_app.demo_copy import copy_rows, reserve_ids
from seminar_app.enums import (
    AgendaItemKind,
    AttendanceMode,
    CheckInSource,
    EventFormat,
    EventKind,
    EventStatus,
    QuestionKind,
    RegistrationStatus,
)
from seminar_app.events.models import Event, event_result
from seminar_app.extensions import db
from seminar_app.feedback.models import FeedbackAnswer, FeedbackInvitation, FeedbackResponse, Question
from seminar_app.feedback.questions import ensure_standard_questions
from seminar_app.projects.models import Partner, Project
from seminar_app.projects.services import ProjectInput, add_result, create_partner, create_project
from seminar_app.registration.models import Registration
from seminar_app.timefmt import to_utc

LARGE_SLUG = "prism-large"
DEMO_MANAGER = "manager@demo.example"  # made by `seminar_app.demo`
BATCH = 50_000
KINDS = (EventKind.SEMINAR, EventKind.SEMINAR, EventKind.WORKSHOP, EventKind.CONFERENCE, EventKind.TRAINING,
         EventKind.WEBINAR)  # fmt: skip
FORMATS = (EventFormat.HYBRID, EventFormat.IN_PERSON, EventFormat.ONLINE)
COUNTRIES = ("PT", "IT", "RO", "TR", "FI", "ES", "DE", "FR", "GR", "PL")
# Of every 25 registrations: 22 confirmed, then one each awaiting approval, waiting, cancelled early.
STATUS_CYCLE = (RegistrationStatus.CONFIRMED,) * 22 + (
    RegistrationStatus.PENDING,
    RegistrationStatus.WAITLISTED,
    RegistrationStatus.CANCELLED,
)


@dataclass(frozen=True)
class LargeDataSummary:
    slug: str
    created: bool
    events: int
    registrations: int
    attendances: int
    feedback_invitations: int
    feedback_responses: int
    seconds: float


@dataclass(frozen=True)
class _EventPlan:
    id: int
    index: int
    status: EventStatus
    format: EventFormat
    country: str
    language: str
    starts_at: datetime
    first_day: date


def _counts(project: Project, created: bool, seconds: float) -> LargeDataSummary:
    events = select(Event.id).join(Partner).where(Partner.project_id == project.id)

    def count(model: Any) -> int:
        return db.session.scalar(select(func.count()).select_from(model).where(model.event_id.in_(events))) or 0

    return LargeDataSummary(
        slug=project.slug,
        created=created,
        events=db.session.scalar(select(func.count()).select_from(events.subquery())) or 0,
        registrations=count(Registration),
        attendances=count(Attendance),
        feedback_invitations=count(FeedbackInvitation),
        feedback_responses=count(FeedbackResponse),
        seconds=seconds,
    )


def _project(slug: str) -> Project:
    project = create_project(
        ProjectInput(
            name="PRISM at scale – a benchmark consortium",
            acronym="PRISM-XL",
            slug=slug,
            funding_programme="Erasmus+ KA220-ADU – Cooperation partnerships in adult education",
            grant_number="2023-1-PT01-KA220-ADU-000999999",
            funding_statement="Co-funded by the European Union",
        )
    )
    for result in RESULTS:
        add_result(project, result)
    for partner in PARTNERS:
        create_partner(project, partner)
    ensure_standard_questions(project)
    return project


def _insert_events(project: Project, count: int, slug: str) -> list[_EventPlan]:
    """`count` events over the last 20 months and the next 4: past ones delivered (a few
    cancelled), future ones published (a few postponed); three in four have an agenda."""
    partners, results = list(project.partners), list(project.results)
    first, now = utcnow().date() - timedelta(days=600), utcnow()
    rows, plans = [], []
    for i in range(count):
        partner, kind = partners[i % len(partners)], KINDS[i % len(KINDS)]
        form = EventFormat.ONLINE if kind is EventKind.WEBINAR else FORMATS[i % len(FORMATS)]
        day = first + timedelta(days=i * 720 // count)
        starts_at = to_utc(datetime.combine(day, time(10)), partner.timezone)
        ends_at = starts_at + timedelta(hours=30 if kind is EventKind.CONFERENCE else 3)
        if ends_at < now:
            status = EventStatus.CANCELLED if i % 17 == 0 else EventStatus.DELIVERED
        else:
            status = EventStatus.POSTPONED if i % 11 == 0 else EventStatus.PUBLISHED
        presented = [results[i % len(results)]] + ([results[(i + 2) % len(results)]] if i % 3 == 0 else [])
        rows.append(
            {
                "partner_id": partner.id, "kind": kind, "format": form, "status": status,
                "title": f"{kind.label} {i + 1}: {' & '.join(r.title for r in presented)}",
                "slug": f"{slug}-{i + 1:03d}", "summary": "The project's results presented to practitioners.",
                "language": partner.default_language, "timezone": partner.timezone, "starts_at": starts_at,
                "ends_at": ends_at, "venue_name": "" if form is EventFormat.ONLINE else "Conference room",
                "city": "" if form is EventFormat.ONLINE else partner.city, "country": partner.country,
                "online_platform": "" if form is EventFormat.IN_PERSON else "Zoom",
                "target_audiences": ["prison_probation", "researchers"] if i % 2 else ["law_enforcement"],
                "objective": f"Present {', '.join(r.code for r in presented)} to practitioners.",
                "outcome": "Presented as planned." if status is EventStatus.DELIVERED else "",
                "published_at": starts_at - timedelta(days=60),
            }
        )  # fmt: skip
        plans.append((i, status, form, partner, starts_at, presented))
    ids = db.session.scalars(insert(Event).returning(Event.id, sort_by_parameter_order=True), rows).all()
    db.session.execute(
        insert(event_result),
        [{"event_id": ids[i], "result_id": r.id} for i, *_rest, presented in plans for r in presented],
    )
    agenda = [
        {"event_id": ids[i], "title": title, "kind": kind, "starts_at": start + timedelta(minutes=m),
         "ends_at": start + timedelta(minutes=m + 50)}
        for i, _status, _form, _partner, start, _presented in plans if i % 4 != 3
        for m, title, kind in ((0, "Welcome", AgendaItemKind.WELCOME), (60, "The results", AgendaItemKind.TALK),
                               (120, "Discussion", AgendaItemKind.DISCUSSION))
    ]  # fmt: skip
    db.session.execute(insert(AgendaItem), agenda)
    return [
        _EventPlan(ids[i], i, status, form, p.country, p.default_language, start, start.astimezone(p.tz).date())
        for i, status, form, p, start, _presented in plans
    ]


def _registration(n: int, event: _EventPlan, groups: list[str]) -> dict[str, Any]:
    status = STATUS_CYCLE[n % len(STATUS_CYCLE)]
    if event.format is EventFormat.HYBRID:
        mode = AttendanceMode.ONLINE if n % 3 == 0 else AttendanceMode.ONSITE
    else:
        mode = AttendanceMode.ONLINE if event.format is EventFormat.ONLINE else AttendanceMode.ONSITE
    others = [c for c in COUNTRIES if c != event.country]
    country = event.country if n % 20 < 14 else "" if n % 20 == 19 else others[n % len(others)]
    return {
        "event_id": event.id, "status": status, "mode": mode, "name": f"Participant {n}",
        "email": f"participant{n}@bench.example", "organisation": f"Organisation {n % 97}",
        "organisation_country": country, "stakeholder_group": groups[n % len(groups)],
        "is_partner_staff": n % 12 == 0, "language": event.language, "source": "bench",
        "created_at": event.starts_at - timedelta(days=20),
        "confirmed_at": event.starts_at - timedelta(days=19) if status is RegistrationStatus.CONFIRMED else None,
        "cancelled_at": event.starts_at - timedelta(days=2) if status is RegistrationStatus.CANCELLED else None,
    }  # fmt: skip


def _planned_registrations(
    events: list[_EventPlan], total: int, groups: list[str]
) -> Iterator[tuple[int, _EventPlan, dict[str, Any]]]:
    """`total` registrations spread evenly over the events, numbered from 0."""
    n = 0
    for index, event in enumerate(events):
        for _k in range(total // len(events) + (1 if index < total % len(events) else 0)):
            yield n, event, _registration(n, event, groups)
            n += 1


def _attends(n: int, event: _EventPlan, status: RegistrationStatus) -> bool:
    """Confirmed people of delivered events came, but two in thirteen."""
    return event.status is EventStatus.DELIVERED and status is RegistrationStatus.CONFIRMED and n % 13 not in (5, 11)


def _insert_people(events: list[_EventPlan], total: int, groups: list[str], batch: int) -> dict[int, int]:
    """Registrations, attendance and feedback invitations, a batch at a time. Returns the
    number of invitations answered per event (feedback is asked at every other delivered event)."""
    answered: dict[int, int] = {}
    pending: list[tuple[int, _EventPlan, dict[str, Any]]] = []

    def flush() -> None:
        ids = reserve_ids(Registration, len(pending))
        for registration_id, (_n, _event, row) in zip(ids, pending, strict=True):
            row["id"] = registration_id
        copy_rows(Registration, [row for *_p, row in pending])
        attendance, invitations = [], []
        for registration_id, (n, event, row) in zip(ids, pending, strict=True):
            if not _attends(n, event, row["status"]):
                continue
            attendance.append(
                {"event_id": event.id, "registration_id": registration_id, "day": event.first_day,
                 "mode": row["mode"], "source": CheckInSource.MANUAL, "checked_in_at": event.starts_at}
            )  # fmt: skip
            if event.index % 2 == 0:
                said = n % 17 < 6
                answered[event.id] = answered.get(event.id, 0) + said
                invitations.append(
                    {"event_id": event.id, "registration_id": registration_id, "salt": secrets.token_hex(16),
                     "token_hash": secrets.token_hex(32), "answered": said}
                )  # fmt: skip
        copy_rows(Attendance, attendance)
        copy_rows(FeedbackInvitation, invitations)
        pending.clear()

    for planned in _planned_registrations(events, total, groups):
        pending.append(planned)
        if len(pending) >= batch:
            flush()
    if pending:
        flush()
    return answered


def _answer(response: int, question: int) -> int:
    """Mostly 4 and 5; knowledge before the event (the fifth question) lower, after it higher."""
    base = (5, 4, 4, 5, 3, 4, 2, 5, 4, 1, 4)[(response * 3 + question) % 11]
    return min(5, max(1, base + {4: -2, 5: 1}.get(question, 0)))


def _insert_answers(project: Project, events: list[_EventPlan], answered: dict[int, int], batch: int) -> None:
    """One anonymous response per invitation answered, with an answer to every standard
    scale question, mostly 4 and 5."""
    scale = db.session.scalars(
        select(Question.id)
        .where(Question.project_id == project.id, Question.kind == QuestionKind.SCALE)
        .order_by(Question.position)
    ).all()
    responses = [
        {"event_id": e.id, "language": e.language, "submitted_on": e.first_day + timedelta(days=1)}
        for e in events
        for _n in range(answered.get(e.id, 0))
    ]
    for start in range(0, len(responses), batch):
        chunk = responses[start : start + batch]
        ids = reserve_ids(FeedbackResponse, len(chunk))
        for response_id, response in zip(ids, chunk, strict=True):
            response["id"] = response_id
        copy_rows(FeedbackResponse, chunk)
        answers = [
            {"response_id": rid, "question_id": qid, "value_int": _answer(start + k, q)}
            for k, rid in enumerate(ids)
            for q, qid in enumerate(scale)
        ]
        copy_rows(FeedbackAnswer, answers)


def build_large_project(
    registrations: int = 100_000, *, events: int = 300, slug: str = LARGE_SLUG, batch: int = BATCH
) -> LargeDataSummary:
    """Create the project `slug` with `events` events and `registrations` registrations,
    about 60 % of them with attendance, and anonymous feedback at every other delivered
    event; commit. If the project exists already, nothing is changed and its counts are
    returned (`created` is False)."""
    begun = clock.perf_counter()
    existing = db.session.scalar(select(Project).where(Project.slug == slug))
    if existing is not None:
        return _counts(existing, False, 0.0)
    project = _project(slug)
    plans = _insert_events(project, events, slug)
    groups = [g.code for g in project.stakeholder_groups]
    answered = _insert_people(plans, registrations, groups, batch)
    _insert_answers(project, plans, answered, batch)
    db.session.commit()
    return _counts(project, True, clock.perf_counter() - begun)


def load_large_demo(registrations: int) -> str:
    """`flask demo-data --scale large`: the large project, which the demo manager may report
    on; returns a line saying what was built (or found)."""
    summary = build_large_project(registrations)
    project = db.session.scalar(select(Project).where(Project.slug == summary.slug))
    manager = db.session.scalar(select(User).where(func.lower(User.email) == DEMO_MANAGER))
    if project is not None and manager is not None and project not in manager.projects:
        manager.projects.append(project)
        db.session.commit()
    what = "Created" if summary.created else "Already there"
    took = f" in {summary.seconds:.1f} s" if summary.created else ""
    return (
        f"{what}: project {summary.slug} with {summary.events} events, {summary.registrations} registrations, "
        f"{summary.attendances} attendances, {summary.feedback_responses} feedback answers{took}."
    )
