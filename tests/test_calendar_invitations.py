"""Calendar invitations that follow the event: REQUEST on confirmation, updates with a
raised SEQUENCE on edits, CANCEL on cancellation and erasure, none for people waiting."""

from __future__ import annotations

from datetime import timedelta
from email import message_from_bytes, policy

import icalendar
import pytest

from seminar_app.calendar.ics import event_uid
from seminar_app.calendar.invitations import uid_space
from seminar_app.enums import AttendanceMode, EventFormat, EventStatus, RegistrationStatus
from seminar_app.errors import ValidationFailed
from seminar_app.events import services as event_services
from seminar_app.events.models import Event
from seminar_app.extensions import db
from seminar_app.mail.models import OutboxMessage
from seminar_app.mail.sender import build_message, deliver_all_due
from seminar_app.registration import services
from seminar_app.registration.models import Registration
from tests.test_registration_services import mails, person

S = RegistrationStatus


def vevent(message: OutboxMessage) -> icalendar.Event:
    calendar = icalendar.Calendar.from_ical(message.calendar_ics)
    assert str(calendar["METHOD"]) == message.calendar_method
    (component,) = calendar.walk("VEVENT")
    return component


def edit(event: Event, **changes) -> Event:  # type: ignore[no-untyped-def]
    data = event_services.EventInput.from_event(event)
    for name, value in changes.items():
        setattr(data, name, value)
    return event_services.update_event(event, data)


@pytest.fixture
def event(make_event):  # type: ignore[no-untyped-def]
    return make_event(capacity_onsite=2, capacity_online=1)


def test_confirmation_carries_a_request_addressed_to_the_registrant(event) -> None:
    registration = services.register(event, person(1)).registration
    (message,) = mails()
    assert message.calendar_method == "REQUEST"
    entry = vevent(message)
    assert str(entry["UID"]) == event_uid(event, uid_space())
    assert entry["SEQUENCE"] == 0
    assert str(entry["SUMMARY"]) == event.title
    assert str(entry["STATUS"]) == "CONFIRMED"
    assert entry.decoded("DTSTART") == event.starts_at
    assert entry.decoded("DTEND") == event.ends_at
    organizer = entry["ORGANIZER"]
    assert str(organizer) == f"mailto:{event.partner.contact_email}"
    assert organizer.params["CN"] == event.partner.name
    attendee = entry["ATTENDEE"]
    assert str(attendee) == "mailto:person1@probation.example"
    assert attendee.params["CN"] == "Person 1"
    assert attendee.params["ROLE"] == "REQ-PARTICIPANT"
    assert attendee.params["PARTSTAT"] == "ACCEPTED"
    assert attendee.params["RSVP"] == "FALSE"
    assert "Auditório Municipal" in str(entry["LOCATION"])
    description = str(entry["DESCRIPTION"])
    assert services.private_token(registration) in description, "the private link is in the entry"
    assert event.joining_url not in message.calendar_ics, "an on-site attendee does not get the joining link"
    (alarm,) = entry.walk("VALARM")
    assert alarm.decoded("TRIGGER") == -timedelta(hours=1)


def test_online_attendees_get_the_joining_link_in_their_entry(event, make_agenda_item) -> None:
    make_agenda_item(event, title="Welcome and the Mentoring Model")
    services.register(event, person(1, mode=AttendanceMode.ONLINE))
    (message,) = mails()
    entry = vevent(message)
    assert event.joining_url in str(entry["DESCRIPTION"])
    assert str(entry["CONFERENCE"]) == event.joining_url
    assert "Welcome and the Mentoring Model" in str(entry["DESCRIPTION"]), "the agenda outline is in the entry"
    assert "Online (Zoom)" in str(entry["LOCATION"])


def test_people_waiting_get_no_invitation_until_they_have_a_seat(make_event) -> None:
    event = make_event(capacity_onsite=1, capacity_online=0)
    first = services.register(event, person(1)).registration
    second = services.register(event, person(2)).registration
    assert second.status is S.WAITLISTED
    assert [(m.kind, m.calendar_method) for m in mails()] == [
        ("registration_confirmed", "REQUEST"),
        ("registration_waitlisted", ""),
    ]
    services.cancel_registration(first)
    promoted = mails("promoted")
    assert [(m.to_address, m.calendar_method) for m in promoted] == [("person2@probation.example", "REQUEST")]
    cancel = mails("cancelled")[0]
    assert (cancel.to_address, cancel.calendar_method) == ("person1@probation.example", "CANCEL")
    assert vevent(promoted[0])["SEQUENCE"] >= vevent(cancel)["SEQUENCE"]


def test_approval_sends_the_invitation_and_pending_people_have_none(make_event) -> None:
    event = make_event(requires_approval=True)
    registration = services.register(event, person(1)).registration
    assert registration.status is S.PENDING
    assert [m.calendar_method for m in mails()] == [""]
    services.approve(registration)
    assert [m.calendar_method for m in mails("approved")] == ["REQUEST"]


def test_a_declined_person_never_had_an_entry_and_gets_no_cancel(make_event) -> None:
    event = make_event(requires_approval=True)
    registration = services.register(event, person(1)).registration
    services.decline(registration, reason="The room is for practitioners only.")
    assert [m.calendar_method for m in mails("declined")] == [""]


def test_cancelling_removes_the_entry_with_a_higher_sequence(event) -> None:
    registration = services.register(event, person(1)).registration
    invitation = vevent(mails()[0])
    services.cancel_registration(registration)
    (message,) = mails("cancelled")
    cancel = vevent(message)
    assert message.calendar_method == "CANCEL"
    assert str(cancel["UID"]) == str(invitation["UID"])
    assert cancel["SEQUENCE"] > invitation["SEQUENCE"]
    assert str(cancel["STATUS"]) == "CANCELLED"
    assert str(cancel["ATTENDEE"]) == "mailto:person1@probation.example"
    assert "VALARM" not in message.calendar_ics


def test_a_waitlisted_person_who_cancels_gets_no_cancel(make_event) -> None:
    event = make_event(capacity_onsite=0, capacity_online=0)
    registration = services.register(event, person(1)).registration
    services.cancel_registration(registration)
    assert [m.calendar_method for m in mails("cancelled")] == [""]


def test_erasure_removes_the_entry_then_forgets_the_address(app, event, tmp_path) -> None:
    registration = services.register(event, person(1)).registration
    deliver_all_due()
    services.erase_registration(registration)
    (notice,) = mails("erased")
    assert (notice.to_address, notice.calendar_method) == ("person1@probation.example", "CANCEL")
    assert str(vevent(notice)["STATUS"]) == "CANCELLED"
    app.config["MAIL_FILE_DIR"] = str(tmp_path)
    deliver_all_due()
    db.session.refresh(notice)
    assert notice.status.value == "sent"
    assert (notice.to_address, notice.body_text, notice.calendar_ics) == ("erased", "", "")
    (sent,) = [p for p in tmp_path.iterdir() if p.suffix == ".eml"]
    assert b"person1@probation.example" in sent.read_bytes(), "the CANCEL did reach the person"


def test_changing_the_time_updates_every_confirmed_attendee(make_event) -> None:
    event = make_event(capacity_onsite=1, capacity_online=5, language="en")
    services.register(event, person(1))
    services.register(event, person(2, mode=AttendanceMode.ONLINE))
    services.register(event, person(3))  # waitlisted on site
    invitations = {m.to_address: vevent(m) for m in mails() if m.calendar_method}
    new_start = event_services.EventInput.from_event(event).starts_local + timedelta(days=7)

    edit(event, starts_local=new_start, ends_local=new_start + timedelta(hours=3))

    updates = mails("event_changed")
    assert sorted(m.to_address for m in updates) == ["person1@probation.example", "person2@probation.example"]
    for message in updates:
        entry = vevent(message)
        before = invitations[message.to_address]
        assert message.calendar_method == "REQUEST"
        assert str(entry["UID"]) == str(before["UID"])
        assert entry["SEQUENCE"] == before["SEQUENCE"] + 1
        assert entry.decoded("DTSTAMP") >= before.decoded("DTSTAMP")
        assert entry.decoded("DTSTART") == event.starts_at
        assert "New time:" in message.body_text
        assert "New place" not in message.body_text
    db.session.expire_all()
    assert db.session.get(Event, event.id).ical_sequence == 1, "the SEQUENCE is stored with the event"


def test_a_new_joining_link_is_told_only_to_online_attendees(event) -> None:
    services.register(event, person(1))
    services.register(event, person(2, mode=AttendanceMode.ONLINE))
    edit(event, joining_url="https://zoom.example/j/999")
    by_address = {m.to_address: m for m in mails("event_changed")}
    assert "https://zoom.example/j/999" in by_address["person2@probation.example"].body_text
    assert "https://zoom.example/j/999" in by_address["person2@probation.example"].calendar_ics
    assert "zoom.example" not in by_address["person1@probation.example"].body_text
    assert "zoom.example" not in by_address["person1@probation.example"].calendar_ics


def test_title_and_venue_changes_say_what_changed(make_event) -> None:
    event = make_event(capacity_onsite=2, capacity_online=1, language="en")
    services.register(event, person(1))
    edit(event, title="Mentoring in probation: results", venue_name="Biblioteca Nacional")
    (message,) = mails("event_changed")
    assert "New title: Mentoring in probation: results" in message.body_text
    assert "New place: Biblioteca Nacional" in message.body_text
    assert str(vevent(message)["SUMMARY"]) == "Mentoring in probation: results"


def test_edits_that_do_not_touch_the_entry_send_nothing(event) -> None:
    services.register(event, person(1))
    before = len(mails())
    edit(event, description="A longer description.", capacity_onsite=10, objective="Another objective")
    assert len(mails()) == before
    assert event.ical_sequence == 0


def test_drafts_tell_nobody(make_event) -> None:
    event = make_event(status=EventStatus.DRAFT)
    edit(event, title="Renamed draft")
    assert mails() == []


@pytest.mark.parametrize(
    "changes",
    [
        {"ends_local": "before start"},
        {"timezone": "Mars/Olympus_Mons"},
        {"format": EventFormat.ONLINE, "joining_url": ""},
    ],
)
def test_an_edit_that_would_make_the_invitation_invalid_sends_nothing(event, changes) -> None:  # type: ignore[no-untyped-def]
    services.register(event, person(1))
    before = [(m.id, m.calendar_ics) for m in mails()]
    if changes.get("ends_local") == "before start":
        changes = {"ends_local": event_services.EventInput.from_event(event).starts_local - timedelta(hours=1)}
    with pytest.raises(ValidationFailed):
        edit(event, **changes)
    db.session.rollback()
    assert [(m.id, m.calendar_ics) for m in mails()] == before
    assert db.session.get(Event, event.id).ical_sequence == 0


def test_postponing_marks_entries_tentative_and_republishing_confirms_them(make_event) -> None:
    event = make_event(capacity_onsite=1)
    services.register(event, person(1))
    services.register(event, person(2))  # waiting
    event_services.change_status(event, EventStatus.POSTPONED, note="New date in spring.")
    postponed = {m.to_address: m for m in mails("event_postponed")}
    assert set(postponed) == {"person1@probation.example", "person2@probation.example"}
    entry = vevent(postponed["person1@probation.example"])
    assert str(entry["STATUS"]) == "TENTATIVE"
    assert entry["SEQUENCE"] == 1
    assert "New date in spring." in postponed["person1@probation.example"].body_text
    assert postponed["person2@probation.example"].calendar_method == "", "waiting people have no entry"

    event_services.change_status(event, EventStatus.PUBLISHED)
    (again,) = [m for m in mails("event_published") if m.calendar_method]
    assert str(vevent(again)["STATUS"]) == "CONFIRMED"
    assert vevent(again)["SEQUENCE"] == 2


def test_cancelling_the_event_cancels_every_entry(make_event) -> None:
    event = make_event(capacity_onsite=1, capacity_online=1)
    services.register(event, person(1))
    services.register(event, person(2, mode=AttendanceMode.ONLINE))
    services.register(event, person(3))  # waiting
    event_services.change_status(event, EventStatus.CANCELLED, note="The venue is closed.")
    messages = {m.to_address: m for m in mails("event_cancelled")}
    assert len(messages) == 3
    for address in ("person1@probation.example", "person2@probation.example"):
        entry = vevent(messages[address])
        assert messages[address].calendar_method == "CANCEL"
        assert str(entry["STATUS"]) == "CANCELLED"
        assert str(entry["ATTENDEE"]) == f"mailto:{address}"
    assert messages["person3@probation.example"].calendar_method == ""
    assert "The venue is closed." in messages["person3@probation.example"].body_text


def test_marking_delivered_sends_nothing(make_event) -> None:
    event = make_event(days_ahead=-2)
    db.session.add(
        Registration(event=event, status=S.CONFIRMED, mode=AttendanceMode.ONSITE, name="A", email="a@x.example")
    )
    db.session.commit()
    event_services.change_status(event, EventStatus.DELIVERED)
    assert mails() == []


def test_sequence_numbers_never_repeat_across_kinds_of_change(event) -> None:
    """Cancellations, mode changes and edits all draw from the one stored counter."""
    first = services.register(event, person(1)).registration
    second = services.register(event, person(2)).registration
    services.cancel_registration(first)
    services.switch_mode(second, AttendanceMode.ONLINE)
    edit(event, title="Another title")
    sequences = [vevent(m)["SEQUENCE"] for m in mails() if m.kind in ("cancelled", "mode_changed", "event_changed")]
    assert sequences == [1, 2, 3]


def test_the_mail_is_imip_shaped(event) -> None:
    """multipart/mixed: multipart/alternative (text, HTML with the EU emblem as multipart/related,
    text/calendar; method=REQUEST) + invite.ics."""
    services.register(event, person(1))
    (row,) = mails()
    parsed = message_from_bytes(build_message(row).as_bytes(), policy=policy.default)
    assert parsed.get_content_type() == "multipart/mixed"
    alternative, attachment = parsed.get_payload()
    assert alternative.get_content_type() == "multipart/alternative"
    text, html, calendar = alternative.get_payload()
    assert [text.get_content_type(), html.get_content_type()] == ["text/plain", "multipart/related"]
    assert [part.get_content_type() for part in html.iter_parts()] == ["text/html", "image/png"]
    assert calendar.get_content_type() == "text/calendar"
    assert calendar.get_param("method") == "REQUEST"
    assert calendar.get_content_charset() == "utf-8"
    assert attachment.get_filename() == "invite.ics"
    assert attachment.get_content_disposition() == "attachment"
    assert attachment.get_content() == calendar.get_content().encode() or attachment.get_content().decode() == (
        calendar.get_content()
    )
