"""The outbox: services queue mail as rows in their own transaction; senders deliver them later.

Nothing here talks to an SMTP server: `queue_mail` only adds a row to the session,
so the message is committed (or rolled back) with the change that caused it.
"""

from __future__ import annotations

import uuid

from flask import current_app

from seminar_app.extensions import db
from seminar_app.mail.models import OutboxMessage


def queue_mail(
    *,
    kind: str,
    to_address: str,
    subject: str,
    body_text: str,
    body_html: str = "",
    to_name: str = "",
    reply_to: str = "",
    event_id: int | None = None,
    registration_id: int | None = None,
) -> OutboxMessage:
    """Add a message to the outbox in the caller's transaction (the caller commits)."""
    domain = current_app.config.get("MAIL_MESSAGE_ID_DOMAIN", "seminar-app.local")
    message = OutboxMessage(
        kind=kind,
        to_address=to_address,
        to_name=to_name,
        reply_to=reply_to,
        subject=subject,
        body_text=body_text,
        body_html=body_html,
        event_id=event_id,
        registration_id=registration_id,
        message_id=f"<{uuid.uuid4().hex}@{domain}>",
    )
    db.session.add(message)
    return message
