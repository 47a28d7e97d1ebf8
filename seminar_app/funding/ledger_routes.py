"""The project's ledger page and its files (XLSX, PDF, the evidence pack).

Access follows the dashboard's (`reports.scope.report_scope`): administrators and the
project's managers see every line with the cap applied across the project; an organiser
sees the lines of their own partners' planned events, with the totals of those lines and no
cap (see `funding.ledger`); anyone else gets a 404. The ledger and its XLSX and PDF hold
counts only; the evidence pack holds the signed sheets, which name people, so it also needs
the right to see the personal data of every partner whose events it includes (403 if not),
and each download is logged for each of those partners."""

from __future__ import annotations

from io import BytesIO

from flask import Response, abort, render_template, send_file
from flask_babel import gettext as _
from flask_login import current_user, login_required

from seminar_app.accounts.permissions import may_see_personal_data
from seminar_app.db_types import utcnow
from seminar_app.funding import bp
from seminar_app.funding.ledger import Ledger
from seminar_app.funding.ledger_exports import write_ledger_pdf, write_ledger_xlsx
from seminar_app.funding.ledger_format import money, month_label
from seminar_app.funding.ledger_pack import build_pack, pack_events
from seminar_app.funding.ledger_queries import ledger_for
from seminar_app.privacy.services import log_personal_data_access
from seminar_app.projects.models import Partner, Project
from seminar_app.projects.queries import project_by_slug
from seminar_app.reports.exports import XLSX_MIMETYPE
from seminar_app.reports.scope import NoReportAccess, ReportScope, report_scope

ResponseValue = Response | str | tuple[str, int]
PACK_LOG_NAME = "ledger-evidence-pack"


def requested_ledger(slug: str) -> tuple[Project, ReportScope, Ledger]:
    project = project_by_slug(slug)
    if project is None:
        abort(404)
    try:
        scope = report_scope(current_user, project)
    except NoReportAccess:
        abort(404)
    return project, scope, ledger_for(project, scope)


def _download(data: bytes, mimetype: str, name: str) -> Response:
    response = send_file(BytesIO(data), mimetype=mimetype, as_attachment=True, download_name=name)
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _filename(project: Project, extension: str) -> str:
    return f"{project.slug}-ledger-{utcnow().date().isoformat()}.{extension}"


def _pack_partners(figures: Ledger) -> dict[int, Partner]:
    """The partners whose events' files the evidence pack would hold (each asked about once)."""
    return {event.partner_id: event.partner for _folder, event in pack_events(figures)}


@bp.get("/projects/<slug>/ledger")
@login_required
def ledger(slug: str) -> ResponseValue:
    project, scope, figures = requested_ledger(slug)
    partners = [p for p in project.partners if p.id in scope.partner_ids]
    may_pack = all(may_see_personal_data(current_user, p) for p in _pack_partners(figures).values())
    return render_template(
        "funding/ledger.html",
        project=project,
        scope=scope,
        ledger=figures,
        partners=partners,
        may_pack=may_pack,
        money=lambda value: money(value, figures.rules.currency),
        month_label=month_label,
    )


@bp.get("/projects/<slug>/ledger.xlsx")
@login_required
def ledger_xlsx(slug: str) -> Response:
    project, _scope, figures = requested_ledger(slug)
    buffer = BytesIO()
    write_ledger_xlsx(figures, buffer)
    return _download(buffer.getvalue(), XLSX_MIMETYPE, _filename(project, "xlsx"))


@bp.get("/projects/<slug>/ledger.pdf")
@login_required
def ledger_pdf(slug: str) -> Response:
    project, _scope, figures = requested_ledger(slug)
    buffer = BytesIO()
    write_ledger_pdf(project, figures, buffer, generated_on=utcnow().date())
    return _download(buffer.getvalue(), "application/pdf", _filename(project, "pdf"))


@bp.get("/projects/<slug>/ledger/evidence-pack.zip")
@login_required
def ledger_evidence_pack(slug: str) -> ResponseValue:
    project, _scope, figures = requested_ledger(slug)
    partners = _pack_partners(figures)
    refused = [p for p in partners.values() if not may_see_personal_data(current_user, p)]
    if refused:
        message = _(
            "The evidence pack holds signed attendance sheets, which name people. You may not see the personal "
            "data of: %(partners)s.",
            partners=", ".join(sorted(p.name for p in refused)),
        )
        return render_template("funding/ledger_pack_forbidden.html", project=project, message=message), 403
    pack = build_pack(project, figures, generated_on=utcnow().date())
    for partner_id, partner in partners.items():
        log_personal_data_access(current_user, partner, None, PACK_LOG_NAME, pack.files_by_partner.get(partner_id, 0))
    return _download(pack.content, "application/zip", _filename(project, "evidence-pack.zip"))
