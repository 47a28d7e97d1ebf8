"""`flask jobs run`: do what is due, deliver the mail it queued, exit (for cron or a timer)."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

import click
from flask.cli import AppGroup

from seminar_app.jobs.runs import record_completed_run
from seminar_app.jobs.services import run_due_jobs
from seminar_app.mail.sender import deliver_all_due
from seminar_app.ops.requestid import bound_request_id, new_request_id

log = logging.getLogger("seminar_app.jobs")

jobs_cli = AppGroup("jobs", help="Scheduled work: reminders, feedback requests, deletion of access needs, retention.")


def parse_moment(value: str | None) -> datetime | None:
    if value is None:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise click.BadParameter("write an ISO date and time, such as 2025-05-20T09:00:00+01:00.") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


@jobs_cli.command("run")
@click.option(
    "--now",
    "now_text",
    metavar="ISO-DATETIME",
    help="Act as if it were this moment (UTC unless it names an offset), to catch up or to test.",
)
def run(now_text: str | None) -> None:
    """Do every job that is due and not done yet, deliver the mail, then exit.

    Safe to run every minute, late, or twice at once: each job is done once per person.
    Its log lines and the mail it queues carry the run's id (as a request's carry the request id)."""
    moment = parse_moment(now_text)
    with bound_request_id(f"jobs-{new_request_id()}") as run_id:
        log.info("Job run %s started", run_id, extra={"run_id": run_id})
        report = run_due_jobs(moment)
        delivery = deliver_all_due()
        record_completed_run()
        log.info(
            "Job run %s completed",
            run_id,
            extra={
                "run_id": run_id,
                **vars(report),
                "mail_sent": delivery.sent,
                "mail_retried": delivery.retried,
                "mail_failed": delivery.failed,
            },
        )
    click.echo(
        f"Reminders: {report.reminders}, feedback requests: {report.feedback_requests}, "
        f"feedback reminders: {report.feedback_reminders}, "
        f"events whose access needs were deleted: {report.access_needs_purged}, "
        f"invitees forgotten after the retention period: {report.invitees_forgotten}, "
        f"campaign mails queued: {report.campaign_mails}, "
        f"delivered mails purged after the retention period: {report.mail_purged}, "
        f"events whose operational data was purged: {report.retention_operational}, "
        f"events whose evidence was purged: {report.retention_evidence}, "
        f"events whose report figures were counted again: {report.report_tallies}."
    )
    click.echo(f"Mail: sent {delivery.sent}, to retry later {delivery.retried}, failed for good {delivery.failed}.")
    if report.failures:
        raise click.ClickException(
            f"{report.failures} event(s) failed (see the log); their jobs will be tried again at the next run."
        )
