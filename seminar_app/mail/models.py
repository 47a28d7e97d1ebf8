from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, Text
from sqlalchemy import false as sa_false
from sqlalchemy.orm import Mapped, mapped_column

from seminar_app.db_types import UTCDateTime, utcnow
from seminar_app.enums import OutboxStatus, db_enum
from seminar_app.extensions import db


class OutboxMessage(db.Model):
    """An e-mail written in the same transaction as the change that causes it.

    A sender claims queued rows (`sending`, `claimed_at`), delivers them and marks
    them `sent`; failures are retried with back-off until `max attempts`, then
    `failed`. A claim older than the stale limit means the sender died: the row is
    queued again, so no message is lost. `message_id` is fixed when the row is written,
    so a resend after such a crash is recognisable as the same message. A new
    registration's mail is queued with only what it needs (`deferred`) and rendered by
    the sender, off the request (issue 18).
    """

    __tablename__ = "outbox_message"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    status: Mapped[OutboxStatus] = mapped_column(
        db_enum(OutboxStatus, "outbox_status"), default=OutboxStatus.QUEUED, index=True
    )
    to_address: Mapped[str] = mapped_column(String(254))
    to_name: Mapped[str] = mapped_column(String(200), default="")
    reply_to: Mapped[str] = mapped_column(String(254), default="")
    subject: Mapped[str] = mapped_column(String(300))
    body_text: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text, default="")
    # An iTIP calendar object (RFC 6047) sent with the message, and its METHOD (REQUEST, CANCEL).
    calendar_method: Mapped[str] = mapped_column(String(16), default="", server_default="")
    calendar_ics: Mapped[str] = mapped_column(Text, default="", server_default="")
    # Set for mail to an erased person: once sent (or failed), the address and bodies are blanked.
    scrub_after_send: Mapped[bool] = mapped_column(default=False, server_default=sa_false())
    # Mail the sender renders (`services.write_deferred`): what it needs, as the change that
    # queued it saw it; None once the subject, bodies and calendar are written.
    deferred: Mapped[dict[str, Any] | None] = mapped_column(JSON(none_as_null=True))
    message_id: Mapped[str] = mapped_column(String(200), unique=True)
    event_id: Mapped[int | None] = mapped_column(ForeignKey("event.id", ondelete="SET NULL"), index=True)
    registration_id: Mapped[int | None] = mapped_column(ForeignKey("registration.id", ondelete="SET NULL"), index=True)
    # Invitation mail: the campaign whose progress it counts in, and the RFC 8058 one-click
    # unsubscribe address sent as List-Unsubscribe (with List-Unsubscribe-Post).
    campaign_id: Mapped[int | None] = mapped_column(ForeignKey("campaign.id", ondelete="SET NULL"), index=True)
    list_unsubscribe: Mapped[str] = mapped_column(String(500), default="", server_default="")
    # The request (X-Request-ID) or job run that queued the message, for following it in the logs.
    request_id: Mapped[str | None] = mapped_column(String(64))
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
