"""Attendance rules at the service layer: check-in and undo, walk-ins, QR tokens, and
recording an imported report."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from seminar_app.attendance import services
from seminar_app.attendance.imports import Participant
from seminar_app.attendance.models import Attendance
from seminar_app.enums import AttendanceMode, CheckInSource, EventFormat, EventStatus, RegistrationStatus, Role
from seminar_app.errors import DomainError, ValidationFailed
from seminar_app.extensions import db
from seminar_app.mail.models import OutboxMessage
from seminar_app.registration import services as registration_services
from seminar_app.registration.models import Registration
from seminar_app.registration.services import RegistrationInput


def registrant(event, name: str, email: str, mode=AttendanceMode.ONLINE, **extra) -> Registration:  # type: ignore[no-untyped-def]
    data = RegistrationInput(name=name, email=email, mode=mode, privacy_acknowledged=True, **extra)
    return registration_services.register(event, data).registration


def attendance_rows() -> list[Attendance]:
    return list(db.session.scalars(select(Attendance).order_by(Attendance.id)))


@pytest.fixture
def organiser(make_user, make_partner):  # type: ignore[no-untyped-def]
    return make_user(Role.ORGANISER, partners=[make_partner()])


@pytest.fixture
def event(make_event, organiser):  # type: ignore[no-untyped-def]
    return make_event(organiser.partners[0], hours=3)


@pytest.fixture
def ana(event) -> Registration:  # type: ignore[no-untyped-def]
    return registrant(event, "Ana Sousa", "ana.sousa@dgrsp.example", AttendanceMode.ONSITE)


def test_check_in_records_one_row_and_a_second_changes_nothing(event, ana, organiser) -> None:
    day = event.local_days[0]
    first = services.check_in(ana, day, actor=organiser)
    second = services.check_in(ana, day, source=CheckInSource.QR, actor=None)

    assert first.created and not second.created
    assert second.attendance.id == first.attendance.id
    [row] = attendance_rows()
    assert (row.source, row.mode, row.checked_in_by_id) == (CheckInSource.MANUAL, AttendanceMode.ONSITE, organiser.id)


def test_check_in_refuses_other_days_unconfirmed_people_and_cancelled_or_draft_events(event, ana, make_event) -> None:
    with pytest.raises(DomainError, match="not a day of this event"):
        services.check_in(ana, event.local_days[0] + timedelta(days=1))

    waiting = Registration(event=event, status=RegistrationStatus.WAITLISTED, mode=AttendanceMode.ONSITE, name="W")
    db.session.add(waiting)
    db.session.commit()
    with pytest.raises(services.CheckInRefused, match="only confirmed registrations"):
        services.check_in(waiting, event.local_days[0])

    for status, reason in ((EventStatus.CANCELLED, "cancelled"), (EventStatus.DRAFT, "draft")):
        event.status = status
        db.session.commit()
        with pytest.raises(services.CheckInRefused, match=reason):
            services.check_in(ana, event.local_days[0])
    assert attendance_rows() == []


def test_qr_check_in_at_a_venue_counts_as_on_site(event, organiser) -> None:
    online = registrant(event, "Online Person", "online@example.org", AttendanceMode.ONLINE)
    outcome = services.check_in(online, event.local_days[0], source=CheckInSource.QR)
    assert outcome.attendance.mode is AttendanceMode.ONSITE


def test_undo_removes_only_that_day(make_event, organiser) -> None:
    event = make_event(organiser.partners[0], hours=30)
    person = registrant(event, "Two Days", "two@example.org", AttendanceMode.ONSITE)
    first, second = event.local_days[:2]
    services.check_in(person, first)
    services.check_in(person, second)

    assert services.undo_check_in(person, first) is True
    assert services.undo_check_in(person, first) is False
    assert [a.day for a in attendance_rows()] == [second]


def test_walk_in_without_email_is_confirmed_beyond_capacity_and_checked_in(make_event, organiser) -> None:
    event = make_event(organiser.partners[0], capacity_onsite=1, format=EventFormat.IN_PERSON, capacity_online=None)
    registrant(event, "Seat Taker", "taker@example.org", AttendanceMode.ONSITE)
    outbox_before = db.session.scalar(select(func.count()).select_from(OutboxMessage))

    walk_in = services.add_walk_in(
        event,
        services.WalkInInput(name=" Rita Lopes ", organisation="Junta de Freguesia", organisation_country="pt"),
        event.local_days[0],
        actor=organiser,
    )
    other = services.add_walk_in(event, services.WalkInInput(name="Second No-Mail"), event.local_days[0])

    assert (walk_in.status, walk_in.source, walk_in.email, walk_in.name) == (
        RegistrationStatus.CONFIRMED,
        "walk_in",
        None,
        "Rita Lopes",
    )
    assert other.email is None  # two walk-ins without e-mail do not clash
    assert [(a.registration_id, a.source) for a in attendance_rows()] == [
        (walk_in.id, CheckInSource.WALK_IN),
        (other.id, CheckInSource.WALK_IN),
    ]
    assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == outbox_before


def test_walk_in_with_email_gets_the_confirmation_mail(event, organiser) -> None:
    data = services.WalkInInput(name="Nuno Reis", email="nuno@example.org", mode=AttendanceMode.ONSITE)
    person = services.add_walk_in(event, data, event.local_days[0], actor=organiser)
    [mail] = db.session.scalars(select(OutboxMessage).where(OutboxMessage.registration_id == person.id))
    assert mail.to_address == "nuno@example.org" and mail.kind == "registration_confirmed"


def test_walk_in_is_validated_and_a_registered_address_is_refused(event, ana) -> None:
    day = event.local_days[0]
    with pytest.raises(ValidationFailed) as caught:
        services.add_walk_in(
            event, services.WalkInInput(name="", email="not-an-address", organisation_country="XX"), day
        )
    assert set(caught.value.errors) >= {"name", "email", "organisation_country", "mode"}

    with pytest.raises(DomainError, match="already registered") as caught_dup:
        services.add_walk_in(
            event,
            services.WalkInInput(name="Ana again", email="ANA.SOUSA@dgrsp.example", mode=AttendanceMode.ONSITE),
            day,
        )
    assert caught_dup.value.field == "email"
    assert db.session.scalar(select(func.count()).select_from(Registration)) == 1
    assert attendance_rows() == []


def test_check_in_token_round_trip_and_forgeries(event, ana) -> None:
    token = services.check_in_token(ana)
    assert services.registration_for_check_in_token(token) == ana
    tampered = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    for bad in (tampered, "", "x" * 500, "not.a.token", token + "x"):
        assert services.registration_for_check_in_token(bad) is None
    registration_services.erase_registration(ana)
    assert services.registration_for_check_in_token(token) is None


def test_apply_import_records_online_minutes_and_leaves_existing_rows(event, ana, organiser) -> None:
    day = event.local_days[0]
    helena = registrant(event, "Helena Duarte", "helena@ong.example")
    services.check_in(ana, day, actor=organiser)
    report = [
        Participant("Ana Sousa", "ana.sousa@dgrsp.example", 90 * 60),
        Participant("Helena Duarte", "", 61 * 60 + 30),
        Participant("Stranger", "", 100 * 60),
    ]

    done = services.apply_import(event, day, report, min_minutes=10, actor=organiser)

    assert [m.registration.id for m in done.matched] == [helena.id]
    assert [m.registration.id for m in done.already] == [ana.id]
    assert [p.name for p in done.unmatched] == ["Stranger"]
    rows = {a.registration_id: a for a in attendance_rows()}
    assert rows[ana.id].source is CheckInSource.MANUAL and rows[ana.id].minutes is None
    assert (rows[helena.id].source, rows[helena.id].mode, rows[helena.id].minutes) == (
        CheckInSource.IMPORT,
        AttendanceMode.ONLINE,
        61,
    )

    again = services.apply_import(event, day, report, min_minutes=10, actor=organiser)
    assert again.matched == [] and len(again.already) == 2
    assert len(attendance_rows()) == 2


def test_signed_import_cannot_be_altered_or_used_for_another_event(event, make_event, organiser) -> None:
    participants = [Participant("Ana Sousa", "ana@example.org", 600)]
    payload = services.sign_import(event, event.local_days[0], 10, participants)
    assert services.read_signed_import(event, payload) == (event.local_days[0], 10, participants)

    other = make_event(organiser.partners[0])
    for bad_event, bad_payload in ((other, payload), (event, payload[:-3] + "abc"), (event, "")):
        with pytest.raises(DomainError, match="Upload the report again"):
            services.read_signed_import(bad_event, bad_payload)
