"""Attendance rules at the service layer: check-in and undo, walk-ins, QR tokens, and
recording an imported report."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from seminar_app.attendance import import_services, services
from seminar_app.attendance.import_services import Decisions, ImportReplayed, PendingImport
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

    done = import_services.apply_import(event, PendingImport(day, 10, report), actor=organiser)

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

    again = import_services.apply_import(event, PendingImport(day, 10, report), actor=organiser)
    assert again.matched == [] and len(again.already) == 2
    assert len(attendance_rows()) == 2


def test_signed_import_cannot_be_altered_or_used_for_another_event_or_user(
    event, make_event, make_user, organiser
) -> None:
    participants = [Participant("Ana Sousa", "ana@example.org", 600), Participant("Ana Sousa", "", 60, True, True, 1)]
    pending = PendingImport(event.local_days[0], 10, participants, dates_flagged=True)
    payload = import_services.sign_import(event, pending, actor=organiser)
    assert import_services.read_signed_import(event, payload, actor=organiser) == pending

    other = make_event(organiser.partners[0])
    colleague = make_user(Role.ORGANISER, partners=organiser.partners)
    for bad_event, bad_payload, user in (
        (other, payload, organiser),
        (event, payload[:-3] + "abc", organiser),
        (event, "", organiser),
        (event, payload, colleague),
    ):
        with pytest.raises(DomainError, match="Upload the report again"):
            import_services.read_signed_import(bad_event, bad_payload, actor=user)


def test_a_confirmed_import_cannot_be_confirmed_again(event, organiser) -> None:
    ana = registrant(event, "Ana Sousa", "ana.sousa@dgrsp.example")
    pending = PendingImport(event.local_days[0], 10, [Participant("Ana Sousa", "ana.sousa@dgrsp.example", 3600)])
    import_services.apply_import(event, pending, actor=organiser)
    services.undo_check_in(ana, event.local_days[0])

    with pytest.raises(ImportReplayed, match="already been confirmed"):
        import_services.apply_import(event, pending, actor=organiser)
    assert attendance_rows() == []


def test_flagged_dates_must_be_accepted_and_decisions_are_applied(event, organiser) -> None:
    ana = registrant(event, "Ana Sousa", "ana.sousa@dgrsp.example")
    maria = registrant(event, "Maria Silva", "maria@psp.example")
    rui = registrant(event, "Rui Costa", "rui@example.org")
    rows = [
        Participant("Maria Silva", "", 3600, same_name=True, row=0),
        Participant("Maria Silva", "", 3000, same_name=True, row=1),
        Participant("iPhone de Ana", "", 4000, row=2),
        Participant("Rui Costa", "", 120, row=3),
    ]
    flagged = PendingImport(event.local_days[0], 10, rows, dates_flagged=True)
    with pytest.raises(DomainError, match="Tick the box"):
        import_services.apply_import(event, flagged, actor=organiser)
    assert attendance_rows() == []

    decisions = Decisions(assign={0: maria.id, 2: ana.id}, credit={3})
    done = import_services.apply_import(event, flagged, decisions=decisions, dates_accepted=True, actor=organiser)

    assert sorted(m.registration.id for m in done.matched) == sorted([maria.id, ana.id, rui.id])
    assert {a.registration_id: a.minutes for a in attendance_rows()} == {maria.id: 60, ana.id: 66, rui.id: 2}


def test_a_decision_for_someone_not_registered_is_refused(event, make_event, organiser) -> None:
    stranger = registrant(make_event(organiser.partners[0]), "Ana Sousa", "ana@example.org")
    pending = PendingImport(event.local_days[0], 10, [Participant("Ana", "", 3600)])
    with pytest.raises(DomainError, match="not a confirmed registrant"):
        import_services.apply_import(event, pending, decisions=Decisions(assign={0: stranger.id}), actor=organiser)
    assert attendance_rows() == []
