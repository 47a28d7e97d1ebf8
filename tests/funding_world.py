"""A project with a plan of multiplier events, the events that delivered it and their
attendees, for the ledger's tests. The expected figures are counted here from the list of
people the world is built from, with the funder's rules written out again, never read back
from the product (shared by tests/test_funding_*.py)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from seminar_app.attendance.models import Attendance
from seminar_app.db_types import utcnow
from seminar_app.enums import AttendanceMode, CheckInSource, EventFormat, EventStatus, RegistrationStatus
from seminar_app.events.models import Event
from seminar_app.extensions import db
from seminar_app.funding.models import EligibilityDecision, EvidenceFile, FundingRules, PlannedEvent
from seminar_app.projects.models import Partner, Project
from seminar_app.registration.models import Registration
from seminar_app.registration.services import anonymise

ONSITE, ONLINE = AttendanceMode.ONSITE, AttendanceMode.ONLINE
MANUAL, QR, WALK_IN, IMPORT = CheckInSource.MANUAL, CheckInSource.QR, CheckInSource.WALK_IN, CheckInSource.IMPORT
MIN_MINUTES = 30
AMOUNT_LOCAL, AMOUNT_INTERNATIONAL = Decimal("100"), Decimal("200")
CAP = Decimal("1000")


@dataclass(frozen=True)
class Person:
    event: str
    country: str
    # Each day present: (mode, source, minutes); the n-th entry is the event's n-th day.
    days: tuple[tuple[AttendanceMode, CheckInSource, int | None], ...] = ()
    staff: bool = False
    erase: bool = False
    marked: bool = False  # marked not eligible by the organiser


def today_month(shift: int) -> date:
    now = utcnow().date()
    index = now.year * 12 + now.month - 1 + shift
    return date(index // 12, index % 12 + 1, 1)


# key: partner, planned code or None, status, local start, hours, format, country
EVENTS: dict[str, tuple[str, str | None, EventStatus, datetime, int, EventFormat, str]] = {
    # E1: a two-day seminar in Lisbon.
    "A1": ("A", "E1", EventStatus.DELIVERED, datetime(2025, 3, 12, 10), 30, EventFormat.IN_PERSON, "PT"),
    # E2: a seminar repeated, hybrid in Berlin and online.
    "B1": ("B", "E2", EventStatus.DELIVERED, datetime(2025, 5, 20, 10), 3, EventFormat.HYBRID, "DE"),
    "B2": ("B", "E2", EventStatus.DELIVERED, datetime(2025, 6, 3, 10), 2, EventFormat.ONLINE, "DE"),
    # E3's only event was cancelled: nothing is scheduled two months before its month.
    "A3": ("A", "E3", EventStatus.CANCELLED, datetime(2025, 9, 3, 10), 3, EventFormat.IN_PERSON, "PT"),
    # Not in the plan.
    "A9": ("A", None, EventStatus.DELIVERED, datetime(2025, 4, 2, 10), 3, EventFormat.IN_PERSON, "PT"),
}

# code: partner, title, country, planned month, planned local, planned international, budget
PLAN: dict[str, tuple[str, str, str, date, int, int, Decimal]] = {
    "E1": ("A", "Lisbon multiplier seminar", "PT", date(2025, 3, 1), 5, 2, Decimal("900")),
    "E2": ("B", "Berlin multiplier seminar", "DE", date(2025, 5, 1), 3, 1, Decimal("500")),
    "E3": ("A", "Porto multiplier seminar", "PT", today_month(2), 10, 2, Decimal("1400")),
    "E10": ("B", "Final conference", "DE", today_month(12), 20, 10, Decimal("4000")),
}

PEOPLE = [
    Person("A1", "PT", ((ONSITE, MANUAL, None),)),
    Person("A1", "PT", ((ONSITE, QR, None), (ONSITE, MANUAL, None))),  # two days: once
    Person("A1", "ES", ((ONSITE, WALK_IN, None),)),  # a walk-in from Spain
    Person("A1", "PT", ((ONSITE, MANUAL, None),), staff=True),
    Person("A1", "", ((ONSITE, MANUAL, None),)),  # country not given
    Person("A1", "FR", ((ONSITE, MANUAL, None),), erase=True),  # erased after the event: counts
    Person("A1", "PT", ((ONSITE, MANUAL, None),), marked=True),
    Person("A1", "PT"),  # registered, never came
    Person("B1", "DE", ((ONLINE, IMPORT, 45),)),
    Person("B1", "AT", ((ONLINE, IMPORT, 10),)),  # under the minimum
    Person("B1", "AT", ((ONLINE, MANUAL, None),)),  # ticked by hand online: counts
    Person("B1", "DE", ((ONSITE, QR, None),)),
    Person("B1", "", ((ONSITE, MANUAL, None),), staff=True),  # staff first
    Person("B2", "PL", ((ONLINE, IMPORT, 30),)),  # exactly the minimum
    Person("B2", "DE", ((ONLINE, IMPORT, 29),)),
    Person("B2", "DE", ((ONLINE, IMPORT, 60),), staff=True),
    Person("B2", "PT", ((ONLINE, IMPORT, 90),), erase=True, marked=True),
    Person("A9", "PT", ((ONSITE, MANUAL, None),)),
    Person("A3", "PT"),
]


def expected_counts(event_keys: set[str], partner_staff_count: bool = False) -> dict[str, int]:
    """The funder's rules, written out again for the test."""
    result: Counter[str] = Counter()
    for p in PEOPLE:
        if p.event not in event_keys or not p.days:
            continue
        country = EVENTS[p.event][6]
        if not any(mode is ONSITE or minutes is None or minutes >= MIN_MINUTES for mode, _s, minutes in p.days):
            result["below_minutes"] += 1
        elif p.marked:
            result["marked"] += 1
        elif p.staff and not partner_staff_count:
            result["partner_staff"] += 1
        elif not p.country:
            result["no_country"] += 1
        elif p.country == country:
            result["local"] += 1
        else:
            result["international"] += 1
    return {k: result[k] for k in ("local", "international", "partner_staff", "no_country", "below_minutes", "marked")}


def expected_grant(event_keys: set[str]) -> Decimal:
    c = expected_counts(event_keys)
    return c["local"] * AMOUNT_LOCAL + c["international"] * AMOUNT_INTERNATIONAL


@dataclass
class World:
    project: Project
    partners: dict[str, Partner]
    events: dict[str, Event]
    plan: dict[str, PlannedEvent]
    registrations: dict[int, Registration]
    organiser: Any


def build_world(make_project, make_partner, make_event, make_user) -> World:  # type: ignore[no-untyped-def]
    project = make_project()
    partners = {
        "A": make_partner(project, country="PT", timezone="Europe/Lisbon"),
        "B": make_partner(project, country="DE", city="Berlin", timezone="Europe/Berlin", default_language="de"),
    }
    organiser = make_user(partners=[partners["A"]])
    db.session.add(
        FundingRules(
            project_id=project.id,
            amount_local=AMOUNT_LOCAL,
            amount_international=AMOUNT_INTERNATIONAL,
            cap=CAP,
            min_online_minutes=MIN_MINUTES,
        )
    )
    plan = {}
    for code, (partner, title, country, month, local, international, budget) in PLAN.items():
        plan[code] = PlannedEvent(
            project_id=project.id,
            code=code,
            title=title,
            partner_id=partners[partner].id,
            country=country,
            planned_month=month,
            planned_local=local,
            planned_international=international,
            budget=budget,
        )
        db.session.add(plan[code])
    db.session.commit()
    events: dict[str, Event] = {}
    for key, (partner, code, status, start, hours, fmt, country) in EVENTS.items():
        events[key] = make_event(
            partners[partner],
            status=status,
            starts_local=start,
            hours=hours,
            format=fmt,
            country=country,
            title=f"Event {key}",
        )
        events[key].planned_event_id = plan[code].id if code else None
    db.session.commit()
    registrations = {}
    for n, p in enumerate(PEOPLE):
        event = events[p.event]
        registration = Registration(
            event_id=event.id,
            status=RegistrationStatus.CONFIRMED,
            mode=p.days[0][0] if p.days else ONSITE,
            name=f"Person {n}",
            email=f"person{n}@example.org",
            organisation=f"Org {n}",
            organisation_country=p.country,
            is_partner_staff=p.staff,
        )
        db.session.add(registration)
        db.session.flush()
        registrations[n] = registration
        for day, (mode, source, minutes) in zip(event.local_days, p.days, strict=False):
            db.session.add(
                Attendance(
                    event_id=event.id,
                    registration_id=registration.id,
                    day=day,
                    mode=mode,
                    source=source,
                    minutes=minutes,
                )
            )
        if p.marked:
            db.session.add(
                EligibilityDecision(
                    event_id=event.id, registration_id=registration.id, eligible=False, reason="Speaker"
                )
            )
        if p.erase:
            anonymise(registration)
    # Evidence: E1's sheets for both days, agenda and material; B1 lacks its sheet.
    for key, kind, day in [
        ("A1", "signed_sheet", date(2025, 3, 12)),
        ("A1", "signed_sheet", date(2025, 3, 13)),
        ("A1", "agenda", None),
        ("A1", "material", None),
        ("B1", "online_report", date(2025, 5, 20)),
        ("B1", "agenda", None),
        ("B1", "material", None),
        ("B2", "agenda", None),
        ("B2", "material", None),
    ]:
        db.session.add(
            EvidenceFile(
                event_id=events[key].id,
                kind=kind,
                day=day,
                filename=f"{kind}.pdf",
                content_type="application/pdf",
                size=8,
                sha256="0" * 64,
                content=b"%PDF-1.4",
            )
        )
    db.session.commit()
    return World(project, partners, events, plan, registrations, organiser)
