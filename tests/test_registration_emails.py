"""What the registration mails tell an online attendee: the joining link, only when they have a seat."""

from __future__ import annotations

from seminar_app.enums import AttendanceMode, EventFormat, RegistrationStatus
from seminar_app.registration import services
from tests.test_calendar_invitations import edit
from tests.test_registration_services import mails, person

LINK = "https://zoom.example/j/123456"


def _join_line(url: str = LINK) -> str:
    return f"Join online: {url}"


def test_an_online_registrants_confirmation_carries_the_joining_link(make_event) -> None:
    event = make_event(format=EventFormat.ONLINE, language="en", capacity_onsite=None, joining_url=LINK)
    registration = services.register(event, person(1, mode=AttendanceMode.ONLINE)).registration

    (message,) = mails("registration_confirmed")
    assert registration.status is RegistrationStatus.CONFIRMED
    assert _join_line() in message.body_text
    assert f'<a href="{LINK}">{LINK}</a>' in message.body_html


def test_at_a_hybrid_event_only_the_online_seat_gets_the_link(make_event) -> None:
    event = make_event(format=EventFormat.HYBRID, language="en", joining_url=LINK)
    services.register(event, person(1, mode=AttendanceMode.ONLINE))
    services.register(event, person(2, mode=AttendanceMode.ONSITE))

    online, onsite = mails("registration_confirmed")
    assert online.to_address == "person1@probation.example" and LINK in online.body_text and LINK in online.body_html
    assert onsite.to_address == "person2@probation.example"
    assert LINK not in onsite.body_text and LINK not in onsite.body_html


def test_the_waiting_list_gets_the_link_only_once_promoted(make_event) -> None:
    event = make_event(format=EventFormat.HYBRID, language="en", capacity_online=1, joining_url=LINK)
    first = services.register(event, person(1, mode=AttendanceMode.ONLINE)).registration
    services.register(event, person(2, mode=AttendanceMode.ONLINE))

    (waitlisted,) = mails("registration_waitlisted")
    assert LINK not in waitlisted.body_text and LINK not in waitlisted.body_html

    services.cancel_registration(first)
    (promoted,) = mails("promoted")
    assert promoted.to_address == "person2@probation.example"
    assert _join_line() in promoted.body_text and LINK in promoted.body_html


def test_a_registration_awaiting_approval_gets_no_link(make_event) -> None:
    event = make_event(format=EventFormat.ONLINE, language="en", capacity_onsite=None, requires_approval=True)
    services.register(event, person(1, mode=AttendanceMode.ONLINE))

    (received,) = mails("registration_pending")
    assert LINK not in received.body_text and LINK not in received.body_html


def test_a_new_joining_link_reaches_online_attendees_in_the_update(make_event) -> None:
    event = make_event(format=EventFormat.HYBRID, language="en", joining_url=LINK)
    services.register(event, person(1, mode=AttendanceMode.ONLINE))
    services.register(event, person(2, mode=AttendanceMode.ONSITE))

    edit(event, joining_url="https://meet.example/new-room")

    online, onsite = mails("event_changed")
    assert _join_line("https://meet.example/new-room") in online.body_text
    assert LINK not in online.body_text and "https://meet.example/new-room" in online.body_html
    assert "meet.example" not in onsite.body_text and "meet.example" not in onsite.body_html
