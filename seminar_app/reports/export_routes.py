"""Downloads of the dashboard's filtered view: the workbook, the CSVs (one table, or all in a
zip) and the PDF summary.

They take the dashboard's query string and follow its rules: 404 for anyone who may not
see the project's report and for a partner outside the reader's scope, 400 with the
messages for a filter that cannot be used. The files hold no personal data, but an
organiser's figures are still theirs: no shared cache keeps them.
"""

from __future__ import annotations

from collections.abc import Callable
from tempfile import SpooledTemporaryFile
from typing import IO

from flask import Response, abort, send_file, stream_with_context
from flask_login import login_required

from seminar_app.db_types import utcnow
from seminar_app.errors import ValidationFailed
from seminar_app.reports import bp
from seminar_app.reports.exports import CSV_MIMETYPE, XLSX_MIMETYPE, csv_chunks, csv_zip, export_filename, write_xlsx
from seminar_app.reports.pdf_report import write_pdf
from seminar_app.reports.routes import requested_report
from seminar_app.reports.tables import TABLE_TITLES, Report, report_table, report_tables

# Files up to this size stay in memory; larger ones go to a temporary file.
SPOOL_BYTES = 4 * 1024 * 1024
_EXPORT = "/projects/<slug>/dashboard/export"


def _report(slug: str) -> Report:
    """The report the query string asks for, or the dashboard's 404 and 400 answers."""
    project, scope, report_filter = requested_report(slug)
    if isinstance(report_filter, ValidationFailed):
        exc = report_filter
        lines = [exc.message, *(message for messages in exc.errors.values() for message in messages)]
        abort(Response("\n".join(lines) + "\n", 400, mimetype="text/plain"))
    return Report(project, report_filter, scope)


def _filename(report: Report, extension: str, table: str = "") -> str:
    return export_filename(
        report.project.slug,
        utcnow().date(),
        extension,
        table,
        date_from=report.filter.date_from,
        date_to=report.filter.date_to,
    )


def _spooled(report: Report, extension: str, mimetype: str, write: Callable[[IO[bytes]], None]) -> Response:
    """Send what `write(fileobj)` writes, from memory or a temporary file, in chunks."""
    spool = SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115 (the response closes it once sent)
    try:
        write(spool)
    except BaseException:
        spool.close()
        raise
    spool.seek(0)
    response = send_file(spool, mimetype=mimetype, as_attachment=True, download_name=_filename(report, extension))
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.get(f"{_EXPORT}.xlsx")
@login_required
def export_xlsx(slug: str) -> Response:
    report = _report(slug)
    return _spooled(report, "xlsx", XLSX_MIMETYPE, lambda f: write_xlsx(report_tables(report), f))


@bp.get(f"{_EXPORT}.csv.zip")
@login_required
def export_csv_zip(slug: str) -> Response:
    report = _report(slug)
    return _spooled(report, "csv.zip", "application/zip", lambda f: csv_zip(report_tables(report), f))


@bp.get(f"{_EXPORT}.pdf")
@login_required
def export_pdf(slug: str) -> Response:
    report = _report(slug)
    return _spooled(report, "pdf", "application/pdf", lambda f: write_pdf(report, f, generated_on=utcnow().date()))


@bp.get(f"{_EXPORT}/<table>.csv")
@login_required
def export_csv(slug: str, table: str) -> Response:
    report = _report(slug)
    found = report_table(report, table)
    if found is None:
        abort(404)

    response = Response(stream_with_context(csv_chunks(found)), mimetype=CSV_MIMETYPE)
    response.headers["Content-Disposition"] = f'attachment; filename="{_filename(report, "csv", table)}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.app_template_global("report_table_titles")
def report_table_titles() -> list[tuple[str, str]]:
    """Name and title of every table, for the dashboard's download block."""
    return [(name, str(title)) for name, title in TABLE_TITLES.items()]
