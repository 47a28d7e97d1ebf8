"""Importing the plan from a CSV or XLSX file: upload, preview (nothing saved), confirm.
The rows read travel signed in the preview's form: no state is kept on the server."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required

from seminar_app.errors import DomainError
from seminar_app.extensions import db
from seminar_app.forms import show_domain_error
from seminar_app.funding import bp
from seminar_app.funding.plan_forms import PlanConfirmForm, PlanImportForm
from seminar_app.funding.plan_import import COLUMNS, MAX_PLAN_BYTES, read_plan_table
from seminar_app.funding.plan_import_services import (
    NEW,
    REFUSED,
    UNCHANGED,
    UPDATE,
    PlanPreview,
    apply_plan_import,
    preview_plan_import,
    read_signed_plan,
    sign_plan,
)
from seminar_app.funding.plan_services import plan_month_range
from seminar_app.funding.settings_routes import ResponseValue, managed_project_or_404
from seminar_app.projects.models import Project

_BASE = "/projects/<int:project_id>/funding/plan/import"


def _allow_big_forms() -> None:
    # The signed rows travel in a hidden field: allow them, and cut off far bigger posts.
    request.max_content_length = 4 * MAX_PLAN_BYTES
    request.max_form_memory_size = 4 * MAX_PLAN_BYTES


def _upload_page(project: Project, form: PlanImportForm, status: int = 200) -> ResponseValue:
    first, last = plan_month_range(project)
    return render_template(
        "funding/plan_import.html", project=project, form=form, columns=list(COLUMNS), first=first, last=last
    ), status


def _preview_page(project: Project, preview: PlanPreview, payload: str) -> ResponseValue:
    form = PlanConfirmForm()
    form.payload.data = payload
    return render_template(
        "funding/plan_import_preview.html",
        project=project,
        preview=preview,
        form=form,
        statuses={"new": NEW, "update": UPDATE, "unchanged": UNCHANGED, "refused": REFUSED},
    )


@bp.route(_BASE, methods=["GET", "POST"])
@login_required
def plan_import(project_id: int) -> ResponseValue:
    project = managed_project_or_404(project_id)
    _allow_big_forms()
    form = PlanImportForm()
    if not form.validate_on_submit():
        return _upload_page(project, form, 422 if form.errors else 200)
    try:
        table = read_plan_table(form.file.data.read(MAX_PLAN_BYTES + 1))
    except DomainError as exc:
        show_domain_error(form, exc)
        return _upload_page(project, form, 422)
    return _preview_page(project, preview_plan_import(project, table), sign_plan(project, table))


@bp.post(f"{_BASE}/confirm")
@login_required
def plan_import_confirm(project_id: int) -> ResponseValue:
    project = managed_project_or_404(project_id)
    _allow_big_forms()
    form = PlanConfirmForm()
    try:
        if not form.validate_on_submit():
            raise DomainError(_("The form has expired. Upload the file again."))
        table = read_signed_plan(project, form.payload.data)
    except DomainError as exc:
        flash(exc.message, "error")
        return redirect(url_for("funding.plan_import", project_id=project.id))
    try:
        done = apply_plan_import(project, table, actor=current_user)
    except DomainError as exc:
        db.session.rollback()
        flash(exc.message, "error")
        return _preview_page(project, preview_plan_import(project, table), form.payload.data)
    flash(
        _(
            "The plan is imported: %(new)s, %(updated)s.",
            new=ngettext("%(num)d new planned event", "%(num)d new planned events", done.count(NEW)),
            updated=ngettext("%(num)d updated", "%(num)d updated", done.count(UPDATE)),
        ),
        "success",
    )
    if done.count(REFUSED):
        flash(
            ngettext(
                "%(num)d row was refused and changed nothing.",
                "%(num)d rows were refused and changed nothing.",
                done.count(REFUSED),
            ),
            "warning",
        )
    return redirect(url_for("funding.plan", project_id=project.id))
