"""The outbox: services queue mail as rows in their own transaction; senders deliver them later.

Nothing here talks to an SMTP server: `queue_mail` only adds a row to the session,
so the message is committed (or rolled back) with the change that caused it.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Collection, Sequence
from functools import cache
from typing import Any

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import Insert, select, update
from sqlalchemy.orm import Session

from seminar_app.db_types import utcnow
from seminar_app.enums import OutboxStatus
from seminar_app.errors import InvalidTransition
from seminar_app.extensions import db
from seminar_app.mail.models import OutboxMessage
from seminar_app.ops.requestid import current_request_id

log = logging.getLogger(__name__)

# Outbox ids a session committed, for the web process to deliver after the response.
PENDING_DELIVERY_KEY = "outbox_pending_ids"


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
    calendar_method: str = "",
    calendar_ics: str = "",
    scrub_after_send: bool = False,
) -> OutboxMessage:
    """Add a message to the outbox in the caller's transaction (the caller commits).

    With `calendar_ics` the message becomes an iTIP invitation (see sender.build_message)."""
    message = OutboxMessage(
        **outbox_row(
            kind=kind,
            to_address=to_address,
            to_name=to_name,
            reply_to=reply_to,
            subject=subject,
            body_text=body_text,
            body_html=body_html,
            event_id=event_id,
            registration_id=registration_id,
            calendar_method=calendar_method,
            calendar_ics=calendar_ics,
            scrub_after_send=scrub_after_send,
        )
    )
    db.session.add(message)
    return message


def queue_row(**fields: Any) -> int:
    """`queue_mail` as one INSERT of a row rather than an object to flush, for mail queued
    while a lock is held (a registration's, under the event's seat lock: issue 18). The row is
    delivered after the commit like any other; its id is returned."""
    message_id = db.session.scalar(_insert_returning_id(), outbox_row(**fields))
    db.session.info.setdefault(PENDING_DELIVERY_KEY, set()).add(message_id)
    return message_id


@cache
def _insert_returning_id() -> Insert:
    """A Core INSERT on the table, built once: building an ORM one for each mail cost more than
    a third of writing it (issue 18)."""
    table = OutboxMessage.__table__
    return table.insert().returning(table.c.id)  # type: ignore[attr-defined,no-any-return]


def outbox_row(**fields: Any) -> dict[str, Any]:
    """The values of a new outbox row: `fields` (any of `queue_mail`'s, and of OutboxMessage's
    columns) with its own Message-ID and the current request's id. For writing many rows in
    one statement (`insert(OutboxMessage)`), as a campaign's batches do."""
    domain = current_app.config.get("MAIL_MESSAGE_ID_DOMAIN", "seminar-app.local")
    return {**fields, "message_id": f"<{uuid.uuid4().hex}@{domain}>", "request_id": current_request_id()}


# A deferred mail whose registration is gone: nobody to write to, nothing to say.
_UNWRITABLE = {
    "status": OutboxStatus.FAILED,
    "last_error": "The registration was erased or deleted before its mail was written.",
    "to_address": "",
    "to_name": "",
}


def write_deferred(ids: Collection[int] | None = None) -> int:
    """Render the deferred mail among the outbox rows `ids` (all when None) and write its
    subject, bodies and calendar into its rows, in the caller's transaction (the caller
    commits). Returns how many could not be written (each failed, see below).

    The sender calls it on the rows it claims; the pages that show mail call it on the rows
    they show, so that nobody sees a mail before its text. A mail whose registration is gone
    by then is not written: it is failed, with the reason. Writing twice (a page and a
    sender at once) writes the same text: the second UPDATE finds nothing left to write.
    A mail that cannot be written is failed, and written again if it is retried."""
    query = select(OutboxMessage.id, OutboxMessage.registration_id, OutboxMessage.deferred).where(
        OutboxMessage.deferred.is_not(None)
    )
    if ids is not None:
        if not ids:
            return 0
        query = query.where(OutboxMessage.id.in_(list(ids)))
    unwritten = 0
    for message_id, registration_id, deferred in db.session.execute(query).all():
        values = _written(message_id, registration_id, deferred)
        unwritten += "status" in values
        # Not synchronised with rows the session holds: every caller commits next, which expires them.
        db.session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == message_id, OutboxMessage.deferred.is_not(None))
            .values(**values)
            .execution_options(synchronize_session=False)
        )
    return unwritten


def _written(message_id: int, registration_id: int | None, deferred: dict[str, Any]) -> dict[str, Any]:
    """The values that write one deferred mail into its row, or fail it."""
    from seminar_app.registration.emails import render_deferred

    try:
        fields = render_deferred(registration_id, deferred)
    except Exception as exc:  # one mail's fault must not keep the others from being sent
        log.exception("Writing outbox message %s failed; it can be retried once fixed.", message_id)
        return {"status": OutboxStatus.FAILED, "last_error": f"{type(exc).__name__}: {exc}"}  # `deferred` kept
    return {**(_UNWRITABLE if fields is None else fields), "deferred": None}


def write_shown(messages: Sequence[OutboxMessage]) -> None:
    """Write the deferred mail among `messages`, which a page is about to show, and commit:
    nobody sees a mail before its text (`write_deferred`)."""
    ids = [message.id for message in messages if message.deferred is not None]
    if ids:
        write_deferred(ids)
        db.session.commit()


def retry_message(message: OutboxMessage, *, actor: Any = None) -> None:
    """Queue a failed message again for a full series of attempts.

    Raises InvalidTransition unless the message is `failed`.
    """
    if message.status is not OutboxStatus.FAILED:
        raise InvalidTransition(_("Only a message that failed can be sent again."))
    message.status = OutboxStatus.QUEUED
    message.attempts = 0
    message.next_attempt_at = utcnow()
    message.claimed_at = None
    deliver_after_commit(db.session, message)
    db.session.commit()


def deliver_after_commit(session: Session, message: OutboxMessage) -> None:
    """Ask the web process to deliver `message` once the current transaction commits."""
    session.flush()
    session.info.setdefault(PENDING_DELIVERY_KEY, set()).add(message.id)
