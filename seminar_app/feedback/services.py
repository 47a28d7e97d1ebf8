"""Feedback rules: invitations (the right to answer once), the questionnaire, answers.

`invite`, `feedback_url` and `has_answered` are what the scheduled jobs use to send the
feedback request and its reminder.

Answering keeps people anonymous: the response is stored without any link to the
invitation or the registration, with the day only, and the invitation only learns that
it was used. Both happen in one transaction, so a link can never answer twice and an
answer is never lost.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from base64 import urlsafe_b64encode
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from flask import current_app
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import func, select, update

from seminar_app.db_types import start_write_transaction, utcnow
from seminar_app.enums import EventStatus, QuestionKind
from seminar_app.errors import Conflict, DomainError
from seminar_app.events.models import Event
from seminar_app.extensions import db
from seminar_app.feedback.answers import check_answers
from seminar_app.feedback.models import FeedbackAnswer, FeedbackInvitation, FeedbackResponse, Question
from seminar_app.feedback.questions import OWN_QUESTIONS_FROM, questionnaire
from seminar_app.registration.models import Registration
from seminar_app.validation import FieldErrors


def invitation_token(invitation: FeedbackInvitation) -> str:
    """The token of the invitation's link: an HMAC of its salt under SECRET_KEY."""
    key = current_app.config["SECRET_KEY"].encode()
    digest = hmac.new(key, f"feedback-link:{invitation.salt}".encode(), "sha256").digest()
    return urlsafe_b64encode(digest).decode().rstrip("=")


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def invite(registration: Registration) -> FeedbackInvitation:
    """The registrant's invitation to answer the event's questionnaire, created (in the
    caller's transaction) the first time it is asked for."""
    invitation = db.session.scalar(
        select(FeedbackInvitation).where(
            FeedbackInvitation.event_id == registration.event_id,
            FeedbackInvitation.registration_id == registration.id,
        )
    )
    if invitation is None:
        salt = secrets.token_hex(16)
        invitation = FeedbackInvitation(event_id=registration.event_id, registration_id=registration.id, salt=salt)
        invitation.token_hash = hash_token(invitation_token(invitation))
        db.session.add(invitation)
        db.session.flush()
    return invitation


def feedback_url(invitation: FeedbackInvitation) -> str:
    """The absolute address of the invitation's feedback form, for mail."""
    from seminar_app.registration.emails import external_url

    return external_url("feedback.answer", token=invitation_token(invitation))


def has_answered(registration: Registration) -> bool:
    return bool(
        db.session.scalar(
            select(FeedbackInvitation.answered).where(
                FeedbackInvitation.event_id == registration.event_id,
                FeedbackInvitation.registration_id == registration.id,
            )
        )
    )


# --- answering ------------------------------------------------------------------------------


class FeedbackClosed(DomainError):
    code = "feedback_closed"
    status = 409


class AlreadyAnswered(Conflict):
    code = "already_answered"

    def __init__(self) -> None:
        super().__init__(_("This link has already been used to answer. Thank you!"))


def find_invitation(token: str) -> FeedbackInvitation | None:
    """The invitation whose link carries `token`; None for a mistyped or forged one."""
    if not token or len(token) > 100:
        return None
    return db.session.scalar(select(FeedbackInvitation).where(FeedbackInvitation.token_hash == hash_token(token)))


def ensure_feedback_open(event: Event) -> None:
    """Raises `FeedbackClosed` unless the event took place and is over."""
    if event.status is EventStatus.CANCELLED:
        raise FeedbackClosed(_("This event was cancelled, so there is no feedback to give."))
    if event.status not in (EventStatus.PUBLISHED, EventStatus.DELIVERED):
        raise FeedbackClosed(_("This event has not taken place, so it cannot be rated yet."))
    if not event.is_past:
        raise FeedbackClosed(_("The feedback form opens when the event is over. Please come back then."))


def submit_answers(
    invitation: FeedbackInvitation, posted: Mapping[str, Sequence[str]], *, language: str
) -> FeedbackResponse:
    """Store one anonymous response to the invitation's event and use up the invitation.

    `posted` maps question ids (as strings) to the values given. Raises `FeedbackClosed`,
    `ValidationFailed` (see `answers.check_answers`) or `AlreadyAnswered`; in each case
    nothing is stored. Two submissions with the same link at once store exactly one."""
    event = db.session.get(Event, invitation.event_id)
    if event is None:
        raise FeedbackClosed(_("This event no longer exists."))
    ensure_feedback_open(event)
    answers = check_answers(questionnaire(event), posted)
    invitation_id, event_id = invitation.id, event.id
    answered_on = utcnow().astimezone(event.tz).date()

    start_write_transaction(db.session)
    # The conditional UPDATE is the lock: on PostgreSQL a second transaction waits for the
    # row and then finds it answered; on SQLite the write transaction already serialises.
    used = db.session.execute(
        update(FeedbackInvitation)
        .where(FeedbackInvitation.id == invitation_id, FeedbackInvitation.answered.is_(False))
        .values(answered=True)
        .execution_options(synchronize_session=False)
    )
    if used.rowcount != 1:
        db.session.rollback()
        raise AlreadyAnswered()
    response = FeedbackResponse(event_id=event_id, language=language[:8], submitted_on=answered_on)
    response.answers = [
        FeedbackAnswer(
            question_id=a.question_id, value_int=a.value_int, value_choices=a.value_choices, value_text=a.value_text
        )
        for a in answers
    ]
    db.session.add(response)
    db.session.commit()
    return response


# --- an event's own questions ---------------------------------------------------------------

MAX_OWN_QUESTIONS = 20
MAX_OPTIONS = 20
CHOICE_KINDS = (QuestionKind.SINGLE, QuestionKind.MULTIPLE)


@dataclass(frozen=True)
class QuestionInput:
    text: str
    kind: QuestionKind
    choices: list[str] = field(default_factory=list)
    required: bool = False


def response_count(event: Event) -> int:
    return db.session.scalar(select(func.count()).where(FeedbackResponse.event_id == event.id)) or 0


def add_question(event: Event, data: QuestionInput) -> Question:
    """Add a question of the event's own after the standard ones (before the open comments).

    Raises `ValidationFailed` (fields `text`, `choices`) for an empty or too long text,
    a choice question with fewer than two distinct options, or too many questions."""
    errors = FieldErrors()
    text = data.text.strip()
    errors.require("text", text, _("Write the question."), max_length=500)
    choices: list[str] = []
    if data.kind in CHOICE_KINDS:
        for line in data.choices:
            option = line.strip()
            if option and option not in choices:
                choices.append(option)
        if len(choices) < 2:
            errors.add("choices", _("Give at least two options, one per line."))
        elif len(choices) > MAX_OPTIONS:
            errors.add(
                "choices", ngettext("Give at most %(num)d option.", "Give at most %(num)d options.", MAX_OPTIONS)
            )
        for option in choices:
            errors.limit("choices", option, 200)
    existing = db.session.scalars(select(Question.position).where(Question.event_id == event.id)).all()
    if len(existing) >= MAX_OWN_QUESTIONS:
        errors.add(
            "text",
            ngettext(
                "An event can have at most %(num)d question of its own.",
                "An event can have at most %(num)d questions of its own.",
                MAX_OWN_QUESTIONS,
            ),
        )
    errors.raise_if_any()
    question = Question(
        event_id=event.id,
        kind=data.kind,
        text=text,
        choices=choices,
        required=data.required,
        position=max([OWN_QUESTIONS_FROM, *existing]) + 1,
    )
    db.session.add(question)
    db.session.commit()
    return question


def delete_question(event: Event, question: Question) -> None:
    """Delete one of the event's own questions. Raises `Conflict` once anybody has answered
    the event's questionnaire: deleting would silently drop their answers."""
    if question.event_id != event.id:
        raise DomainError(_("This question does not belong to this event."))
    if response_count(event):
        raise Conflict(_("People have already answered this questionnaire, so its questions can no longer be deleted."))
    db.session.delete(question)
    db.session.commit()
