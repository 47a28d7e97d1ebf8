"""Seed the rehearsal database (already migrated): the demo consortium for browsing, plus
hybrid events whose seats are nearly taken, so that the load fills them and the waiting list
moves. Writes the rehearsal events as JSON to the file given.

    SEMINAR_CONFIG=production ... python deploy/rehearsal/seed.py EVENTS_JSON [EVENT_COUNT]
"""

from __future__ import annotations

import json
import sys
from datetime import datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from sqlalchemy import select

from seminar_app import create_app
from seminar_app.demo import load_demo_data
from seminar_app.enums import AttendanceMode, EventFormat, EventKind, EventStatus
from seminar_app.events.services import EventInput, change_status, create_event
from seminar_app.extensions import db
from seminar_app.projects.models import Project
from seminar_app.registration.services import RegistrationInput, register

# Seats per mode, and how many are taken before the load starts: the load's first
# registration in each mode gets the last seat, later ones wait, cancellations promote them.
# Few events, so that even a slow machine's load puts people on every waiting list.
CAPACITY = 12
PREFILLED = CAPACITY - 1


def seed(count: int) -> list[dict[str, object]]:
    load_demo_data()
    project = db.session.scalars(select(Project).order_by(Project.id)).first()
    assert project is not None
    groups = [g.code for g in project.stakeholder_groups]
    events = []
    for n in range(count):
        partner = project.partners[n % len(project.partners)]
        day = datetime.now(ZoneInfo(partner.timezone)).date() + timedelta(days=20 + n)
        event = create_event(
            partner,
            EventInput(
                title=f"Rehearsal seminar {n + 1} on mentoring in probation",
                starts_local=datetime.combine(day, time(9, 30)),
                ends_local=datetime.combine(day, time(13, 0)),
                timezone=partner.timezone,
                language=partner.default_language,
                format=EventFormat.HYBRID,
                kind=EventKind.SEMINAR,
                summary="A hybrid seminar used by the production rehearsal.",
                description="Results of the project presented to practitioners.",
                venue_name="Auditorium",
                address="Main street 1",
                city=partner.city or "Lisboa",
                country=partner.country,
                online_platform="Jitsi",
                joining_url="https://meet.example.org/rehearsal",
                capacity_onsite=CAPACITY,
                capacity_online=CAPACITY,
                target_audiences=["researchers"],
                objective="Rehearse production.",
            ),
        )
        change_status(event, EventStatus.PUBLISHED)
        for i in range(PREFILLED * 2):
            mode = AttendanceMode.ONSITE if i % 2 == 0 else AttendanceMode.ONLINE
            register(
                event,
                RegistrationInput(
                    name=f"Seeded person {i}",
                    email=f"seeded{i}.event{event.id}@seed.example.org",
                    organisation="Probation Service",
                    organisation_country=partner.country,
                    stakeholder_group=groups[i % len(groups)] if groups else "",
                    mode=mode,
                    privacy_acknowledged=True,
                ),
            )
        events.append({"id": event.id, "slug": event.slug, "capacity": CAPACITY, "groups": groups})
    return events


def main() -> None:
    out = Path(sys.argv[1])
    count = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    app = create_app()
    with app.app_context():
        events = seed(count)
        projects = [p.slug for p in db.session.scalars(select(Project))]
    out.write_text(json.dumps({"events": events, "projects": projects}))
    print(f"seeded {len(events)} hybrid events ({CAPACITY} seats per mode, {PREFILLED} taken)", flush=True)


if __name__ == "__main__":
    main()
