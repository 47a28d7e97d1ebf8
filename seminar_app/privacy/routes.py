"""The partner's Data access page (grants to managers, the access log), the participant-level
exports across a partner's events, and the per-event evidence pack.

Ids of partners and events the user cannot manage answer 404; a project manager who may
manage the partner but holds no grant gets a 403 page saying whom to ask.
"""

from __future__ import annotations

from flask import Response, abort, current_app, flash, redirect, render_template, stream_with_context, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from seminar_app.accounts.models import User
from seminar_app.accounts.permissions import can_manage_partner, managed_event_or_404, may_see_personal_data
from seminar_app.attendance.evidence import WALK_IN_ROWS
from seminar_app.downloads import private_download
from seminar_app.errors import DomainError
from seminar_app.events.models import Event
from seminar_app.extensions import db
from seminar_app.privacy import bp, evidence_pack, exports, queries, services
from seminar_app.privacy.forms import GrantForm, RevokeForm
from seminar_app.projects.models import Partner

ResponseValue = Response | str | tuple[str, int]
_PARTNER = "/partners/<int:partner_id>"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

bp.add_app_template_global(may_see_personal_data, "may_see_personal_data")
bp.add_app_template_global(services.acts_for_partner, "acts_for_partner")


def _managed_partner_or_404(partner_id: int) -> Partner:
    partner = db.session.get(Partner, partner_id)
    if partner is None or not can_manage_partner(current_user, partner):
        abort(404)
    return partner


def _partner_for_grants(partner_id: int) -> Partner:
    """The partner, if the user speaks for it (404 if not theirs, 403 for the project's managers)."""
    partner = _managed_partner_or_404(partner_id)
    if not services.acts_for_partner(current_user, partner):
        abort(Response(render_template("privacy/not_yours.html", partner=partner), 403))
    return partner


def _refuse_without_grant(partner: Partner) -> None:
    if not may_see_personal_data(current_user, partner):
        abort(Response(render_template("privacy/no_grant.html", partner=partner), 403))


def _to_page(partner: Partner) -> Response:
    return redirect(url_for("privacy.data_access", partner_id=partner.id))


@bp.get(f"{_PARTNER}/data-access")
@login_required
def data_access(partner_id: int) -> ResponseValue:
    partner = _partner_for_grants(partner_id)
    return render_template(
        "privacy/data_access.html",
        partner=partner,
        managers=queries.managers_with_grants(partner),
        log=queries.access_log(partner),
        log_total=queries.access_count(partner),
    )


@bp.post(f"{_PARTNER}/data-access/grant")
@login_required
def grant(partner_id: int) -> ResponseValue:
    partner = _partner_for_grants(partner_id)
    form = GrantForm()
    if not form.validate_on_submit():
        flash(_("Nothing was changed: the form had expired. Please try again."), "error")
        return _to_page(partner)
    manager = db.session.get(User, form.manager_id.data)
    if manager is None:
        abort(404)
    try:
        services.grant_personal_data(partner, manager, actor=current_user)
    except DomainError as exc:
        flash(exc.message, "error")
    else:
        flash(_("%(name)s may now see and export your attendees' personal data.", name=manager.name), "success")
    return _to_page(partner)


@bp.post(f"{_PARTNER}/data-access/grants/<int:grant_id>/revoke")
@login_required
def revoke(partner_id: int, grant_id: int) -> ResponseValue:
    partner = _partner_for_grants(partner_id)
    found = queries.grant_of_partner(partner, grant_id)
    if found is None:
        abort(404)
    if not RevokeForm().validate_on_submit():
        flash(_("Nothing was changed: the form had expired. Please try again."), "error")
        return _to_page(partner)
    services.revoke_personal_data(found, actor=current_user)
    flash(_("%(name)s no longer sees your attendees' personal data.", name=found.manager.name), "success")
    return _to_page(partner)


@bp.get(f"{_PARTNER}/participants.csv")
@login_required
def participants_csv(partner_id: int) -> ResponseValue:
    partner = _managed_partner_or_404(partner_id)
    _refuse_without_grant(partner)
    chunks = services.export_participants(partner, "csv", actor=current_user)
    return private_download(stream_with_context(chunks), exports.export_filename(partner, "csv"), "text/csv")


@bp.get(f"{_PARTNER}/participants.xlsx")
@login_required
def participants_xlsx(partner_id: int) -> ResponseValue:
    partner = _managed_partner_or_404(partner_id)
    _refuse_without_grant(partner)
    chunks = services.export_participants(partner, "xlsx", actor=current_user)
    return private_download(stream_with_context(chunks), exports.export_filename(partner, "xlsx"), XLSX)


@bp.get("/manage/events/<int:event_id>/evidence-pack.zip")
@login_required
def evidence_pack_zip(event_id: int) -> ResponseValue:
    event: Event = managed_event_or_404(event_id)
    _refuse_without_grant(event.partner)
    blank_rows = current_app.config.get("ATTENDANCE_SHEET_BLANK_ROWS", WALK_IN_ROWS)
    content = services.export_evidence_pack(event, actor=current_user, blank_rows=blank_rows)
    return private_download(content, evidence_pack.pack_filename(event), "application/zip")
