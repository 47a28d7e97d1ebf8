"""An event's Evidence tab: the uploaded signed sheets, online reports, agenda and material,
what the funder still lacks for the event, the upload form, downloads and deletion.

Signed sheets carry participants' names, so the tab is for those who may see the event's
personal data (its partner's organisers, administrators, managers with the partner's grant);
uploading and deleting are for the partner's organisers and administrators.
"""

from __future__ import annotations

import io

from flask import Response, abort, flash, redirect, render_template, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from seminar_app.accounts.permissions import acts_for_partner, managed_event_or_404, may_see_personal_data
from seminar_app.attendance import evidence as attendance_evidence
from seminar_app.enums import EvidenceKind
from seminar_app.errors import DomainError
from seminar_app.events.models import Event
from seminar_app.extensions import db
from seminar_app.forms import show_domain_error
from seminar_app.funding import bp, evidence_files
from seminar_app.funding.evidence_forms import EvidenceDeleteForm, EvidenceUploadForm
from seminar_app.funding.evidence_status import evidence_for_events
from seminar_app.funding.models import EvidenceFile, PlannedEvent
from seminar_app.funding.rules import rules_for
from seminar_app.privacy.services import log_personal_data_access

ResponseValue = Response | str | tuple[str, int]
_BASE = "/manage/events/<int:event_id>/evidence"


def evidence_event_or_404(event_id: int) -> Event:
    """The event, if the user may see its evidence (404 if not theirs, 403 if counts only)."""
    event = managed_event_or_404(event_id)
    if not may_see_personal_data(current_user, event.partner):
        abort(Response(render_template("registration/manage_forbidden.html", event=event, active_tab="evidence"), 403))
    return event


def _file_or_404(event: Event, file_id: int) -> EvidenceFile:
    evidence = db.session.get(EvidenceFile, file_id)
    if evidence is None or evidence.event_id != event.id:
        abort(404)
    return evidence


def _render(event: Event, form: EvidenceUploadForm, code: int = 200) -> ResponseValue:
    files = evidence_files.files_of_event(event.id)
    status = evidence_for_events([event], rules_for(event.project)).get(event.id)
    planned = db.session.get(PlannedEvent, event.planned_event_id) if event.planned_event_id else None
    page = render_template(
        "funding/evidence.html",
        event=event,
        form=form,
        files=files,
        status=status,
        planned=planned,
        may_change=acts_for_partner(current_user, event.partner),
        max_mb=evidence_files.max_megabytes(),
        active_tab="evidence",
    )
    return page, code


@bp.route(_BASE, methods=["GET", "POST"])
@login_required
def event_evidence(event_id: int) -> ResponseValue:
    event = evidence_event_or_404(event_id)
    form = EvidenceUploadForm().setup(event)
    if form.is_submitted() and not acts_for_partner(current_user, event.partner):
        abort(403)
    if not form.validate_on_submit():
        return _render(event, form, 422 if form.errors else 200)
    upload = form.file.data
    try:
        evidence_files.upload_evidence(
            event, form.parsed_kind(), form.parsed_day(), upload.filename or "", upload.stream, actor=current_user
        )
    except DomainError as exc:
        show_domain_error(form, exc)
        return _render(event, form, exc.status)
    flash(_("The file %(name)s is stored with the event's evidence.", name=upload.filename or ""), "success")
    return redirect(url_for("funding.event_evidence", event_id=event.id))


@bp.get(f"{_BASE}/<int:file_id>")
@login_required
def evidence_download(event_id: int, file_id: int) -> ResponseValue:
    event = evidence_event_or_404(event_id)
    evidence = _file_or_404(event, file_id)
    if evidence.kind == EvidenceKind.SIGNED_SHEET.value and evidence.day is not None:
        people = len(attendance_evidence.sheet_people(event, evidence.day))
        log_personal_data_access(current_user, event.partner, event, f"signed-sheet-{evidence.day}", people)
    elif evidence.kind == EvidenceKind.ONLINE_REPORT.value:
        people = len(attendance_evidence.online_attendance(event)[0])
        log_personal_data_access(current_user, event.partner, event, f"online-report-{evidence.day}", people)
    response = send_file(
        io.BytesIO(evidence.content),
        mimetype=evidence.content_type,
        as_attachment=True,
        download_name=evidence_files.download_name(evidence),
    )
    # Scans of signed sheets hold names: no browser or proxy keeps them, none guesses their type.
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@bp.route(f"{_BASE}/<int:file_id>/delete", methods=["GET", "POST"])
@login_required
def evidence_delete(event_id: int, file_id: int) -> ResponseValue:
    event = evidence_event_or_404(event_id)
    evidence = _file_or_404(event, file_id)
    if not acts_for_partner(current_user, event.partner):
        abort(403)
    form = EvidenceDeleteForm()
    if not form.validate_on_submit():
        page = render_template(
            "funding/evidence_delete.html",
            event=event,
            evidence=evidence,
            kinds_label=EvidenceKind(evidence.kind).label,
            form=form,
            active_tab="evidence",
        )
        return page, 422 if form.errors else 200
    name = evidence.filename
    evidence_files.delete_evidence(evidence, actor=current_user)
    flash(_("The file %(name)s is deleted from the event's evidence.", name=name), "success")
    return redirect(url_for("funding.event_evidence", event_id=event.id))
