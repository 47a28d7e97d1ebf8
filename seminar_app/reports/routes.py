"""The project dashboard: KPIs, charts and tables for the filtered events.

Managers of the project and administrators see every partner; organisers see their own
partners' events only (see `seminar_app.reports.scope`). Everyone else gets a 404.
"""

from __future__ import annotations

from flask import Response, abort, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from seminar_app.errors import ValidationFailed
from seminar_app.projects.models import Project
from seminar_app.projects.queries import project_by_slug
from seminar_app.reports import bp
from seminar_app.reports.charts import dashboard_charts, month_label
from seminar_app.reports.filters import ReportFilter, parse_filter
from seminar_app.reports.queries import (
    aggregates,
    campaign_conversion,
    events_for,
    feedback_summary,
    filter_choices,
    status_label,
)
from seminar_app.reports.scope import NoReportAccess, ReportScope, report_scope, reportable_projects
from seminar_app.reports.selection import selected_events
from seminar_app.reports.tallies import commit_up_to_date_tallies

ResponseValue = Response | str | tuple[str, int]


@bp.get("/dashboard")
@login_required
def index() -> ResponseValue:
    projects = reportable_projects(current_user)
    if len(projects) == 1:
        return redirect(url_for(".dashboard", slug=projects[0].slug))
    return render_template("reports/index.html", projects=projects)


def requested_report(slug: str) -> tuple[Project, ReportScope, ReportFilter | ValidationFailed]:
    """The project, the reader's scope and the filter the query string asks for (or why it
    cannot be used), for the dashboard and its downloads alike. Aborts with 404 for a
    reader who may not see the project's report or asks for a partner outside their scope."""
    project = project_by_slug(slug)
    if project is None:
        abort(404)
    try:
        scope = report_scope(current_user, project)
        report_filter = parse_filter(request.args, project)
        scope.check(report_filter)
    except NoReportAccess:
        abort(404)
    except ValidationFailed as exc:
        return project, scope, exc
    commit_up_to_date_tallies(selected_events(project, report_filter, scope))
    return project, scope, report_filter


@bp.get("/projects/<slug>/dashboard")
@login_required
def dashboard(slug: str) -> ResponseValue:
    project, scope, report_filter = requested_report(slug)
    if isinstance(report_filter, ValidationFailed):
        return _render(project, scope, ReportFilter(), errors=report_filter.errors), 400
    figures = aggregates(project, report_filter, scope)
    feedback = feedback_summary(project, report_filter, scope)
    return _render(
        project,
        scope,
        report_filter,
        figures=figures,
        feedback=feedback,
        rows=events_for(project, report_filter, scope, people=figures.per_event),
        charts=dashboard_charts(figures, feedback),
        campaigns=campaign_conversion(project, report_filter, scope),
    )


def _render(project: Project, scope: ReportScope, report_filter: ReportFilter, **figures: object) -> str:
    """The page; without figures (a filter that could not be used) only the form, with its errors."""
    return render_template(
        "reports/dashboard.html",
        project=project,
        scope=scope,
        choices=filter_choices(project, scope),
        report_filter=report_filter,
        errors=figures.pop("errors", {}),
        month_label=month_label,
        status_label=status_label,
        **figures,
    )
