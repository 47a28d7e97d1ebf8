"""The plan of multiplier events: list, add, edit, delete, and linking delivered events.
For the project's managers and administrators; anyone else gets a 404."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required

from seminar_app.enums import EventFormat
from seminar_app.errors import DomainError
from seminar_app.events.models import Event
from seminar_app.extensions import db
from seminar_app.forms import show_domain_error
from seminar_app.funding import bp
from seminar_app.funding.models import PlannedEvent
from seminar_app.funding.plan_forms import ConfirmForm, LinkForm, PlanForm
from seminar_app.funding.plan_queries import link_choices, linkable_events, plan_changes, plan_lines, project_partners
from seminar_app.funding.plan_services import (
    PlanInput,
    create_planned,
    delete_planned,
    link_event,
    plan_month_range,
    unlink_event,
    update_planned,
)
from seminar_app.funding.settings_routes import ResponseValue, managed_project_or_404
from seminar_app.projects.models import Project

_BASE = "/projects/<int:project_id>/funding/plan"


def _planned_or_404(project: Project, planned_id: int) -> PlannedEvent:
    planned = db.session.get(PlannedEvent, planned_id)
    if planned is None or planned.project_id != project.id:
        abort(404)
    return planned


def _to_plan(project: Project, planned: PlannedEvent | None = None) -> ResponseValue:
    anchor = f"planned-{planned.id}" if planned is not None else None
    return redirect(url_for("funding.plan", project_id=project.id, _anchor=anchor))


@bp.get(_BASE)
@login_required
def plan(project_id: int) -> ResponseValue:
    project = managed_project_or_404(project_id)
    lines = plan_lines(project)
    events = linkable_events(project)
    return render_template(
        "funding/plan.html",
        project=project,
        lines=lines,
        choices={line.planned.id: link_choices(line, events) for line in lines},
        changes=plan_changes(project),
        format_labels={f.value: f.label for f in EventFormat},
        field_labels={f.name: f.label.text for f in PlanForm(formdata=None) if f.name != "csrf_token"},
    )


def _form_page(project: Project, form: PlanForm, planned: PlannedEvent | None) -> ResponseValue:
    first, last = plan_month_range(project)
    return render_template(
        "funding/plan_form.html", project=project, form=form, planned=planned, first=first, last=last
    ), (422 if form.errors else 200)


@bp.route(f"{_BASE}/new", methods=["GET", "POST"])
@login_required
def plan_new(project_id: int) -> ResponseValue:
    project = managed_project_or_404(project_id)
    form = PlanForm().setup(project_partners(project))
    if form.validate_on_submit():
        try:
            planned = create_planned(project, form.to_input(), actor=current_user)
        except DomainError as exc:
            db.session.rollback()
            show_domain_error(form, exc)
        else:
            flash(_("%(code)s is added to the plan.", code=planned.code), "success")
            return _to_plan(project, planned)
    return _form_page(project, form, None)


@bp.route(f"{_BASE}/<int:planned_id>/edit", methods=["GET", "POST"])
@login_required
def plan_edit(project_id: int, planned_id: int) -> ResponseValue:
    project = managed_project_or_404(project_id)
    planned = _planned_or_404(project, planned_id)
    form = PlanForm().setup(project_partners(project))
    if not form.is_submitted():
        form.fill(PlanInput.from_planned(planned))
    elif form.validate_on_submit():
        try:
            changed = update_planned(planned, form.to_input(), actor=current_user)
        except DomainError as exc:
            db.session.rollback()
            show_domain_error(form, exc)
        else:
            flash(_("Your changes are saved.") if changed else _("Nothing was changed."), "success")
            return _to_plan(project, planned)
    return _form_page(project, form, planned)


@bp.route(f"{_BASE}/<int:planned_id>/delete", methods=["GET", "POST"])
@login_required
def plan_delete(project_id: int, planned_id: int) -> ResponseValue:
    project = managed_project_or_404(project_id)
    planned = _planned_or_404(project, planned_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        code = planned.code
        unlinked = delete_planned(planned, actor=current_user)
        flash(_("%(code)s is deleted from the plan.", code=code), "success")
        if unlinked:
            flash(
                ngettext(
                    "%(num)d event is no longer linked to the plan; it is not deleted.",
                    "%(num)d events are no longer linked to the plan; they are not deleted.",
                    unlinked,
                ),
                "info",
            )
        return _to_plan(project)
    linked = [line.events for line in plan_lines(project) if line.planned.id == planned.id]
    return render_template(
        "funding/plan_delete.html", project=project, planned=planned, events=linked[0] if linked else [], form=form
    ), (422 if form.errors else 200)


@bp.post(f"{_BASE}/<int:planned_id>/link")
@login_required
def plan_link(project_id: int, planned_id: int) -> ResponseValue:
    project = managed_project_or_404(project_id)
    planned = _planned_or_404(project, planned_id)
    form = LinkForm()
    event = db.session.get(Event, form.event_id.data) if form.validate_on_submit() and form.event_id.data else None
    if event is None:
        flash(_("Choose one of the project's events to link to %(code)s.", code=planned.code), "error")
        return _to_plan(project, planned)
    try:
        link_event(event, planned, actor=current_user)
    except DomainError as exc:
        db.session.rollback()
        flash(exc.message, "error")
    else:
        flash(_("“%(event)s” is linked to %(code)s.", event=event.title, code=planned.code), "success")
    return _to_plan(project, planned)


@bp.post(f"{_BASE}/<int:planned_id>/events/<int:event_id>/unlink")
@login_required
def plan_unlink(project_id: int, planned_id: int, event_id: int) -> ResponseValue:
    project = managed_project_or_404(project_id)
    planned = _planned_or_404(project, planned_id)
    event = db.session.get(Event, event_id)
    if event is None or event.planned_event_id != planned.id:
        abort(404)
    if not ConfirmForm().validate_on_submit():
        flash(_("The form has expired. Try again."), "error")
        return _to_plan(project, planned)
    try:
        unlink_event(event, actor=current_user)
    except DomainError as exc:
        db.session.rollback()
        flash(exc.message, "error")
    else:
        flash(_("“%(event)s” is no longer linked to %(code)s.", event=event.title, code=planned.code), "success")
    return _to_plan(project, planned)
