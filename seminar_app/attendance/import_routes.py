"""Online attendance from a video-conference report: upload, preview (nothing saved, the
organiser decides about the rows that did not match), confirm (once)."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required

from seminar_app.attendance import bp, import_services, queries
from seminar_app.attendance.forms import ImportConfirmForm, ImportForm
from seminar_app.attendance.imports import MAX_REPORT_BYTES
from seminar_app.attendance.routes import ResponseValue, day_label, event_with_personal_data
from seminar_app.errors import DomainError
from seminar_app.events.models import Event
from seminar_app.forms import show_domain_error

_BASE = "/manage/events/<int:event_id>/attendance/import"


def _render_form(event: Event, form: ImportForm, code: int = 200) -> ResponseValue:
    return render_template("attendance/import.html", event=event, form=form, active_tab="attendance"), code


@bp.route(_BASE, methods=["GET", "POST"])
@login_required
def import_report(event_id: int) -> ResponseValue:
    event = event_with_personal_data(event_id)
    # Files a little over the limit get the form's message; far bigger uploads are cut off.
    request.max_content_length = 4 * MAX_REPORT_BYTES
    form = ImportForm().setup(event, queries.default_day(event))
    if not form.validate_on_submit():
        return _render_form(event, form, 422 if form.errors else 200)
    day = queries.parse_day(event, form.day.data) or queries.default_day(event)
    try:
        data = form.report.data.read(MAX_REPORT_BYTES + 1)
        shown = import_services.preview_report(event, day, data, min_minutes=form.min_minutes.data, actor=current_user)
    except DomainError as exc:
        show_domain_error(form, exc)
        return _render_form(event, form, exc.status)
    confirm = ImportConfirmForm(formdata=None)
    confirm.payload.data = shown.payload
    return render_template(
        "attendance/import_preview.html",
        event=event,
        report=shown.report,
        preview=shown.preview,
        registrants=queries.import_candidates(event),
        date_problems=shown.date_problems,
        day=day,
        min_minutes=form.min_minutes.data,
        confirm=confirm,
        active_tab="attendance",
    )


@bp.post(f"{_BASE}/confirm")
@login_required
def import_confirm(event_id: int) -> ResponseValue:
    event = event_with_personal_data(event_id)
    form = ImportConfirmForm()
    try:
        if not form.validate_on_submit():
            raise DomainError(_("This preview has expired or was not made for this event. Upload the report again."))
        pending = import_services.read_signed_import(event, form.payload.data, actor=current_user)
        done = import_services.apply_import(
            event, pending, decisions=form.decisions(), dates_accepted=form.dates_ok.data, actor=current_user
        )
    except DomainError as exc:
        flash(exc.message, "error")
        return redirect(url_for(".import_report", event_id=event.id))
    flash(
        ngettext(
            "%(num)d online attendance recorded for %(day)s.",
            "%(num)d online attendances recorded for %(day)s.",
            len(done.matched),
            day=day_label(event, pending.day),
        ),
        "success",
    )
    if done.already:
        names = ", ".join(m.registration.name for m in done.already)
        flash(
            ngettext(
                "%(num)d person was already recorded as present that day and is left unchanged: %(names)s.",
                "%(num)d people were already recorded as present that day and are left unchanged: %(names)s.",
                len(done.already),
                names=names,
            ),
            "info",
        )
    return redirect(url_for(".check_in_list", event_id=event.id, day=pending.day.isoformat()))
