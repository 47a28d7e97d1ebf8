"""Registration rules: seats, waiting list, approval, duplicates, self-service, erasure, concurrency."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from seminar_app.db_types import utcnow
from seminar_app.enums import AttendanceMode, ConsentPurpose, EventFormat, EventStatus, RegistrationStatus
from seminar_app.errors import DomainError, InvalidTransition, ValidationFailed
from seminar_app.extensions import db
from seminar_app.mail.models import OutboxMessage
from seminar_app.registration import services
from seminar_app.registration.models import Registration
from seminar_app.registration.services import RegistrationClosed, RegistrationInput
from tests.mail_rows import write_pending_mail

S = RegistrationStatus


def person(n: int = 1, **overrides) -> RegistrationInput:  # type: ignore[no-untyped-def]
    values = {
        "name": f"Person {n}",
        "email": f"person{n}@probation.example",
        "organisation": "Probation Service",
        "organisation_country": "PT",
        "stakeholder_group": "prison_probation",
        "mode": AttendanceMode.ONSITE,
        "privacy_acknowledged": True,
    }
    values.update(overrides)
    return RegistrationInput(**values)


def mails(kind: str | None = None) -> list[OutboxMessage]:
    write_pending_mail()
    query = select(OutboxMessage).order_by(OutboxMessage.id)
    if kind:
        query = query.where(OutboxMessage.kind == kind)
    return list(db.session.scalars(query))


@pytest.fixture
def event(make_event):  # type: ignore[no-untyped-def]
    return make_event(capacity_onsite=2, capacity_online=1)


def test_seats_then_waiting_list_in_order_with_positions(make_event) -> None:
    event = make_event(capacity_onsite=2, capacity_online=1, language="en")
    regs = [services.register(event, person(n)).registration for n in range(1, 5)]
    assert [r.status for r in regs] == [S.CONFIRMED, S.CONFIRMED, S.WAITLISTED, S.WAITLISTED]
    assert [services.waitlist_position(r) for r in regs] == [None, None, 1, 2]
    assert [m.kind for m in mails()] == [
        "registration_confirmed",
        "registration_confirmed",
        "registration_waitlisted",
        "registration_waitlisted",
    ]
    assert "number 2 on the waiting list" in mails()[-1].body_text


def test_capacity_counts_per_mode(event) -> None:
    online = services.register(event, person(1, mode=AttendanceMode.ONLINE)).registration
    second_online = services.register(event, person(2, mode=AttendanceMode.ONLINE)).registration
    onsite = services.register(event, person(3, mode=AttendanceMode.ONSITE)).registration
    assert (online.status, second_online.status, onsite.status) == (S.CONFIRMED, S.WAITLISTED, S.CONFIRMED)


def test_cancelling_promotes_the_first_waiting_person_and_tells_them(make_event) -> None:
    event = make_event(capacity_onsite=2, capacity_online=1, language="en")
    first, _second, third, fourth = (services.register(event, person(n)).registration for n in range(1, 5))
    services.cancel_registration(first)
    assert (first.status, third.status, fourth.status) == (S.CANCELLED, S.CONFIRMED, S.WAITLISTED)
    assert services.waitlist_position(fourth) == 1
    promoted = mails("promoted")
    assert [m.to_address for m in promoted] == [third.email]
    assert "it is yours" in promoted[0].body_text


def test_a_seat_freed_once_the_event_has_started_promotes_nobody(event) -> None:
    first, _second, third = (services.register(event, person(n)).registration for n in range(1, 4))
    event.starts_at, event.ends_at = utcnow() - timedelta(hours=3), utcnow() - timedelta(hours=1)
    db.session.commit()
    services.erase_registration(first)
    assert third.status is S.WAITLISTED, "nobody is offered a seat at an event that is over"
    assert mails("promoted") == []


def test_growing_capacity_promotes_in_order(event) -> None:
    regs = [services.register(event, person(n)).registration for n in range(1, 6)]
    event.capacity_onsite = 4
    db.session.commit()
    promoted = services.capacity_changed(event)
    assert promoted == regs[2:4]
    assert regs[4].status is S.WAITLISTED


def test_a_second_registration_with_the_same_address_creates_nothing_and_resends_the_link(event) -> None:
    first = services.register(event, person(1))
    again = services.register(event, person(1, email="PERSON1@probation.example", name="Someone else"))
    assert first.created and not again.created
    assert again.registration.id == first.registration.id
    assert again.registration.name == "Person 1"
    assert db.session.scalar(select(func.count()).select_from(Registration)) == 1
    assert [m.kind for m in mails()] == ["registration_confirmed", "link_again"]
    link = services.emails.private_link(first.registration)
    assert link in mails("link_again")[0].body_text


def test_consents_are_stored_separately_with_time_and_notice_version(event) -> None:
    reg = services.register(event, person(1, consent_news=True)).registration
    answers = {c.purpose: (c.given, c.privacy_notice_version) for c in reg.consents}
    assert answers == {
        ConsentPurpose.PRIVACY_NOTICE: (True, 1),
        ConsentPurpose.PHOTOS: (False, 1),
        ConsentPurpose.ATTENDEE_LIST: (False, 1),
        ConsentPurpose.NEWS: (True, 1),
    }
    assert all(c.recorded_at <= utcnow() for c in reg.consents)
    assert reg.consent_given(ConsentPurpose.NEWS) and not reg.consent_given(ConsentPurpose.PHOTOS)


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"email": "not-an-address"}, "email"),
        ({"email": "a@b"}, "email"),
        ({"name": " "}, "name"),
        ({"name": "x" * 201}, "name"),
        ({"privacy_acknowledged": False}, "privacy_acknowledged"),
        ({"organisation_country": "XX"}, "organisation_country"),
        ({"stakeholder_group": "astronauts"}, "stakeholder_group"),
    ],
)
def test_bad_input_names_the_field_and_saves_nothing(event, overrides, field) -> None:
    with pytest.raises(ValidationFailed) as caught:
        services.register(event, person(1, **overrides))
    assert field in caught.value.errors
    assert db.session.scalar(select(func.count()).select_from(Registration)) == 0
    assert mails() == []


def test_a_mode_the_event_does_not_offer_is_refused(make_event) -> None:
    online_only = make_event(format=EventFormat.ONLINE, venue_name="", city="")
    with pytest.raises(ValidationFailed) as caught:
        services.register(online_only, person(1, mode=AttendanceMode.ONSITE))
    assert "mode" in caught.value.errors
    reg = services.register(online_only, person(2, mode=None)).registration
    assert reg.mode is AttendanceMode.ONLINE


def test_hybrid_events_need_a_mode(event) -> None:
    with pytest.raises(ValidationFailed) as caught:
        services.register(event, person(1, mode=None))
    assert "mode" in caught.value.errors


@pytest.mark.parametrize(
    ("setup", "message"),
    [
        ({"status": EventStatus.DRAFT}, "not open"),
        ({"status": EventStatus.CANCELLED}, "cancelled"),
        ({"status": EventStatus.POSTPONED}, "postponed"),
        ({"days_ahead": -3}, "not open"),
    ],
)
def test_registration_is_refused_with_a_reason(make_event, setup, message) -> None:
    event = make_event(**setup)
    with pytest.raises(RegistrationClosed, match=message):
        services.register(event, person(1))
    assert db.session.scalar(select(func.count()).select_from(Registration)) == 0


def test_registration_window(event) -> None:
    event.registration_opens_at = utcnow() + timedelta(days=1)
    db.session.commit()
    with pytest.raises(RegistrationClosed, match="not opened yet"):
        services.register(event, person(1))
    event.registration_opens_at = None
    event.registration_closes_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    with pytest.raises(RegistrationClosed, match="has closed"):
        services.register(event, person(1))


def test_organisers_can_add_people_outside_the_window(event, make_user) -> None:
    event.registration_closes_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    organiser = make_user(partners=[event.partner])
    outcome = services.register(event, person(1, privacy_acknowledged=False), actor=organiser, source="organiser")
    assert outcome.registration.status is S.CONFIRMED
    assert outcome.registration.consents == []


def test_approval_flow(make_event, make_user) -> None:
    event = make_event(capacity_onsite=1)
    event.requires_approval = True
    db.session.commit()
    first = services.register(event, person(1)).registration
    second = services.register(event, person(2)).registration
    assert (first.status, second.status) == (S.PENDING, S.WAITLISTED)
    services.decline(first, reason="The room is for practitioners only.")
    assert first.status is S.DECLINED
    assert second.status is S.PENDING, "the freed seat goes to the next person, still awaiting approval"
    services.approve(second)
    assert second.status is S.CONFIRMED and second.confirmed_at is not None
    assert [m.kind for m in mails()[-3:]] == ["declined", "promoted", "approved"]
    assert "practitioners only" in mails("declined")[0].body_text
    with pytest.raises(InvalidTransition):
        services.approve(second)


def test_switching_mode_respects_capacity_and_frees_the_old_seat(event) -> None:
    a = services.register(event, person(1, mode=AttendanceMode.ONLINE)).registration
    b = services.register(event, person(2, mode=AttendanceMode.ONSITE)).registration
    c = services.register(event, person(3, mode=AttendanceMode.ONSITE)).registration
    waiting_online = services.register(event, person(4, mode=AttendanceMode.ONLINE)).registration
    with pytest.raises(DomainError, match="no free seat"):
        services.switch_mode(b, AttendanceMode.ONLINE)
    assert b.mode is AttendanceMode.ONSITE
    services.cancel_registration(c)
    services.switch_mode(a, AttendanceMode.ONSITE)
    assert a.mode is AttendanceMode.ONSITE and a.status is S.CONFIRMED
    assert waiting_online.status is S.CONFIRMED, "the online seat a left goes to the first person waiting for it"


def test_private_link_finds_only_its_registration(event) -> None:
    a = services.register(event, person(1)).registration
    b = services.register(event, person(2)).registration
    token = services.private_token(a)
    assert len(token) >= 40
    assert services.find_by_token(token) == a
    assert services.find_by_token(services.private_token(b)) == b
    assert services.find_by_token(token[:-1] + ("A" if token[-1] != "A" else "B")) is None
    assert services.find_by_token("") is None
    assert a.token_hash != token and token not in (a.link_salt or "")


def test_details_can_be_corrected_but_not_broken(event) -> None:
    reg = services.register(event, person(1)).registration
    services.update_details(reg, services.DetailsInput(name="Ana Sousa", organisation="DGRSP", access_needs="Ramp"))
    assert (reg.name, reg.organisation, reg.access_needs) == ("Ana Sousa", "DGRSP", "Ramp")
    with pytest.raises(ValidationFailed):
        services.update_details(reg, services.DetailsInput(name=""))
    db.session.refresh(reg)
    assert reg.name == "Ana Sousa"


def test_erasure_keeps_an_anonymous_count_and_frees_the_seat(event) -> None:
    regs = [services.register(event, person(n)).registration for n in range(1, 4)]
    token = services.private_token(regs[0])
    data = services.personal_data(regs[0])
    assert data["registration"]["email"] == "person1@probation.example"
    assert {c["purpose"] for c in data["consents"]} == {p.value for p in ConsentPurpose}

    services.erase_registration(regs[0])
    erased = db.session.get(Registration, regs[0].id)
    assert erased is not None and erased.is_erased
    assert (erased.name, erased.email, erased.organisation, erased.access_needs) == ("", None, "", "")
    assert (erased.organisation_country, erased.stakeholder_group) == ("PT", "prison_probation")
    assert services.find_by_token(token) is None
    assert regs[2].status is S.CONFIRMED, "the erased person's seat went to the waiting list"
    assert db.session.scalar(select(func.count()).select_from(Registration)) == 3
    queued_to_person = [
        m for m in mails() if m.status.value == "queued" and m.to_address == "person1@probation.example"
    ]
    assert [(m.kind, m.calendar_method, m.scrub_after_send) for m in queued_to_person] == [("erased", "CANCEL", True)]
    assert token not in queued_to_person[0].body_text, "the erasure notice carries no private link"
    assert "See, change or cancel" not in queued_to_person[0].body_text
    with pytest.raises(InvalidTransition):
        services.cancel_registration(erased)


def test_two_hundred_people_at_once_for_twenty_seats(app, make_event) -> None:
    """Exactly 20 confirmed, 180 waitlisted in strict order, no error, nothing lost, no one twice."""
    event = make_event(capacity_onsite=20, capacity_online=None)
    event_id = event.id
    errors: list[BaseException] = []
    start = threading.Barrier(20)

    def worker(numbers: range) -> None:
        with app.app_context():
            try:
                start.wait()
                for n in numbers:
                    from seminar_app.events.models import Event

                    services.register(db.session.get(Event, event_id), person(n))
            except BaseException as exc:  # pragma: no cover - reported below
                errors.append(exc)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=worker, args=(range(i * 10, i * 10 + 10),)) for i in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)

    assert errors == []
    db.session.expire_all()
    regs = list(db.session.scalars(select(Registration).order_by(Registration.id)))
    assert len(regs) == 200
    assert len({r.email for r in regs}) == 200
    confirmed = [r for r in regs if r.status is S.CONFIRMED]
    waiting = [r for r in regs if r.status is S.WAITLISTED]
    assert len(confirmed) == 20 and len(waiting) == 180
    assert max(r.id for r in confirmed) < min(r.id for r in waiting), "seats went to the first arrivals"
    assert [services.waitlist_position(r) for r in waiting] == list(range(1, 181))
    assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 200


def test_waiting_list_has_one_order_when_times_and_ids_disagree(make_event) -> None:
    """A later id registered earlier (its time came first): every view and the promotion
    follow registration time, so the organiser's list reads 1, 2, 3 from the top."""
    from seminar_app.registration import queries

    event = make_event(capacity_onsite=1, capacity_online=1, language="en")
    start = utcnow()
    services.register(event, person(1), now=start)
    late = services.register(event, person(2), now=start + timedelta(minutes=3)).registration
    early = services.register(event, person(3), now=start + timedelta(minutes=1)).registration
    middle = services.register(event, person(4), now=start + timedelta(minutes=2)).registration
    assert late.id < early.id < middle.id
    waiting = [row for row in queries.registration_rows(event) if row.registration.status is S.WAITLISTED]
    assert [(r.registration.email, r.waitlist_position) for r in waiting] == [
        (early.email, 1),
        (middle.email, 2),
        (late.email, 3),
    ]
    assert [services.waitlist_position(r) for r in (early, middle, late)] == [1, 2, 3]
    assert "number 2 on the waiting list" in mails("registration_waitlisted")[-1].body_text  # the middle one's
    first = db.session.scalar(select(Registration).where(Registration.status == S.CONFIRMED))
    assert queries.next_in_line(first) == early
    services.cancel_registration(first)
    assert (early.status, middle.status, late.status) == (S.CONFIRMED, S.WAITLISTED, S.WAITLISTED)
    assert [services.waitlist_position(r) for r in (middle, late)] == [1, 2]


def test_registration_time_is_taken_under_the_seat_lock(event, monkeypatch) -> None:
    """Two people arriving together: whoever gets the lock first gets the earlier time."""
    ticks = iter(utcnow() + timedelta(seconds=n) for n in range(100))
    monkeypatch.setattr(services, "utcnow", lambda: next(ticks))
    locked_at = []
    lock = services._lock_event

    def recording_lock(event, **options):  # type: ignore[no-untyped-def]
        lock(event, **options)
        locked_at.append(services.utcnow())

    monkeypatch.setattr(services, "_lock_event", recording_lock)
    registration = services.register(event, person(1)).registration
    assert registration.created_at > locked_at[0]


def test_register_again_renews_a_cancelled_registration_with_a_new_calendar_sequence(event) -> None:
    reg = services.register(event, person(1)).registration
    services.cancel_registration(reg)
    cancel_sequence = event.ical_sequence
    services.register_again(reg)
    assert reg.status is RegistrationStatus.CONFIRMED
    assert event.ical_sequence > cancel_sequence
    assert mails()[-1].kind == "registration_confirmed"


def test_register_again_refuses_an_active_registration_and_a_closed_event(event) -> None:
    reg = services.register(event, person(1)).registration
    with pytest.raises(InvalidTransition):
        services.register_again(reg)
    services.cancel_registration(reg)
    event.status = EventStatus.POSTPONED
    db.session.commit()
    with pytest.raises(services.RegistrationClosed):
        services.register_again(reg)
    assert reg.status is RegistrationStatus.CANCELLED
