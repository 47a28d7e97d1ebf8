"""Questionnaires and anonymous answers.

Anonymity is structural: a `FeedbackInvitation` (one per registrant) proves the right to
answer once and records only *that* it was used, never when; a `FeedbackResponse` has no
link to the invitation or the registration and only the day it was given. Erasing a
registration deletes its invitation's link to it, and its answers stay counted.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from seminar_app.enums import QuestionKind, db_enum
from seminar_app.extensions import db


class Question(db.Model):
    """A question of a project's standard questionnaire (`project_id` set, `code` names a
    standard question whose text is translated in code) or an event's own (`event_id`
    set, `text` as the organiser wrote it)."""

    __tablename__ = "question"
    __table_args__ = (UniqueConstraint("project_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int | None] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"), index=True)
    event_id: Mapped[int | None] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"), index=True)
    code: Mapped[str | None] = mapped_column(String(40))
    kind: Mapped[QuestionKind] = mapped_column(db_enum(QuestionKind, "question_kind"))
    text: Mapped[str] = mapped_column(String(500), default="")
    choices: Mapped[list[str]] = mapped_column(JSON, default=list)
    position: Mapped[int] = mapped_column(default=0)
    required: Mapped[bool] = mapped_column(default=False)


class FeedbackInvitation(db.Model):
    """The right of one registrant to answer one event's questionnaire once.

    The link's token is stored only as a hash. `answered` is a flag without a time, so
    it cannot be matched to a response by when it was given."""

    __tablename__ = "feedback_invitation"
    __table_args__ = (UniqueConstraint("event_id", "registration_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"), index=True)
    registration_id: Mapped[int | None] = mapped_column(ForeignKey("registration.id", ondelete="SET NULL"))
    # The link's token is an HMAC of this salt under SECRET_KEY (so reminders can repeat
    # the same link); only its hash is stored for lookup.
    salt: Mapped[str] = mapped_column(String(32))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    answered: Mapped[bool] = mapped_column(default=False)


class FeedbackResponse(db.Model):
    """One anonymous set of answers to an event's questionnaire."""

    __tablename__ = "feedback_response"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"), index=True)
    language: Mapped[str] = mapped_column(String(8), default="en")
    submitted_on: Mapped[date]

    answers: Mapped[list[FeedbackAnswer]] = relationship(
        back_populates="response", cascade="all, delete-orphan", order_by="FeedbackAnswer.id"
    )


class FeedbackAnswer(db.Model):
    """One answer: a number for scale questions, the chosen options (their positions in
    `Question.choices`) for choice questions, text for text questions."""

    __tablename__ = "feedback_answer"

    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(ForeignKey("feedback_response.id", ondelete="CASCADE"), index=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("question.id", ondelete="CASCADE"), index=True)
    value_int: Mapped[int | None]
    value_choices: Mapped[list[int] | None] = mapped_column(JSON)
    value_text: Mapped[str] = mapped_column(Text, default="")

    response: Mapped[FeedbackResponse] = relationship(back_populates="answers")
    question: Mapped[Question] = relationship()
