"""Every calendar object seminar_app writes, read by the parsers real clients use:
libical's iTIP checker, Mozilla's ical.js, a real CalDAV server (Radicale) and, for the
mail, a real SMTP server and Python's email package.

Time-zone decision under test: one-off events are written in UTC (no VTIMEZONE), so
the expected instants below are worked out by hand from each zone's rules, not by the
code that wrote them.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from seminar_app.calendar.ics import publish_calendar
from seminar_app.calendar.invitations import uid_space
from seminar_app.enums import AttendanceMode, EventStatus
from seminar_app.events import services as event_services
from seminar_app.extensions import db
from seminar_app.mail.models import OutboxMessage
from seminar_app.mail.sender import deliver_all_due
from seminar_app.registration import services
from tests.conftest import local
from tests.mail_rows import write_pending_mail
from tests.test_calendar_invitations import edit
from tests.test_registration_services import person


def outbox(kind: str) -> list[OutboxMessage]:
    write_pending_mail()
    query = select(OutboxMessage).where(OutboxMessage.kind == kind).order_by(OutboxMessage.id)
    return list(db.session.scalars(query))


def assert_clean(libical: Any, ics: str | bytes, method: str) -> None:
    result = libical(ics)
    assert result["parsed"], result
    assert result["method"] == method
    assert result["restriction_ok"], result["errors"]
    assert result["errors"] == []


@pytest.fixture
def lifecycle(make_event, make_agenda_item) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    """One event through its life: invitations (on site, online), an update, an attendee's
    cancellation and the event's cancellation; every calendar object produced, by kind."""
    event = make_event(capacity_onsite=5, capacity_online=5)
    make_agenda_item(event, title="Opening: the Mentoring Model")
    onsite = services.register(event, person(1)).registration
    services.register(event, person(2, mode=AttendanceMode.ONLINE, name="Ștefan Iordache, “Probation”"))
    leaving = services.register(event, person(3)).registration
    write_pending_mail()  # as the sender does, before anything changes
    new_start = event_services.EventInput.from_event(event).starts_local + timedelta(days=1)
    edit(event, starts_local=new_start, ends_local=new_start + timedelta(hours=3), venue_name="Biblioteca Nacional")
    services.cancel_registration(leaving)
    event_services.change_status(event, EventStatus.CANCELLED, note="The venue is closed.")
    feed = publish_calendar(
        [event], calendar_name="PRISM events", url_for_event=lambda e: "https://x.example/e", uids=uid_space()
    )
    return {
        "event": event,
        "onsite": onsite,
        "request": [m.calendar_ics for m in outbox("registration_confirmed")],
        "update": [m.calendar_ics for m in outbox("event_changed")],
        "attendee_cancel": [m.calendar_ics for m in outbox("cancelled")],
        "event_cancel": [m.calendar_ics for m in outbox("event_cancelled")],
        "feed": feed,
    }


def test_libical_accepts_every_itip_message_and_the_feed(libical, lifecycle) -> None:
    assert len(lifecycle["request"]) == 3 and len(lifecycle["update"]) == 3
    for kind, method in [
        ("request", "REQUEST"),
        ("update", "REQUEST"),
        ("attendee_cancel", "CANCEL"),
        ("event_cancel", "CANCEL"),
    ]:
        assert lifecycle[kind], kind
        for ics in lifecycle[kind]:
            assert_clean(libical, ics, method)
    assert_clean(libical, lifecycle["feed"], "PUBLISH")


def test_libical_catches_a_broken_invitation(libical, lifecycle) -> None:
    """The checker is not a rubber stamp: an invitation without its ORGANIZER fails."""
    broken = "\r\n".join(
        line for line in lifecycle["request"][0].replace("\r\n ", "").split("\r\n") if not line.startswith("ORGANIZER")
    )
    assert not libical(broken)["restriction_ok"]


def test_icaljs_reads_the_same_entry_through_its_life(icaljs, lifecycle) -> None:
    event = lifecycle["event"]
    expected = (event.starts_at.strftime("%Y-%m-%dT%H:%M:%S.000Z"), event.ends_at.strftime("%Y-%m-%dT%H:%M:%S.000Z"))
    uids = set()
    sequences = []
    for kind in ("request", "update", "event_cancel"):
        parsed = icaljs(lifecycle[kind][0])
        (entry,) = parsed["events"]
        uids.add(entry["uid"])
        sequences.append(entry["sequence"])
        assert parsed["warnings"] == []
        if kind != "request":
            assert (entry["start_utc"], entry["end_utc"]) == expected
    assert len(uids) == 1, "one UID for the event, whatever the message"
    assert sequences == sorted(sequences) and len(set(sequences)) == 3
    (cancelled,) = icaljs(lifecycle["event_cancel"][0])["events"]
    assert cancelled["status"] == "CANCELLED"
    attendee = icaljs(lifecycle["request"][1])["events"][0]["attendees"][0]
    assert attendee["cn"] == "Ștefan Iordache, “Probation”"
    assert (attendee["role"], attendee["partstat"]) == ("REQ-PARTICIPANT", "ACCEPTED")


def test_radicale_files_the_invitation_then_its_update_and_cancellation(caldav, lifecycle) -> None:
    """A client stores the REQUEST, replaces it with the update and the CANCEL (same UID,
    same resource), and every other generated object is accepted on its own."""
    name = f"{lifecycle['event'].id}-attendee-1.ics"
    assert caldav.put(lifecycle["request"][0], name) == 201, caldav.log()
    assert caldav.put(lifecycle["update"][0], name) == 204, caldav.log()
    assert b"STATUS:CANCELLED" not in caldav.get(name)
    assert caldav.put(lifecycle["event_cancel"][0], name) == 204, caldav.log()
    assert b"STATUS:CANCELLED" in caldav.get(name)
    assert caldav.delete(name) in (200, 204)
    # Each attendee's copy lives in their own calendar: store each alone (one UID per calendar).
    for kind in ("request", "update", "attendee_cancel", "event_cancel", "feed"):
        objects = lifecycle[kind] if isinstance(lifecycle[kind], list) else [lifecycle[kind]]
        for n, ics in enumerate(objects):
            alone = f"{kind}-{n}.ics"
            assert caldav.put(ics, alone) == 201, f"{kind}: {caldav.log()}"
            assert caldav.delete(alone) in (200, 204)


# Multi-day events that cross a daylight-saving change, with their UTC instants worked out
# by hand: (zone, local start, local end, UTC start, UTC end).
DST_CASES = [
    # Lisbon leaves summer time on Sunday 31 October 2027 (WEST +1 -> WET +0).
    ("Europe/Lisbon", datetime(2027, 10, 30, 9), datetime(2027, 11, 1, 17), "2027-10-30T08:00", "2027-11-01T17:00"),
    # Lisbon enters summer time on Sunday 28 March 2027 (WET +0 -> WEST +1).
    ("Europe/Lisbon", datetime(2027, 3, 27, 9), datetime(2027, 3, 29, 17), "2027-03-27T09:00", "2027-03-29T16:00"),
    # Bucharest, same night in October (EEST +3 -> EET +2).
    ("Europe/Bucharest", datetime(2027, 10, 30, 9), datetime(2027, 11, 1, 17), "2027-10-30T06:00", "2027-11-01T15:00"),
    # New York leaves summer time a week later, on 7 November 2027 (EDT -4 -> EST -5).
    ("America/New_York", datetime(2027, 11, 6, 9), datetime(2027, 11, 8, 17), "2027-11-06T13:00", "2027-11-08T22:00"),
    # Sydney enters summer time on 3 October 2027 (AEST +10 -> AEDT +11); the start is the day before in UTC.
    ("Australia/Sydney", datetime(2027, 10, 2, 9), datetime(2027, 10, 4, 17), "2027-10-01T23:00", "2027-10-04T06:00"),
]


@pytest.mark.parametrize(
    ("zone", "start", "end", "utc_start", "utc_end"), DST_CASES, ids=[f"{c[0]}-{c[1]:%m}" for c in DST_CASES]
)
def test_times_come_out_right_across_daylight_saving(  # type: ignore[no-untyped-def]
    icaljs, libical, make_event, make_agenda_item, zone, start, end, utc_start, utc_end
) -> None:
    hours = int((end - start).total_seconds() // 3600)
    event = make_event(timezone=zone, starts_local=start, hours=hours, language="en")
    assert event.local_end.replace(tzinfo=None) == end
    closing_at = local(zone, start + timedelta(days=2))  # 09:00 on the last day, after the change
    make_agenda_item(event, start_offset=closing_at - event.starts_at, title="Closing")
    services.register(event, person(1, mode=AttendanceMode.ONLINE))
    (message,) = outbox("registration_confirmed")
    assert_clean(libical, message.calendar_ics, "REQUEST")
    (entry,) = icaljs(message.calendar_ics)["events"]
    assert (entry["start_utc"], entry["end_utc"]) == (f"{utc_start}:00.000Z", f"{utc_end}:00.000Z")
    assert (entry["start_tz"], entry["end_tz"]) == ("UTC", "UTC")
    assert f"times in {zone}" in entry["description"], "the agenda is explained in the event's own zone"
    closing = (start + timedelta(days=2)).strftime("%Y-%m-%d %H:%M")
    assert f"{closing}–" in entry["description"], "agenda times are the event's wall-clock times"


def test_the_mail_arrives_as_an_imip_invitation(app, smtp, libical, make_event) -> None:
    """Received by a real SMTP server and parsed with the email package."""
    event = make_event()
    services.register(event, person(1, name="Ana Sousa"))
    deliver_all_due()
    assert smtp.wait_for(1)
    (mail,) = smtp.messages
    assert mail["To"] == "Ana Sousa <person1@probation.example>"
    assert mail["Reply-To"] == event.partner.contact_email
    assert mail["Message-ID"]
    assert mail.get_content_type() == "multipart/mixed"
    alternative, attachment = mail.iter_parts()
    assert alternative.get_content_type() == "multipart/alternative"
    # The HTML travels with the EU emblem it shows (multipart/related: the page, then the image).
    parts = list(alternative.iter_parts())
    assert [p.get_content_type() for p in parts] == ["text/plain", "multipart/related", "text/calendar"]
    assert [p.get_content_type() for p in parts[1].iter_parts()] == ["text/html", "image/png"]
    calendar_part = list(alternative.iter_parts())[2]
    assert calendar_part.get_param("method") == "REQUEST"
    assert calendar_part.get_content_charset() == "utf-8"
    assert attachment.get_filename() == "invite.ics"
    assert attachment.get_content_disposition() == "attachment"
    inline_ics = calendar_part.get_content()
    attached_ics = attachment.get_content()
    attached_ics = attached_ics.decode() if isinstance(attached_ics, bytes) else attached_ics
    assert attached_ics.replace("\r\n", "\n") == inline_ics.replace("\r\n", "\n")
    assert_clean(libical, inline_ics, "REQUEST")
