"""Delivery of the outbox: claim due rows, send them, record the outcome.

Guarantees:
- a message is claimed by one sender at a time (PostgreSQL: `FOR UPDATE SKIP LOCKED`;
  SQLite: a conditional UPDATE that only one writer can win), so concurrent senders
  never send the same row twice;
- each outcome is committed right after its message, so a crash repeats at most the
  one message in flight (with the same Message-ID, so it is recognisable);
- a failure is retried with back-off until MAIL_MAX_ATTEMPTS, then the row is `failed`;
- a claim older than MAIL_STALE_CLAIM_SECONDS is put back in the queue: nothing is lost.
"""

from __future__ import annotations

import logging
import smtplib
from collections.abc import Callable, Collection, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any

from flask import Flask, current_app, g, has_request_context
from flask_mail import BadHeaderError, Connection
from flask_mail import Message as MailMessage
from sqlalchemy import event, select, update
from sqlalchemy.orm import Session

from seminar_app.db_types import start_write_transaction, utcnow
from seminar_app.enums import OutboxStatus
from seminar_app.extensions import db
from seminar_app.extensions import mail as flask_mail
from seminar_app.mail.models import OutboxMessage
from seminar_app.mail.services import PENDING_DELIVERY_KEY

log = logging.getLogger(__name__)

BACKOFF_BASE_SECONDS = 30
BACKOFF_CAP_SECONDS = 3600


@dataclass(frozen=True)
class DeliveryReport:
    sent: int = 0
    failed: int = 0
    retried: int = 0

    @property
    def handled(self) -> int:
        return self.sent + self.failed + self.retried

    def __add__(self, other: DeliveryReport) -> DeliveryReport:
        return DeliveryReport(self.sent + other.sent, self.failed + other.failed, self.retried + other.retried)


class ConnectionLost(Exception):
    """The SMTP connection broke: every message still to be sent in the batch is retried."""


def backoff(attempts: int) -> timedelta:
    """Delay before the next try after `attempts` failed tries: 30 s, 1 min, 2 min... capped at 1 h."""
    return timedelta(seconds=min(BACKOFF_BASE_SECONDS * 2 ** max(attempts - 1, 0), BACKOFF_CAP_SECONDS))


def deliver_due(limit: int = 100, now: datetime | None = None, *, ids: Collection[int] | None = None) -> DeliveryReport:
    """Deliver up to `limit` due messages (only those in `ids` when given) and record each outcome.

    Re-queues the claims of dead senders first. Safe to run in several processes at once.
    """
    now = now or utcnow()
    requeue_stale_claims(now)
    claimed = _claim(limit, now, ids)
    if not claimed:
        return DeliveryReport()
    report = DeliveryReport()
    remaining = list(claimed)
    try:
        with _backend() as send:
            while remaining:
                message = db.session.get(OutboxMessage, remaining[0])
                try:
                    if message is not None:
                        send(message)
                except ConnectionLost as exc:
                    raise (exc.__cause__ or exc) from None
                except Exception as exc:  # one message's error must not stop the batch
                    report += _record_failure(message, exc, now, permanent=_is_permanent(exc))
                else:
                    if message is not None:
                        report += _record_sent(message)
                remaining.pop(0)
    except Exception as exc:  # server unreachable or connection lost: retry the rest later
        log.warning("Mail delivery interrupted (%s); %d message(s) will be retried.", exc, len(remaining))
        db.session.rollback()
        for message_id in remaining:
            message = db.session.get(OutboxMessage, message_id)
            if message is not None:
                report += _record_failure(message, exc, now)
    return report


def deliver_all_due(limit: int = 100, now: datetime | None = None) -> DeliveryReport:
    """Drain the queue: deliver batches until no due message is left."""
    total = DeliveryReport()
    while True:
        report = deliver_due(limit, now)
        total += report
        if report.handled == 0:
            return total


def requeue_stale_claims(now: datetime | None = None) -> int:
    """Put back in the queue (or fail, past the attempt limit) the rows whose sender died."""
    now = now or utcnow()
    cutoff = now - timedelta(seconds=current_app.config["MAIL_STALE_CLAIM_SECONDS"])
    max_attempts = current_app.config["MAIL_MAX_ATTEMPTS"]
    stale = (OutboxMessage.status == OutboxStatus.SENDING) & (OutboxMessage.claimed_at < cutoff)
    if db.session.scalar(select(OutboxMessage.id).where(stale).limit(1)) is None:
        return 0
    error = "The sender stopped before confirming delivery; the message was queued again."
    start_write_transaction(db.session)
    failed = db.session.execute(
        update(OutboxMessage)
        .where(stale, OutboxMessage.attempts + 1 >= max_attempts)
        .values(status=OutboxStatus.FAILED, attempts=OutboxMessage.attempts + 1, last_error=error, claimed_at=None)
        .execution_options(synchronize_session=False)
    ).rowcount
    requeued = db.session.execute(
        update(OutboxMessage)
        .where(stale)
        .values(
            status=OutboxStatus.QUEUED,
            attempts=OutboxMessage.attempts + 1,
            last_error=error,
            claimed_at=None,
            next_attempt_at=now,
        )
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.commit()
    if failed or requeued:
        log.warning("Re-queued %d and failed %d message(s) left by a dead sender.", requeued, failed)
    return requeued + failed


# --- claiming and recording ------------------------------------------------------------


def _claim(limit: int, now: datetime, ids: Collection[int] | None) -> list[int]:
    query = (
        select(OutboxMessage.id)
        .where(OutboxMessage.status == OutboxStatus.QUEUED, OutboxMessage.next_attempt_at <= now)
        .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
        .limit(limit)
    )
    if ids is not None:
        query = query.where(OutboxMessage.id.in_(list(ids)))
    claim = update(OutboxMessage).values(status=OutboxStatus.SENDING, claimed_at=now)
    if db.session.get_bind().dialect.name == "postgresql":
        claimed = list(db.session.scalars(query.with_for_update(skip_locked=True)))
        if claimed:
            db.session.execute(claim.where(OutboxMessage.id.in_(claimed)).execution_options(synchronize_session=False))
    else:
        start_write_transaction(db.session)
        claimed = []
        for message_id in db.session.scalars(query).all():
            won = db.session.execute(
                claim.where(
                    OutboxMessage.id == message_id, OutboxMessage.status == OutboxStatus.QUEUED
                ).execution_options(synchronize_session=False)
            ).rowcount
            if won == 1:
                claimed.append(message_id)
    db.session.commit()
    return claimed


def _scrub_if_asked(message: OutboxMessage) -> None:
    """Mail to an erased person keeps nothing about them once it has left (or cannot)."""
    if message.scrub_after_send:
        message.to_address, message.to_name = "erased", ""
        message.body_text = message.body_html = message.calendar_ics = ""


def _record_sent(message: OutboxMessage) -> DeliveryReport:
    message.status = OutboxStatus.SENT
    message.sent_at = utcnow()
    message.claimed_at = None
    message.attempts += 1
    message.last_error = ""
    _scrub_if_asked(message)
    db.session.commit()
    return DeliveryReport(sent=1)


def _record_failure(
    message: OutboxMessage | None, exc: BaseException, now: datetime, *, permanent: bool = False
) -> DeliveryReport:
    if message is None:
        return DeliveryReport()
    message.attempts += 1
    message.last_error = f"{type(exc).__name__}: {exc}"[:2000]
    message.claimed_at = None
    if permanent or message.attempts >= current_app.config["MAIL_MAX_ATTEMPTS"]:
        message.status = OutboxStatus.FAILED
        _scrub_if_asked(message)
        report = DeliveryReport(failed=1)
    else:
        message.status = OutboxStatus.QUEUED
        message.next_attempt_at = now + backoff(message.attempts)
        report = DeliveryReport(retried=1)
    db.session.commit()
    return report


def _is_permanent(exc: Exception) -> bool:
    """A 5xx answer about this message (unknown mailbox...) will not change on retry."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _msg in exc.recipients.values())
    if isinstance(exc, smtplib.SMTPResponseException):
        return exc.smtp_code >= 500
    return isinstance(exc, BadHeaderError)


# --- backends --------------------------------------------------------------------------


class _CalendarMail(MailMessage):
    """An iMIP message (RFC 6047): multipart/mixed holding multipart/alternative (text,
    HTML, text/calendar with the iTIP method) and the same calendar as `invite.ics`.

    Flask-Mail builds the structure; this adds the `method` parameter it cannot express."""

    calendar_method = ""

    def _message(self):  # type: ignore[no-untyped-def]
        msg = super()._message()
        for part in msg.walk():
            if part.get_content_type() == "text/calendar":
                part.set_param("method", self.calendar_method)
            elif part.get_content_type() == "application/ics":
                part.set_param("name", "invite.ics")
                part.set_param("method", self.calendar_method)
        return msg


def build_message(message: OutboxMessage) -> MailMessage:
    """The MIME message for a row: text and (when present) HTML alternatives, an iTIP
    calendar when the row has one (REQUEST, CANCEL or PUBLISH), the List-Unsubscribe
    headers when it has an unsubscribe address, and its fixed Message-ID."""
    mail_class = _CalendarMail if message.calendar_ics else MailMessage
    mail = mail_class(
        subject=message.subject,
        recipients=[(message.to_name, message.to_address) if message.to_name else message.to_address],
        body=message.body_text,
        html=message.body_html or None,
        sender=current_app.config["MAIL_DEFAULT_SENDER"],
        reply_to=message.reply_to or None,
    )
    if isinstance(mail, _CalendarMail):
        mail.calendar_method = message.calendar_method
        mail.alts["calendar"] = message.calendar_ics
        mail.attach("invite.ics", "application/ics", message.calendar_ics.encode("utf-8"))
    if message.list_unsubscribe:
        # RFC 2369 and RFC 8058: mail clients offer unsubscribing with one click (a POST).
        mail.extra_headers = {
            **(mail.extra_headers or {}),
            "List-Unsubscribe": f"<{message.list_unsubscribe}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        }
    # Set the id itself: an extra "Message-ID" header would be added next to Flask-Mail's own.
    mail.msgId = message.message_id
    return mail


Sender = Callable[[OutboxMessage], None]


@contextmanager
def _backend() -> Iterator[Sender]:
    backend = current_app.config["MAIL_BACKEND"]
    if backend == "smtp":
        with _smtp_backend() as send:
            yield send
    elif backend == "file":
        yield _file_sender(Path(current_app.config["MAIL_FILE_DIR"]))
    else:
        raise RuntimeError(f"Unknown MAIL_BACKEND {backend!r}: use 'smtp' or 'file'.")


class _TimedConnection(Connection):
    """Flask-Mail's connection with a socket timeout, so a hung server cannot block a sender forever."""

    def configure_host(self) -> smtplib.SMTP | smtplib.SMTP_SSL:
        timeout = current_app.config["MAIL_TIMEOUT"]
        state = self.mail
        host: smtplib.SMTP | smtplib.SMTP_SSL
        if state.use_ssl:
            host = smtplib.SMTP_SSL(state.server, state.port, timeout=timeout)
        else:
            host = smtplib.SMTP(state.server, state.port, timeout=timeout)
        if state.use_tls:
            host.starttls()
        if state.username and state.password:
            host.login(state.username, state.password)
        return host


@contextmanager
def _smtp_backend() -> Iterator[Sender]:
    """One SMTP connection for the whole batch, made from the current configuration."""
    state = flask_mail.init_mail(current_app.config, current_app.debug, current_app.testing)
    # MAIL_BACKEND is the switch between real and no delivery; Flask-Mail's "suppress in tests" is not.
    state.suppress = False
    connection = _TimedConnection(state)
    connection.__enter__()

    def send(message: OutboxMessage) -> None:
        try:
            connection.send(build_message(message))
        except smtplib.SMTPServerDisconnected as exc:
            raise ConnectionLost() from exc
        except smtplib.SMTPException:
            raise
        except OSError as exc:  # SMTPException is an OSError too, hence the order
            raise ConnectionLost() from exc

    try:
        yield send
    finally:
        try:
            if connection.host is not None:
                connection.host.quit()
        except (smtplib.SMTPException, OSError):
            pass


def _file_sender(directory: Path) -> Sender:
    """Write each message as an .eml file named by time and id, so a listing sorts in sending order."""
    directory.mkdir(parents=True, exist_ok=True)

    def send(message: OutboxMessage) -> None:
        mail = build_message(message)
        name = f"{utcnow():%Y%m%dT%H%M%S%fZ}-{message.id:09d}.eml"
        partial_path = directory / f".{name}.tmp"
        partial_path.write_bytes(mail.as_bytes())
        partial_path.replace(directory / name)

    return send


# --- delivery after a request's commit ---------------------------------------------------


def init_app(app: Flask) -> None:
    """Deliver, after the response has gone out, the mail a request's transactions committed."""
    if not event.contains(Session, "after_flush", _remember_new_messages):
        event.listen(Session, "after_flush", _remember_new_messages)
        event.listen(Session, "after_commit", _hand_over_to_request)
        event.listen(Session, "after_rollback", _forget_messages)

    @app.after_request
    def deliver_after_response(response):  # type: ignore[no-untyped-def]
        ids = g.pop("outbox_committed_ids", None)
        if ids and app.config["MAIL_DELIVERY"] == "inline":
            response.call_on_close(partial(_deliver_quietly, app, sorted(ids)))
        return response


def _remember_new_messages(session: Session, _flush_context: Any) -> None:
    new_ids = {obj.id for obj in session.new if isinstance(obj, OutboxMessage)}
    if new_ids:
        session.info.setdefault(PENDING_DELIVERY_KEY, set()).update(new_ids)


def _hand_over_to_request(session: Session) -> None:
    ids = session.info.pop(PENDING_DELIVERY_KEY, None)
    if ids and has_request_context():
        g.setdefault("outbox_committed_ids", set()).update(ids)


def _forget_messages(session: Session) -> None:
    session.info.pop(PENDING_DELIVERY_KEY, None)


def _deliver_quietly(app: Flask, ids: list[int]) -> None:
    """Never let delivery trouble reach the visitor: the rows stay queued for the next sender."""
    try:
        with app.app_context():
            deliver_due(limit=len(ids), ids=ids)
    except Exception:
        app.logger.exception("Delivering mail after the response failed; it stays in the outbox.")
