"""`flask` commands. Each command is a thin door to the same services the web uses."""

from __future__ import annotations

from typing import NoReturn

import click
from flask import Flask
from flask.cli import AppGroup, with_appcontext
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from seminar_app.accounts.models import User
from seminar_app.accounts.services import UserInput, create_user
from seminar_app.audit.cli import audit_cli
from seminar_app.campaigns.cli import campaigns_cli
from seminar_app.enums import Role
from seminar_app.errors import DomainError, ValidationFailed
from seminar_app.extensions import db
from seminar_app.jobs.cli import jobs_cli
from seminar_app.mail.cli import mail_cli
from seminar_app.ops.cli import check_config_command
from seminar_app.ops.integrity_cli import integrity_cli
from seminar_app.privacy.cli import retention_cli
from seminar_app.projects import queries
from seminar_app.projects.models import Partner, Project
from seminar_app.projects.services import PartnerInput, ProjectInput, ResultInput, add_result, create_partner
from seminar_app.projects.services import create_project as create_project_service
from seminar_app.reports.cli import report_cli

projects_cli = AppGroup("projects", help="Create and list projects.")
partners_cli = AppGroup("partners", help="Add and list partner organisations.")
results_cli = AppGroup("results", help="Add project results.")
users_cli = AppGroup("users", help="List user accounts.")


def init_app(app: Flask) -> None:
    """Register the command groups of every area."""
    for command in (
        create_user_command,
        demo_data_command,
        projects_cli,
        partners_cli,
        results_cli,
        users_cli,
        mail_cli,
        jobs_cli,
        report_cli,
        campaigns_cli,
        audit_cli,
        check_config_command,
        integrity_cli,
        retention_cli,
    ):
        app.cli.add_command(command)


def _fail(exc: DomainError, options: dict[str, str] | None = None) -> NoReturn:
    """Exit non-zero with the service's messages, naming the option at fault."""
    if isinstance(exc, ValidationFailed):
        names = options or {}
        lines = [
            f"{names.get(name, '--' + name.replace('_', '-'))}: {message}"
            for name, messages in exc.errors.items()
            for message in messages
        ]
    else:
        lines = [exc.message]
    raise click.ClickException("\n".join(lines))


def _project(slug: str) -> Project:
    project = queries.project_by_slug(slug)
    if project is None:
        raise click.ClickException(f"There is no project with the slug “{slug}”. See `flask projects list`.")
    return project


def _partner(reference: str, project_slugs: tuple[str, ...]) -> Partner:
    """A partner named by its short name, optionally written PROJECT_SLUG:SHORT_NAME."""
    slug, _sep, short_name = reference.rpartition(":")
    candidates = queries.partners_named(short_name, slug or None)
    if project_slugs and not slug:
        candidates = [p for p in candidates if p.project.slug in project_slugs]
    if not candidates:
        raise click.ClickException(f"There is no partner “{reference}”. See `flask partners list`.")
    if len(candidates) > 1:
        where = ", ".join(p.project.slug for p in candidates)
        raise click.ClickException(
            f"“{short_name}” is a partner of several projects ({where}): write PROJECT_SLUG:{short_name}."
        )
    return candidates[0]


@click.command("create-user")
@click.option("--email", required=True, help="Log-in e-mail (unique, case-insensitive).")
@click.option("--name", required=True, help="The person's name.")
@click.option("--role", required=True, type=click.Choice([r.value for r in Role]), help="What the account may do.")
@click.option("--partner", "partners", multiple=True, help="Organisers: a partner's short name (repeatable).")
@click.option("--project", "projects", multiple=True, help="Managers: a project slug they manage (repeatable).")
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True, help="At least 12 characters.")
@with_appcontext
def create_user_command(
    email: str, name: str, role: str, partners: tuple[str, ...], projects: tuple[str, ...], password: str
) -> None:
    """Create a user account (asks for the password when --password is not given)."""
    role_value = Role(role)
    partner_ids = [_partner(ref, projects).id for ref in partners] if role_value is Role.ORGANISER else []
    project_ids = [_project(slug).id for slug in projects] if role_value is Role.MANAGER else []
    data = UserInput(
        email=email, name=name, role=role_value, partner_ids=partner_ids, project_ids=project_ids, password=password
    )
    try:
        user = create_user(data)
    except DomainError as exc:
        _fail(exc, {"partner_ids": "--partner", "project_ids": "--project"})
    click.echo(f"Created {user.role.value} {user.email}.")


@click.command("demo-data")
@click.option(
    "--scale",
    type=click.Choice(["small", "large"]),
    default="small",
    show_default=True,
    help="large: also a project with 300 events and many registrations, for the reports.",
)
@click.option(
    "--registrations",
    type=click.IntRange(min=0),
    default=100_000,
    show_default=True,
    help="With --scale large: how many registrations.",
)
@with_appcontext
def demo_data_command(scale: str, registrations: int) -> None:
    """Load a demo consortium with events, agendas and log-ins (safe to run again)."""
    from seminar_app.demo import DEMO_PASSWORD, load_demo_data

    try:
        summary = load_demo_data()
    except DomainError as exc:
        _fail(exc)
    if scale == "large":
        from seminar_app.demo_large import load_large_demo

        click.echo(load_large_demo(registrations))
    if summary.created:
        click.echo("Created: " + ", ".join(f"{what}: {n}" for what, n in summary.created.items()) + ".")
    else:
        click.echo("The demo data was already complete; nothing was changed.")
    click.echo(f"Demo log-ins (password for all: {DEMO_PASSWORD}):")
    for email, role in summary.logins:
        click.echo(f"  {email:<32} {role.value}")


@projects_cli.command("create")
@click.option("--slug", required=True)
@click.option("--name", required=True)
@click.option("--acronym", required=True)
@click.option("--programme", default="", help="Funding programme, such as “Erasmus+ KA220-ADU”.")
@click.option("--grant", default="", help="Grant agreement number.")
@click.option("--language", default="en", show_default=True, help="Default language code.")
def create_project(slug: str, name: str, acronym: str, programme: str, grant: str, language: str) -> None:
    """Create a project."""
    data = ProjectInput(
        name=name,
        acronym=acronym,
        slug=slug,
        funding_programme=programme,
        grant_number=grant,
        default_language=language,
    )
    try:
        project = create_project_service(data)
    except DomainError as exc:
        _fail(exc, {"funding_programme": "--programme", "grant_number": "--grant", "default_language": "--language"})
    click.echo(f"Created project {project.acronym} ({project.slug}).")


@projects_cli.command("list")
def list_projects() -> None:
    """List projects with their numbers of partners and events."""
    rows = queries.projects_overview()
    if not rows:
        click.echo("No projects yet.")
    for row in rows:
        p = row.project
        click.echo(
            f"{p.slug:<20} {p.acronym:<12} {row.partner_count:>3} partners {row.event_count:>4} events  {p.name}"
        )


@partners_cli.command("add")
@click.option("--project", "project_slug", required=True, help="Slug of the project.")
@click.option("--short-name", required=True)
@click.option("--name", required=True)
@click.option("--country", required=True, help="ISO 3166 code, such as PT.")
@click.option("--city", default="")
@click.option("--timezone", required=True, help="IANA zone, such as Europe/Lisbon.")
@click.option("--language", default="en", show_default=True)
@click.option("--email", required=True, help="Contact e-mail.")
def add_partner(
    project_slug: str, short_name: str, name: str, country: str, city: str, timezone: str, language: str, email: str
) -> None:
    """Add a partner organisation to a project."""
    project = _project(project_slug)
    data = PartnerInput(
        name=name,
        short_name=short_name,
        country=country,
        timezone=timezone,
        contact_email=email,
        city=city,
        default_language=language,
    )
    try:
        partner = create_partner(project, data)
    except DomainError as exc:
        _fail(exc, {"contact_email": "--email", "default_language": "--language"})
    click.echo(f"Added partner {partner.short_name} to {project.slug}.")


@partners_cli.command("list")
@click.option("--project", "project_slug", default=None, help="Only this project's partners.")
def list_partners(project_slug: str | None) -> None:
    """List partner organisations."""
    partners = queries.partners_of(_project(project_slug) if project_slug else None)
    if not partners:
        click.echo("No partners yet.")
    for p in partners:
        click.echo(
            f"{p.project.slug:<20} {p.short_name:<12} {p.country}  {p.timezone:<20} {p.default_language:<3} {p.name}"
        )


@results_cli.command("add")
@click.option("--project", "project_slug", required=True, help="Slug of the project.")
@click.option("--code", required=True, help="Such as PR1; unique within the project.")
@click.option("--title", required=True)
@click.option("--wp", default="", help="Work package, such as WP2.")
def add_project_result(project_slug: str, code: str, title: str, wp: str) -> None:
    """Add a result to a project."""
    project = _project(project_slug)
    try:
        result = add_result(project, ResultInput(code=code, title=title, work_package=wp))
    except DomainError as exc:
        _fail(exc, {"work_package": "--wp"})
    click.echo(f"Added {result.code} – {result.title} to {project.slug}.")


@users_cli.command("list")
def list_users() -> None:
    """List user accounts with their role and what they act for."""
    users = db.session.scalars(
        select(User).options(selectinload(User.partners), selectinload(User.projects)).order_by(User.role, User.email)
    ).all()
    if not users:
        click.echo("No users yet.")
    for user in users:
        if user.role is Role.ORGANISER:
            scope = ", ".join(p.short_name for p in user.partners)
        elif user.role is Role.MANAGER:
            scope = ", ".join(p.slug for p in user.projects)
        else:
            scope = "everything"
        state = "" if user.active else "  (deactivated)"
        click.echo(f"{user.email:<36} {user.role.value:<10} {scope}{state}")
