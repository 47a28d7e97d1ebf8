"""A project's funding rules page, for its managers and administrators.

Anyone else (an organiser, a manager of another project) gets a 404, as for an unknown
project: the page does not exist for them."""

from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from seminar_app.enums import FundingModel
from seminar_app.errors import DomainError
from seminar_app.extensions import db
from seminar_app.forms import show_domain_error
from seminar_app.funding import bp
from seminar_app.funding.rules import PRESETS, rules_for
from seminar_app.funding.rules_services import RulesInput, may_manage_funding, rules_changes, update_rules
from seminar_app.funding.settings_forms import PRESET_CHOICES, RulesForm
from seminar_app.projects.models import Project

ResponseValue = Response | str | tuple[str, int]

bp.add_app_template_global(may_manage_funding, "may_manage_funding")


def managed_project_or_404(project_id: int) -> Project:
    project = db.session.get(Project, project_id)
    if project is None or not may_manage_funding(current_user, project):
        abort(404)
    return project


@bp.route("/projects/<int:project_id>/funding", methods=["GET", "POST"])
@login_required
def funding_settings(project_id: int) -> ResponseValue:
    project = managed_project_or_404(project_id)
    rules = rules_for(project)
    form = RulesForm()
    preset = request.args.get("preset", "")
    if request.method == "GET":
        form.fill(RulesInput.from_preset(preset) if preset in PRESETS else RulesInput.from_rules(rules))
    elif form.validate_on_submit():
        try:
            changes = update_rules(project, form.to_input(), actor=current_user)
        except DomainError as exc:
            db.session.rollback()
            show_domain_error(form, exc)
        else:
            flash(_("Your changes are saved.") if changes else _("Nothing was changed."), "success")
            return redirect(url_for("funding.funding_settings", project_id=project.id))
    return render_template(
        "funding/settings.html",
        project=project,
        form=form,
        saved=rules.id is not None,
        preset=preset if preset in PRESETS else "",
        preset_choices=PRESET_CHOICES,
        changes=rules_changes(project),
        model_labels={m.value: m.label for m in FundingModel},
    ), (422 if form.errors else 200)
