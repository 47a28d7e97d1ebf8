"""QR codes for check-in: the code on the attendee's private page (inline SVG) and in the
confirmation e-mail (PNG), and the organiser's page the code opens."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date

import segno
from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from markupsafe import Markup

from seminar_app.accounts.permissions import can_manage_partner
from seminar_app.attendance import bp, queries, services
from seminar_app.attendance.forms import QrCheckInForm
from seminar_app.attendance.routes import (
    ResponseValue,
    checked_in_at,
    event_with_personal_data,
    flash_check_in,
    refusal,
)
from seminar_app.enums import AttendanceMode, CheckInSource, EventStatus, RegistrationStatus
from seminar_app.errors import DomainError
from seminar_app.registration.emails import external_url
from seminar_app.registration.models import Registration
from seminar_app.registration.services import find_by_token, private_token

# The statuses in which a confirmed attendee is shown a check-in code.
_LIVE = (EventStatus.PUBLISHED, EventStatus.POSTPONED)


def _qr(url: str) -> segno.QRCode:
    return segno.make(url, error="m")


@dataclass(frozen=True)
class CheckInCode:
    svg: Markup
    url: str


def _has_code(registration: Registration) -> bool:
    """A check-in code is for a confirmed person coming on site to an event still to come
    (online attendance is imported from the video-conference report instead)."""
    event = registration.event
    if registration.status is not RegistrationStatus.CONFIRMED or registration.mode is not AttendanceMode.ONSITE:
        return False
    return event.status in _LIVE and event.format.has_venue and not event.is_past


@bp.app_template_global("check_in_qr")
def check_in_qr(registration: Registration) -> CheckInCode | None:
    """The attendee's check-in code for their private page, or None when they have none."""
    if not _has_code(registration):
        return None
    url = services.check_in_url(registration)
    out = io.BytesIO()
    _qr(url).save(out, kind="svg", xmldecl=False, scale=5, border=4, light="#fff", title=_("Check-in code"))
    svg = out.getvalue().decode().replace("<svg ", '<svg role="img" ', 1)
    # segno's own markup, holding our URL and a fixed title: nothing a visitor typed.
    return CheckInCode(Markup(svg), url)


@bp.app_template_global("check_in_qr_image")
def check_in_qr_image(registration: Registration) -> str:
    """The absolute address of the person's check-in code as an image, for mail ("" when none)."""
    if not registration.link_salt or not _has_code(registration):
        return ""
    return external_url("attendance.qr_image", token=private_token(registration))


@bp.get("/r/<token>/qr.png")
def qr_image(token: str) -> ResponseValue:
    """The check-in code as an image for the confirmation e-mail (mail clients do not all show SVG)."""
    registration = find_by_token(token)
    if registration is None or not _has_code(registration):
        abort(404)
    out = io.BytesIO()
    _qr(services.check_in_url(registration)).save(out, kind="png", scale=6, border=4)
    return Response(out.getvalue(), mimetype="image/png")


def _context_event_id() -> int | None:
    value = request.values.get("event_id", "")
    return int(value) if value.isdigit() and len(value) < 12 else None


@bp.route("/manage/checkin/<token>", methods=["GET", "POST"])
@login_required
def qr_check_in(token: str) -> ResponseValue:
    registration = services.registration_for_check_in_token(token)
    if registration is None:
        return render_template("attendance/invalid_code.html"), 404
    context_id = _context_event_id()
    if context_id is not None and context_id != registration.event_id:
        visible = can_manage_partner(current_user, registration.event.partner)
        return render_template(
            "attendance/wrong_event.html",
            other=registration.event if visible else None,
            context_id=context_id,
        ), 409
    event = event_with_personal_data(registration.event_id)
    asked = queries.parse_day(event, request.values.get("day"))
    form = QrCheckInForm().setup(event, asked or queries.default_day(event))
    day = queries.parse_day(event, form.day.data) or queries.default_day(event)
    if not form.validate_on_submit():
        return _render_code_page(registration, day, context_id, 422 if request.method == "POST" else 200)
    try:
        outcome = services.check_in(registration, day, source=CheckInSource.QR, actor=current_user)
    except DomainError as exc:
        flash(exc.message, "error")
        return _render_code_page(registration, day, context_id, exc.status)
    flash_check_in(outcome, event)
    return redirect(url_for(".qr_check_in", token=token, event_id=context_id, day=day.isoformat()))


def _render_code_page(registration: Registration, day: date, context_id: int | None, code: int) -> ResponseValue:
    event = registration.event
    return render_template(
        "attendance/qr_check_in.html",
        event=event,
        registration=registration,
        attendance=queries.attendance_on(registration, day),
        day=day,
        refused=refusal(event),
        checked_in_at=checked_in_at,
        context_id=context_id,
        active_tab="attendance",
    ), code
