"""The audit log's pages: everything for administrators, their own partners' or projects'
entries for organisers and managers, each with a CSV of the filtered entries."""

from __future__ import annotations

from flask import Response, abort, render_template, request
from flask_login import current_user, login_required

from seminar_app.accounts.permissions import admin_required
from seminar_app.audit import bp, exports, queries
from seminar_app.audit.wording import ACTION_LABELS, describe
from seminar_app.converters import query_int
from seminar_app.db_types import utcnow
from seminar_app.downloads import private_download
from seminar_app.extensions import db

ResponseValue = Response | str | tuple[str, int]


def _filters() -> queries.AuditFilters:
    """The query string's filters; 404 when one names something the reader may not see."""
    filters = queries.parse_filters(request.args)
    if not queries.check_visible(current_user, filters):
        abort(404)
    return filters


def _page(endpoint: str, csv_endpoint: str) -> ResponseValue:
    filters = _filters()
    page = None
    people: dict[int, str] = {}
    if not filters.errors:
        page = queries.entries_page(current_user, filters, query_int(request.args.get("page"), 1))
        people = queries.people_named(page.items)
    html = render_template(
        "audit/index.html",
        filters=filters,
        page=page,
        rows=[(entry, describe(entry, people)) for entry in page.items] if page else [],
        projects=list(db.session.scalars(queries.visible_projects(current_user))),
        partners=list(db.session.scalars(queries.visible_partners(current_user))),
        events=queries.partner_events(filters.partner_id) if filters.partner_id else [],
        actions=[(action, ACTION_LABELS[action]) for action in queries.visible_actions(current_user)],
        endpoint=endpoint,
        csv_endpoint=csv_endpoint,
        admin_page=endpoint.startswith("audit.admin"),
        page_has_errors=bool(filters.errors),
    )
    return (html, 400) if filters.errors else html


def _csv() -> ResponseValue:
    filters = _filters()
    if filters.errors:
        abort(400)
    entries = list(db.session.scalars(queries.entries_query(current_user, filters)).unique())
    content = exports.audit_csv(entries, queries.people_named(entries))
    return private_download(content, f"audit-log-{utcnow():%Y%m%d-%H%M}.csv", "text/csv")


@bp.route("/admin/audit")
@admin_required
def admin_index() -> ResponseValue:
    return _page("audit.admin_index", "audit.admin_csv")


@bp.route("/admin/audit.csv")
@admin_required
def admin_csv() -> ResponseValue:
    return _csv()


@bp.route("/manage/audit")
@login_required
def manage_index() -> ResponseValue:
    return _page("audit.manage_index", "audit.manage_csv")


@bp.route("/manage/audit.csv")
@login_required
def manage_csv() -> ResponseValue:
    return _csv()
