"""The iCalendar files written for public events, parsed back with icalendar: right
instants in UTC for any zone and across daylight-saving changes, public data only."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo

import icalendar
import pytest

from seminar_app.calendar.ics import UidSpace, calendar_links, event_uid, publish_calendar
from seminar_app.enums import EventFormat, EventStatus

DOMAIN = "seminars.example.org"
UIDS = UidSpace(DOMAIN, "5f0c9e1a2b3d4c5e6f708192a3b4c5d6")
JOINING_URL = "https://zoom.example/j/987654321"


def _url(event) -> str:  # type: ignore[no-untyped-def]
    return f"https://{DOMAIN}/events/{event.slug}"


def _publish(events, **kwargs) -> bytes:  # type: ignore[no-untyped-def]
    return publish_calendar(events, calendar_name="PREV events", url_for_event=_url, uids=UIDS, **kwargs)


def _vevents(body: bytes) -> list[icalendar.Event]:
    return list(icalendar.Calendar.from_ical(body).walk("VEVENT"))


def _unfolded(body: bytes) -> bytes:
    return body.replace(b"\r\n ", b"").replace(b"\r\n\t", b"")


@pytest.fixture
def lisbon(make_partner):  # type: ignore[no-untyped-def]
    return make_partner(country="PT", city="Lisboa", timezone="Europe/Lisbon", default_language="pt")


@pytest.fixture
def bucharest(make_partner):  # type: ignore[no-untyped-def]
    return make_partner(country="RO", city="București", timezone="Europe/Bucharest", default_language="ro")


@pytest.fixture
def sao_paulo(make_partner):  # type: ignore[no-untyped-def]
    return make_partner(country="BR", city="São Paulo", timezone="America/Sao_Paulo", default_language="pt")


@pytest.mark.parametrize(
    ("where", "start_local", "end_local", "start_utc", "end_utc"),
    [
        # Across the end of summer time in Lisbon (02:00 WEST -> 01:00 WET on 31 October 2027).
        ("lisbon", datetime(2027, 10, 30, 18), datetime(2027, 10, 31, 12), "20271030T170000Z", "20271031T120000Z"),
        ("bucharest", datetime(2027, 3, 15, 10), datetime(2027, 3, 15, 13), "20270315T080000Z", "20270315T110000Z"),
        # Three days in Bucharest in summer time (UTC+3).
        ("bucharest", datetime(2027, 5, 10, 9), datetime(2027, 5, 12, 17), "20270510T060000Z", "20270512T140000Z"),
        # Outside Europe, UTC-3: an evening event ends on the next UTC day.
        ("sao_paulo", datetime(2027, 6, 10, 19), datetime(2027, 6, 10, 21), "20270610T220000Z", "20270611T000000Z"),
    ],
)
def test_times_are_written_in_utc_and_read_back_as_the_entered_wall_clock(
    request, make_event, where, start_local, end_local, start_utc, end_utc
) -> None:  # type: ignore[no-untyped-def]
    partner = request.getfixturevalue(where)
    event = make_event(partner, starts_local=start_local, ends_local=end_local)

    body = _unfolded(_publish([event]))

    assert f"DTSTART:{start_utc}".encode() in body
    assert f"DTEND:{end_utc}".encode() in body
    assert b"VTIMEZONE" not in body and b"TZID" not in body
    (vevent,) = _vevents(body)
    tz = ZoneInfo(partner.timezone)
    start, end = vevent.decoded("dtstart"), vevent.decoded("dtend")
    assert start.utcoffset() == timedelta(0) and end.utcoffset() == timedelta(0)
    assert start.astimezone(tz).replace(tzinfo=None) == start_local
    assert end.astimezone(tz).replace(tzinfo=None) == end_local


def test_the_dst_crossing_event_lasts_one_hour_more_than_its_wall_clock_span(make_event, lisbon) -> None:
    event = make_event(lisbon, starts_local=datetime(2027, 10, 30, 18), ends_local=datetime(2027, 10, 31, 12))
    (vevent,) = _vevents(_publish([event]))
    assert vevent.decoded("dtend") - vevent.decoded("dtstart") == timedelta(hours=19)


def test_calendar_header_says_publish_with_name_and_refresh(make_event) -> None:
    calendar = icalendar.Calendar.from_ical(_publish([make_event()], refresh_minutes=30))
    assert calendar["METHOD"] == "PUBLISH"
    assert calendar["VERSION"] == "2.0"
    assert calendar["PRODID"]
    assert calendar["X-WR-CALNAME"] == "PREV events"
    assert calendar["NAME"] == "PREV events"
    body = _publish([make_event()], refresh_minutes=30)
    assert b"REFRESH-INTERVAL;VALUE=DURATION:PT30M" in body
    assert b"X-PUBLISHED-TTL:PT30M" in body


def test_uid_is_stable_and_distinct_per_event(make_event) -> None:
    first, second = make_event(), make_event()
    once = [str(v["UID"]) for v in _vevents(_publish([first, second]))]
    again = [str(v["UID"]) for v in _vevents(_publish([second]))]
    assert once == [event_uid(first, UIDS), event_uid(second, UIDS)]
    assert once[0] != once[1]
    assert again == [once[1]]
    assert once[0] == f"event-{first.id}-{UIDS.installation_id}@{DOMAIN}"


def test_uids_differ_between_installations_and_old_events_keep_theirs(make_event) -> None:
    old, new = make_event(), make_event()
    other = UidSpace(DOMAIN, "00000000000000000000000000000000")
    assert event_uid(new, UIDS) != event_uid(new, other)
    upgraded = UidSpace(DOMAIN, UIDS.installation_id, legacy_through=old.id)
    assert event_uid(old, upgraded) == f"event-{old.id}@{DOMAIN}"
    assert event_uid(new, upgraded) == event_uid(new, UIDS)


@pytest.mark.parametrize(
    "text", ["Edifício\\Norte, sala 2; piso 1", "a\r\nb\rc\nd", "ends with \\", "\\n is not a break"]
)
def test_text_round_trips_exactly(make_event, text) -> None:
    event = make_event(title=text)
    body = publish_calendar([event], calendar_name=text, url_for_event=_url, uids=UIDS)
    (vevent,) = _vevents(body)
    expected = text.replace("\r\n", "\n").replace("\r", "\n")
    assert str(vevent["SUMMARY"]) == expected


def test_every_vevent_has_sequence_dtstamp_url_and_summary(make_event) -> None:
    event = make_event(title="Mentoring in probation")
    event.ical_sequence = 3
    before = datetime.now(UTC).replace(microsecond=0)
    (vevent,) = _vevents(_publish([event]))
    assert vevent["SEQUENCE"] == 3
    assert vevent.decoded("dtstamp") >= before
    assert str(vevent["SUMMARY"]) == "Mentoring in probation"
    assert str(vevent["URL"]) == _url(event)


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        (EventStatus.PUBLISHED, "CONFIRMED"),
        (EventStatus.DELIVERED, "CONFIRMED"),
        (EventStatus.POSTPONED, "TENTATIVE"),
        (EventStatus.CANCELLED, "CANCELLED"),
    ],
)
def test_status_follows_the_event(make_event, status, expected) -> None:  # type: ignore[no-untyped-def]
    (vevent,) = _vevents(_publish([make_event(status=status)]))
    assert vevent["STATUS"] == expected


def test_never_attendees_nor_the_joining_link(make_event, make_agenda_item) -> None:
    online = make_event(format=EventFormat.ONLINE, joining_url=JOINING_URL, online_platform="Zoom")
    hybrid = make_event(joining_url=JOINING_URL)
    make_agenda_item(online, title="Opening")
    body = _unfolded(_publish([online, hybrid]))
    assert b"ATTENDEE" not in body
    assert JOINING_URL.encode() not in body
    assert b"987654321" not in body


def test_location_names_the_venue_or_the_platform(make_event, lisbon) -> None:
    in_person = make_event(lisbon, format=EventFormat.IN_PERSON, venue_name="Auditório Municipal", city="Lisboa")
    online = make_event(lisbon, format=EventFormat.ONLINE, online_platform="Teams", venue_name="", address="")
    by_uid = {str(v["UID"]): str(v["LOCATION"]) for v in _vevents(_publish([in_person, online]))}
    assert by_uid[event_uid(in_person, UIDS)] == "Auditório Municipal, Rua Augusta 1, Lisboa, Portugal"
    assert by_uid[event_uid(online, UIDS)] == "Online (Teams)"


def test_description_has_summary_agenda_in_local_time_with_zone_and_page(make_event, make_agenda_item, lisbon) -> None:  # type: ignore[no-untyped-def]
    event = make_event(
        lisbon,
        starts_local=datetime(2027, 10, 30, 18),
        ends_local=datetime(2027, 10, 31, 12),
        summary="Results for practitioners.",
    )
    make_agenda_item(event, start_offset=timedelta(hours=1), duration=timedelta(hours=1), title="Keynote")
    # 16 hours after 17:00 UTC is 09:00 UTC on the 31st, 09:00 in Lisbon after the clocks went back.
    make_agenda_item(event, start_offset=timedelta(hours=16), title="Closing")

    (vevent,) = _vevents(_publish([event]))
    description = str(vevent["DESCRIPTION"])

    assert description.startswith("Results for practitioners.")
    assert "Europe/Lisbon" in description
    assert "2027-10-30 19:00–20:00 Keynote" in description
    assert "2027-10-31 09:00–09:30 Closing" in description
    assert description.index("Keynote") < description.index("Closing")
    assert _url(event) in description


def test_single_day_agenda_outline_has_times_only(make_event, make_agenda_item, sao_paulo) -> None:
    event = make_event(sao_paulo, starts_local=datetime(2027, 6, 10, 19), ends_local=datetime(2027, 6, 10, 21))
    make_agenda_item(event, title="Abertura")
    (vevent,) = _vevents(_publish([event]))
    description = str(vevent["DESCRIPTION"])
    assert "America/Sao_Paulo" in description
    assert "\n19:00–19:30 Abertura" in description


def test_calendar_links_carry_utc_times_and_no_joining_link(make_event, lisbon) -> None:
    event = make_event(
        lisbon,
        title="Seminário nacional & debate",
        starts_local=datetime(2027, 10, 30, 18),
        ends_local=datetime(2027, 10, 31, 12),
        joining_url=JOINING_URL,
    )
    links = calendar_links(event, event_url=_url(event))

    google = urlsplit(links["google"])
    assert f"{google.scheme}://{google.netloc}{google.path}" == "https://calendar.google.com/calendar/render"
    query = parse_qs(google.query)
    assert query["action"] == ["TEMPLATE"]
    assert query["text"] == ["Seminário nacional & debate"]
    assert query["dates"] == ["20271030T170000Z/20271031T120000Z"]
    assert _url(event) in query["details"][0]
    assert "Lisboa" in query["location"][0]

    for key, host in (("outlook_com", "outlook.live.com"), ("office_365", "outlook.office.com")):
        parts = urlsplit(links[key])
        assert parts.netloc == host
        query = parse_qs(parts.query)
        assert query["subject"] == ["Seminário nacional & debate"]
        assert query["startdt"] == ["2027-10-30T17:00:00Z"]
        assert query["enddt"] == ["2027-10-31T12:00:00Z"]
        assert query["rru"] == ["addevent"]
    assert all(JOINING_URL not in link and "987654321" not in link for link in links.values())
