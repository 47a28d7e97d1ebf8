"""Delivery of the outbox through a real SMTP server on loopback, and to .eml files."""

from __future__ import annotations

import threading
from collections import Counter
from datetime import timedelta
from email import message_from_bytes, policy
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import func, select

from seminar_app.db_types import utcnow
from seminar_app.enums import OutboxStatus
from seminar_app.extensions import db
from seminar_app.mail.models import OutboxMessage
from seminar_app.mail.sender import DeliveryReport, backoff, deliver_due
from seminar_app.mail.services import queue_mail


def queue(count: int, **overrides: str) -> list[OutboxMessage]:
    messages = []
    for n in range(count):
        values = {
            "kind": "registration_confirmed",
            "to_address": f"attendee{n}@example.org",
            "to_name": f"Attendee {n}",
            "reply_to": "seminars@partner.example",
            "subject": f"Registration confirmed – Seminar {n}",
            "body_text": f"Your place is confirmed, attendee {n}.",
            "body_html": f"<p>Your place is <strong>confirmed</strong>, attendee {n}.</p>",
        }
        values.update(overrides)
        messages.append(queue_mail(**values))
    db.session.commit()
    return messages


def statuses() -> list[OutboxStatus]:
    db.session.expire_all()
    return list(db.session.scalars(select(OutboxMessage.status).order_by(OutboxMessage.id)))


def later(minutes: int = 5):  # type: ignore[no-untyped-def]
    return utcnow() + timedelta(minutes=minutes)


def test_queued_messages_are_delivered_once_with_text_html_and_their_message_id(app: Flask, smtp) -> None:
    rows = queue(2)

    report = deliver_due()

    assert report == DeliveryReport(sent=2)
    assert len(smtp.messages) == 2
    received = {m["Message-ID"]: m for m in smtp.messages}
    for row in rows:
        mail = received[row.message_id]
        assert mail["To"] == f"{row.to_name} <{row.to_address}>"
        assert mail["Subject"] == row.subject
        assert mail["Reply-To"] == "seminars@partner.example"
        assert row.body_text in mail.get_body(preferencelist=("plain",)).get_content()
        assert "<strong>confirmed</strong>" in mail.get_body(preferencelist=("html",)).get_content()
    assert statuses() == [OutboxStatus.SENT, OutboxStatus.SENT]
    assert all(row.sent_at is not None for row in rows)

    assert deliver_due(now=later(120)) == DeliveryReport()
    assert len(smtp.messages) == 2


def test_each_sent_message_is_recorded_before_the_next_one_goes(app: Flask, smtp) -> None:
    """A crash in the middle of a batch repeats at most the message in flight."""
    queue(3)
    engine, seen_sent = db.engine, []
    receive = smtp.handle_DATA

    async def handle_data(server, session, envelope):  # type: ignore[no-untyped-def]
        with engine.connect() as other:  # what another process would read now
            sent = select(func.count()).where(OutboxMessage.status == OutboxStatus.SENT)
            seen_sent.append(other.scalar(sent))
        return await receive(server, session, envelope)

    smtp.handle_DATA = handle_data
    assert deliver_due() == DeliveryReport(sent=3)
    assert seen_sent == [0, 1, 2]
    assert statuses() == [OutboxStatus.SENT] * 3


def _waits_for_the_disk(connection) -> str:  # type: ignore[no-untyped-def]
    if connection.dialect.name == "postgresql":
        return str(connection.exec_driver_sql("SHOW synchronous_commit").scalar())
    return str(connection.exec_driver_sql("PRAGMA synchronous").scalar())


def test_the_outcomes_quick_commits_stay_on_their_own_connection(app: Flask, smtp) -> None:
    """Sent messages' outcomes skip waiting for the disk; registrations and everything else
    written on the pool's connections afterwards must still wait for it."""
    with db.engine.connect() as fresh:
        durable = _waits_for_the_disk(fresh)
    queue(3)
    assert deliver_due() == DeliveryReport(sent=3)
    pool = db.engine.pool
    held = [db.engine.connect() for _ in range(max(pool.checkedin(), 1))]
    try:
        assert [_waits_for_the_disk(c) for c in held] == [durable] * len(held)
    finally:
        for connection in held:
            connection.close()
    assert statuses() == [OutboxStatus.SENT] * 3


def test_a_text_only_message_arrives_as_plain_text(app: Flask, smtp) -> None:
    queue(1, body_html="")
    deliver_due()
    [mail] = smtp.messages
    assert mail.get_content_type() == "text/plain"
    assert "Your place is confirmed" in mail.get_content()


def test_smtp_down_keeps_every_message_and_delivers_each_once_when_it_is_back(app: Flask, smtp) -> None:
    rows = queue(3)
    smtp.down()

    report = deliver_due()

    assert report == DeliveryReport(retried=3)
    assert statuses() == [OutboxStatus.QUEUED] * 3
    for row in rows:
        assert row.attempts == 1
        assert "Connection refused" in row.last_error or "Errno" in row.last_error
        assert row.next_attempt_at > utcnow() + timedelta(seconds=20)
    assert deliver_due() == DeliveryReport(), "a retry waits for its back-off"

    smtp.up()
    assert deliver_due(now=later()) == DeliveryReport(sent=3)
    assert deliver_due(now=later(600)) == DeliveryReport()
    assert sorted(smtp.message_ids()) == sorted(row.message_id for row in rows)
    assert statuses() == [OutboxStatus.SENT] * 3


def test_a_temporary_refusal_is_retried_until_the_attempt_limit_then_marked_failed(
    app: Flask, smtp, monkeypatch
) -> None:
    monkeypatch.setitem(app.config, "MAIL_MAX_ATTEMPTS", 2)
    [row] = queue(1)
    smtp.refuse_code = 451

    assert deliver_due() == DeliveryReport(retried=1)
    assert "451" in row.last_error and row.status is OutboxStatus.QUEUED

    assert deliver_due(now=later()) == DeliveryReport(failed=1)
    assert statuses() == [OutboxStatus.FAILED]
    assert row.attempts == 2
    assert deliver_due(now=later(600)) == DeliveryReport()
    assert smtp.messages == []


def test_a_permanent_rejection_fails_at_once_and_the_rest_of_the_batch_is_still_sent(app: Flask, smtp) -> None:
    queue(1)
    smtp.refuse_code = 550
    assert deliver_due() == DeliveryReport(failed=1)
    smtp.refuse_code = None
    queue(1, to_address="next@example.org")
    assert deliver_due() == DeliveryReport(sent=1)
    assert statuses() == [OutboxStatus.FAILED, OutboxStatus.SENT]


@pytest.mark.parametrize(("attempts", "seconds"), [(1, 30), (2, 60), (3, 120), (7, 1920), (8, 3600), (20, 3600)])
def test_retries_back_off_exponentially_up_to_an_hour(attempts: int, seconds: int) -> None:
    assert backoff(attempts) == timedelta(seconds=seconds)


def test_a_claim_left_by_a_dead_sender_is_delivered_after_the_stale_limit(app: Flask, smtp) -> None:
    [row] = queue(1)
    row.status = OutboxStatus.SENDING
    row.claimed_at = utcnow()
    db.session.commit()

    assert deliver_due() == DeliveryReport(), "a fresh claim belongs to a live sender"
    stale = utcnow() + timedelta(seconds=app.config["MAIL_STALE_CLAIM_SECONDS"] + 1)
    assert deliver_due(now=stale) == DeliveryReport(sent=1)
    assert smtp.message_ids() == [row.message_id]
    assert statuses() == [OutboxStatus.SENT]


def test_two_senders_at_once_never_send_the_same_message_twice(app: Flask, smtp) -> None:
    rows = queue(30)
    smtp.delay = 0.01
    reports: list[DeliveryReport] = []
    errors: list[BaseException] = []
    start = threading.Barrier(2)

    def sender() -> None:
        try:
            with app.app_context():
                start.wait()
                total = DeliveryReport()
                while (report := deliver_due(limit=3)).handled:
                    total += report
                reports.append(total)
                db.session.remove()
        except BaseException as exc:  # reported by the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=sender) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)

    assert errors == []
    counts = Counter(smtp.message_ids())
    assert set(counts) == {row.message_id for row in rows}
    assert max(counts.values()) == 1, "a message was sent twice"
    assert sorted(r.sent for r in reports) != [0, 30], "both senders should have shared the work"
    assert sum(r.sent for r in reports) == 30
    assert statuses() == [OutboxStatus.SENT] * 30


def test_file_backend_writes_one_parseable_eml_per_message_in_sending_order(
    app: Flask, tmp_path: Path, monkeypatch
) -> None:
    monkeypatch.setitem(app.config, "MAIL_BACKEND", "file")
    monkeypatch.setitem(app.config, "MAIL_FILE_DIR", str(tmp_path / "mail"))
    rows = queue(3)

    assert deliver_due() == DeliveryReport(sent=3)

    files = sorted((tmp_path / "mail").glob("*.eml"))
    assert len(files) == 3
    parsed = [message_from_bytes(f.read_bytes(), policy=policy.default) for f in files]
    assert [m["Message-ID"] for m in parsed] == [row.message_id for row in rows]
    for mail, row in zip(parsed, rows, strict=True):
        assert mail["Subject"] == row.subject
        assert mail["To"] == f"{row.to_name} <{row.to_address}>"
        assert row.body_text in mail.get_body(preferencelist=("plain",)).get_content()
        assert "<strong>confirmed</strong>" in mail.get_body(preferencelist=("html",)).get_content()
    assert not list((tmp_path / "mail").glob(".*")), "no half-written file is left behind"
    assert statuses() == [OutboxStatus.SENT] * 3


def _counting_sends(monkeypatch) -> list[bytes]:  # type: ignore[no-untyped-def]
    """What the client writes to the SMTP server, one entry per write."""
    import smtplib

    written: list[bytes] = []
    send = smtplib.SMTP.send

    def counted(self, s):  # type: ignore[no-untyped-def]
        written.append(s if isinstance(s, bytes) else s.encode())
        return send(self, s)

    monkeypatch.setattr(smtplib.SMTP, "send", counted)
    return written


@pytest.mark.parametrize("pipelining", [True, False])
def test_a_server_offering_pipelining_gets_each_message_in_one_round_trip(
    app: Flask, smtp, monkeypatch, pipelining: bool
) -> None:
    """When the server offers PIPELINING (RFC 2920), a message's content goes in one write with
    the next message's MAIL, RCPT and DATA: one write, so one wait for the server, per message
    and one more to begin. The messages arrive the same either way, lines starting with a dot
    included."""
    smtp.pipelining = pipelining
    body = "First line.\n.A line that starts with a dot\n.\nLast line."
    queue(3, body_text=body, body_html="")
    written = _counting_sends(monkeypatch)

    assert deliver_due() == DeliveryReport(sent=3)

    per_batch = [w for w in written if not w.lower().startswith((b"ehlo", b"quit"))]
    assert sum(w.upper().count(b"MAIL FROM:") for w in per_batch) == 3
    if pipelining:
        assert len(per_batch) == 3 + 1
        assert all(
            w.endswith(b"\r\nRCPT TO:<attendee%d@example.org>\r\nDATA\r\n" % n) for n, w in enumerate(per_batch[:3])
        )
        assert [w.count(b"\r\n.\r\n") for w in per_batch] == [0, 1, 1, 1], "each content ends once, in the next write"
    else:
        transactions = [w for w in per_batch if w.upper().startswith(b"MAIL FROM")]
        assert all(w.rstrip(b"\r\n").count(b"\r\n") == 0 for w in transactions), "one command per write"
    assert [m.get_content().replace("\r\n", "\n") for m in smtp.messages] == [body + "\n"] * 3


def test_with_pipelining_a_refused_sender_or_recipient_fails_that_message_alone(app: Flask, smtp) -> None:
    queue(4)
    smtp.refused_recipients = {"attendee1@example.org"}

    transactions: list[str] = []

    async def handle_mail(server, session, envelope, address, options):  # type: ignore[no-untyped-def]
        transactions.append(address)
        if len(transactions) == 3:  # the third message's sender
            return "553 5.7.1 Sender not allowed"
        envelope.mail_from = address
        return "250 OK"

    smtp.handle_MAIL = handle_mail

    report = deliver_due()

    assert report == DeliveryReport(sent=2, failed=2)
    assert sorted(m["To"] for m in smtp.messages) == [
        "Attendee 0 <attendee0@example.org>",
        "Attendee 3 <attendee3@example.org>",
    ]
    failed = db.session.scalars(select(OutboxMessage).where(OutboxMessage.status == OutboxStatus.FAILED)).all()
    assert sorted(row.last_error.split(":")[0] for row in failed) == ["SMTPRecipientsRefused", "SMTPSenderRefused"]


def _answering_data(smtp, answers: dict[str, str]) -> None:  # type: ignore[no-untyped-def]
    """The server answers the content of a message to one of `answers`' addresses with its reply."""
    receive = type(smtp).handle_DATA.__get__(smtp)

    async def handle_data(server, session, envelope):  # type: ignore[no-untyped-def]
        for address, reply in answers.items():
            if address in envelope.rcpt_tos:
                return reply
        return await receive(server, session, envelope)

    smtp.handle_DATA = handle_data


@pytest.mark.parametrize("pipelining", [True, False])
def test_a_refused_content_fails_or_retries_that_message_alone_and_the_next_arrives_whole(
    app: Flask, smtp, pipelining: bool
) -> None:
    """With pipelining the next message's commands are already on their way when a content is
    refused: nothing (no RSET) may slip into that next message."""
    smtp.pipelining = pipelining
    rows = queue(4)
    _answering_data(
        smtp,
        {"attendee1@example.org": "550 5.7.1 Content rejected", "attendee2@example.org": "451 4.3.0 Try later"},
    )

    assert deliver_due() == DeliveryReport(sent=2, failed=1, retried=1)
    assert statuses() == [OutboxStatus.SENT, OutboxStatus.FAILED, OutboxStatus.QUEUED, OutboxStatus.SENT]
    assert rows[1].last_error.startswith("SMTPDataError: (550")
    assert [m["To"] for m in smtp.messages] == [
        "Attendee 0 <attendee0@example.org>",
        "Attendee 3 <attendee3@example.org>",
    ]
    last = smtp.messages[1].get_body(preferencelist=("plain",)).get_content()
    assert last.replace("\r\n", "\n") == f"{rows[3].body_text}\n"

    _answering_data(smtp, {})
    assert deliver_due(now=later()) == DeliveryReport(sent=1)
    assert smtp.message_ids() == [rows[0].message_id, rows[3].message_id, rows[2].message_id]


@pytest.mark.parametrize("pipelining", [True, False])
def test_a_server_closing_after_a_content_keeps_every_message_not_yet_answered(
    app: Flask, smtp, pipelining: bool
) -> None:
    """421 for the second message's content: the first is sent, the second and those after it
    (whose commands may already be on their way) are retried, and each arrives once."""
    smtp.pipelining = pipelining
    rows = queue(4)
    _answering_data(smtp, {"attendee1@example.org": "421 4.3.2 Shutting down"})

    assert deliver_due() == DeliveryReport(sent=1, retried=3)
    assert statuses() == [OutboxStatus.SENT] + [OutboxStatus.QUEUED] * 3
    assert "421" in rows[1].last_error

    _answering_data(smtp, {})
    assert deliver_due(now=later()) == DeliveryReport(sent=3)
    assert sorted(smtp.message_ids()) == sorted(row.message_id for row in rows)


@pytest.mark.parametrize("pipelining", [True, False])
def test_a_message_that_cannot_be_written_fails_alone(app: Flask, smtp, pipelining: bool) -> None:
    smtp.pipelining = pipelining
    queue(1)
    queue(1, to_address="no address at all")
    queue(2)

    assert deliver_due() == DeliveryReport(sent=3, failed=1)
    assert statuses() == [OutboxStatus.SENT, OutboxStatus.FAILED, OutboxStatus.SENT, OutboxStatus.SENT]
    assert len(smtp.messages) == 3
