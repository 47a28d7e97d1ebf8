"""Feedback rules: the standard questionnaire, checking answers, answering once and
anonymously, an event's own questions. The helpers here are shared by the other
test_feedback_* files."""

from __future__ import annotations

import threading
from datetime import date, datetime

import pytest
from sqlalchemy import func, inspect, select

from seminar_app.enums import AttendanceMode, EventStatus, QuestionKind, RegistrationStatus
from seminar_app.errors import Conflict, ValidationFailed
from seminar_app.events.models import Event
from seminar_app.extensions import db
from seminar_app.feedback import services
from seminar_app.feedback.answers import GENERAL, check_answers
from seminar_app.feedback.models import FeedbackAnswer, FeedbackInvitation, FeedbackResponse, Question
from seminar_app.feedback.questions import STANDARD_QUESTIONS, ensure_standard_questions, questionnaire
from seminar_app.registration.models import Registration

STANDARD_CODES = [q.code for q in STANDARD_QUESTIONS]


# --- helpers shared by the feedback tests ------------------------------------------------


def attendee(event: Event, n: int) -> Registration:
    registration = Registration(
        event=event,
        status=RegistrationStatus.CONFIRMED,
        mode=AttendanceMode.ONSITE,
        name=f"Attendee {n:02d}",
        email=f"attendee{n}@probation.example",
        organisation="Probation Service",
        language=event.language,  # registered on the event's page, in its language
    )
    db.session.add(registration)
    db.session.flush()
    return registration


def invited_tokens(event: Event, count: int, start: int = 1) -> list[str]:
    """Links for `count` new attendees of `event` (committed)."""
    tokens = [services.invitation_token(services.invite(attendee(event, n))) for n in range(start, start + count)]
    db.session.commit()
    return tokens


def by_code(event: Event) -> dict[str, Question]:
    return {q.code or q.text: q for q in questionnaire(event)}


def counts() -> tuple[int, int]:
    return (
        db.session.scalar(select(func.count()).select_from(FeedbackResponse)) or 0,
        db.session.scalar(select(func.count()).select_from(FeedbackAnswer)) or 0,
    )


@pytest.fixture
def past_event(make_event):  # type: ignore[no-untyped-def]
    """An event that ended yesterday, in Portuguese (the partner's language)."""
    return make_event(days_ahead=-2)


def invitation(token: str) -> FeedbackInvitation:
    found = services.find_invitation(token)
    assert found is not None
    return found


# --- the standard questionnaire ------------------------------------------------------------


def test_standard_questions_are_created_once_per_project_in_order(past_event) -> None:
    ensure_standard_questions(past_event.project)
    ensure_standard_questions(past_event.project)

    questions = questionnaire(past_event)
    assert [q.code for q in questions] == STANDARD_CODES
    kinds = {q.code: q.kind for q in questions}
    assert [c for c, k in kinds.items() if k is QuestionKind.SCALE] == [
        "overall_satisfaction",
        "relevance",
        "speakers",
        "organisation",
        "knowledge_before",
        "knowledge_after",
        "would_recommend",
    ]
    assert kinds["next_steps"] is QuestionKind.MULTIPLE and kinds["comments"] is QuestionKind.TEXT
    assert db.session.scalar(select(func.count()).select_from(Question)) == len(STANDARD_CODES)


def test_two_requests_creating_the_standard_questions_at_once_make_one_set(app, past_event) -> None:
    project_id = past_event.project.id
    errors: list[BaseException] = []
    start = threading.Barrier(2)

    def worker() -> None:
        with app.app_context():
            try:
                from seminar_app.projects.models import Project

                start.wait()
                ensure_standard_questions(db.session.get(Project, project_id))
            except BaseException as exc:  # reported below
                errors.append(exc)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)

    assert errors == []
    codes = db.session.scalars(select(Question.code).where(Question.project_id == project_id)).all()
    assert sorted(codes) == sorted(STANDARD_CODES)


def test_an_events_own_questions_come_after_the_standard_ones_and_before_the_comments(past_event) -> None:
    services.add_question(
        past_event, services.QuestionInput("Which result interests you most?", QuestionKind.SINGLE, ["PR1", "PR2"])
    )
    services.add_question(past_event, services.QuestionInput("Was the venue accessible?", QuestionKind.SCALE))

    order = [q.code or q.text for q in questionnaire(past_event)]
    assert order == [
        *STANDARD_CODES[:-1],
        "Which result interests you most?",
        "Was the venue accessible?",
        "comments",
    ]


# --- checking answers ------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["0", "6", "abc", "3.5", "-1", "99999999"])
def test_a_scale_answer_outside_1_to_5_is_refused(past_event, value: str) -> None:
    q = by_code(past_event)
    with pytest.raises(ValidationFailed) as error:
        check_answers(questionnaire(past_event), {str(q["overall_satisfaction"].id): [value]})
    assert error.value.errors == {str(q["overall_satisfaction"].id): ["Choose a number from 1 to 5."]}


def test_answers_to_questions_that_are_not_in_the_questionnaire_are_refused(past_event, make_event) -> None:
    other_event = make_event(days_ahead=-3)
    services.add_question(other_event, services.QuestionInput("Elsewhere?", QuestionKind.SCALE))
    foreign = next(q for q in questionnaire(other_event) if q.event_id == other_event.id)
    q = by_code(past_event)
    base = {str(q["overall_satisfaction"].id): ["4"]}

    for unknown in ("999999", "abc", str(foreign.id)):
        with pytest.raises(ValidationFailed) as error:
            check_answers(questionnaire(past_event), {**base, unknown: ["3"]})
        assert list(error.value.errors) == [GENERAL]
        assert "not (or no longer) in the questionnaire" in error.value.errors[GENERAL][0]


def test_choices_required_questions_and_empty_forms_are_checked(past_event) -> None:
    q = by_code(past_event)
    satisfaction, next_steps, comments = (str(q[c].id) for c in ("overall_satisfaction", "next_steps", "comments"))
    questions = questionnaire(past_event)

    with pytest.raises(ValidationFailed) as error:
        check_answers(questions, {satisfaction: ["4"], next_steps: ["0", "5"]})
    assert error.value.errors == {next_steps: ["Choose among the options shown."]}

    with pytest.raises(ValidationFailed) as error:
        check_answers(questions, {comments: ["Good"]})
    assert error.value.errors == {satisfaction: ["This question needs an answer."]}

    with pytest.raises(ValidationFailed) as error:
        check_answers(questions, {satisfaction: ["4", "5"]})
    assert error.value.errors == {satisfaction: ["Give only one answer to this question."]}

    with pytest.raises(ValidationFailed) as error:
        check_answers(questions, {satisfaction: ["4"], comments: ["bad\x00byte"]})
    assert list(error.value.errors) == [comments]

    answers = check_answers(questions, {satisfaction: [" 5 "], next_steps: ["3", "0", "3"], comments: ["  Great  "]})
    assert [(a.value_int, a.value_choices, a.value_text) for a in answers] == [
        (5, None, ""),
        (None, [0, 3], ""),
        (None, None, "Great"),
    ]


# --- answering once, anonymously ------------------------------------------------------------


def test_answering_stores_an_anonymous_response_and_uses_up_the_link(past_event) -> None:
    (token,) = invited_tokens(past_event, 1)
    q = by_code(past_event)
    services.submit_answers(
        invitation(token), {str(q["overall_satisfaction"].id): ["4"], str(q["comments"].id): ["Useful"]}, language="pt"
    )

    response = db.session.scalars(select(FeedbackResponse)).one()
    assert (response.event_id, response.language) == (past_event.id, "pt")
    assert type(response.submitted_on) is date, "the day only, never a time"
    assert sorted((a.question_id, a.value_int, a.value_text) for a in response.answers) == [
        (q["overall_satisfaction"].id, 4, ""),
        (q["comments"].id, None, "Useful"),
    ]
    assert invitation(token).answered


def test_nothing_stored_with_an_answer_can_lead_back_to_the_person() -> None:
    """The response and answer tables have no column or key pointing at an invitation, a
    registration or an instant: the only trace of answering is the invitation's flag."""
    for model, expected in (
        (FeedbackResponse, {"id", "event_id", "language", "submitted_on"}),
        (FeedbackAnswer, {"id", "response_id", "question_id", "value_int", "value_choices", "value_text"}),
    ):
        table = inspect(model).local_table
        assert {c.name for c in table.columns} == expected
        assert {fk.column.table.name for fk in table.foreign_keys} <= {"event", "feedback_response", "question"}
        assert not any(issubclass(c.type.python_type, datetime) for c in table.columns)
    assert {c.name for c in inspect(FeedbackInvitation).local_table.columns} == {
        "id",
        "event_id",
        "registration_id",
        "salt",
        "token_hash",
        "answered",
    }


def test_a_second_answer_with_the_same_link_is_refused_and_changes_nothing(past_event) -> None:
    (token,) = invited_tokens(past_event, 1)
    q = by_code(past_event)
    services.submit_answers(invitation(token), {str(q["overall_satisfaction"].id): ["2"]}, language="en")
    before = counts()

    with pytest.raises(services.AlreadyAnswered) as error:
        services.submit_answers(invitation(token), {str(q["overall_satisfaction"].id): ["5"]}, language="en")

    assert error.value.message == "This link has already been used to answer. Thank you!"
    assert counts() == before == (1, 1)
    assert db.session.scalars(select(FeedbackAnswer.value_int)).all() == [2]


@pytest.mark.parametrize(
    ("status", "days_ahead", "message"),
    [
        (EventStatus.CANCELLED, -2, "cancelled"),
        (EventStatus.DRAFT, -2, "has not taken place"),
        (EventStatus.POSTPONED, -2, "has not taken place"),
        (EventStatus.PUBLISHED, 2, "opens when the event is over"),
    ],
)
def test_no_feedback_for_an_event_that_did_not_take_place_or_is_not_over(
    make_event, status: EventStatus, days_ahead: int, message: str
) -> None:
    event = make_event(status=status, days_ahead=days_ahead)
    (token,) = invited_tokens(event, 1)
    q = by_code(event)
    with pytest.raises(services.FeedbackClosed) as error:
        services.submit_answers(invitation(token), {str(q["overall_satisfaction"].id): ["4"]}, language="en")
    assert message in error.value.message
    assert counts() == (0, 0)
    assert not invitation(token).answered


# --- the event's own questions -----------------------------------------------------------------


def test_own_questions_are_checked_when_added(past_event) -> None:
    with pytest.raises(ValidationFailed) as error:
        services.add_question(past_event, services.QuestionInput("  ", QuestionKind.MULTIPLE, ["Only one", " "]))
    assert error.value.errors == {
        "text": ["Write the question."],
        "choices": ["Give at least two options, one per line."],
    }
    question = services.add_question(
        past_event,
        services.QuestionInput(" Preferred format? ", QuestionKind.SINGLE, ["Online", "", "On site", "Online"]),
    )
    assert (question.text, question.choices, question.event_id, question.project_id) == (
        "Preferred format?",
        ["Online", "On site"],
        past_event.id,
        None,
    )


def test_own_questions_can_be_deleted_only_until_somebody_answered(past_event) -> None:
    first = services.add_question(past_event, services.QuestionInput("First?", QuestionKind.TEXT))
    second = services.add_question(past_event, services.QuestionInput("Second?", QuestionKind.TEXT))
    services.delete_question(past_event, first)
    assert db.session.get(Question, first.id) is None

    (token,) = invited_tokens(past_event, 1)
    services.submit_answers(invitation(token), {str(second.id): ["An answer"], **_satisfied(past_event)}, language="en")
    with pytest.raises(Conflict):
        services.delete_question(past_event, second)
    db.session.expire_all()
    assert db.session.get(Question, second.id) is not None
    assert counts() == (1, 2)


def _satisfied(event: Event) -> dict[str, list[str]]:
    return {str(by_code(event)["overall_satisfaction"].id): ["4"]}
