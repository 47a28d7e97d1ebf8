"""`flask integrity check`: each check passes on data the services made, and fails (or
warns) when the data is broken on purpose behind the services' back."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import timedelta

import pytest
from sqlalchemy import select, text, update

from seminar_app.attendance.models import Attendance
from seminar_app.db_types import utcnow
from seminar_app.enums import AttendanceMode, CheckInSource, OutboxStatus, RegistrationStatus
from seminar_app.extensions import db
from seminar_app.mail.models import OutboxMessage
from seminar_app.ops import integrity
from seminar_app.ops.health import migrations_head
from seminar_app.ops.integrity import Outcome
from seminar_app.registration import services
from seminar_app.registration.models import Registration
from seminar_app.registration.services import RegistrationInput

S = RegistrationStatus
HEAD = migrations_head()


def person(n: int, mode: AttendanceMode = AttendanceMode.ONSITE) -> RegistrationInput:
    return RegistrationInput(
        name=f"Person {n}",
        email=f"person{n}@probation.example",
        organisation="Probation Service",
        organisation_country="PT",
        stakeholder_group="prison_probation",
        mode=mode,
        privacy_acknowledged=True,
    )


def _stamp(revision: str | None) -> None:
    db.session.execute(text("DROP TABLE IF EXISTS alembic_version"))
    if revision is not None:
        db.session.execute(text("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL PRIMARY KEY)"))
        db.session.execute(text("INSERT INTO alembic_version (version_num) VALUES (:v)"), {"v": revision})
    db.session.commit()


@pytest.fixture
def at_head(app) -> Iterator[None]:  # type: ignore[no-untyped-def]
    """The test schema is made by create_all: record it as migrated to head, as `flask db upgrade` does."""
    _stamp(HEAD)
    yield
    db.session.rollback()
    _stamp(None)


@pytest.fixture
def world(app, make_event, at_head):  # type: ignore[no-untyped-def]
    """A hybrid event to come with 2 on-site seats taken, 2 waiting, 1 online; and a past
    event with two registrations, one of them present."""
    upcoming = make_event(capacity_onsite=2, capacity_online=5)
    for n in range(1, 5):
        services.register(upcoming, person(n))
    services.register(upcoming, person(5, AttendanceMode.ONLINE))
    past = make_event(days_ahead=-10)
    present = Registration(
        event=past,
        status=S.CONFIRMED,
        mode=AttendanceMode.ONSITE,
        name="Ana",
        email="ana@example.org",
        confirmed_at=past.starts_at - timedelta(days=3),
    )
    absent = Registration(
        event=past,
        status=S.CONFIRMED,
        mode=AttendanceMode.ONLINE,
        name="Rui",
        email="rui@example.org",
        confirmed_at=past.starts_at - timedelta(days=3),
    )
    db.session.add_all([present, absent])
    db.session.flush()
    db.session.add(
        Attendance(
            event_id=past.id,
            registration_id=present.id,
            day=past.starts_at.date(),
            mode=AttendanceMode.ONSITE,
            source=CheckInSource.MANUAL,
        )
    )
    db.session.commit()
    return {"upcoming": upcoming, "past": past, "present": present}


def outcomes() -> dict[str, integrity.CheckResult]:
    return {result.name: result for result in integrity.run_checks()}


def test_every_check_passes_on_data_made_by_the_services(world, runner) -> None:  # type: ignore[no-untyped-def]
    results = outcomes()
    assert {r.outcome for r in results.values()} == {Outcome.OK}, [r.line() for r in results.values()]
    assert len(results) == len(integrity.CHECKS)
    cli = runner.invoke(args=["integrity", "check"])
    assert cli.exit_code == 0, cli.output
    assert "[     ok] no event over capacity" in cli.output
    assert "7 checks: 0 failed, 0 warning(s)." in cli.output


def test_migrations_behind_or_missing_fail(world, runner) -> None:  # type: ignore[no-untyped-def]
    _stamp("0001")
    result = outcomes()["migrations at head"]
    assert result.outcome is Outcome.FAILED
    assert "database at 0001" in result.detail and HEAD in result.detail
    _stamp(None)
    assert "no alembic_version table" in outcomes()["migrations at head"].detail
    cli = runner.invoke(args=["integrity", "check"])
    assert cli.exit_code == 1
    assert "[ FAILED] migrations at head" in cli.output


def test_more_confirmed_than_capacity_fails(world) -> None:  # type: ignore[no-untyped-def]
    event = world["upcoming"]
    db.session.execute(
        update(Registration)
        .where(Registration.event_id == event.id, Registration.status == S.WAITLISTED)
        .values(status=S.CONFIRMED)
    )
    db.session.commit()
    result = outcomes()["no event over capacity"]
    assert result.outcome is Outcome.FAILED
    assert f"event {event.id} onsite: 4 seats taken of 2" in result.detail


def test_online_seats_are_a_pool_of_their_own(world) -> None:  # type: ignore[no-untyped-def]
    """Four on-site people in a hybrid event with 2 on-site and 5 online seats: over, though 4 < 7."""
    event = world["upcoming"]
    db.session.execute(
        update(Registration)
        .where(Registration.event_id == event.id, Registration.mode == AttendanceMode.ONSITE)
        .values(status=S.CONFIRMED)
    )
    db.session.commit()
    assert outcomes()["no event over capacity"].outcome is Outcome.FAILED


def test_walk_ins_do_not_count_against_capacity(world) -> None:  # type: ignore[no-untyped-def]
    event = world["upcoming"]
    db.session.execute(
        update(Registration)
        .where(Registration.event_id == event.id, Registration.status == S.WAITLISTED)
        .values(status=S.CONFIRMED, source="walk_in")
    )
    db.session.commit()
    assert outcomes()["no event over capacity"].outcome is Outcome.OK


def test_same_address_twice_in_one_event_fails(world) -> None:  # type: ignore[no-untyped-def]
    event = world["upcoming"]
    db.session.add(
        Registration(
            event=event, status=S.WAITLISTED, mode=AttendanceMode.ONLINE, name="P1", email="PERSON1@probation.example"
        )
    )
    db.session.commit()
    result = outcomes()["no duplicate registration of one address"]
    assert result.outcome is Outcome.FAILED
    assert f"event {event.id}: 2 registrations of one address" in result.detail


def test_someone_waiting_next_to_a_free_seat_fails(world) -> None:  # type: ignore[no-untyped-def]
    """A cancellation written without promoting the first person waiting (a lost promotion)."""
    event = world["upcoming"]
    first = db.session.scalars(
        select(Registration.id)
        .where(
            Registration.event_id == event.id,
            Registration.status == S.CONFIRMED,
            Registration.mode == AttendanceMode.ONSITE,
        )
        .limit(1)
    ).one()
    db.session.execute(
        update(Registration).where(Registration.id == first).values(status=S.CANCELLED, cancelled_at=utcnow())
    )
    db.session.commit()
    result = outcomes()["waiting list consistent"]
    assert result.outcome is Outcome.FAILED
    assert f"event {event.id} onsite: 2 waiting with 1 free seat(s)" in result.detail


def test_a_cancellation_through_the_service_keeps_the_waiting_list_consistent(world) -> None:  # type: ignore[no-untyped-def]
    event = world["upcoming"]
    seated = next(r for r in event_registrations(event) if r.status is S.CONFIRMED and r.mode is AttendanceMode.ONSITE)
    services.cancel_registration(seated)
    assert outcomes()["waiting list consistent"].outcome is Outcome.OK


def event_registrations(event) -> list[Registration]:  # type: ignore[no-untyped-def]
    return list(db.session.scalars(select(Registration).where(Registration.event_id == event.id)))


def test_stale_mail_claim_is_a_warning_not_a_failure(world, runner, app) -> None:  # type: ignore[no-untyped-def]
    message = db.session.scalar(select(OutboxMessage.id).limit(1))
    assert message is not None
    stale = utcnow() - timedelta(seconds=app.config["MAIL_STALE_CLAIM_SECONDS"] + 60)
    db.session.execute(
        update(OutboxMessage).where(OutboxMessage.id == message).values(status=OutboxStatus.SENDING, claimed_at=stale)
    )
    db.session.commit()
    result = outcomes()["no stale mail claim"]
    assert result.outcome is Outcome.WARNING
    assert f"message {message}" in result.detail
    cli = runner.invoke(args=["integrity", "check"])
    assert cli.exit_code == 0, cli.output
    assert "7 checks: 0 failed, 1 warning(s)." in cli.output


def test_a_fresh_claim_is_not_stale(world) -> None:  # type: ignore[no-untyped-def]
    db.session.execute(update(OutboxMessage).values(status=OutboxStatus.SENDING, claimed_at=utcnow()))
    db.session.commit()
    assert outcomes()["no stale mail claim"].outcome is Outcome.OK


def test_attendance_of_another_events_registration_fails(world) -> None:  # type: ignore[no-untyped-def]
    db.session.execute(
        update(Attendance)
        .where(Attendance.registration_id == world["present"].id)
        .values(event_id=world["upcoming"].id)
    )
    db.session.commit()
    result = outcomes()["attendance linked to its event's registrations"]
    assert result.outcome is Outcome.FAILED
    assert f"points to a registration of event {world['past'].id}" in result.detail


def test_report_counts_that_differ_from_the_rows_fail(world, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from seminar_app.reports import queries

    real = queries.people_by_event

    def one_too_many(ids):  # type: ignore[no-untyped-def]
        counts = real(ids)
        past = world["past"].id
        if past in counts:
            counts[past] = replace(counts[past], registered=counts[past].registered + 1)
        return counts

    monkeypatch.setattr(queries, "people_by_event", one_too_many)
    result = outcomes()["report counts equal raw counts"]
    assert result.outcome is Outcome.FAILED
    assert f"event {world['past'].id}: report shows registered/confirmed/attended (3, 2, 1), rows give (2, 2, 1)" in (
        result.detail
    )


def test_late_cancellation_still_counts_in_reports_and_raw_rows(world) -> None:  # type: ignore[no-untyped-def]
    """Someone confirmed who cancels after the start is counted as registered and confirmed by both."""
    past = world["past"]
    db.session.execute(
        update(Registration)
        .where(Registration.email == "rui@example.org")
        .values(status=S.CANCELLED, cancelled_at=past.starts_at + timedelta(minutes=5))
    )
    db.session.commit()
    assert integrity._raw_people_counts()[past.id] == (2, 2, 1)
    assert outcomes()["report counts equal raw counts"].outcome is Outcome.OK


def test_a_check_that_cannot_run_is_a_failure_and_the_others_still_run(world, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    def broken() -> integrity.CheckResult:
        raise RuntimeError("relation does not exist")

    monkeypatch.setattr(integrity, "CHECKS", (broken, integrity.check_capacity))
    results = integrity.run_checks()
    assert [r.outcome for r in results] == [Outcome.FAILED, Outcome.OK]
    assert "could not run: RuntimeError: relation does not exist" in results[0].detail
