"""The evidence status of events: which sheet, report, agenda or material is still missing,
in the words the ledger shows, with a bounded number of queries."""

from __future__ import annotations

from datetime import date, datetime

from seminar_app.attendance.models import Attendance
from seminar_app.enums import AttendanceMode, CheckInSource, EventFormat, EvidenceKind, RegistrationStatus
from seminar_app.extensions import db
from seminar_app.funding.evidence_status import evidence_for_events
from seminar_app.funding.models import EvidenceFile
from seminar_app.funding.rules import rules_for
from seminar_app.registration.models import Registration
from tests.test_events_content import count_queries


def _file(event, kind, day=None):  # type: ignore[no-untyped-def]
    db.session.add(
        EvidenceFile(
            event_id=event.id,
            kind=kind.value,
            day=day,
            filename="x.pdf",
            content_type="application/pdf",
            size=3,
            sha256="0" * 64,
            content=b"pdf",
        )
    )


def test_missing_items_per_day_and_format(app, make_event, make_agenda_item):  # type: ignore[no-untyped-def]
    # A two-day hybrid event in March: sheet and online report per day, agenda, material.
    event = make_event(starts_local=datetime(2026, 3, 12, 10), hours=30, format=EventFormat.HYBRID)
    online = make_event(event.partner, starts_local=datetime(2026, 3, 20, 10), format=EventFormat.ONLINE)
    future = make_event(event.partner, starts_local=datetime(2027, 3, 20, 10), format=EventFormat.IN_PERSON)
    _file(event, EvidenceKind.SIGNED_SHEET, date(2026, 3, 12))
    _file(event, EvidenceKind.MATERIAL)
    make_agenda_item(event)
    reg = Registration(event_id=online.id, status=RegistrationStatus.CONFIRMED, mode=AttendanceMode.ONLINE)
    db.session.add(reg)
    db.session.flush()
    db.session.add(
        Attendance(
            event_id=online.id,
            registration_id=reg.id,
            day=date(2026, 3, 20),
            mode=AttendanceMode.ONLINE,
            source=CheckInSource.IMPORT,
            minutes=50,
        )
    )
    db.session.commit()
    rules = rules_for(event.partner.project)

    events = [event, online, future]
    for one in events:
        db.session.refresh(one)
    with count_queries() as statements:
        status = evidence_for_events(events, rules, today=date(2026, 6, 1))
    assert len(statements) <= 3

    words = [item.describe() for item in status[event.id].missing]
    assert words == [
        "online participant report for 12 Mar missing",
        "sheet for 13 Mar missing",
        "online participant report for 13 Mar missing",
    ]
    assert not status[event.id].complete
    # The imported report counts for the online day; the agenda of the online event is missing.
    assert [item.describe() for item in status[online.id].missing] == ["agenda missing", "material missing"]
    assert [i.describe() for i in status[online.id].items if i.present] == [
        "online participant report for 20 Mar uploaded"
    ]
    # Nothing of an event still ahead is missing.
    assert status[future.id].complete
    assert len(status[future.id].items) == 3


def test_rules_decide_what_is_needed(app, make_event):  # type: ignore[no-untyped-def]
    event = make_event(starts_local=datetime(2026, 3, 12, 10), format=EventFormat.IN_PERSON)
    rules = rules_for(event.partner.project)
    rules.needs_agenda = rules.needs_material = False
    status = evidence_for_events([event], rules, today=date(2026, 6, 1))
    assert [(i.kind, i.day) for i in status[event.id].items] == [(EvidenceKind.SIGNED_SHEET, date(2026, 3, 12))]
    assert evidence_for_events([], rules) == {}
