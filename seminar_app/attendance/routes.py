"""The Attendance tab: the check-in list (tick, untick, search, day tabs), walk-ins, and
the entry point for handheld QR scanners. The QR check-in page and the report import
live in qr_routes and import_routes, imported at the end of this module."""

from __future__ import annotations

from datetime import date, datetime, time

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from seminar_app.accounts.permissions import managed_event_or_404, may_see_personal_data
from seminar_app.attendance import bp, queries, services
from seminar_app.attendance.forms import TickForm, WalkInForm
from seminar_app.attendance.models import Attendance
from seminar_app.converters import query_text
from seminar_app.errors import DomainError
from seminar_app.events.models import Event
from seminar_app.forms import show_domain_error
from seminar_app.registration.models import Registration
from seminar_app.registration.queries import registration_of_event
from seminar_app.timefmt import format_date, format_time

ResponseValue = Response | str | tuple[str, int]
_BASE = "/manage/events/<int:event_id>/attendance"


def event_with_personal_data(event_id: int) -> Event:
    """The event, if the user may see its attendees (404 if not theirs, 403 if only counts)."""
    event = managed_event_or_404(event_id)
    if not may_see_personal_data(current_user, event.partner):
        abort(
            Response(render_template("registration/manage_forbidden.html", event=event, active_tab="attendance"), 403)
        )
    return event


def posted_day(value: str | None) -> date | None:
    try:
        return date.fromisoformat((value or "")[:10])
    except ValueError:
        return None


@bp.app_template_global("event_day")
def day_label(event: Event, day: date, fmt: str = "full") -> str:
    """A day of the event for people, in the reader's locale."""
    return format_date(datetime.combine(day, time(12), tzinfo=event.tz), event.timezone, fmt)


def checked_in_at(attendance: Attendance, event: Event) -> str:
    """When the person was ticked, in the event's zone: 09:12 (Europe/Lisbon)."""
    return f"{format_time(attendance.checked_in_at, event.timezone)} ({event.timezone})"


def flash_check_in(outcome: services.CheckInOutcome, event: Event) -> None:
    name = outcome.attendance.registration.name
    if outcome.created:
        flash(_("%(name)s is checked in.", name=name), "success")
    else:
        at = checked_in_at(outcome.attendance, event)
        flash(_("%(name)s was already checked in at %(time)s; nothing changed.", name=name, time=at), "info")


def refusal(event: Event) -> str:
    """Why attendance cannot be recorded for the event ("" when it can), for the pages to say."""
    try:
        services.ensure_attendance_open(event)
    except DomainError as exc:
        return exc.message
    return ""


def _to_list(event: Event, day: date | None, search: str = "", anchor: str | None = None) -> Response:
    url = url_for(
        "attendance.check_in_list",
        event_id=event.id,
        day=day.isoformat() if day else None,
        q=search or None,
        _anchor=anchor,
    )
    return redirect(url)


def _render_list(
    event: Event, day: date, *, search: str = "", walk_in: WalkInForm | None = None, notice: str = "", code: int = 200
) -> ResponseValue:
    walk_in = walk_in or WalkInForm(formdata=None).setup(event)
    walk_in.day.data = day.isoformat()
    return render_template(
        "attendance/check_in.html",
        event=event,
        day=day,
        search=search,
        rows=queries.check_in_rows(event, day, search=search),
        counts=queries.day_counts(event, day),
        walk_in=walk_in,
        refused=refusal(event),
        notice=notice,
        off_day=queries.today_outside_event(event),
        checked_in_at=checked_in_at,
        active_tab="attendance",
    ), code


@bp.route(_BASE)
@login_required
def check_in_list(event_id: int) -> ResponseValue:
    event = event_with_personal_data(event_id)
    asked = request.args.get("day")
    day = queries.parse_day(event, asked) or queries.default_day(event)
    notice = ""
    if asked and queries.parse_day(event, asked) is None:
        notice = _("This event has no day %(asked)s: showing %(day)s.", asked=asked[:10], day=day_label(event, day))
    return _render_list(event, day, search=query_text(request.args.get("q")), notice=notice)


def _registration_or_404(event: Event, registration_id: int) -> Registration:
    registration = registration_of_event(event, registration_id)
    if registration is None:
        abort(404)
    return registration


@bp.post(f"{_BASE}/<int:registration_id>/check-in")
@login_required
def tick(event_id: int, registration_id: int) -> ResponseValue:
    event = event_with_personal_data(event_id)
    registration = _registration_or_404(event, registration_id)
    form = TickForm()
    day = posted_day(form.day.data)
    if not form.validate_on_submit() or day is None:
        flash(_("Choose a day of the event, then tick again."), "error")
        return _to_list(event, None)
    try:
        outcome = services.check_in(registration, day, actor=current_user)
    except DomainError as exc:
        flash(exc.message, "error")
    else:
        flash_check_in(outcome, event)
    return _to_list(event, day, form.q.data or "", f"registration-{registration.id}")


@bp.post(f"{_BASE}/<int:registration_id>/undo")
@login_required
def untick(event_id: int, registration_id: int) -> ResponseValue:
    event = event_with_personal_data(event_id)
    registration = _registration_or_404(event, registration_id)
    form = TickForm()
    day = posted_day(form.day.data)
    if not form.validate_on_submit() or day is None:
        flash(_("Choose a day of the event, then try again."), "error")
        return _to_list(event, None)
    try:
        removed = services.undo_check_in(registration, day, actor=current_user)
    except DomainError as exc:
        flash(exc.message, "error")
    else:
        if removed:
            flash(
                _(
                    "The check-in of %(name)s on %(day)s is undone: they are no longer counted as present that day.",
                    name=registration.name,
                    day=day_label(event, day),
                ),
                "success",
            )
        else:
            flash(_("%(name)s was not checked in on that day; nothing changed.", name=registration.name), "info")
    return _to_list(event, day, form.q.data or "", f"registration-{registration.id}")


@bp.post(f"{_BASE}/walk-in")
@login_required
def walk_in(event_id: int) -> ResponseValue:
    event = event_with_personal_data(event_id)
    form = WalkInForm().setup(event)
    day = posted_day(form.day.data) or queries.default_day(event)
    shown = day if day in event.local_days else queries.default_day(event)
    if form.validate_on_submit():
        try:
            registration = services.add_walk_in(event, form.to_input(), day, actor=current_user)
        except DomainError as exc:
            show_domain_error(form, exc)
            return _render_list(event, shown, walk_in=form, code=exc.status)
        if registration.email:
            message = _(
                "%(name)s is registered as a walk-in and checked in; their private link is sent to %(email)s.",
                name=registration.name,
                email=registration.email,
            )
        else:
            message = _("%(name)s is registered as a walk-in and checked in.", name=registration.name)
        flash(message, "success")
        return _to_list(event, day, anchor=f"registration-{registration.id}")
    return _render_list(event, shown, walk_in=form, code=422)


@bp.get(f"{_BASE}/scan")
@login_required
def scan(event_id: int) -> ResponseValue:
    """A handheld scanner types the QR code's address into the list's "scan" field: open
    that code's page for this event, so a code for another event is caught."""
    event = event_with_personal_data(event_id)
    code = request.args.get("code", "").strip()
    token = code.split("/checkin/", 1)[-1].split("?", 1)[0].strip("/ ")
    day = queries.parse_day(event, request.args.get("day"))
    if not token:
        flash(_("Scan or paste a check-in code first."), "error")
        return _to_list(event, day)
    return redirect(
        url_for("attendance.qr_check_in", token=token, event_id=event.id, day=day.isoformat() if day else None)
    )


from seminar_app.attendance import import_routes, qr_routes  # noqa: E402, F401
