"""Each event's people and feedback counted ahead of time (`seminar_app.reports.models`,
`.tallies`): whatever writes registrations, attendance and feedback (services, the ORM,
bulk UPDATEs, SQL typed by hand), the report's figures are those counted from the rows."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import delete, func, select, text, update

from seminar_app.attendance.models import Attendance
from seminar_app.db_types import utcnow
from seminar_app.enums import AttendanceMode, CheckInSource, EventStatus, QuestionKind, RegistrationStatus, Role
from seminar_app.events.models import Event
from seminar_app.events.services import delete_event
from seminar_app.extensions import db
from seminar_app.feedback.models import FeedbackAnswer, FeedbackInvitation, FeedbackResponse, Question
from seminar_app.jobs.services import run_due_jobs
from seminar_app.registration.models import Registration
from seminar_app.registration.services import erase_registration
from seminar_app.reports import selection, tallies
from seminar_app.reports.models import FeedbackTally, PeopleTally, TallyChange, TallyState
from seminar_app.reports.selection import CUBE_KEYS, cube_from, people_query
from seminar_app.reports.tallies import bring_up_to_date, people_cube
from tests.test_public_read_paths import count_queries

ONSITE, ONLINE = AttendanceMode.ONSITE, AttendanceMode.ONLINE


@pytest.fixture
def two_events(make_event: Any) -> list[Event]:
    past = datetime(2025, 3, 12, 10)
    first = make_event(status=EventStatus.DELIVERED, starts_local=past)
    second = make_event(first.partner, status=EventStatus.PUBLISHED, starts_local=past + timedelta(days=30))
    return [first, second]


def _person(event: Event, n: int, **fields: Any) -> Registration:
    values: dict[str, Any] = {
        "event": event,
        "status": RegistrationStatus.CONFIRMED,
        "mode": ONSITE,
        "name": f"Person {n}",
        "email": f"person{n}.{event.id}@example.org",
        "organisation_country": "PT",
        "stakeholder_group": "researchers",
        "confirmed_at": utcnow(),
    }
    values.update(fields)
    registration = Registration(**values)
    db.session.add(registration)
    return registration


def _present(registration: Registration, mode: AttendanceMode = ONSITE) -> None:
    db.session.add(
        Attendance(
            event_id=registration.event_id,
            registration=registration,
            day=registration.event.local_start.date(),
            mode=mode,
            source=CheckInSource.MANUAL,
        )
    )


def _ids(events: list[Event]) -> Any:
    return select(Event.id).where(Event.id.in_([e.id for e in events]))


def _agrees(events: list[Event]) -> None:
    """The tallies say what counting the registrations says, key by key."""
    counted = cube_from(people_query(_ids(events), *CUBE_KEYS))
    tallied = people_cube(_ids(events))
    assert tallied == counted


def test_every_kind_of_writer_leaves_the_figures_right(two_events: list[Event], make_user: Any) -> None:
    first, second = two_events
    people = [_person(first, n, organisation_country="PT" if n % 2 else "ES") for n in range(6)]
    people += [_person(second, n, mode=ONLINE, stakeholder_group="students") for n in range(6, 9)]
    db.session.flush()
    for registration in people[:3]:
        _present(registration)
    _present(people[3], ONLINE)
    db.session.commit()
    _agrees(two_events)
    assert people_cube(_ids(two_events)).by_event[first.id].attended == 4
    db.session.commit()

    # A check-in, through the ORM.
    _present(people[4], ONLINE)
    db.session.commit()
    _agrees(two_events)
    assert people_cube(_ids(two_events)).by_event[first.id].attended_online == 2
    db.session.commit()

    # A cancellation before the event, and an erasure after it through the service.
    people[7].status, people[7].cancelled_at = RegistrationStatus.CANCELLED, second.starts_at - timedelta(days=1)
    erase_registration(people[0], actor=make_user(Role.ADMIN))
    db.session.commit()
    _agrees(two_events)
    cube = people_cube(_ids(two_events))
    assert cube.by_event[second.id].registered == 2
    assert cube.by_event[first.id].registered == 6  # the erased person still counts
    db.session.commit()

    # A bulk UPDATE and SQL typed by hand: no ORM event fires, the triggers still note them.
    db.session.execute(update(Registration).where(Registration.event_id == first.id).values(organisation_country="FI"))
    db.session.execute(text("DELETE FROM attendance WHERE registration_id = :id"), {"id": people[1].id})
    db.session.execute(
        text("UPDATE registration SET stakeholder_group = 'policy_makers' WHERE id = :id"), {"id": people[8].id}
    )
    db.session.commit()
    _agrees(two_events)
    cube = people_cube(_ids(two_events))
    assert cube.by_country["FI"].registered == 6 and cube.by_country["FI"].attended == 4
    assert cube.by_group["policy_makers"].registered == 1
    db.session.commit()

    # A registration moved to the other event counts there, and no longer here.
    db.session.execute(update(Registration).where(Registration.id == people[5].id).values(event_id=second.id))
    db.session.commit()
    _agrees(two_events)
    assert people_cube(_ids(two_events)).by_event[second.id].registered == 3


def test_moving_an_event_counts_again_who_cancelled_late(two_events: list[Event]) -> None:
    """Whether a cancellation counts depends on the event's start: a tally counted for
    another start is counted again."""
    first, _second = two_events
    late = _person(first, 1, status=RegistrationStatus.CANCELLED, cancelled_at=first.starts_at + timedelta(hours=1))
    _person(first, 2)
    db.session.commit()
    assert people_cube(_ids([first])).by_event[first.id].registered == 2
    db.session.commit()

    first.starts_at = late.cancelled_at + timedelta(days=1)
    first.ends_at = first.starts_at + timedelta(hours=3)
    db.session.commit()
    assert people_cube(_ids([first])).by_event[first.id].registered == 1
    _agrees([first])


def test_nothing_changed_costs_one_query_and_a_change_recounts_only_its_event(two_events: list[Event]) -> None:
    first, second = two_events
    _person(first, 1)
    _person(second, 2)
    db.session.commit()
    assert bring_up_to_date(_ids(two_events)) == 2
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(TallyChange)) == 0

    ids = _ids(two_events)
    with count_queries() as statements:
        assert bring_up_to_date(ids) == 0
    assert len(statements) == 1

    _person(second, 3)
    db.session.commit()
    assert bring_up_to_date(_ids(two_events)) == 1  # only the second event is counted again
    assert people_cube(_ids(two_events)).by_event[second.id].registered == 2


def test_changes_the_counts_do_not_depend_on_leave_no_note(two_events: list[Event]) -> None:
    first, _second = two_events
    registration = _person(first, 1)
    db.session.commit()
    bring_up_to_date(_ids([first]))
    db.session.commit()

    registration.name = "Another name"
    registration.email = "another@example.org"
    registration.access_needs = "Step-free access"
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(TallyChange)) == 0


def test_a_report_that_rolls_back_leaves_the_notes_for_the_next_one(two_events: list[Event]) -> None:
    first, _second = two_events
    _person(first, 1)
    db.session.commit()
    assert bring_up_to_date(_ids([first])) == 1
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(TallyState)) == 0
    assert bring_up_to_date(_ids([first])) == 1
    db.session.commit()
    assert db.session.scalar(select(PeopleTally.registered).where(PeopleTally.event_id == first.id)) == 1


def test_uncommitted_changes_count_for_their_own_transaction_only(two_events: list[Event]) -> None:
    first, _second = two_events
    _person(first, 1)
    db.session.commit()
    assert people_cube(_ids([first])).by_event[first.id].registered == 1
    db.session.commit()

    _person(first, 2)
    db.session.flush()
    assert people_cube(_ids([first])).by_event[first.id].registered == 2  # this transaction sees its own
    db.session.rollback()
    assert people_cube(_ids([first])).by_event[first.id].registered == 1


def test_a_deleted_event_takes_its_tally_with_it(make_event: Any, make_user: Any) -> None:
    draft = make_event(status=EventStatus.DRAFT)
    _person(draft, 1)
    db.session.commit()
    bring_up_to_date(_ids([draft]))
    db.session.commit()
    db.session.execute(delete(Registration).where(Registration.event_id == draft.id))
    delete_event(draft, actor=make_user(Role.ADMIN))
    for table in (PeopleTally, FeedbackTally, TallyState, TallyChange):
        assert db.session.scalar(select(func.count()).select_from(table)) == 0, table.__tablename__


def test_the_dashboard_shows_a_new_registration_at_once(
    client: Any, login: Any, make_user: Any, two_events: list[Event]
) -> None:
    first, _second = two_events
    _person(first, 1)
    db.session.commit()
    project = first.partner.project
    login(make_user(Role.MANAGER, projects=[project]))
    page = client.get(f"/projects/{project.slug}/dashboard")
    assert page.status_code == 200
    assert db.session.scalar(select(func.count()).select_from(TallyChange)) == 0  # the view kept its count

    for n in range(2, 5):
        _person(first, n, organisation_country="RO")
    db.session.commit()
    page = client.get(f"/projects/{project.slug}/dashboard")
    assert page.status_code == 200
    assert db.session.scalar(select(func.sum(PeopleTally.registered)).where(PeopleTally.event_id == first.id)) == 4
    assert "Romania" in page.get_data(as_text=True)


def _feedback_as_counted(events: list[Event]) -> tuple[Any, list[tuple[int, int, int]]]:
    """What the feedback tables say, read without the tallies."""
    values = db.session.execute(
        select(FeedbackAnswer.question_id, FeedbackAnswer.value_int, func.count())
        .join(FeedbackResponse)
        .where(FeedbackResponse.event_id.in_(_ids(events)), FeedbackAnswer.value_int.is_not(None))
        .group_by(FeedbackAnswer.question_id, FeedbackAnswer.value_int)
    )
    return selection.feedback_by_event(_ids(events)), sorted(tuple(row) for row in values)  # type: ignore[misc]


def _feedback_as_tallied(events: list[Event], questions: list[int]) -> tuple[Any, list[tuple[int, int, int]]]:
    return tallies.feedback_by_event(_ids(events)), sorted(tallies.feedback_values(_ids(events), questions))


def test_feedback_answers_invitations_and_their_changes_are_tallied(two_events: list[Event]) -> None:
    first, second = two_events
    questions = []
    for position, code in enumerate(("overall", "useful")):
        question = Question(project_id=first.partner.project_id, code=code, kind=QuestionKind.SCALE, position=position)
        db.session.add(question)
        questions.append(question)
    db.session.flush()
    ids = [q.id for q in questions]
    for n, event in enumerate([first, first, first, second]):
        db.session.add(FeedbackInvitation(event_id=event.id, salt=f"s{n}", token_hash=f"h{n}"))
        response = FeedbackResponse(event_id=event.id, submitted_on=date(2025, 3, 13))
        response.answers = [FeedbackAnswer(question_id=q, value_int=1 + (n + i) % 5) for i, q in enumerate(ids)]
        response.answers.append(FeedbackAnswer(question_id=ids[0], value_text="A comment"))
        db.session.add(response)
    db.session.commit()
    assert _feedback_as_tallied(two_events, ids) == _feedback_as_counted(two_events)
    assert tallies.feedback_totals(_ids(two_events)) == (4, 4)
    db.session.commit()

    # An answer changed by hand, a response deleted with its answers, an invitation moved.
    db.session.execute(text("UPDATE feedback_answer SET value_int = 5 WHERE question_id = :q"), {"q": ids[1]})
    db.session.delete(db.session.scalars(select(FeedbackResponse).where(FeedbackResponse.event_id == first.id)).first())
    db.session.execute(update(FeedbackInvitation).where(FeedbackInvitation.salt == "s0").values(event_id=second.id))
    db.session.commit()
    assert _feedback_as_tallied(two_events, ids) == _feedback_as_counted(two_events)
    answers, invitations = tallies.feedback_by_event(_ids(two_events))
    assert answers == {first.id: 2, second.id: 1} and invitations == {first.id: 2, second.id: 2}
    assert (ids[1], 5, 3) in tallies.feedback_values(_ids(two_events), ids)


def test_the_job_runner_counts_what_changed_so_that_a_report_finds_it_ready(
    two_events: list[Event], runner: Any
) -> None:
    first, second = two_events
    _person(first, 1)
    db.session.commit()
    result = runner.invoke(args=["jobs", "run"])
    assert result.exit_code == 0, result.output
    assert "events whose report figures were counted again: 2." in result.output  # never counted before
    assert db.session.scalar(select(func.count()).select_from(TallyChange)) == 0

    _person(second, 2)
    db.session.commit()
    assert run_due_jobs().report_tallies == 1
    assert run_due_jobs().report_tallies == 0
    assert bring_up_to_date(_ids(two_events)) == 0  # the dashboard counts nothing
    assert people_cube(_ids(two_events)).by_event[second.id].registered == 1
