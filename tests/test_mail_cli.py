"""`flask mail send` and `flask mail worker`, including a sender killed in the middle of a batch."""

from __future__ import annotations

import signal
import subprocess
import sys
from collections import Counter
from datetime import timedelta
from pathlib import Path

from flask import Flask
from flask.testing import FlaskCliRunner
from sqlalchemy import select

from seminar_app.db_types import utcnow
from seminar_app.enums import OutboxStatus
from seminar_app.extensions import db
from seminar_app.mail.models import OutboxMessage
from seminar_app.mail.sender import DeliveryReport, deliver_due
from seminar_app.mail.services import queue_mail

ROOT = Path(__file__).resolve().parent.parent


def queue(count: int) -> list[OutboxMessage]:
    messages = [
        queue_mail(
            kind="registration_confirmed",
            to_address=f"attendee{n}@example.org",
            subject=f"Registration confirmed {n}",
            body_text=f"Your place is confirmed, attendee {n}.",
            body_html=f"<p>Your place is confirmed, attendee {n}.</p>",
        )
        for n in range(count)
    ]
    db.session.commit()
    return messages


def statuses() -> list[OutboxStatus]:
    db.session.expire_all()
    return list(db.session.scalars(select(OutboxMessage.status).order_by(OutboxMessage.id)))


def flask_command(app: Flask, smtp, *args: str) -> subprocess.Popen[str]:  # type: ignore[no-untyped-def]
    """A real `flask` process on the test database, sending to the test SMTP server."""
    config = {
        "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
        "MAIL_BACKEND": "smtp",
        "MAIL_SERVER": smtp.host,
        "MAIL_PORT": smtp.port,
    }
    return subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", f"seminar_app:create_app({config!r})", *args],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def test_send_drains_the_outbox_and_says_what_it_did(app: Flask, runner: FlaskCliRunner, smtp) -> None:
    rows = queue(3)

    result = runner.invoke(args=["mail", "send", "--batch-size", "2"])

    assert result.exit_code == 0, result.output
    assert "Sent 3, to retry later 0, failed for good 0." in result.output
    assert sorted(smtp.message_ids()) == sorted(row.message_id for row in rows)
    assert runner.invoke(args=["mail", "send"]).output.startswith("Sent 0,")
    assert len(smtp.messages) == 3


def test_send_with_the_server_down_reports_retries_and_keeps_the_messages(
    app: Flask, runner: FlaskCliRunner, smtp
) -> None:
    queue(2)
    smtp.down()

    result = runner.invoke(args=["mail", "send"])

    assert result.exit_code == 0, result.output
    assert "Sent 0, to retry later 2, failed for good 0." in result.output
    assert statuses() == [OutboxStatus.QUEUED] * 2


def test_worker_delivers_and_stops_cleanly_on_sigterm(app: Flask, smtp) -> None:
    rows = queue(2)
    worker = flask_command(app, smtp, "mail", "worker", "--interval", "0.2")
    try:
        assert smtp.wait_for(2, timeout=30), "the worker delivered nothing"
        worker.send_signal(signal.SIGTERM)
        output, _ = worker.communicate(timeout=20)
    finally:
        if worker.poll() is None:
            worker.kill()
            worker.wait()

    assert worker.returncode == 0, output
    assert "Mail worker stopped." in output
    assert sorted(smtp.message_ids()) == sorted(row.message_id for row in rows)
    assert statuses() == [OutboxStatus.SENT] * 2


def test_a_sender_killed_mid_batch_loses_no_message(app: Flask, smtp) -> None:
    """The one message in flight at the kill may arrive twice, with the same Message-ID; no other."""
    rows = queue(5)
    smtp.delay = 0.5
    sender = flask_command(app, smtp, "mail", "send")
    try:
        # The second message reaches the server only after the first was confirmed and recorded.
        assert smtp.wait_for(2, timeout=30), "the sender delivered nothing"
        sender.send_signal(signal.SIGKILL)
        sender.wait(timeout=10)
    finally:
        if sender.poll() is None:
            sender.kill()
            sender.wait()
    smtp.delay = 0

    assert statuses() == [OutboxStatus.SENT] + [OutboxStatus.SENDING] * 4, "the kill lost a claim"
    assert deliver_due() == DeliveryReport(), "a fresh claim is left alone"

    after_stale_limit = utcnow() + timedelta(seconds=app.config["MAIL_STALE_CLAIM_SECONDS"] + 1)
    assert deliver_due(now=after_stale_limit) == DeliveryReport(sent=4)

    counts = Counter(smtp.message_ids())
    assert set(counts) == {row.message_id for row in rows}
    duplicates = [message_id for message_id, n in counts.items() if n > 1]
    assert duplicates in ([], [rows[1].message_id]), "only the message in flight may arrive twice"
    assert statuses() == [OutboxStatus.SENT] * 5
