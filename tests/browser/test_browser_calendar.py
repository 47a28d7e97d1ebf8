"""The "Add to calendar" menu in a real browser: it opens, the download is a calendar file
with the event's UID and no private data, and the Google and Outlook links carry the
event's UTC times. Then a registrant's private page offers their own entry."""

from __future__ import annotations

from pathlib import Path

import icalendar
import pytest

from seminar_app.calendar.ics import event_uid
from seminar_app.calendar.invitations import uid_space
from seminar_app.enums import AttendanceMode
from seminar_app.registration import services
from seminar_app.registration.services import RegistrationInput

pytestmark = pytest.mark.browser


def test_add_to_calendar_menu_on_the_event_and_private_pages(page, live_server, app, make_event) -> None:  # type: ignore[no-untyped-def]
    from playwright.sync_api import expect

    event = make_event(title="Seminar on mentoring", joining_url="https://zoom.example/j/777")
    page.goto(f"/events/{event.slug}")
    menu = page.locator("details.add-to-calendar")
    google = menu.get_by_role("link", name="Google Calendar")
    expect(google).to_be_hidden()
    menu.locator("summary").click()
    expect(google).to_be_visible()
    utc = f"{event.starts_at:%Y%m%dT%H%M%SZ}/{event.ends_at:%Y%m%dT%H%M%SZ}"
    assert utc.replace("/", "%2F") in google.get_attribute("href")
    assert "outlook.office.com" in menu.get_by_role("link", name="Office 365").get_attribute("href")

    with page.expect_download() as download_info:
        menu.get_by_role("link", name="Download (.ics)").click()
    download = download_info.value
    assert download.suggested_filename == f"{event.slug}.ics"
    data = Path(download.path()).read_bytes()
    calendar = icalendar.Calendar.from_ical(data)
    assert str(calendar["METHOD"]) == "PUBLISH"
    (entry,) = calendar.walk("VEVENT")
    assert str(entry["UID"]) == event_uid(event, uid_space())
    assert entry.decoded("DTSTART") == event.starts_at
    assert b"zoom.example" not in data.replace(b"\r\n ", b"") and "ATTENDEE" not in entry

    registration = services.register(
        event,
        RegistrationInput(name="Rui", email="rui@example.org", mode=AttendanceMode.ONLINE, privacy_acknowledged=True),
    ).registration
    page.goto(f"/r/{services.private_token(registration)}")
    page.locator("details.add-to-calendar summary").click()
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download (.ics)").click()
    own = Path(download_info.value.path()).read_bytes().replace(b"\r\n ", b"")
    assert b"https://zoom.example/j/777" in own, "the registrant's own entry has the joining link"
    assert f"UID:{event_uid(event, uid_space())}".encode() in own
