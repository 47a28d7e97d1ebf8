"""A project's retention settings and schedule, for its managers and administrators.

Organisers get a 403 (they never set retention); a manager of another project, or an
unknown project, a 404."""

from __future__ import annotations

from flask import Response, abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from seminar_app.accounts.permissions import can_manage_project, role_required
from seminar_app.enums import Role
from seminar_app.errors import DomainError
from seminar_app.extensions import db
from seminar_app.forms import show_domain_error
from seminar_app.privacy import bp
from seminar_app.privacy.forms import RetentionForm
from seminar_app.privacy.retention_schedule import retention_changes, retention_schedule
from seminar_app.privacy.retention_settings import RetentionInput, change_retention, may_change_retention
from seminar_app.projects.models import Project

ResponseValue = Response | str | tuple[str, int]

bp.add_app_template_global(may_change_retention, "may_change_retention")


@bp.route("/projects/<int:project_id>/retention", methods=["GET", "POST"])
@role_required(Role.ADMIN, Role.MANAGER)
def retention_settings(project_id: int) -> ResponseValue:
    project = db.session.get(Project, project_id)
    if project is None or not can_manage_project(current_user, project):
        abort(404)
    form = RetentionForm(obj=RetentionInput.from_project(project))
    if form.validate_on_submit():
        try:
            changes = change_retention(project, form.to_input(), actor=current_user)
        except DomainError as exc:
            db.session.rollback()
            show_domain_error(form, exc)
        else:
            flash(_("Your changes are saved.") if changes else _("Nothing was changed."), "success")
            return redirect(url_for("privacy.retention_settings", project_id=project.id))
    [schedule] = retention_schedule([project])
    return render_template(
        "privacy/retention.html",
        project=project,
        form=form,
        schedule=schedule,
        changes=retention_changes(project),
        default_days=current_app.config["OPERATIONAL_RETENTION_DAYS"],
    ), (422 if form.errors else 200)
