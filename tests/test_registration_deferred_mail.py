"""A new registration's mail rendered by the sender, not the request (issue 18): the request
stores what the mail needs; the sender writes the mail, byte for byte the one the request
used to render for the same data and clock, whatever changed in between."""

from __future__ import annotations

import random
from datetime import UTC, datetime

import pytest
from sqlalchemy import select, update

from seminar_app.calendar import ics
from seminar_app.enums import AttendanceMode, EventFormat, EventStatus, OutboxStatus, RegistrationStatus, Role
from seminar_app.events import services as event_services
from seminar_app.events.models import Event
from seminar_app.extensions import db
from seminar_app.mail import sender
from seminar_app.mail.models import OutboxMessage
from seminar_app.mail.services import write_deferred
from seminar_app.registration import emails, services
from seminar_app.registration.models import Registration
from seminar_app.registration.services import RegistrationInput

S = RegistrationStatus
FIXED = datetime(2026, 12, 4, 10, 0, tzinfo=UTC)
FIELDS = ("kind", "to_address", "to_name", "reply_to", "subject", "body_text", "body_html", "calendar_method")


def person(n: int, **overrides) -> RegistrationInput:  # type: ignore[no-untyped-def]
    values = {
        "name": f"Pessoa {n} <Silva> & Filhos",
        "email": f"pessoa{n}@reinsercao.example",
        "organisation": "Direção-Geral",
        "mode": AttendanceMode.ONLINE,
        "privacy_acknowledged": True,
        "language": "pt",
    }
    values.update(overrides)
    return RegistrationInput(**values)


@pytest.fixture
def clock(monkeypatch):  # type: ignore[no-untyped-def]
    """One clock for every calendar entry's DTSTAMP and every message's Date."""
    monkeypatch.setattr(ics, "_stamp", lambda now=None: FIXED)
    monkeypatch.setattr(sender, "utcnow", lambda: FIXED)


def queued(registration: Registration) -> OutboxMessage:
    return db.session.scalars(select(OutboxMessage).where(OutboxMessage.registration_id == registration.id)).one()


def queued_kind(registration: Registration, kind: str) -> OutboxMessage:
    query = select(OutboxMessage).where(OutboxMessage.registration_id == registration.id, OutboxMessage.kind == kind)
    return db.session.scalars(query).one()


def rendered_by_the_request(registration: Registration, row: OutboxMessage) -> OutboxMessage:
    """The row the request used to queue (`emails.render_registered` then `queue_row`), with
    the deferred row's Message-ID, not committed."""
    fields = emails.render_registered(registration, position=services.waitlist_position(registration)).fields
    return OutboxMessage(**fields, registration_id=registration.id, message_id=row.message_id)


def as_sent(row: OutboxMessage) -> bytes:
    """The message the sender sends for `row`, with the same MIME boundaries each time."""
    random.seed(18)
    return sender.build_message(row).as_bytes()


def written(row: OutboxMessage) -> OutboxMessage:
    write_deferred([row.id])
    db.session.commit()
    return db.session.get(OutboxMessage, row.id)  # type: ignore[return-value]


@pytest.mark.parametrize(
    ("event_options", "ahead", "status"),
    [
        ({"capacity_online": 5}, 0, S.CONFIRMED),
        ({"capacity_online": None, "requires_approval": True}, 0, S.PENDING),
        ({"capacity_online": 1}, 2, S.WAITLISTED),
    ],
)
def test_the_sender_writes_the_mail_the_request_used_to_render_byte_for_byte(
    make_event, clock, event_options, ahead, status
) -> None:
    event = make_event(format=EventFormat.ONLINE, language="en", **event_options)
    for n in range(ahead):
        services.register(event, person(10 + n))
    registration = services.register(event, person(1)).registration
    assert registration.status is status

    row = queued(registration)
    assert row.deferred is not None and row.subject == row.body_text == row.calendar_ics == "", "not rendered yet"
    expected = rendered_by_the_request(registration, row)
    row = written(row)

    assert row.deferred is None
    assert {name: getattr(row, name) for name in (*FIELDS, "calendar_ics")} == {
        name: getattr(expected, name) for name in (*FIELDS, "calendar_ics")
    }
    assert as_sent(row) == as_sent(expected)
    if status is S.WAITLISTED:
        assert "número 2 na lista de espera" in row.body_text
    if status is S.CONFIRMED:
        assert "METHOD:REQUEST" in row.calendar_ics and f"SEQUENCE:{event.ical_sequence}" in row.calendar_ics


def test_what_changes_before_the_sender_runs_leaves_the_mail_as_queued(make_event, clock) -> None:
    """The mail says what was true when the person registered (a later change has its own
    mail), and writing it changes nothing in the registration."""
    event = make_event(format=EventFormat.HYBRID, language="en", capacity_online=1, capacity_onsite=5)
    first = services.register(event, person(1)).registration
    waiting = services.register(event, person(2)).registration
    row = queued(waiting)
    expected = rendered_by_the_request(waiting, row)

    services.cancel_registration(first)  # the seat is free: person 2 promoted
    db.session.refresh(waiting)
    assert waiting.status is S.CONFIRMED
    db.session.execute(update(Registration).where(Registration.id == waiting.id).values(language="en"))
    db.session.execute(update(Event).where(Event.id == event.id).values(ical_sequence=Event.ical_sequence + 7))
    db.session.commit()

    row = written(row)
    assert (row.kind, row.subject, row.body_text, row.calendar_ics) == (
        "registration_waitlisted",
        expected.subject,
        expected.body_text,
        "",
    )
    assert "número 1 na lista de espera" in row.body_text, "the place the person had, in their language then"
    db.session.refresh(waiting)
    assert (waiting.status, waiting.language) == (S.CONFIRMED, "en")


def test_a_mail_written_after_the_event_was_cancelled_gives_no_calendar_entry(make_event) -> None:
    """A REQUEST for a cancelled event is no valid iTIP; the cancellation's mail follows."""
    event = make_event(capacity_online=5, format=EventFormat.ONLINE, language="en")
    registration = services.register(event, person(1, language="en")).registration
    event_services.change_status(event, EventStatus.CANCELLED, note="The venue is closed.")

    row = written(queued_kind(registration, "registration_confirmed"))
    assert row.subject.startswith("Registration confirmed") and (row.calendar_method, row.calendar_ics) == ("", "")
    assert queued_kind(registration, "event_cancelled").calendar_method == "CANCEL"


def test_the_request_does_not_render_the_mail_and_the_sender_sends_it(app, client, make_event, monkeypatch) -> None:
    event = make_event(format=EventFormat.ONLINE, language="en", capacity_online=5)

    def must_not_render(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise AssertionError("rendered in the request")

    monkeypatch.setitem(app.config, "MAIL_DELIVERY", "worker")
    with monkeypatch.context() as during_the_request:
        during_the_request.setattr(emails, "render_registered", must_not_render)
        response = client.post(
            f"/api/v1/events/{event.id}/registrations",
            json={"name": "Ana", "email": "ana@x.example", "privacy_acknowledged": True, "mode": "online"},
        )
    assert response.status_code == 202

    report = sender.deliver_due()
    assert report.sent == 1
    row = db.session.scalars(select(OutboxMessage)).one()
    assert row.status is OutboxStatus.SENT and row.deferred is None
    assert row.subject == f"Registration confirmed – {event.title}"
    assert "Thank you for registering." in row.body_text


def test_a_mail_whose_registration_is_gone_is_failed_not_sent(make_event) -> None:
    event = make_event(capacity_online=5, format=EventFormat.ONLINE)
    registration = services.register(event, person(1)).registration
    row = queued(registration)
    db.session.execute(update(OutboxMessage).where(OutboxMessage.id == row.id).values(registration_id=None))
    db.session.commit()

    report = sender.deliver_due()
    db.session.refresh(row)
    assert (report.sent, report.failed) == (0, 1)
    assert row.status is OutboxStatus.FAILED and "erased or deleted" in row.last_error
    assert row.to_address == "" and row.deferred is None


def test_a_mail_that_cannot_be_written_fails_alone_and_is_written_when_retried(make_event, monkeypatch) -> None:
    event = make_event(capacity_online=5, format=EventFormat.ONLINE, language="en")
    broken = services.register(event, person(1, language="en")).registration
    fine = services.register(event, person(2, language="en")).registration
    render = emails.render_deferred

    def failing_for_the_first(registration_id, deferred):  # type: ignore[no-untyped-def]
        if registration_id == broken.id:
            raise ValueError("template missing")
        return render(registration_id, deferred)

    with monkeypatch.context() as fault:
        fault.setattr(emails, "render_deferred", failing_for_the_first)
        report = sender.deliver_due()
    assert (report.sent, report.failed) == (1, 1)
    assert queued(fine).status is OutboxStatus.SENT
    row = queued(broken)
    assert row.status is OutboxStatus.FAILED and row.last_error == "ValueError: template missing"
    assert row.deferred is not None, "kept, to be written when retried"

    from seminar_app.mail.services import retry_message

    retry_message(row)
    assert sender.deliver_due().sent == 1
    db.session.refresh(row)
    assert row.status is OutboxStatus.SENT and row.subject.startswith("Registration confirmed")


def test_the_outbox_pages_show_a_mail_not_yet_written(app, login, make_event, make_user) -> None:
    event = make_event(capacity_online=5, format=EventFormat.ONLINE, language="en")
    registration = services.register(event, person(1, language="en")).registration
    row = queued(registration)
    client = login(make_user(Role.ADMIN))

    listing = client.get("/admin/mail/").get_data(as_text=True)
    assert f"Registration confirmed – {event.title}" in listing
    page = client.get(f"/admin/mail/{row.id}").get_data(as_text=True)
    assert "Thank you for registering." in page
    db.session.refresh(row)
    assert row.status is OutboxStatus.QUEUED and row.deferred is None, "written, still to be sent"

    other = queued(services.register(event, person(2, language="pt")).registration)
    tab = client.get(f"/manage/events/{event.id}/mails").get_data(as_text=True)
    assert f"Inscrição confirmada – {event.title}" in tab, "the event's Mail tab too"
    db.session.refresh(other)
    assert other.deferred is None


def test_an_address_already_registered_queues_only_the_link_again(make_event) -> None:
    event = make_event(capacity_online=5, format=EventFormat.ONLINE)
    first = services.register(event, person(1)).registration
    outcome = services.register(event, person(1))

    assert outcome.registration.id == first.id and not outcome.created
    rows = db.session.execute(select(OutboxMessage.kind, OutboxMessage.deferred).order_by(OutboxMessage.id)).all()
    assert [kind for kind, _ in rows] == ["registration_confirmed", emails.LINK_AGAIN]
    assert rows[1].deferred is None, "the link again is written at once"
