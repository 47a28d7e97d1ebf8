"""The due-job runner with a controllable clock: reminders before the event, the feedback
request and its one reminder after it, deletion of access needs, each once per person,
also when the runner is late, run twice, or run twice at the same moment."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from seminar_app.attendance import services as attendance_services
from seminar_app.enums import AttendanceMode, EventStatus, OutboxStatus, RegistrationStatus
from seminar_app.events.models import Event
from seminar_app.extensions import db
from seminar_app.feedback import services as feedback_services
from seminar_app.feedback.models import FeedbackInvitation
from seminar_app.feedback.questions import questionnaire
from seminar_app.jobs import services as jobs
from seminar_app.jobs.services import JobReport, run_due_jobs
from seminar_app.mail.models import OutboxMessage
from seminar_app.registration import services as registration_services
from seminar_app.registration.models import Registration
from seminar_app.registration.services import RegistrationInput

# A Tuesday in summer time: Lisbon is UTC+01:00, so 09:00 local is 08:00 UTC.
STARTS_LOCAL = datetime(2031, 5, 20, 9, 0)


class Clock:
    """The runner's and the models' idea of now, moved by the test."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.now = datetime.now().astimezone()
        for module in ("seminar_app.jobs.services", "seminar_app.events.models", "seminar_app.feedback.services"):
            monkeypatch.setattr(f"{module}.utcnow", lambda: self.now)

    def run(self, moment: datetime) -> JobReport:
        self.now = moment
        return run_due_jobs()


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    return Clock(monkeypatch)


def register(event: Event, name: str, mode: AttendanceMode = AttendanceMode.ONSITE, **extra) -> Registration:  # type: ignore[no-untyped-def]
    email = name.lower().replace(" ", ".") + "@probation.example"
    data = RegistrationInput(name=name, email=email, mode=mode, privacy_acknowledged=True, **extra)
    return registration_services.register(event, data).registration


def mails(kind: str) -> list[OutboxMessage]:
    return list(db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == kind).order_by(OutboxMessage.id)))


def recipients(kind: str) -> list[str]:
    return sorted(m.to_address for m in mails(kind))


@pytest.fixture
def event(make_event) -> Event:  # type: ignore[no-untyped-def]
    """A hybrid seminar in Lisbon, in Portuguese, 09:00–12:00 local time."""
    return make_event(starts_local=STARTS_LOCAL, hours=3)


@pytest.fixture
def ana(event: Event) -> Registration:
    return register(event, "Ana Sousa", AttendanceMode.ONSITE, access_needs="Wheelchair access")


@pytest.fixture
def joao(event: Event) -> Registration:
    return register(event, "Joao Martins", AttendanceMode.ONLINE)


ANA, JOAO = "ana.sousa@probation.example", "joao.martins@probation.example"


# --- the reminder before the event ----------------------------------------------------------


def test_the_reminder_goes_once_a_day_before_and_not_earlier(clock, event, ana, joao) -> None:
    assert clock.run(event.starts_at - timedelta(hours=24, minutes=1)).reminders == 0
    assert mails("reminder") == []

    assert clock.run(event.starts_at - timedelta(hours=24)).reminders == 2
    assert clock.run(event.starts_at - timedelta(hours=23)).reminders == 0
    assert clock.run(event.starts_at - timedelta(minutes=1)).reminders == 0

    assert recipients("reminder") == [ANA, JOAO]


def test_a_runner_that_was_down_sends_the_reminder_late_but_never_after_the_start(
    clock, event, ana, make_event
) -> None:
    assert clock.run(event.starts_at - timedelta(hours=2)).reminders == 1

    started = make_event(starts_local=STARTS_LOCAL + timedelta(days=1))
    register(started, "Late Person")
    assert clock.run(started.starts_at).reminders == 0
    assert clock.run(started.starts_at + timedelta(minutes=5)).reminders == 0
    assert recipients("reminder") == [ANA]


@pytest.mark.parametrize("status", [EventStatus.CANCELLED, EventStatus.POSTPONED, EventStatus.DRAFT])
def test_no_reminder_for_an_event_that_is_not_going_ahead(clock, event, ana, status) -> None:
    event.status = status
    db.session.commit()

    assert clock.run(event.starts_at - timedelta(hours=1)).reminders == 0
    assert mails("reminder") == []


def test_only_confirmed_people_who_were_not_erased_get_a_reminder(clock, make_event) -> None:
    event = make_event(starts_local=STARTS_LOCAL, capacity_onsite=2, capacity_online=None)
    confirmed = register(event, "Staying Person")
    leaving = register(event, "Leaving Person")
    waiting = register(event, "Waiting Person")
    assert waiting.status is RegistrationStatus.WAITLISTED
    erased = register(event, "Erased Person", AttendanceMode.ONLINE)
    registration_services.erase_registration(erased)
    registration_services.cancel_registration(leaving)
    assert waiting.status is RegistrationStatus.CONFIRMED, "promoted to the freed seat"
    late = register(event, "Late Comer")
    assert late.status is RegistrationStatus.WAITLISTED

    clock.run(event.starts_at - timedelta(hours=12))

    assert recipients("reminder") == sorted([confirmed.email, waiting.email])


def test_no_reminder_when_the_event_has_none_and_a_custom_lead_time_is_kept(clock, make_event) -> None:
    silent = make_event(starts_local=STARTS_LOCAL)
    silent.reminder_hours_before = None
    short = make_event(starts_local=STARTS_LOCAL)
    short.reminder_hours_before = 2
    db.session.commit()
    register(silent, "Silent Person")
    register(short, "Short Notice")

    assert clock.run(short.starts_at - timedelta(hours=3)).reminders == 0
    assert clock.run(short.starts_at - timedelta(hours=2)).reminders == 1
    assert clock.run(short.starts_at - timedelta(minutes=1)).reminders == 0

    assert recipients("reminder") == ["short.notice@probation.example"]


def test_the_reminder_tells_when_and_where_and_only_online_attendees_get_the_joining_link(
    clock, event, ana, joao
) -> None:
    clock.run(event.starts_at - timedelta(hours=24))
    by_person = {m.to_address: m for m in mails("reminder")}
    onsite, online = by_person[ANA], by_person[JOAO]

    assert onsite.subject == f"Lembrete – {event.title}"
    for message in (onsite, online):
        assert "20 de maio de 2031" in message.body_text, "in the event's language"
        assert "09:00" in message.body_text and "Europe/Lisbon, UTC+01:00" in message.body_text
        assert message.reply_to == event.partner.contact_email
    assert "Auditório Municipal, Rua Augusta 1, Lisboa" in onsite.body_text
    assert "https://zoom.example/j/123456" not in onsite.body_text + onsite.body_html
    assert "Participar online: https://zoom.example/j/123456" in online.body_text
    assert 'href="https://zoom.example/j/123456"' in online.body_html
    for message, person in ((onsite, ana), (online, joao)):
        link = f"/r/{registration_services.private_token(person)}"
        assert link in message.body_text and link in message.body_html, "each person's own private link"


def test_a_failing_event_does_not_stop_the_others_and_is_tried_again(clock, event, ana, make_event, monkeypatch):  # type: ignore[no-untyped-def]
    other = make_event(starts_local=STARTS_LOCAL)
    register(other, "Other Person")
    real = jobs.emails.queue_reminder

    def broken_for_event(registration: Registration) -> None:
        if registration.event_id == event.id:
            raise RuntimeError("template error")
        real(registration)

    monkeypatch.setattr(jobs.emails, "queue_reminder", broken_for_event)
    report = clock.run(event.starts_at - timedelta(hours=1))
    assert (report.reminders, report.failures) == (1, 1)
    assert recipients("reminder") == ["other.person@probation.example"]

    monkeypatch.setattr(jobs.emails, "queue_reminder", real)
    report = clock.run(event.starts_at - timedelta(minutes=50))
    assert (report.reminders, report.failures) == (1, 0)
    assert recipients("reminder") == [ANA, "other.person@probation.example"]


# --- the feedback request after the event -----------------------------------------------------


def test_without_attendance_every_confirmed_person_is_asked_once_after_the_end(clock, event, ana, joao) -> None:
    waiting = Registration(
        event=event, status=RegistrationStatus.WAITLISTED, mode=AttendanceMode.ONSITE, name="W", email="w@x.example"
    )
    db.session.add(waiting)
    db.session.commit()

    assert clock.run(event.ends_at - timedelta(minutes=1)).feedback_requests == 0
    assert clock.run(event.ends_at).feedback_requests == 2
    assert clock.run(event.ends_at + timedelta(hours=1)).feedback_requests == 0

    assert recipients("feedback_request") == [ANA, JOAO]


def test_with_attendance_recorded_only_the_people_who_came_are_asked(clock, event, ana, joao) -> None:
    attendance_services.check_in(ana, event.local_days[0])

    clock.run(event.ends_at + timedelta(minutes=1))

    [request] = mails("feedback_request")
    assert request.to_address == ANA
    invitation = db.session.scalars(select(FeedbackInvitation)).one()
    token = feedback_services.invitation_token(invitation)
    assert f"/feedback/{token}" in request.body_text and f"/feedback/{token}" in request.body_html
    assert request.subject == f"A sua opinião, por favor – {event.title}", "in the event's language"


def test_a_late_runner_still_asks_but_not_for_events_older_than_the_limit(clock, event, ana, make_event) -> None:
    old = make_event(starts_local=STARTS_LOCAL - timedelta(days=40))
    register(old, "Old Timer")

    report = clock.run(event.ends_at + timedelta(days=5))

    assert report.feedback_requests == 1
    assert recipients("feedback_request") == [ANA]


def test_nobody_is_asked_about_a_cancelled_event_and_erased_people_are_not_asked(
    clock, event, ana, joao, make_event
) -> None:
    cancelled = make_event(starts_local=STARTS_LOCAL)
    register(cancelled, "Cancelled Event Person")
    cancelled.status = EventStatus.CANCELLED
    db.session.commit()
    registration_services.erase_registration(joao)

    clock.run(event.ends_at + timedelta(hours=1))

    assert recipients("feedback_request") == [ANA]


# --- the feedback reminder ----------------------------------------------------------------------


def answer(registration: Registration) -> None:
    invitation = feedback_services.invite(registration)
    db.session.commit()
    satisfaction = next(q for q in questionnaire(registration.event) if q.code == "overall_satisfaction")
    feedback_services.submit_answers(invitation, {str(satisfaction.id): ["5"]}, language="en")


def test_the_feedback_reminder_goes_once_after_three_days_to_those_who_did_not_answer(clock, event, ana, joao) -> None:
    clock.run(event.ends_at + timedelta(minutes=1))
    answer(ana)

    assert clock.run(event.ends_at + timedelta(days=2, hours=23)).feedback_reminders == 0
    assert clock.run(event.ends_at + timedelta(days=3, minutes=1)).feedback_reminders == 1
    assert clock.run(event.ends_at + timedelta(days=4)).feedback_reminders == 0

    [reminder] = mails("feedback_reminder")
    [request] = [m for m in mails("feedback_request") if m.to_address == JOAO]
    assert reminder.to_address == JOAO
    link = next(line for line in request.body_text.splitlines() if "/feedback/" in line)
    assert link in reminder.body_text, "the same link as the request"


def test_the_feedback_reminder_waits_three_days_after_a_late_request_and_skips_the_erased(
    clock, event, ana, joao
) -> None:
    report = clock.run(event.ends_at + timedelta(days=10))
    assert (report.feedback_requests, report.feedback_reminders) == (2, 0)
    registration_services.erase_registration(joao)

    assert clock.run(event.ends_at + timedelta(days=12)).feedback_reminders == 0
    assert clock.run(event.ends_at + timedelta(days=13)).feedback_reminders == 1
    assert recipients("feedback_reminder") == [ANA]


def test_nobody_gets_a_feedback_reminder_without_a_request(clock, event, ana) -> None:
    feedback_services.invite(ana)
    db.session.commit()

    # Too old to be asked (30 days), still young enough for a reminder (33 days).
    report = clock.run(event.ends_at + timedelta(days=31))

    assert (report.feedback_requests, report.feedback_reminders) == (0, 0)
    assert mails("feedback_reminder") == []


# --- deleting access needs ------------------------------------------------------------------------


def test_access_needs_are_kept_until_the_end_then_deleted(clock, event, ana, joao, make_event) -> None:
    postponed = make_event(starts_local=STARTS_LOCAL)
    kept = register(postponed, "Postponed Person", access_needs="Sign language")
    postponed.status = EventStatus.POSTPONED
    db.session.commit()

    assert clock.run(event.ends_at - timedelta(minutes=1)).access_needs_purged == 0
    db.session.refresh(ana)
    assert ana.access_needs == "Wheelchair access"

    assert clock.run(event.ends_at).access_needs_purged == 1
    assert clock.run(event.ends_at + timedelta(minutes=1)).access_needs_purged == 0
    db.session.refresh(ana)
    db.session.refresh(kept)
    assert ana.access_needs == ""
    assert kept.access_needs == "Sign language", "a postponed event still needs them"


def test_access_needs_of_a_cancelled_event_are_deleted_too(clock, event, ana) -> None:
    event.status = EventStatus.CANCELLED
    db.session.commit()

    clock.run(event.ends_at + timedelta(days=400))

    db.session.refresh(ana)
    assert ana.access_needs == ""


# --- flask jobs run -----------------------------------------------------------------------------------


def test_flask_jobs_run_says_what_it_did_and_delivers_the_mail(clock, app, event, ana, joao) -> None:
    clock.now = event.starts_at - timedelta(hours=3)
    result = app.test_cli_runner().invoke(args=["jobs", "run"])

    assert result.exit_code == 0, result.output
    assert "Reminders: 2, feedback requests: 0, feedback reminders: 0" in result.output
    assert "Mail: sent 4" in result.output, "the two reminders and the two confirmations"
    assert {m.status for m in mails("reminder")} == {OutboxStatus.SENT}


def test_flask_jobs_run_can_act_as_if_at_another_moment(app, event, ana) -> None:
    at = (event.ends_at + timedelta(hours=1)).isoformat()
    result = app.test_cli_runner().invoke(args=["jobs", "run", "--now", at])

    assert result.exit_code == 0, result.output
    assert "feedback requests: 1" in result.output
    assert "events whose access needs were deleted: 1" in result.output

    wrong = app.test_cli_runner().invoke(args=["jobs", "run", "--now", "next tuesday"])
    assert wrong.exit_code == 2 and "ISO date and time" in wrong.output


# --- two runners at once -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "after_start"),
    [("reminder", timedelta(hours=-1)), ("feedback_request", timedelta(hours=4))],
)
def test_two_runners_at_once_send_each_mail_once(app, make_event, kind, after_start) -> None:
    events = [make_event(starts_local=STARTS_LOCAL + timedelta(hours=n)) for n in range(2)]
    people = [register(e, f"Person {e.id} {n}").email for e in events for n in range(15)]
    moment = events[0].starts_at + after_start
    start = threading.Barrier(2)
    reports: list[JobReport] = []
    errors: list[BaseException] = []

    def runner() -> None:
        with app.app_context():
            try:
                start.wait()
                reports.append(run_due_jobs(moment))
            except BaseException as exc:  # reported below
                errors.append(exc)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=runner) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)

    assert errors == []
    assert [r.failures for r in reports] == [0, 0]
    db.session.expire_all()
    assert recipients(kind) == sorted(people), "everyone exactly once"
    field = "reminders" if kind == "reminder" else "feedback_requests"
    assert sum(getattr(r, field) for r in reports) == len(people)
