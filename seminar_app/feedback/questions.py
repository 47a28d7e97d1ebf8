"""The standard questionnaire every project's events share, and an event's whole questionnaire.

Standard questions live in code: their rows (one per project, found by `code`) hold only
what answers need to point at, and their texts and options are translated when shown,
so one questionnaire works in every language. An event's own questions are shown as
the organiser wrote them.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError

from seminar_app import i18n
from seminar_app.enums import QuestionKind
from seminar_app.events.models import Event
from seminar_app.extensions import db
from seminar_app.feedback.models import Question
from seminar_app.projects.models import Project

POOR_EXCELLENT = (_l("Very poor"), _l("Excellent"))
NOT_AT_ALL_VERY_MUCH = (_l("Not at all"), _l("Very much"))
LOWEST_HIGHEST = (_l("Lowest"), _l("Highest"))

# Positions: the standard scale and choice questions first, then the event's own, the
# open comments last.
OWN_QUESTIONS_FROM = 100
COMMENTS_POSITION = 10_000

KNOWLEDGE_BEFORE = "knowledge_before"
KNOWLEDGE_AFTER = "knowledge_after"


@dataclass(frozen=True)
class StandardQuestion:
    code: str
    kind: QuestionKind
    text: object  # a lazy string, translated when shown
    ends: tuple[object, object] = NOT_AT_ALL_VERY_MUCH
    options: tuple[tuple[str, object], ...] = ()
    required: bool = False
    position: int = 0


STANDARD_QUESTIONS: tuple[StandardQuestion, ...] = (
    StandardQuestion(
        "overall_satisfaction",
        QuestionKind.SCALE,
        _l("Overall, how satisfied are you with the event?"),
        POOR_EXCELLENT,
        required=True,
        position=1,
    ),
    StandardQuestion("relevance", QuestionKind.SCALE, _l("How relevant was the event to your work?"), position=2),
    StandardQuestion(
        "speakers",
        QuestionKind.SCALE,
        _l("How would you rate the quality of the speakers?"),
        POOR_EXCELLENT,
        position=3,
    ),
    StandardQuestion(
        "organisation", QuestionKind.SCALE, _l("How would you rate the organisation?"), POOR_EXCELLENT, position=4
    ),
    StandardQuestion(
        KNOWLEDGE_BEFORE,
        QuestionKind.SCALE,
        _l("How much did you know about the topic before the event?"),
        position=5,
    ),
    StandardQuestion(
        KNOWLEDGE_AFTER,
        QuestionKind.SCALE,
        _l("How much do you know about the topic after the event?"),
        position=6,
    ),
    StandardQuestion(
        "would_recommend",
        QuestionKind.SCALE,
        _l("Would you recommend this event to a colleague?"),
        position=7,
    ),
    StandardQuestion(
        "next_steps",
        QuestionKind.MULTIPLE,
        _l("What will you do next?"),
        options=(
            ("use_results", _l("Use the project's results in my work")),
            ("share_results", _l("Share them with colleagues")),
            ("training", _l("Take part in a training")),
            ("contact_team", _l("Contact the project team")),
            ("nothing_now", _l("Nothing for now")),
        ),
        position=8,
    ),
    StandardQuestion(
        "comments",
        QuestionKind.TEXT,
        _l("Any other comments or suggestions?"),
        position=COMMENTS_POSITION,
    ),
)
STANDARD_BY_CODE = {q.code: q for q in STANDARD_QUESTIONS}


def ensure_standard_questions(project: Project) -> None:
    """Create the project's rows for the standard questions it does not have yet, and commit
    (call it before anything else is pending in the session).

    Safe to call on every page and from two requests at once: the unique (project, code)
    constraint lets only one of them insert, and the other finds the rows."""
    existing = set(db.session.scalars(select(Question.code).where(Question.project_id == project.id)))
    missing = [q for q in STANDARD_QUESTIONS if q.code not in existing]
    if not missing:
        return
    for standard in missing:
        with i18n.force_language("en"):  # the stored text is only a reference for people reading the database
            english = str(standard.text)
        db.session.add(
            Question(
                project_id=project.id,
                code=standard.code,
                kind=standard.kind,
                text=english,
                choices=[code for code, _label in standard.options],
                position=standard.position,
                required=standard.required,
            )
        )
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()  # another request created them a moment ago


def questionnaire(event: Event) -> list[Question]:
    """The event's questions in the order they are asked: the project's standard ones
    (created if needed, see `ensure_standard_questions`) and the event's own."""
    ensure_standard_questions(event.project)
    return event_questions(event)


def event_questions(event: Event) -> list[Question]:
    """The event's questions as they are, without creating any (for read-only pages)."""
    return list(
        db.session.scalars(
            select(Question)
            .where(or_(Question.project_id == event.project.id, Question.event_id == event.id))
            .order_by(Question.position, Question.id)
        )
    )


def is_standard(question: Question) -> bool:
    return question.code is not None and question.event_id is None


def question_text(question: Question) -> str:
    """The question as the reader should see it: standard ones in the reader's language."""
    standard = STANDARD_BY_CODE.get(question.code or "") if is_standard(question) else None
    return str(standard.text) if standard else question.text


def choice_labels(question: Question) -> list[str]:
    """The options of a choice question, in their stored order (answers hold positions in it)."""
    standard = STANDARD_BY_CODE.get(question.code or "") if is_standard(question) else None
    if standard is None:
        return list(question.choices or [])
    labels = dict(standard.options)
    return [str(labels.get(code, code)) for code in question.choices or []]


def scale_ends(question: Question) -> tuple[str, str]:
    """What 1 and 5 mean for a scale question."""
    standard = STANDARD_BY_CODE.get(question.code or "") if is_standard(question) else None
    low, high = standard.ends if standard else LOWEST_HIGHEST
    return str(low), str(high)
