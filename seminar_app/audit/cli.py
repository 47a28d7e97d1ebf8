"""`flask audit list`: the audit log for operators, newest first (English, not translated)."""

from __future__ import annotations

from datetime import datetime

import click
from flask.cli import AppGroup
from sqlalchemy import select

from seminar_app.audit import queries
from seminar_app.audit.models import ACTIONS
from seminar_app.audit.wording import describe
from seminar_app.extensions import db
from seminar_app.projects.models import Project

audit_cli = AppGroup("audit", help="The audit log: who did what and when.")


@audit_cli.command("list")
@click.option("--project", "project_slug", help="Only this project's entries (its slug).")
@click.option("--since", type=click.DateTime(formats=["%Y-%m-%d"]), help="From this UTC day on (YYYY-MM-DD).")
@click.option("--until", type=click.DateTime(formats=["%Y-%m-%d"]), help="Up to this UTC day, included.")
@click.option("--action", help="Only this action, such as event.published.")
@click.option("--limit", type=click.IntRange(1, 100_000), default=200, show_default=True)
def list_entries(
    project_slug: str | None, since: datetime | None, until: datetime | None, action: str | None, limit: int
) -> None:
    """Print entries, newest first: time (UTC), action, actor's e-mail, project/partner, what happened."""
    filters = queries.AuditFilters(
        since=since.date() if since else None, until=until.date() if until else None, action=action or ""
    )
    if action and action not in ACTIONS:
        raise click.BadParameter(f"unknown action; one of: {', '.join(ACTIONS)}", param_hint="--action")
    if filters.since and filters.until and filters.until < filters.since:
        raise click.BadParameter("the end of the period is before its start", param_hint="--until")
    if project_slug:
        project_id = db.session.scalar(select(Project.id).where(Project.slug == project_slug))
        if project_id is None:
            raise click.BadParameter(f"no project has the slug {project_slug!r}", param_hint="--project")
        filters.project_id = project_id
    entries = list(db.session.scalars(queries.entries_query(None, filters).limit(limit)).unique())
    people = queries.people_named(entries)
    for entry in entries:
        where = "/".join(
            name
            for name in (
                entry.project.acronym if entry.project else "",
                entry.partner.short_name if entry.partner else "",
            )
            if name
        )
        click.echo(
            f"{entry.at:%Y-%m-%d %H:%M:%S}Z  {entry.action:<24} {entry.actor_email or '-':<32} "
            f"{where or '-':<16} {describe(entry, people)}"
        )
    shown = f"{len(entries)} entr{'y' if len(entries) == 1 else 'ies'}"
    click.echo(shown + (f" (the newest {limit}; use --limit for more)" if len(entries) == limit else ""))
