"""Feedback rules: invitations (the right to answer once), the questionnaire, answers.

`invite`, `feedback_url` and `has_answered` are what the scheduled jobs use to send the
feedback request and its reminder.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from base64 import urlsafe_b64encode

from flask import current_app
from sqlalchemy import select

from seminar_app.extensions import db
from seminar_app.feedback.models import FeedbackInvitation
from seminar_app.registration.models import Registration


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
