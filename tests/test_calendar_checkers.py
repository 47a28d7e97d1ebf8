"""The calendar checkers themselves (tests/calendar_checkers.py): each one passes a good
calendar and catches a bad one, so a green test that uses them means something."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.calendar_checkers import CalDAVServer, CalendarCheckError, without_method

Check = Callable[[bytes | str], dict[str, Any]]


def crlf(text: str) -> str:
    """Hand-written calendars below use "\\n"; iCalendar lines end in CRLF."""
    return text.strip("\n").replace("\n", "\r\n") + "\r\n"


LISBON = """\
BEGIN:VTIMEZONE
TZID:Europe/Lisbon
BEGIN:DAYLIGHT
TZOFFSETFROM:+0000
TZOFFSETTO:+0100
TZNAME:WEST
DTSTART:19700329T010000
RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU
END:DAYLIGHT
BEGIN:STANDARD
TZOFFSETFROM:+0100
TZOFFSETTO:+0000
TZNAME:WET
DTSTART:19701025T020000
RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU
END:STANDARD
END:VTIMEZONE"""

REQUEST = crlf(f"""
BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//Seminar app//Tests//EN
METHOD:REQUEST
{LISBON}
BEGIN:VEVENT
UID:seminar-42@example.org
DTSTAMP:20260110T120000Z
SEQUENCE:0
DTSTART;TZID=Europe/Lisbon:20260701T100000
DTEND;TZID=Europe/Lisbon:20260701T113000
SUMMARY:National seminar
LOCATION:Lisbon
STATUS:CONFIRMED
ORGANIZER;CN=Organiser:mailto:organiser@example.org
ATTENDEE;CN=Ana;ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;RSVP=TRUE:mailto:ana@example.org
END:VEVENT
END:VCALENDAR
""")

CANCEL = crlf("""
BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//Seminar app//Tests//EN
METHOD:CANCEL
BEGIN:VEVENT
UID:seminar-42@example.org
DTSTAMP:20260111T120000Z
SEQUENCE:1
DTSTART:20260115T100000Z
DTEND:20260115T120000Z
SUMMARY:National seminar
STATUS:CANCELLED
ORGANIZER:mailto:organiser@example.org
ATTENDEE:mailto:ana@example.org
END:VEVENT
END:VCALENDAR
""")

GARBAGE = "this is not a calendar\r\n"


# --- libical ---------------------------------------------------------------------------


def test_libical_passes_a_valid_request_and_cancel(libical: Check) -> None:
    for ics, method in ((REQUEST, "REQUEST"), (CANCEL, "CANCEL")):
        assert libical(ics) == {"parsed": True, "method": method, "restriction_ok": True, "errors": []}


def test_libical_fails_a_request_without_organizer(libical: Check) -> None:
    result = libical(REQUEST.replace("ORGANIZER;CN=Organiser:mailto:organiser@example.org\r\n", ""))
    assert not result["restriction_ok"]
    assert any("INVALID-ITIP" in e and "ORGANIZER" in e for e in result["errors"]), result


def test_libical_fails_a_cancel_without_sequence(libical: Check) -> None:
    result = libical(CANCEL.replace("SEQUENCE:1\r\n", ""))
    assert not result["restriction_ok"]
    assert any("SEQUENCE" in e for e in result["errors"]), result


def test_libical_reports_a_bad_dtstart_value(libical: Check) -> None:
    result = libical(REQUEST.replace("DTSTART;TZID=Europe/Lisbon:20260701T100000", "DTSTART:2026-07-01 10:00"))
    assert any("VALUE-PARSE-ERROR" in e and "DTSTART" in e for e in result["errors"]), result
    assert not result["restriction_ok"]  # libical dropped the bad DTSTART, and a REQUEST needs one

    # A CANCEL may omit DTSTART (RFC 5546 §3.2.5): only the parse error tells.
    result = libical(CANCEL.replace("DTSTART:20260115T100000Z", "DTSTART:2026-01-15 10:00"))
    assert result["restriction_ok"]
    assert any("VALUE-PARSE-ERROR" in e for e in result["errors"]), result


def test_libical_reports_every_bad_event_of_a_feed(libical: Check) -> None:
    # libical alone stops at the first failing VEVENT; the checker re-checks each one.
    event = CANCEL.split("BEGIN:VEVENT\r\n")[1].split("END:VEVENT\r\n")[0].replace("ORGANIZER", "X-ORG")
    feed = CANCEL.replace("METHOD:CANCEL", "METHOD:PUBLISH").replace(
        "END:VCALENDAR", f"BEGIN:VEVENT\r\n{event.replace('seminar-42', 'seminar-43')}END:VEVENT\r\nEND:VCALENDAR"
    )
    result = libical(feed)
    assert not result["restriction_ok"]
    # PUBLISH forbids ATTENDEE (RFC 5546 §3.2.1) in both events; the second also lacks ORGANIZER.
    assert any(e.startswith("VCALENDAR/VEVENT[1]:") and "ATTENDEE" in e for e in result["errors"]), result
    assert any(e.startswith("VCALENDAR/VEVENT[2]:") and "ORGANIZER" in e for e in result["errors"]), result


def test_libical_does_not_parse_garbage(libical: Check) -> None:
    result = libical(GARBAGE)
    assert not result["parsed"]
    assert result["errors"]


# --- ical.js ---------------------------------------------------------------------------


def test_icaljs_converts_a_vtimezone_time_to_utc(icaljs: Check) -> None:
    result = icaljs(REQUEST)
    assert result["method"] == "REQUEST"
    assert result["timezones"] == ["Europe/Lisbon"]
    assert result["warnings"] == []
    (event,) = result["events"]
    assert event["uid"] == "seminar-42@example.org"
    assert event["sequence"] == 0
    assert event["start_tz"] == "Europe/Lisbon"
    assert event["start_utc"] == "2026-07-01T09:00:00.000Z"  # WEST, UTC+1
    assert event["end_utc"] == "2026-07-01T10:30:00.000Z"
    assert event["organizer"] == {"value": "mailto:organiser@example.org", "cn": "Organiser"}
    assert event["attendees"][0]["value"] == "mailto:ana@example.org"
    assert event["attendees"][0]["partstat"] == "NEEDS-ACTION"

    winter = icaljs(REQUEST.replace("20260701T", "20260115T"))["events"][0]
    assert winter["start_utc"] == "2026-01-15T10:00:00.000Z"  # WET, UTC+0


def test_icaljs_reads_utc_floating_and_all_day(icaljs: Check) -> None:
    event = icaljs(CANCEL)["events"][0]
    assert (event["start_tz"], event["start_utc"]) == ("UTC", "2026-01-15T10:00:00.000Z")
    assert event["status"] == "CANCELLED"
    assert event["sequence"] == 1

    floating = icaljs(CANCEL.replace("T100000Z", "T100000"))["events"][0]
    assert (floating["start_tz"], floating["start_utc"]) == ("floating", "2026-01-15T10:00:00.000Z")

    all_day = icaljs(
        CANCEL.replace("DTSTART:20260115T100000Z", "DTSTART;VALUE=DATE:20260115").replace(
            "DTEND:20260115T120000Z\r\n", ""
        )
    )["events"][0]
    assert all_day["all_day"] is True
    assert (all_day["start_utc"], all_day["end_utc"]) == ("2026-01-15T00:00:00.000Z", "2026-01-16T00:00:00.000Z")


def test_icaljs_warns_about_a_tzid_without_vtimezone(icaljs: Check) -> None:
    result = icaljs(REQUEST.replace("TZID=Europe/Lisbon:", "TZID=Europe/Nowhere:"))
    assert result["events"][0]["start_tz"] == "floating"
    assert any("Europe/Nowhere" in w for w in result["warnings"]), result


@pytest.mark.parametrize("ics", [GARBAGE, REQUEST.replace("END:VCALENDAR\r\n", ""), ""])
def test_icaljs_rejects_what_it_cannot_parse(icaljs: Check, ics: str) -> None:
    with pytest.raises(CalendarCheckError, match=r"ical\.js could not parse"):
        icaljs(ics)


# --- Radicale --------------------------------------------------------------------------


def test_caldav_stores_a_valid_event_without_its_method(caldav: CalDAVServer) -> None:
    assert caldav.put(REQUEST, "seminar-42.ics") == 201, caldav.log()
    stored = caldav.get("seminar-42.ics")
    assert b"UID:seminar-42@example.org" in stored
    assert b"METHOD" not in stored
    assert caldav.put(CANCEL, "seminar-42.ics") == 204  # same resource, same UID: an update


def test_caldav_keeps_method_when_asked_not_to_strip_it(caldav: CalDAVServer) -> None:
    # Radicale does not enforce RFC 4791 §4.1 (no METHOD in a calendar resource): it stores it.
    ics = REQUEST.replace("seminar-42@", "seminar-44@")
    assert caldav.put(ics, "with-method.ics", strip_method=False) == 201, caldav.log()
    assert b"METHOD:REQUEST" in caldav.get("with-method.ics")


def test_caldav_refuses_a_uid_already_stored_under_another_name(caldav: CalDAVServer) -> None:
    ics = REQUEST.replace("seminar-42@", "seminar-45@")
    assert caldav.put(ics, "first.ics") == 201
    assert caldav.put(ics, "second.ics") == 409  # CALDAV:no-uid-conflict (RFC 4791 §5.3.2.1)


@pytest.mark.parametrize(
    "ics",
    [
        GARBAGE,
        CANCEL.replace("UID:seminar-42@example.org\r\n", ""),
        CANCEL.replace("DTSTART:20260115T100000Z", "DTSTART:2026-01-15 10:00"),
        CANCEL.replace("END:VCALENDAR\r\n", ""),
    ],
    ids=["garbage", "no-uid", "bad-dtstart", "unterminated"],
)
def test_caldav_rejects_a_broken_object(caldav: CalDAVServer, ics: str) -> None:
    assert caldav.put(ics) == 400


def test_without_method_drops_only_the_method_property() -> None:
    folded = "BEGIN:VCALENDAR\nMETHOD:\n REQUEST\nVERSION:2.0\nX-METHOD-NOTE:METHOD:kept\nEND:VCALENDAR\n"
    assert without_method(folded) == b"BEGIN:VCALENDAR\nVERSION:2.0\nX-METHOD-NOTE:METHOD:kept\nEND:VCALENDAR\n"
    assert without_method(REQUEST).count(b"\r\n") == REQUEST.count("\r\n") - 1
