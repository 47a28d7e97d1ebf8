"""`flask retention report` (what will be purged when) and `flask retention run` (purge
what is due now; `flask jobs run` does it too). Operator output, in English."""

from __future__ import annotations

from datetime import datetime

import click
from flask.cli import AppGroup

from seminar_app.db_types import utcnow
from seminar_app.jobs.cli import parse_moment
from seminar_app.privacy.retention import run_retention
from seminar_app.privacy.retention_schedule import EventRetention, ProjectRetention, all_projects, retention_schedule

retention_cli = AppGroup("retention", help="Retention of personal data in two tiers: report and purge.")

NOW_HELP = "Act as if it were this moment (UTC unless it names an offset), to look ahead or to catch up."


def _day(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d")


def _event_line(event: EventRetention) -> str:
    if event.evidence_done_at:
        tier1 = f"evidence purged on {_day(event.evidence_done_at)}"
    elif event.operational_done_at:
        tier1 = f"operational data purged on {_day(event.operational_done_at)}"
    elif event.operational_on is None:
        tier1 = f"operational data kept while the event is {event.status.value}"
    else:
        tier1 = f"operational data purged on {_day(event.operational_on)}"
    tiers = (("operational", event.operational_due), ("evidence", event.evidence_due))
    due = [tier for tier, is_due in tiers if is_due]
    suffix = f"  [DUE NOW: {', '.join(due)}]" if due else ""
    return f"  - {event.slug} (ended {_day(event.ends_at)}): {tier1}{suffix}"


def _project_lines(project: ProjectRetention) -> list[str]:
    default = " (installation default)" if project.days_are_default else ""
    lines = [f"{project.acronym} ({project.slug})"]
    if project.legal_hold:
        since = _day(project.legal_hold_since) if project.legal_hold_since else "?"
        by = f" by {project.legal_hold_by}" if project.legal_hold_by else ""
        lines.append(f"  ON LEGAL HOLD since {since}{by} ({project.legal_hold_reason}): nothing is purged.")
    lines.append(f"  Operational data: {project.operational_days} days after each event{default}.")
    if project.evidence_done_at:
        lines.append(f"  Evidence: purged on {_day(project.evidence_done_at)}.")
    elif project.evidence_kept_until is None:
        lines.append("  Evidence: no evidence date set; kept until one is set.")
    else:
        due = "  [DUE NOW]" if project.evidence_project_due else ""
        lines.append(f"  Evidence: kept until {project.evidence_kept_until.isoformat()}, purged then.{due}")
    lines.extend(_event_line(e) for e in project.events)
    if not project.events:
        lines.append("  (no events)")
    return lines


@retention_cli.command("report")
@click.option("--project", "slug", metavar="SLUG", help="Only this project.")
@click.option("--now", "now_text", metavar="ISO-DATETIME", help=NOW_HELP)
def report(slug: str | None, now_text: str | None) -> None:
    """Say, per project and event, what will be purged when and what is due now."""
    projects = all_projects(slug)
    if slug is not None and not projects:
        raise click.ClickException(f"There is no project with the slug “{slug}”. See `flask projects list`.")
    now = parse_moment(now_text) or utcnow()
    schedule = retention_schedule(projects, now)
    click.echo(f"Retention at {now.isoformat(timespec='minutes')}:")
    for project in schedule:
        click.echo("\n".join(_project_lines(project)))
    due = sum(p.due_now for p in schedule)
    click.echo(f"Projects with something due now: {due}. `flask retention run` (or `flask jobs run`) purges it.")


@retention_cli.command("run")
@click.option("--now", "now_text", metavar="ISO-DATETIME", help=NOW_HELP)
def run(now_text: str | None) -> None:
    """Purge what is due and not purged yet, then exit. Running it again purges nothing more."""
    result = run_retention(parse_moment(now_text))
    click.echo(
        f"Events whose operational data was purged: {result.operational_events}, "
        f"events whose evidence was purged: {result.evidence_events}, "
        f"projects whose audit entries were purged: {result.evidence_projects}, "
        f"people anonymised: {result.people_anonymised}."
    )
    if result.failures:
        raise click.ClickException(f"{result.failures} purge(s) failed (see the log); they will be tried again.")
