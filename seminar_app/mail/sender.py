"""Delivery of the outbox: claim due rows, send them, record the outcome.

Guarantees:
- a message is claimed by one sender at a time (PostgreSQL: `FOR UPDATE SKIP LOCKED`;
  SQLite: a conditional UPDATE that only one writer can win), so concurrent senders
  never send the same row twice;
- each outcome is committed as soon as the server has answered its message, before the
  next message's content is written, so a crash of the sender repeats at most the one
  message in flight (with the same Message-ID, so it is recognisable); a sent
  message's outcome is one autocommitted UPDATE on a connection of the batch's own
  (`_outcomes`, which says what a crash of the database server itself may repeat);
- a failure is retried with back-off until MAIL_MAX_ATTEMPTS, then the row is `failed`;
- a claim older than MAIL_STALE_CLAIM_SECONDS is put back in the queue: nothing is lost.
"""

from __future__ import annotations

import logging
import random
import re
import smtplib
from collections.abc import Callable, Collection, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime, parseaddr
from functools import cache, lru_cache, partial
from pathlib import Path
from typing import Any, NoReturn

from flask import Flask, current_app, g, has_request_context
from sqlalchemy import Connection, Update, bindparam, event, select, update
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from seminar_app.db_types import start_write_transaction, utcnow
from seminar_app.enums import OutboxStatus
from seminar_app.extensions import db
from seminar_app.mail import headers
from seminar_app.mail.headers import MAIL_POLICY, UndeliverableAddress
from seminar_app.mail.models import OutboxMessage
from seminar_app.mail.retention import scrub_private_links
from seminar_app.mail.services import PENDING_DELIVERY_KEY, write_deferred

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
    report = DeliveryReport(failed=write_deferred(claimed))
    db.session.commit()
    messages = _load_detached(claimed)
    unrecorded = {message_id: messages[message_id] for message_id in claimed if message_id in messages}
    try:
        with _backend() as send, _outcomes() as outcomes:
            for message, error in send(list(unrecorded.values())):
                if error is None:
                    report += _record_sent(message, outcomes)
                else:  # one message's error does not stop the batch
                    failed = db.session.get(OutboxMessage, message.id)
                    report += _record_failure(failed, error, now, permanent=_is_permanent(error))
                del unrecorded[message.id]
    except Exception as exc:  # server unreachable or connection lost: retry the rest later
        cause = (exc.__cause__ or exc) if isinstance(exc, ConnectionLost) else exc
        log.warning("Mail delivery interrupted (%s); %d message(s) will be retried.", cause, len(unrecorded))
        db.session.rollback()
        for message_id in unrecorded:
            message = db.session.get(OutboxMessage, message_id)
            if message is not None:
                report += _record_failure(message, cause, now)
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


def _delivery_fields(message: OutboxMessage, outcome: str, error: BaseException | None = None) -> dict[str, Any]:
    """What the log says about a delivery attempt: ids and the outcome, never the address,
    subject or body (the error's type only: SMTP errors quote the address). Read before the
    commit, which expires the row."""
    fields: dict[str, Any] = {
        "outbox_id": message.id,
        "message_id": message.message_id,
        "request_id": message.request_id,
        "attempt": message.attempts,
        "outcome": outcome,
        "kind": message.kind,
    }
    if error is not None:
        fields["error"] = type(error).__name__
    return fields


def _log_delivery(fields: dict[str, Any]) -> None:
    level = logging.WARNING if fields["outcome"] == "failed" else logging.INFO
    log.log(level, "Mail %s %s (attempt %d)", fields["outbox_id"], fields["outcome"], fields["attempt"], extra=fields)


def _load_detached(ids: list[int]) -> dict[int, OutboxMessage]:
    """The rows of `ids` still to send (not failed by `write_deferred`), read in one query by a
    session of their own and then detached from it, so that the commit after each message
    (see the guarantees above) neither expires nor reads them again (a campaign sends
    thousands in a row: issue 18), and so that the rows anyone else holds in `db.session`
    stay theirs."""
    with Session(db.engine) as reader:
        rows = reader.scalars(
            select(OutboxMessage).where(OutboxMessage.id.in_(ids), OutboxMessage.status == OutboxStatus.SENDING)
        ).all()
        reader.expunge_all()
    return {row.id: row for row in rows}


@contextmanager
def _outcomes() -> Iterator[Connection]:
    """A connection in autocommit for the outcomes of a batch's sent messages: each is one
    statement and one round trip, where the session's BEGIN, UPDATE and COMMIT took three round
    trips and a third of a campaign's time (issue 18). The rows are detached and claimed by this sender, so
    nothing else in the session is written with them.

    On PostgreSQL its commits do not wait for the disk (`synchronous_commit` off, for this
    connection only): waiting was a fifth of recording each message. A sender that dies loses
    nothing by it, since the server has the commit; only a crash of the database server itself
    may lose the outcomes of its last fraction of a second, whose messages are then sent once
    more (with the same Message-ID) after MAIL_STALE_CLAIM_SECONDS. Nothing else is written this way."""
    with db.engine.connect() as connection:
        outcomes = connection.execution_options(isolation_level="AUTOCOMMIT")
        on_postgresql = outcomes.dialect.name == "postgresql"
        if on_postgresql:
            outcomes.exec_driver_sql("SET synchronous_commit TO off")
        try:
            yield outcomes
        finally:
            if on_postgresql and not outcomes.invalidated:
                try:
                    outcomes.exec_driver_sql("RESET synchronous_commit")
                except DBAPIError:
                    outcomes.invalidate()  # never back in the pool with the setting still off


# What sending changes in a row: the outcome, and those of the fields the scrubbing may
# change that it did change.
_OUTCOME_FIELDS = ("status", "sent_at", "claimed_at", "attempts", "last_error")
_SCRUBBED_FIELDS = ("to_address", "to_name", "body_text", "body_html", "calendar_ics", "list_unsubscribe")


@cache
def _sent_statement(scrubbed: tuple[str, ...]) -> Update:
    """The UPDATE that records a sent message, with the fields `scrubbed` changed: built once
    per such set (a handful), where building one per message cost more than writing it, and
    not writing back the bodies and calendars the scrubbing left as they were (issue 18)."""
    table = OutboxMessage.__table__
    values = {name: bindparam(name, type_=table.c[name].type) for name in (*_OUTCOME_FIELDS, *scrubbed)}
    return table.update().where(table.c.id == bindparam("row_id")).values(values)  # type: ignore[attr-defined,no-any-return]


def _record_sent(message: OutboxMessage, outcomes: Connection) -> DeliveryReport:
    """Record that the (detached) `message` was sent, with one UPDATE committed at once."""
    message.status = OutboxStatus.SENT
    message.sent_at = utcnow()
    message.claimed_at = None
    message.attempts += 1
    message.last_error = ""
    before = [getattr(message, name) for name in _SCRUBBED_FIELDS]
    scrub_private_links(message)
    _scrub_if_asked(message)
    scrubbed = tuple(name for name, old in zip(_SCRUBBED_FIELDS, before, strict=True) if getattr(message, name) != old)
    fields = _delivery_fields(message, "sent")
    values = {name: getattr(message, name) for name in (*_OUTCOME_FIELDS, *scrubbed)}
    outcomes.execute(_sent_statement(scrubbed), {"row_id": message.id, **values})
    _log_delivery(fields)
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
    fields = _delivery_fields(message, "failed" if report.failed else "retry", exc)
    db.session.commit()
    _log_delivery(fields)
    return report


def _is_permanent(exc: Exception) -> bool:
    """A 5xx answer about this message (unknown mailbox...), an address that cannot be
    sent to or text that cannot be encoded will not change on retry."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _msg in exc.recipients.values())
    if isinstance(exc, smtplib.SMTPResponseException):
        return exc.smtp_code >= 500
    # UndeliverableAddress and UnicodeError are ValueErrors: the message cannot be built as it is.
    return isinstance(exc, (UndeliverableAddress, ValueError))


# --- backends --------------------------------------------------------------------------


EMBLEM_CID = "eu-emblem"
EMBLEM_PNG = Path(__file__).resolve().parents[2] / "static" / "img" / "eu-emblem.png"


@cache
def _emblem_png() -> bytes:
    return EMBLEM_PNG.read_bytes()


def build_message(message: OutboxMessage) -> EmailMessage:
    """The MIME message for a row: text and (when present) HTML alternatives, an iTIP
    calendar when the row has one (REQUEST, CANCEL or PUBLISH: multipart/mixed holding the
    alternatives with text/calendar and the same calendar as `invite.ics`, RFC 6047), the
    List-Unsubscribe headers when it has an unsubscribe address, and its fixed Message-ID.

    Headers follow `mail.headers`: subjects and names round-trip exactly, structured headers
    are never encoded. Raises UndeliverableAddress when the recipient cannot be sent to."""
    mail = EmailMessage(policy=MAIL_POLICY)
    sender_name, sender_address = parseaddr(current_app.config["MAIL_DEFAULT_SENDER"])
    mail["From"] = headers.mailbox(sender_name, sender_address, local_ok=True)
    mail["To"] = headers.mailbox(message.to_name, message.to_address)
    if message.reply_to:
        try:
            mail["Reply-To"] = headers.mailbox("", message.reply_to)
        except UndeliverableAddress:
            log.warning("Message %s goes without its Reply-To: the address cannot be written.", message.id)
    mail["Subject"] = headers.unstructured(message.subject)
    mail["Date"] = format_datetime(utcnow())
    mail["Message-ID"] = message.message_id
    if message.list_unsubscribe:
        # RFC 2369 and RFC 8058: mail clients offer unsubscribing with one click (a POST).
        mail["List-Unsubscribe"] = f"<{message.list_unsubscribe}>"
        mail["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    mail.set_content(message.body_text)
    if message.body_html:
        mail.add_alternative(message.body_html, subtype="html")
        if f"cid:{EMBLEM_CID}" in message.body_html:
            # The EU emblem travels with the message: a remote image would tell the site when
            # and where each recipient opened it.
            html = mail.get_body(preferencelist=("html",))
            assert html is not None
            _add(html, "related", _emblem_part())
    if message.calendar_ics:
        if message.calendar_method == "PUBLISH":
            calendar, attachment = _save_the_date_parts(message.calendar_ics)
        else:
            calendar, attachment = _calendar_parts(message.calendar_ics, message.calendar_method)
        _add(mail, "alternative", calendar)
        _add(mail, "mixed", attachment)
    _set_boundaries(mail)
    return mail


def _add(mail: EmailMessage, subtype: str, part: EmailMessage) -> None:
    """What `add_alternative`, `add_related` and `add_attachment` do, with a part made already."""
    if mail.get_content_maintype() != "multipart" or mail.get_content_subtype() != subtype:
        getattr(mail, f"make_{subtype}")()
    mail.attach(part)


def _part(*content: Any, **options: Any) -> EmailMessage:
    part = EmailMessage(policy=MAIL_POLICY)
    part.set_content(*content, **options)
    return part


def _calendar_parts(ics: str, method: str) -> tuple[EmailMessage, EmailMessage]:
    """The calendar as an alternative of the text and as `invite.ics` (RFC 6047)."""
    params = {"method": method} if method else {}
    return (
        _part(ics, subtype="calendar", params=params),
        _part(
            ics.encode("utf-8"), "application", "ics", filename="invite.ics", params={"name": "invite.ics", **params}
        ),
    )


# Parts that are the same in many messages, made and encoded once and then shared: a part is
# never changed once made, and only the multiparts holding it get each message's boundaries.
# Only parts without personal data are shared: the EU emblem and the save-the-date of a
# campaign (a PUBLISH calendar: the event's public entry, the same for everyone in a language).


@cache
def _emblem_part() -> EmailMessage:
    return _part(_emblem_png(), "image", "png", cid=f"<{EMBLEM_CID}>", disposition="inline")


@lru_cache(maxsize=32)
def _save_the_date_parts(ics: str) -> tuple[EmailMessage, EmailMessage]:
    return _calendar_parts(ics, "PUBLISH")


def _set_boundaries(mail: EmailMessage) -> None:
    """A random boundary for each multipart: the generator would otherwise compile a regular
    expression for each to check that no line of the parts holds it. "=_" cannot begin a line
    of quoted-printable or base64, and 128 random bits cannot be guessed by whoever writes a
    plain text part."""
    for part in mail.walk():
        if part.is_multipart():
            part.set_boundary(f"=_{random.getrandbits(128):032x}")


def envelope(message: OutboxMessage) -> tuple[str, str]:
    """The SMTP envelope (MAIL FROM, RCPT TO) of a row, in the form sent on the wire."""
    return (
        headers.sendable_address(parseaddr(current_app.config["MAIL_DEFAULT_SENDER"])[1], local_ok=True),
        headers.sendable_address(message.to_address),
    )


# A message and what went wrong in sending it (None: it was sent).
Outcome = tuple[OutboxMessage, Exception | None]
# Sends a batch's messages, giving each one's outcome as soon as it is known; raises
# ConnectionLost when the connection breaks (every message without an outcome is retried).
Sender = Callable[[list[OutboxMessage]], Iterator[Outcome]]


@contextmanager
def _backend() -> Iterator[Sender]:
    backend = current_app.config["MAIL_BACKEND"]
    if backend == "smtp":
        with _smtp_backend() as send:
            yield send
    elif backend == "file":
        yield _each(_file_writer(Path(current_app.config["MAIL_FILE_DIR"])))
    else:
        raise RuntimeError(f"Unknown MAIL_BACKEND {backend!r}: use 'smtp' or 'file'.")


def _each(send_one: Callable[[OutboxMessage], None]) -> Sender:
    """A sender that sends one message at a time with `send_one`."""

    def send(messages: list[OutboxMessage]) -> Iterator[Outcome]:
        for message in messages:
            try:
                send_one(message)
            except ConnectionLost:
                raise
            except Exception as exc:
                yield message, exc
            else:
                yield message, None

    return send


def _connect() -> smtplib.SMTP:
    """A connection to MAIL_SERVER, with a socket timeout so a hung server cannot block a sender forever."""
    config = current_app.config
    timeout = config["MAIL_TIMEOUT"]
    host: smtplib.SMTP
    if config["MAIL_USE_SSL"]:
        host = smtplib.SMTP_SSL(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=timeout)
    else:
        host = smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=timeout)
    if config["MAIL_USE_TLS"]:
        host.starttls()
    if config["MAIL_USERNAME"] and config["MAIL_PASSWORD"]:
        host.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
    return host


@contextmanager
def _connection_lost_on_disconnect() -> Iterator[None]:
    """A broken connection as ConnectionLost (with the cause); an SMTP answer as itself."""
    try:
        yield
    except smtplib.SMTPServerDisconnected as exc:
        raise ConnectionLost() from exc
    except smtplib.SMTPException:
        raise
    except OSError as exc:  # SMTPException is an OSError too, hence the order
        raise ConnectionLost() from exc


@contextmanager
def _smtp_backend() -> Iterator[Sender]:
    """One SMTP connection for the whole batch, made from the current configuration."""
    host = _connect()

    def send_one(message: OutboxMessage) -> None:
        data = build_message(message).as_bytes()
        mail_from, rcpt_to = envelope(message)
        with _connection_lost_on_disconnect():
            host.sendmail(mail_from, [rcpt_to], data)

    def send(messages: list[OutboxMessage]) -> Iterator[Outcome]:
        with _connection_lost_on_disconnect():
            host.ehlo_or_helo_if_needed()
        if not host.has_extn("pipelining"):
            return _each(send_one)(messages)
        return _pipelined(host, messages)

    try:
        yield send
    finally:
        with suppress(smtplib.SMTPException, OSError):
            host.quit()


@dataclass
class _Ready:
    """A message built for the wire: its envelope commands and its dot-stuffed content."""

    message: OutboxMessage
    mail_from: str
    rcpt_to: str
    commands: bytes
    content: bytes


def _ready(host: smtplib.SMTP, messages: list[OutboxMessage], failures: list[Outcome]) -> Iterator[_Ready]:
    """Each message built for the wire, in order; those that cannot be built go to `failures`."""
    for message in messages:
        try:
            data = build_message(message).as_bytes()
            mail_from, rcpt_to = envelope(message)
        except Exception as exc:
            failures.append((message, exc))
            continue
        size = f" SIZE={len(data)}" if host.has_extn("size") else ""
        commands = f"MAIL FROM:{smtplib.quoteaddr(mail_from)}{size}\r\nRCPT TO:{smtplib.quoteaddr(rcpt_to)}\r\nDATA\r\n"
        quoted = re.sub(rb"(?m)^\.", b"..", data)
        content = quoted + (b"" if quoted.endswith(b"\r\n") else b"\r\n") + b".\r\n"
        yield _Ready(message, mail_from, rcpt_to, commands.encode("ascii"), content)


def _pipelined(host: smtplib.SMTP, messages: list[OutboxMessage]) -> Iterator[Outcome]:
    """The messages over a server that offers PIPELINING (RFC 2920), one round trip each: a
    message's content goes in one write with the next message's MAIL, RCPT and DATA, and the
    message after that is built while the server reads them. Half of sending one was waiting
    for the server (issue 18). A message's content is only written once the server has
    answered its DATA, and its outcome is given before the next message's content is written,
    so a crash still repeats at most the one message in flight. The answers are those
    `smtplib.SMTP.sendmail` raises, for the same replies."""
    failures: list[Outcome] = []
    upcoming = _ready(host, messages, failures)
    with _connection_lost_on_disconnect():
        starting = next(upcoming, None)
        in_data: _Ready | None = None  # its DATA was answered 354: its content goes next
        while starting is not None or in_data is not None:
            host.send(
                (in_data.content if in_data is not None else b"") + (starting.commands if starting is not None else b"")
            )
            following = next(upcoming, None)
            yield from failures
            failures.clear()
            if in_data is not None:
                yield in_data.message, _content_refused(host, host.getreply())
                in_data = None
            if starting is not None:
                refused = _envelope_refused(host, starting, [host.getreply() for _command in range(3)])
                if refused is None:
                    in_data = starting
                else:
                    yield starting.message, refused
            starting = following
        yield from failures


def _content_refused(host: smtplib.SMTP, reply: tuple[int, bytes]) -> Exception | None:
    """What the answer to a message's content says went wrong, if anything. No RSET: a
    transaction ends with that answer, and the next message's commands are already sent."""
    code, answer = reply
    if code == 250:
        return None
    if code == 421:
        _closed_by_server(host)
    return smtplib.SMTPDataError(code, answer)


def _envelope_refused(host: smtplib.SMTP, ready: _Ready, replies: list[tuple[int, bytes]]) -> Exception | None:
    """What the answers to a message's MAIL, RCPT and DATA say went wrong, if anything; after
    a refusal, the session is made ready for the next message (RSET)."""
    sender, recipient, data = replies
    if 421 in (sender[0], recipient[0], data[0]):
        _closed_by_server(host)
    if data[0] == 354 and (sender[0] != 250 or recipient[0] not in (250, 251)):
        host.send(b".\r\n")  # a server that took DATA anyway: end the empty message, then forget it
        host.getreply()
    refused: Exception | None = None
    if sender[0] != 250:
        refused = smtplib.SMTPSenderRefused(sender[0], sender[1], ready.mail_from)
    elif recipient[0] not in (250, 251):
        refused = smtplib.SMTPRecipientsRefused({ready.rcpt_to: recipient})
    elif data[0] != 354:
        refused = smtplib.SMTPDataError(*data)
    if refused is not None:
        _reset(host)
    return refused


def _closed_by_server(host: smtplib.SMTP) -> NoReturn:
    """The server answered 421: it is closing the connection."""
    host.close()
    raise smtplib.SMTPServerDisconnected("The server closed the connection (421).")


def _reset(host: smtplib.SMTP) -> None:
    """RSET after a refusal, as `sendmail` does; a connection that is gone shows at the next message."""
    with suppress(smtplib.SMTPServerDisconnected):
        host.rset()


def _file_writer(directory: Path) -> Callable[[OutboxMessage], None]:
    """Write each message as an .eml file named by time and id, so a listing sorts in sending order."""
    directory.mkdir(parents=True, exist_ok=True)

    def send(message: OutboxMessage) -> None:
        data = build_message(message).as_bytes()
        envelope(message)
        name = f"{utcnow():%Y%m%dT%H%M%S%fZ}-{message.id:09d}.eml"
        partial_path = directory / f".{name}.tmp"
        partial_path.write_bytes(data)
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
