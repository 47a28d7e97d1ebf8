"""Organiser and registrant pages of the calendar work: the edit page says who will be
told, the private page offers the registrant's own entry."""

from __future__ import annotations

import icalendar
import pytest
from sqlalchemy import select

from seminar_app.enums import AttendanceMode, EventStatus, Role
from seminar_app.events.models import Event
from seminar_app.extensions import db
from seminar_app.mail.models import OutboxMessage
from seminar_app.registration import services
from tests.test_events_routes import edit_data
from tests.test_registration_services import person


@pytest.fixture
def partner(make_partner):  # type: ignore[no-untyped-def]
    return make_partner(city="Lisboa")


@pytest.fixture
def organiser(make_user, partner):  # type: ignore[no-untyped-def]
    return make_user(Role.ORGANISER, partners=[partner])


@pytest.fixture
def event(make_event, partner):  # type: ignore[no-untyped-def]
    event = make_event(partner, joining_url="https://zoom.example/j/42", capacity_onsite=40, capacity_online=None)
    for n in (1, 2):
        services.register(event, person(n))
    return event


def kinds() -> list[str]:
    return list(db.session.scalars(select(OutboxMessage.kind).order_by(OutboxMessage.id)))


def test_edit_page_says_how_many_attendees_will_be_told(client, login, organiser, event) -> None:
    login(organiser)
    page = client.get(f"/manage/events/{event.id}").get_data(as_text=True)
    assert "2 confirmed attendees will be sent an updated calendar entry" in page
    assert "2 registered people will be told by e-mail." in page


def test_saving_a_new_time_tells_them_and_says_so(client, login, organiser, event) -> None:
    login(organiser)
    new_start = event.local_start.replace(hour=14)
    data = edit_data(
        event, starts_local=f"{new_start:%Y-%m-%dT%H:%M}", ends_local=f"{new_start.replace(hour=17):%Y-%m-%dT%H:%M}"
    )
    response = client.post(f"/manage/events/{event.id}", data=data, follow_redirects=True)
    assert "2 attendees are sent an updated calendar entry." in response.get_data(as_text=True)
    assert kinds().count("event_changed") == 2


def test_saving_other_changes_tells_nobody(client, login, organiser, event) -> None:
    login(organiser)
    response = client.post(
        f"/manage/events/{event.id}", data=edit_data(event, summary="A new summary."), follow_redirects=True
    )
    page = response.get_data(as_text=True)
    assert "Your changes are saved." in page and "updated calendar entry." not in page
    assert "event_changed" not in kinds()


def test_an_invalid_edit_is_refused_before_anything_is_sent(client, login, organiser, event) -> None:
    login(organiser)
    before = kinds()
    response = client.post(
        f"/manage/events/{event.id}", data=edit_data(event, ends_local="2000-01-01T00:00", title="Moved?")
    )
    assert response.status_code == 422
    assert "The end must be after the start." in response.get_data(as_text=True)
    response = client.post(f"/manage/events/{event.id}", data=edit_data(event, timezone="Mars/Olympus"))
    assert response.status_code == 422
    assert kinds() == before


def test_cancelling_the_event_says_how_many_were_told(client, login, organiser, event) -> None:
    login(organiser)
    response = client.post(
        f"/manage/events/{event.id}/status",
        data={"target": "cancelled", "note": "Strike", "confirmed": "yes"},
        follow_redirects=True,
    )
    assert "2 registered people are told by e-mail." in response.get_data(as_text=True)
    assert kinds().count("event_cancelled") == 2


def test_cancel_the_event_asks_first_and_says_who_will_be_told(client, login, organiser, event) -> None:
    login(organiser)
    before = kinds()
    response = client.post(f"/manage/events/{event.id}/status", data={"target": "cancelled", "note": "Strike"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "2 registered people will be told by e-mail that the event is cancelled." in page
    assert "Yes, cancel the event" in page
    assert 'name="confirmed" value="yes"' in page and 'name="csrf_token"' in page
    assert ">Strike</textarea>" in page  # the note typed on the details page is kept
    db.session.expire_all()
    assert db.session.get(Event, event.id).status is EventStatus.PUBLISHED
    assert kinds() == before


def test_an_ended_event_cannot_be_cancelled(client, login, organiser, partner, make_event) -> None:
    ended = make_event(partner, days_ahead=-3)
    services.register(ended, person(1), actor=organiser)
    login(organiser)
    details = client.get(f"/manage/events/{ended.id}").get_data(as_text=True)
    assert "Cancel the event" not in details
    before = kinds()
    response = client.post(
        f"/manage/events/{ended.id}/status", data={"target": "cancelled", "note": "", "confirmed": "yes"}
    )
    assert response.status_code == 409
    assert "This event has already ended, so it can no longer be cancelled." in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Event, ended.id).status is EventStatus.PUBLISHED
    assert kinds() == before


def test_private_page_offers_the_registrants_own_entry(client, make_event) -> None:
    event = make_event()
    registration = services.register(event, person(7, mode=AttendanceMode.ONLINE)).registration
    token = services.private_token(registration)
    page = client.get(f"/r/{token}").get_data(as_text=True)
    assert "Add to calendar" in page
    assert f'href="/r/{token}/calendar.ics"' in page
    assert "calendar.google.com" in page and "outlook.office.com" in page

    response = client.get(f"/r/{token}/calendar.ics")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "private, no-store"
    calendar = icalendar.Calendar.from_ical(response.data)
    assert str(calendar["METHOD"]) == "PUBLISH"
    (entry,) = calendar.walk("VEVENT")
    assert "ATTENDEE" not in entry
    unfolded = response.data.replace(b"\r\n ", b"").decode()
    assert event.joining_url in unfolded and token in unfolded
    public = client.get(f"/events/{event.slug}/calendar.ics").data
    assert event.joining_url.encode() not in public.replace(b"\r\n ", b"")
    assert str(icalendar.Calendar.from_ical(public).walk("VEVENT")[0]["UID"]) == str(entry["UID"])


def test_people_without_a_seat_have_no_entry_to_download(client, make_event) -> None:
    event = make_event(capacity_onsite=0, capacity_online=0)
    registration = services.register(event, person(8)).registration
    token = services.private_token(registration)
    assert "Add to calendar" not in client.get(f"/r/{token}").get_data(as_text=True)
    assert client.get(f"/r/{token}/calendar.ics").status_code == 404
    assert client.get("/r/forged-token/calendar.ics").status_code == 404


def test_cancelled_event_private_page_has_no_menu(client, make_event) -> None:
    event = make_event()
    registration = services.register(event, person(9)).registration
    token = services.private_token(registration)
    event.status = EventStatus.CANCELLED
    db.session.commit()
    assert "Add to calendar" not in client.get(f"/r/{token}").get_data(as_text=True)
