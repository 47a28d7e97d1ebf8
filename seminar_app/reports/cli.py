"""`flask report export`: the dashboard's files from the command line, for scheduled
reporting. The same filter, tables and writers as the dashboard's downloads; the scope is
the whole project, as for an administrator. `--table ledger` writes the funder's ledger
(seminar_app.funding) as XLSX, CSV or PDF instead, for the whole project with its cap.

Wrong input (an unknown project or partner, a bad date or country, an unknown format or
table) stops the command with exit code 2 and a message naming the option at fault.
"""

from __future__ import annotations

import sys
from contextlib import nullcontext
from typing import IO

import click
from flask.cli import AppGroup

from seminar_app.db_types import utcnow
from seminar_app.enums import EventKind
from seminar_app.errors import ValidationFailed
from seminar_app.projects.models import Project
from seminar_app.projects.queries import project_by_slug
from seminar_app.reports.exports import csv_zip, write_csv, write_xlsx
from seminar_app.reports.filters import COUNTRY, DATE_FROM, DATE_TO, KIND, PARTNER, RESULT, parse_filter
from seminar_app.reports.pdf_report import write_pdf
from seminar_app.reports.scope import ReportScope
from seminar_app.reports.selection import selected_events
from seminar_app.reports.tables import TABLE_NAMES, Report, report_tables
from seminar_app.reports.tallies import commit_up_to_date_tallies

LEDGER = "ledger"

report_cli = AppGroup("report", help="Export the dissemination report.")

_OPTION_OF = {
    DATE_FROM: "--from",
    DATE_TO: "--to",
    PARTNER: "--partner",
    COUNTRY: "--country",
    RESULT: "--result",
    KIND: "--kind",
}


def _partner_id(project: Project, reference: str) -> str:
    """A partner of `project` named by its short name (any case) or its id."""
    wanted = reference.strip()
    for partner in project.partners:
        if partner.short_name.casefold() == wanted.casefold() or str(partner.id) == wanted:
            return str(partner.id)
    names = ", ".join(p.short_name for p in project.partners) or "none"
    raise click.BadParameter(
        f"“{reference}” is not a partner of {project.slug} (its partners: {names}).", param_hint="--partner"
    )


def _result_id(project: Project, code: str) -> str:
    for result in project.results:
        if result.code.casefold() == code.strip().casefold() or str(result.id) == code.strip():
            return str(result.id)
    codes = ", ".join(r.code for r in project.results) or "none"
    raise click.BadParameter(
        f"“{code}” is not a result of {project.slug} (its results: {codes}).", param_hint="--result"
    )


def _output(path: str) -> nullcontext[IO[bytes]] | IO[bytes]:
    return nullcontext(sys.stdout.buffer) if path == "-" else open(path, "wb")


@report_cli.command("export")
@click.option("--project", "project_slug", required=True, help="Slug of the project.")
@click.option("--partner", "partners", multiple=True, help="A partner's short name or id (repeatable; default: all).")
@click.option("--from", "date_from", default=None, metavar="YYYY-MM-DD", help="Events starting on or after this day.")
@click.option("--to", "date_to", default=None, metavar="YYYY-MM-DD", help="Events starting on or before this day.")
@click.option("--country", "countries", multiple=True, metavar="CC", help="Country of the event (repeatable).")
@click.option("--result", "results", multiple=True, help="A result presented, by code such as PR1 (repeatable).")
@click.option("--kind", "kinds", multiple=True, type=click.Choice([k.value for k in EventKind]), help="Type of event.")
@click.option("--format", "file_format", required=True, type=click.Choice(["xlsx", "csv", "pdf"]))
@click.option(
    "--table",
    type=click.Choice([*TABLE_NAMES, LEDGER]),
    help="With --format csv: only this table, as one CSV. `ledger` (the funder's ledger) goes with every format.",
)
@click.option("-o", "--output", required=True, metavar="FILE", help="Where to write the file (- for standard output).")
def export_command(
    project_slug: str,
    partners: tuple[str, ...],
    date_from: str | None,
    date_to: str | None,
    countries: tuple[str, ...],
    results: tuple[str, ...],
    kinds: tuple[str, ...],
    file_format: str,
    table: str | None,
    output: str,
) -> None:
    """Write the report of a project as XLSX (one sheet per table), CSV (a zip with one CSV
    per table, or one table with --table) or PDF (the summary with charts)."""
    project: Project | None = project_by_slug(project_slug)
    if project is None:
        raise click.BadParameter(
            f"There is no project with the slug “{project_slug}”. See `flask projects list`.", param_hint="--project"
        )
    if table == LEDGER:
        _export_ledger(
            project,
            file_format,
            output,
            filtered=bool(partners or date_from or date_to or countries or results or kinds),
        )
        return
    if table and file_format != "csv":
        raise click.BadParameter(
            "--table goes with --format csv only. --table ledger goes with every format.", param_hint="--table"
        )
    args = {
        DATE_FROM: [date_from] if date_from else [],
        DATE_TO: [date_to] if date_to else [],
        PARTNER: [_partner_id(project, p) for p in partners],
        COUNTRY: list(countries),
        RESULT: [_result_id(project, r) for r in results],
        KIND: list(kinds),
    }
    try:
        report_filter = parse_filter(args, project)
    except ValidationFailed as exc:
        lines = [f"{_OPTION_OF.get(k, k)}: {m}" for k, messages in exc.errors.items() for m in messages]
        raise click.UsageError("\n".join(lines)) from None
    report = Report(project, report_filter, ReportScope.of_project(project))
    commit_up_to_date_tallies(selected_events(project, report_filter, report.scope))
    with _output(output) as fileobj:
        if file_format == "xlsx":
            write_xlsx(report_tables(report), fileobj)
        elif file_format == "pdf":
            write_pdf(report, fileobj, generated_on=utcnow().date())
        elif table:
            write_csv(next(t for t in report_tables(report) if t.name == table), fileobj)
        else:
            csv_zip(report_tables(report), fileobj)
    if output != "-":
        click.echo(f"Wrote {output} ({_describe(report, file_format, table)}).", err=True)


def _export_ledger(project: Project, file_format: str, output: str, *, filtered: bool) -> None:
    """The funder's ledger of the whole project, with the cap (funding.ledger_exports)."""
    from seminar_app.funding.ledger_exports import write_ledger_csv, write_ledger_pdf, write_ledger_xlsx
    from seminar_app.funding.ledger_queries import ledger_for

    if filtered:
        raise click.BadParameter("--table ledger covers the whole project: it takes no filter.", param_hint="--table")
    ledger = ledger_for(project, ReportScope.of_project(project))
    with _output(output) as fileobj:
        if file_format == "xlsx":
            write_ledger_xlsx(ledger, fileobj)
        elif file_format == "pdf":
            write_ledger_pdf(project, ledger, fileobj, generated_on=utcnow().date())
        else:
            write_ledger_csv(ledger, fileobj)
    if output != "-":
        lines = len(ledger.lines)
        click.echo(
            f"Wrote {output} ({project.slug}, ledger of {lines} planned event{'s' if lines != 1 else ''}).", err=True
        )


def _describe(report: Report, file_format: str, table: str | None) -> str:
    events = len(report.events)
    what = f"table {table}" if table else "every table" if file_format != "pdf" else "summary"
    return f"{report.project.slug}, {events} event{'s' if events != 1 else ''}, {what}"
