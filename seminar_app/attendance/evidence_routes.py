"""Evidence documents (PDF): the organiser's attendance sheets and online participant list,
and the attendee's certificate behind their private link."""

from __future__ import annotations

import io
from datetime import date

from flask import Response, abort, current_app, flash, redirect, render_template, send_file, url_for
from flask_login import current_user, login_required
from werkzeug.utils import secure_filename

from seminar_app.attendance import bp, evidence
from seminar_app.attendance.routes import ResponseValue, event_with_personal_data
from seminar_app.privacy.services import log_personal_data_access
from seminar_app.registration.models import Registration
from seminar_app.registration.services import find_by_token

_BASE = "/manage/events/<int:event_id>/attendance"


def _pdf(content: bytes, name: str) -> Response:
    """A download that no browser or proxy keeps: the documents hold personal data."""
    response = send_file(
        io.BytesIO(content),
        mimetype="application/pdf",
        as_attachment=True,
        download_name=secure_filename(name) or "document.pdf",
    )
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get(f"{_BASE}/sheet/<day>.pdf")
@login_required
def attendance_sheet(event_id: int, day: str) -> ResponseValue:
    event = event_with_personal_data(event_id)
    try:
        parsed = date.fromisoformat(day)
    except ValueError:
        abort(404)
    if not event.format.has_venue or parsed.isoformat() != day or parsed not in event.local_days:
        abort(404)
    blank_rows = current_app.config.get("ATTENDANCE_SHEET_BLANK_ROWS", evidence.WALK_IN_ROWS)
    content = evidence.attendance_sheet_pdf(event, parsed, blank_rows=blank_rows)
    people = len(evidence.sheet_people(event, parsed))
    log_personal_data_access(current_user, event.partner, event, f"attendance-sheet-{day}.pdf", people)
    return _pdf(content, f"attendance-sheet-{event.slug}-{day}.pdf")


@bp.get(f"{_BASE}/online.pdf")
@login_required
def online_participants(event_id: int) -> ResponseValue:
    event = event_with_personal_data(event_id)
    content = evidence.online_participants_pdf(event)
    people = len(evidence.online_attendance(event)[0])
    log_personal_data_access(current_user, event.partner, event, "online-participants.pdf", people)
    return _pdf(content, f"online-participants-{event.slug}.pdf")


@bp.app_template_global("certificate_available")
def certificate_available(registration: Registration) -> bool:
    """Whether the attendee's private page offers the certificate (event over, attendance recorded)."""
    try:
        evidence.certificate_attendance(registration)
    except evidence.CertificateRefused:
        return False
    return True


@bp.get("/r/<token>/certificate.pdf")
def certificate(token: str) -> ResponseValue:
    registration = find_by_token(token)
    if registration is None:
        return render_template("registration/unknown_link.html"), 404
    try:
        content = evidence.certificate_pdf(registration)
    except evidence.CertificateRefused as exc:
        flash(exc.message, "error")
        return redirect(url_for("registration.private_page", token=token))
    return _pdf(content, f"certificate-{registration.event.slug}.pdf")
