"""Which registrations wait for which (issue 18): a seat decision waits for every other change
to the event's seats; a registration in a mode without a seat limit decides no seat, so on
PostgreSQL it does not wait for another such registration, yet an edit of the event still
waits for it, and two registrations of one address, in any case, still take turns.

Each test holds one registration inside its transaction (after its row is written, before its
commit) while another request runs in a second thread."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from sqlalchemy import func, select

from seminar_app.enums import AttendanceMode, EventFormat, RegistrationStatus
from seminar_app.events.models import Event
from seminar_app.extensions import db
from seminar_app.mail.models import OutboxMessage
from seminar_app.registration import services
from seminar_app.registration.models import Registration
from seminar_app.registration.services import RegistrationInput

HELD = 20.0  # the most a held registration waits to be let go (seconds)
WAITED = 1.0  # how long a request must stay unanswered to count as waiting (seconds)


def person(email: str, mode: AttendanceMode = AttendanceMode.ONLINE) -> RegistrationInput:
    return RegistrationInput(name="Ana Sousa", email=email, mode=mode, privacy_acknowledged=True)


class Held:
    """Stops the registration of `email` inside its transaction until `let_go`."""

    def __init__(self, email: str) -> None:
        self.email = email
        self.inside = threading.Event()
        self.released = threading.Event()

    def let_go(self) -> None:
        self.released.set()


@pytest.fixture
def hold(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[str], Held]]:
    held: list[Held] = []
    queue_mail = services.emails.queue_registered_for_sender

    def stopping(registration: Registration, **kwargs: Any) -> None:
        queue_mail(registration, **kwargs)
        for one in held:
            if one.email == registration.email:
                one.inside.set()
                assert one.released.wait(HELD), "the held registration was never let go"

    monkeypatch.setattr(services.emails, "queue_registered_for_sender", stopping)

    def start(email: str) -> Held:
        held.append(Held(email))
        return held[-1]

    yield start
    for one in held:
        one.let_go()


class InThread:
    """`work` run in its own thread and app context; `result` once `done`."""

    def __init__(self, app: Any, work: Callable[[], Any]) -> None:
        self.result: Any = None
        self.error: BaseException | None = None
        self.done = threading.Event()

        def run() -> None:
            with app.app_context():
                try:
                    self.result = work()
                except BaseException as exc:  # pragma: no cover - reported by the test
                    self.error = exc
                finally:
                    db.session.remove()
                    self.done.set()

        self.thread = threading.Thread(target=run, daemon=True)
        self.thread.start()

    def finished(self, timeout: float) -> bool:
        finished = self.done.wait(timeout)
        if self.error is not None:
            raise self.error
        return finished


@contextmanager
def held_registration(app: Any, hold: Callable[[str], Held], event_id: int, data: RegistrationInput) -> Iterator[Held]:
    """A registration of `data` held inside its transaction for the `with` block, then committed."""
    held = hold(data.email)
    first = register_in_thread(app, event_id, data)
    assert held.inside.wait(HELD), "the first registration did not reach its hold"
    try:
        yield held
    finally:
        held.let_go()
        assert first.finished(HELD) and first.result is True


def statuses(event_id: int) -> list[tuple[str, RegistrationStatus]]:
    """The event's registrations as (address, status), in the order they were written."""
    db.session.expire_all()
    rows = db.session.execute(
        select(Registration.email, Registration.status)
        .where(Registration.event_id == event_id)
        .order_by(Registration.id)
    )
    return [(email, status) for email, status in rows]


def register_in_thread(app: Any, event_id: int, data: RegistrationInput) -> InThread:
    return InThread(app, lambda: services.register(db.session.get(Event, event_id), data).created)


def test_registrations_without_a_seat_limit_do_not_wait_for_each_other_on_postgresql(app, make_event, hold) -> None:
    """SQLite has one writer at a time, so there the second waits; PostgreSQL lets both run."""
    event_id = make_event(format=EventFormat.ONLINE, capacity_online=None).id
    side_by_side = db.engine.dialect.name == "postgresql"

    with held_registration(app, hold, event_id, person("first@example.org")):
        second = register_in_thread(app, event_id, person("second@example.org"))
        assert second.finished(HELD if side_by_side else WAITED) is side_by_side
    assert second.finished(HELD) and second.result is True

    assert statuses(event_id) == [
        ("first@example.org", RegistrationStatus.CONFIRMED),
        ("second@example.org", RegistrationStatus.CONFIRMED),
    ]


def test_a_seat_decision_waits_for_the_registration_before_it(app, make_event, hold) -> None:
    """One seat left: the second person waits for the first, then goes on the waiting list."""
    event_id = make_event(format=EventFormat.ONLINE, capacity_online=1).id

    with held_registration(app, hold, event_id, person("first@example.org")):
        second = register_in_thread(app, event_id, person("second@example.org"))
        assert not second.finished(WAITED), "the second seat decision did not wait for the first"
    assert second.finished(HELD) and second.result is True

    assert statuses(event_id) == [
        ("first@example.org", RegistrationStatus.CONFIRMED),
        ("second@example.org", RegistrationStatus.WAITLISTED),
    ]


def test_a_limit_set_during_a_registration_without_one_counts_it(app, make_event, hold) -> None:
    """The organiser sets a limit of one seat while a registration without a limit is under
    way: the edit waits for it, and the next registration finds the seat taken."""
    event_id = make_event(format=EventFormat.ONLINE, capacity_online=None).id

    def set_limit() -> None:
        event = db.session.get(Event, event_id)
        event.capacity_online = 1
        db.session.commit()

    with held_registration(app, hold, event_id, person("first@example.org")):
        edit = InThread(app, set_limit)
        assert not edit.finished(WAITED), "the edit of the event did not wait for the registration"
    assert edit.finished(HELD)

    db.session.expire_all()
    outcome = services.register(db.session.get(Event, event_id), person("second@example.org"))
    assert outcome.registration.status is RegistrationStatus.WAITLISTED


def test_one_address_in_two_cases_at_once_registers_once(app, make_event, hold) -> None:
    """The second request waits for the first and answers as for a repeated address: one
    registration, and the private link sent again to it."""
    event_id = make_event(format=EventFormat.ONLINE, capacity_online=None).id

    with held_registration(app, hold, event_id, person("Ana.Sousa@Example.org")):
        again = register_in_thread(app, event_id, person("ana.sousa@example.ORG"))
        assert not again.finished(WAITED), "the same address did not wait for its first registration"
    assert again.finished(HELD) and again.result is False

    db.session.expire_all()
    assert db.session.scalar(select(func.count()).where(Registration.event_id == event_id)) == 1
    kinds = db.session.scalars(select(OutboxMessage.kind).order_by(OutboxMessage.id)).all()
    assert kinds == ["registration_confirmed", "link_again"]


def test_a_registration_leaves_the_events_last_change_alone(app, make_event) -> None:
    """A calendar's Last-Modified is the last edit of its events, not their last registration."""
    limited = make_event(format=EventFormat.ONLINE, capacity_online=10)
    unlimited = make_event(format=EventFormat.ONLINE, capacity_online=None)
    before = {event.id: event.updated_at for event in (limited, unlimited)}
    for event in (limited, unlimited):
        services.register(event, person(f"someone-{event.id}@example.org"))
    db.session.expire_all()
    assert {event_id: db.session.get(Event, event_id).updated_at for event_id in before} == before


def test_a_limit_the_kept_event_does_not_show_yet_still_makes_registrations_take_turns(app, make_event, hold) -> None:
    """The worker keeps the event as it was without a limit; a limit of two seats is then written
    in SQL (no edit, so the kept copy stays). One seat is left: of two registrations at once, the
    second waits for the first and goes on the waiting list."""
    from seminar_app.registration import queries

    event_id = make_event(format=EventFormat.ONLINE, capacity_online=None).id
    with app.test_request_context():
        services.register(queries.event_to_register(event_id), person("first@example.org"))
        assert queries._kept_events()[event_id].capacity_online is None
    db.session.remove()
    db.session.execute(Event.__table__.update().where(Event.__table__.c.id == event_id).values(capacity_online=2))
    db.session.commit()

    def register_kept(email: str) -> Callable[[], bool]:
        def work() -> bool:
            event = queries.event_to_register(event_id)
            assert event.capacity_online is None or event.capacity_online == 2
            return services.register(event, person(email)).created

        return work

    held = hold("second@example.org")
    second = InThread(app, register_kept("second@example.org"))
    assert held.inside.wait(HELD)
    third = InThread(app, register_kept("third@example.org"))
    try:
        assert not third.finished(WAITED), "the registration after the last seat did not wait"
    finally:
        held.let_go()
    assert second.finished(HELD) and third.finished(HELD)

    assert statuses(event_id) == [
        ("first@example.org", RegistrationStatus.CONFIRMED),
        ("second@example.org", RegistrationStatus.CONFIRMED),
        ("third@example.org", RegistrationStatus.WAITLISTED),
    ]
