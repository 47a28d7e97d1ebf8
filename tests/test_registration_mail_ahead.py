"""A new registration's mail rendered before the event's seat lock (issue 18): the mail queued
is byte for byte the one rendered under the lock for the same data and clock, and whatever
the lock decides differently (a seat gone, a new SEQUENCE) gets the mail rendered again."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select, update

from seminar_app.calendar import ics
from seminar_app.enums import AttendanceMode, RegistrationStatus
from seminar_app.events.models import Event
from seminar_app.extensions import db
from seminar_app.mail.models import OutboxMessage
from seminar_app.registration import emails, services
from seminar_app.registration.services import RegistrationInput

S = RegistrationStatus
FIELDS = ("kind", "to_address", "to_name", "reply_to", "subject", "body_text", "body_html", "calendar_method")


def person(n: int, **overrides) -> RegistrationInput:  # type: ignore[no-untyped-def]
    values = {
        "name": f"Pessoa {n} <Silva> & Filhos",
        "email": f"pessoa{n}@reinsercao.example",
        "organisation": "Direção-Geral",
        "mode": AttendanceMode.ONSITE,
        "privacy_acknowledged": True,
        "language": "pt",
    }
    values.update(overrides)
    return RegistrationInput(**values)


@pytest.fixture
def clock(monkeypatch):  # type: ignore[no-untyped-def]
    """One DTSTAMP for every calendar entry, so that two renderings can be compared."""
    fixed = datetime(2026, 12, 4, 10, 0, tzinfo=UTC)
    monkeypatch.setattr(ics, "_stamp", lambda now=None: fixed)


@pytest.fixture
def order(monkeypatch):  # type: ignore[no-untyped-def]
    """What happened, in order: each rendering of a registration mail, and the seat lock."""
    seen: list[str] = []
    render, lock = emails.render_registered, services._lock_event

    def rendering(registration, **options):  # type: ignore[no-untyped-def]
        seen.append(f"render {registration.status.value}")
        return render(registration, **options)

    def locking(event, **options):  # type: ignore[no-untyped-def]
        seen.append("lock")
        return lock(event, **options)

    monkeypatch.setattr(emails, "render_registered", rendering)
    monkeypatch.setattr(services, "_lock_event", locking)
    return seen


def before_the_lock(monkeypatch, happening) -> None:  # type: ignore[no-untyped-def]
    """`happening(event)`, committed by someone else, just before the next registration takes
    the event's seat lock: after its mail was rendered ahead."""
    lock = services._lock_event

    def first(locked, **options):  # type: ignore[no-untyped-def]
        monkeypatch.setattr(services, "_lock_event", lock)
        happening(locked)
        return lock(locked, **options)

    monkeypatch.setattr(services, "_lock_event", first)


def queued(registration) -> OutboxMessage:  # type: ignore[no-untyped-def]
    return db.session.scalars(select(OutboxMessage).where(OutboxMessage.registration_id == registration.id)).one()


def assert_as_rendered_under_the_lock(registration) -> None:  # type: ignore[no-untyped-def]
    """The queued row holds what rendering the registration's mail now gives, to the byte."""
    row = queued(registration)
    fields = RENDER(registration).fields
    assert {name: getattr(row, name) for name in (*FIELDS, "calendar_ics")} == {
        name: fields[name] for name in (*FIELDS, "calendar_ics")
    }


RENDER = emails.render_registered


def test_a_confirmed_registration_gets_the_mail_rendered_before_the_lock(make_event, clock, order) -> None:
    event = make_event(capacity_onsite=5, language="en")
    registration = services.register(event, person(1)).registration

    assert registration.status is S.CONFIRMED
    assert order == ["render confirmed", "lock"], "rendered once, before the lock"
    assert_as_rendered_under_the_lock(registration)
    row = queued(registration)
    assert row.subject.startswith("Inscrição confirmada")
    assert "Pessoa 1 &lt;Silva&gt; &amp; Filhos" in row.body_html
    assert "METHOD:REQUEST" in row.calendar_ics and f"SEQUENCE:{event.ical_sequence}" in row.calendar_ics


def test_a_registration_the_organiser_approves_gets_its_mail_before_the_lock(make_event, clock, order) -> None:
    event = make_event(capacity_onsite=None, requires_approval=True)
    registration = services.register(event, person(1)).registration

    assert registration.status is S.PENDING
    assert order == ["render pending", "lock"]
    assert_as_rendered_under_the_lock(registration)
    assert queued(registration).calendar_ics == ""


def test_a_full_event_renders_the_waiting_list_mail_under_the_lock(make_event, clock, order) -> None:
    event = make_event(capacity_onsite=1)
    services.register(event, person(1))
    order.clear()
    registration = services.register(event, person(2)).registration

    assert registration.status is S.WAITLISTED
    assert order == ["lock", "render waitlisted"], "no seat seemed free: nothing rendered ahead"
    assert "número 1 na lista de espera" in queued(registration).body_text


def test_the_last_seat_taken_while_the_mail_was_rendered_gives_the_waiting_list_mail(
    make_event, clock, order, monkeypatch
) -> None:
    event = make_event(capacity_onsite=1)
    before_the_lock(monkeypatch, lambda locked: services.register(event, person(9)))  # the seat is theirs
    registration = services.register(event, person(1)).registration

    assert registration.status is S.WAITLISTED
    assert order[:1] == ["render confirmed"] and order[-1] == "render waitlisted"
    assert queued(registration).kind == "registration_waitlisted"
    assert_as_rendered_under_the_lock(registration)


def test_a_sequence_raised_while_the_mail_was_rendered_gets_the_mail_rendered_again(
    make_event, clock, order, monkeypatch
) -> None:
    event = make_event(capacity_onsite=5)

    def sequence_raised(locked: Event) -> None:  # another registrant's entry cancelled
        db.session.execute(update(Event).where(Event.id == locked.id).values(ical_sequence=Event.ical_sequence + 1))
        db.session.commit()

    before_the_lock(monkeypatch, sequence_raised)
    before = event.ical_sequence
    registration = services.register(event, person(1)).registration

    assert order == ["render confirmed", "lock", "render confirmed"]
    assert f"SEQUENCE:{before + 1}" in queued(registration).calendar_ics
    assert_as_rendered_under_the_lock(registration)


def test_an_address_already_registered_queues_only_the_link_again(make_event, clock) -> None:
    event = make_event(capacity_onsite=5)
    first = services.register(event, person(1)).registration
    outcome = services.register(event, person(1))

    assert outcome.registration.id == first.id and not outcome.created
    kinds = list(db.session.scalars(select(OutboxMessage.kind).order_by(OutboxMessage.id)))
    assert kinds == ["registration_confirmed", emails.LINK_AGAIN]
