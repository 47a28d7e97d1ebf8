"""`flask mail send` (drain the outbox once), `flask mail worker` (keep draining it) and
`flask mail scrub-links` (remove private links from mail sent by older versions)."""

from __future__ import annotations

import logging
import signal
import threading
from types import FrameType

import click
from flask import current_app
from flask.cli import AppGroup

from seminar_app.extensions import db
from seminar_app.mail.retention import scrub_sent_mail
from seminar_app.mail.sender import DeliveryReport, deliver_all_due, deliver_due
from seminar_app.ops.requestid import bound_request_id, new_request_id

log = logging.getLogger("seminar_app.mail.worker")
mail_cli = AppGroup("mail", help="Deliver the mail outbox.")


def _summary(report: DeliveryReport) -> str:
    return f"Sent {report.sent}, to retry later {report.retried}, failed for good {report.failed}."


@mail_cli.command("send")
@click.option("--batch-size", default=100, show_default=True, help="Messages claimed per transaction.")
def send(batch_size: int) -> None:
    """Deliver every due message once, then exit."""
    click.echo(_summary(deliver_all_due(batch_size)))


@mail_cli.command("scrub-links")
def scrub_links() -> None:
    """Remove private links from mail sent before they were removed at sending (run once after upgrading)."""
    click.echo(f"Private links removed from {scrub_sent_mail()} sent message(s).")


@mail_cli.command("worker")
@click.option("--interval", default=5.0, show_default=True, help="Seconds between looks at the outbox.")
@click.option("--batch-size", default=100, show_default=True, help="Messages claimed per transaction.")
def worker(interval: float, batch_size: int) -> None:
    """Deliver due messages until stopped by SIGTERM or Ctrl-C (finishing the batch in hand)."""
    stop = threading.Event()

    def request_stop(signum: int, _frame: FrameType | None) -> None:
        stop.set()

    previous = {sig: signal.signal(sig, request_stop) for sig in (signal.SIGTERM, signal.SIGINT)}
    click.echo(f"Mail worker started (every {interval:g} s); stop with Ctrl-C or SIGTERM.")
    # The worker's own lines carry its id; each delivery's line the id of the request that queued the mail.
    try:
        with bound_request_id(f"mail-worker-{new_request_id()}") as worker_id:
            log.info("Mail worker %s started", worker_id)
            _work(stop, interval, batch_size)
            log.info("Mail worker %s stopped", worker_id)
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    click.echo("Mail worker stopped.")


def _work(stop: threading.Event, interval: float, batch_size: int) -> None:
    while not stop.is_set():
        report = DeliveryReport()
        try:
            report = deliver_due(batch_size)
        except Exception:
            current_app.logger.exception("Mail worker: delivery failed; trying again in %g s.", interval)
            db.session.rollback()
        finally:
            db.session.remove()
        if report.handled:
            click.echo(_summary(report))
        else:
            stop.wait(interval)
