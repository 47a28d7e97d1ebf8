"""Administration of projects, their privacy notices, results and partners (admins only)."""

from __future__ import annotations

from dataclasses import asdict

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from seminar_app.accounts.permissions import admin_required
from seminar_app.errors import DomainError
from seminar_app.extensions import db
from seminar_app.forms import show_domain_error
from seminar_app.geo import language_name
from seminar_app.privacy.retention_schedule import retention_schedule
from seminar_app.projects import bp, queries, services
from seminar_app.projects.forms import (
    ConfirmForm,
    PartnerForm,
    PrivacyNoticeForm,
    PrivacyNoticeTextForm,
    ProjectForm,
    ResultForm,
)
from seminar_app.projects.models import Partner, PrivacyNotice, Project, ProjectResult

ResponseValue = Response | str | tuple[str, int]

# The public privacy pages and the registration form show a notice through this.
bp.add_app_template_global(queries.shown_privacy_notice, "shown_privacy_notice")


def _project_or_404(project_id: int) -> Project:
    return db.session.get(Project, project_id) or abort(404)


def _result_or_404(project: Project, result_id: int) -> ProjectResult:
    result = db.session.get(ProjectResult, result_id)
    if result is None or result.project_id != project.id:
        abort(404)
    return result


def _status(form: object) -> int:
    return 422 if getattr(form, "errors", None) else 200


@bp.route("/")
@admin_required
def admin_index() -> ResponseValue:
    return render_template("projects/admin_index.html", rows=queries.projects_overview())


@bp.route("/projects/new", methods=["GET", "POST"])
@admin_required
def new_project() -> ResponseValue:
    form = ProjectForm(data={"default_language": "en"})
    if form.validate_on_submit():
        try:
            project = services.create_project(form.to_input(), actor=current_user)
        except DomainError as exc:
            show_domain_error(form, exc)
        else:
            flash(
                _(
                    "Project %(acronym)s created. Add its privacy notice, results and partners.",
                    acronym=project.acronym,
                ),
                "success",
            )
            return redirect(url_for("projects.project_detail", project_id=project.id))
    return render_template("projects/project_form.html", form=form, project=None), _status(form)


@bp.route("/projects/<int:project_id>")
@admin_required
def project_detail(project_id: int) -> ResponseValue:
    project = _project_or_404(project_id)
    [schedule] = retention_schedule([project])
    return render_template(
        "projects/project_detail.html",
        project=project,
        event_counts=queries.event_counts_by_partner(project),
        schedule=schedule,
    )


@bp.route("/projects/<int:project_id>/edit", methods=["GET", "POST"])
@admin_required
def edit_project(project_id: int) -> ResponseValue:
    project = _project_or_404(project_id)
    form = ProjectForm(data=asdict(services.ProjectInput.from_project(project)))
    if form.validate_on_submit():
        try:
            services.update_project(project, form.to_input(), actor=current_user)
        except DomainError as exc:
            show_domain_error(form, exc)
        else:
            flash(_("Your changes are saved."), "success")
            return redirect(url_for("projects.project_detail", project_id=project.id))
    return render_template("projects/project_form.html", form=form, project=project), _status(form)


@bp.route("/projects/<int:project_id>/privacy", methods=["GET", "POST"])
@admin_required
def privacy_notice(project_id: int) -> ResponseValue:
    project = _project_or_404(project_id)
    current = project.current_privacy_notice
    form = PrivacyNoticeForm(data={"text": current.text if current else ""})
    if form.validate_on_submit():
        try:
            notice = services.publish_privacy_notice(project, form.text.data or "", actor=current_user)
        except DomainError as exc:
            show_domain_error(form, exc)
        else:
            flash(_("Version %(version)d of the privacy notice is now shown.", version=notice.version), "success")
            return redirect(url_for("projects.privacy_notice", project_id=project.id))
    return _privacy_page(project, form, _status(form))


def _privacy_page(
    project: Project, form: PrivacyNoticeForm, code: int, text_form: PrivacyNoticeTextForm | None = None
) -> ResponseValue:
    current = project.current_privacy_notice
    if text_form is None:
        text_form = PrivacyNoticeTextForm(formdata=None, prefix="translation")
    text_form.setup(current.languages if current else [])
    return render_template("projects/privacy_notice.html", project=project, form=form, text_form=text_form), code


@bp.route("/projects/<int:project_id>/privacy/<int:version>/texts", methods=["POST"])
@admin_required
def add_privacy_notice_text(project_id: int, version: int) -> ResponseValue:
    project = _project_or_404(project_id)
    notice: PrivacyNotice | None = next((n for n in project.privacy_notices if n.version == version), None)
    if notice is None:
        abort(404)
    text_form = PrivacyNoticeTextForm(prefix="translation")
    if text_form.validate_on_submit():
        try:
            added = services.add_privacy_notice_text(
                notice, text_form.language.data or "", text_form.text.data or "", actor=current_user
            )
        except DomainError as exc:
            show_domain_error(text_form, exc)
        else:
            flash(
                _(
                    "Version %(version)d of the privacy notice is now shown in %(language)s too.",
                    version=notice.version,
                    language=language_name(added.language),
                ),
                "success",
            )
            return redirect(url_for("projects.privacy_notice", project_id=project.id))
    else:
        text_form.form_errors.append(_("Nothing was changed: the form had expired. Please try again."))
    form = PrivacyNoticeForm(formdata=None, data={"text": project.current_privacy_notice.text})  # type: ignore[union-attr]
    return _privacy_page(project, form, 422, text_form)


@bp.route("/projects/<int:project_id>/results", methods=["GET", "POST"])
@admin_required
def results(project_id: int) -> ResponseValue:
    project = _project_or_404(project_id)
    form = ResultForm()
    if form.validate_on_submit():
        try:
            result = services.add_result(project, form.to_input(), actor=current_user)
        except DomainError as exc:
            show_domain_error(form, exc)
        else:
            flash(_("Result %(code)s added.", code=result.code), "success")
            return redirect(url_for("projects.results", project_id=project.id))
    return render_template(
        "projects/results.html",
        project=project,
        form=form,
        presented=queries.event_counts_by_result(project),
    ), _status(form)


@bp.route("/projects/<int:project_id>/results/<int:result_id>/edit", methods=["GET", "POST"])
@admin_required
def edit_result(project_id: int, result_id: int) -> ResponseValue:
    project = _project_or_404(project_id)
    result = _result_or_404(project, result_id)
    form = ResultForm(obj=result)
    if form.validate_on_submit():
        try:
            services.update_result(result, form.to_input(), actor=current_user)
        except DomainError as exc:
            show_domain_error(form, exc)
        else:
            flash(_("Result %(code)s saved.", code=result.code), "success")
            return redirect(url_for("projects.results", project_id=project.id))
    return render_template("projects/result_form.html", project=project, result=result, form=form), _status(form)


@bp.route("/projects/<int:project_id>/results/<int:result_id>/delete", methods=["POST"])
@admin_required
def delete_result(project_id: int, result_id: int) -> ResponseValue:
    project = _project_or_404(project_id)
    result = _result_or_404(project, result_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    code = result.code
    try:
        services.remove_result(result, actor=current_user)
    except DomainError as exc:
        flash(exc.message, "error")
    else:
        flash(_("Result %(code)s deleted.", code=code), "success")
    return redirect(url_for("projects.results", project_id=project.id))


@bp.route("/projects/<int:project_id>/partners/new", methods=["GET", "POST"])
@admin_required
def new_partner(project_id: int) -> ResponseValue:
    project = _project_or_404(project_id)
    form = PartnerForm(data={"default_language": project.default_language})
    if form.validate_on_submit():
        try:
            partner = services.create_partner(project, form.to_input(), actor=current_user)
        except DomainError as exc:
            show_domain_error(form, exc)
        else:
            flash(_("Partner %(name)s added.", name=partner.short_name), "success")
            return redirect(url_for("projects.project_detail", project_id=project.id))
    return render_template("projects/partner_form.html", project=project, partner=None, form=form), _status(form)


@bp.route("/partners/<int:partner_id>/edit", methods=["GET", "POST"])
@admin_required
def edit_partner(partner_id: int) -> ResponseValue:
    partner = db.session.get(Partner, partner_id) or abort(404)
    form = PartnerForm(data=asdict(services.PartnerInput.from_partner(partner)))
    if form.validate_on_submit():
        try:
            services.update_partner(partner, form.to_input(), actor=current_user)
        except DomainError as exc:
            show_domain_error(form, exc)
        else:
            flash(_("Your changes are saved."), "success")
            return redirect(url_for("projects.project_detail", project_id=partner.project_id))
    return render_template("projects/partner_form.html", project=partner.project, partner=partner, form=form), _status(
        form
    )
