"""The Registrations tab of the event workspace: counts, the list, actions and exports.

Every page names who will get an e-mail before anything is sent; every action calls one
service, which queues the mail in its transaction.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from seminar_app.accounts.permissions import managed_event_or_404, may_see_personal_data
from seminar_app.converters import query_text
from seminar_app.downloads import private_download
from seminar_app.enums import EventStatus, RegistrationStatus
from seminar_app.errors import DomainError
from seminar_app.events.models import Event
from seminar_app.forms import show_domain_error
from seminar_app.geo import language_name
from seminar_app.privacy.services import log_personal_data_access
from seminar_app.registration import bp, exports, queries, services
from seminar_app.registration.forms import setup_language
from seminar_app.registration.manage_forms import AddRegistrationForm, ConfirmActionForm, DeclineForm, LanguageForm
from seminar_app.registration.models import Registration

ResponseValue = Response | str | tuple[str, int]
_BASE = "/manage/events/<int:event_id>/registrations"


def _event_with_personal_data(event_id: int) -> Event:
    """The event, if the user may see its attendees' personal data (404 if not theirs, 403 if only counts)."""
    event = managed_event_or_404(event_id)
    if not may_see_personal_data(current_user, event.partner):
        abort(
            Response(
                render_template("registration/manage_forbidden.html", event=event, active_tab="registrations"), 403
            )
        )
    return event


def _registration_or_404(event: Event, registration_id: int) -> Registration:
    registration = queries.registration_of_event(event, registration_id)
    if registration is None:
        abort(404)
    return registration


def _to_list(event: Event) -> Response:
    return redirect(url_for("registration.manage_list", event_id=event.id))


@bp.route(_BASE)
@login_required
def manage_list(event_id: int) -> ResponseValue:
    event = managed_event_or_404(event_id)
    can_see = may_see_personal_data(current_user, event.partner)
    sort = request.args.get("sort", "created")
    descending = request.args.get("dir") == "desc"
    search = query_text(request.args.get("q"))
    rows = queries.registration_rows(event, search=search, sort=sort, descending=descending) if can_see else []
    return render_template(
        "registration/manage_list.html",
        event=event,
        summary=queries.summary(event),
        rows=rows,
        can_see=can_see,
        can_add=event.status not in (EventStatus.DRAFT, EventStatus.CANCELLED),
        search=search,
        sort=sort if sort in queries.SORTS else "created",
        descending=descending,
        action_form=ConfirmActionForm(formdata=None),
        S=RegistrationStatus,
        active_tab="registrations",
    )


def _flash_added(outcome: services.RegistrationOutcome) -> None:
    reg = outcome.registration
    if outcome.created:
        message = _(
            "%(name)s is registered (%(status)s) and gets an e-mail with their private link at %(email)s.",
            name=reg.name,
            status=reg.status.label,
            email=reg.email,
        )
        flash(message, "success")
    else:
        message = _(
            "%(email)s was already registered, so nothing new was created. Their private link is sent to them again.",
            email=reg.email,
        )
        flash(message, "info")


@bp.route(f"{_BASE}/new", methods=["GET", "POST"])
@login_required
def manage_add(event_id: int) -> ResponseValue:
    event = _event_with_personal_data(event_id)
    form = AddRegistrationForm().setup(event)
    if form.validate_on_submit():
        try:
            outcome = services.register(event, form.to_input(event), actor=current_user, source="organiser")
        except DomainError as exc:
            show_domain_error(form, exc)
            return render_template(
                "registration/manage_add.html", event=event, form=form, active_tab="registrations"
            ), exc.status
        _flash_added(outcome)
        return _to_list(event)
    code = 422 if form.errors else 200
    return render_template("registration/manage_add.html", event=event, form=form, active_tab="registrations"), code


def _flash_moved_up(person: Registration | None) -> None:
    """Tell the organiser who got the freed seat (the service promoted and e-mailed them)."""
    if person is not None and person.status is not RegistrationStatus.WAITLISTED:
        flash(
            _(
                "%(name)s moved up from the waiting list (%(status)s) and is told by e-mail.",
                name=person.name,
                status=person.status.label,
            ),
            "info",
        )


def _post_action(event_id: int, registration_id: int, action: Callable[..., object], done: str) -> Response:
    """Run one service on one registration of the event, then flash `done` (formatted with
    the person's name and address) or the service's refusal."""
    event = _event_with_personal_data(event_id)
    registration = _registration_or_404(event, registration_id)
    if ConfirmActionForm().validate_on_submit():
        try:
            action(registration, actor=current_user)
        except DomainError as exc:
            flash(exc.message, "error")
        else:
            flash(done % {"name": registration.name, "email": registration.email}, "success")
    return _to_list(event)


@bp.route(f"{_BASE}/<int:registration_id>/approve", methods=["POST"])
@login_required
def manage_approve(event_id: int, registration_id: int) -> ResponseValue:
    return _post_action(
        event_id, registration_id, services.approve, _("%(name)s is approved; the confirmation goes to %(email)s.")
    )


@bp.route(f"{_BASE}/<int:registration_id>/move", methods=["POST"])
@login_required
def manage_move(event_id: int, registration_id: int) -> ResponseValue:
    return _post_action(
        event_id,
        registration_id,
        services.move_from_waitlist,
        _("%(name)s is off the waiting list and is told at %(email)s."),
    )


@bp.route(f"{_BASE}/<int:registration_id>/resend", methods=["POST"])
@login_required
def manage_resend(event_id: int, registration_id: int) -> ResponseValue:
    return _post_action(
        event_id,
        registration_id,
        services.resend_confirmation,
        _("The private link of %(name)s is sent again to %(email)s."),
    )


@bp.route(f"{_BASE}/<int:registration_id>/language", methods=["GET", "POST"])
@login_required
def manage_language(event_id: int, registration_id: int) -> ResponseValue:
    event = _event_with_personal_data(event_id)
    registration = _registration_or_404(event, registration_id)
    form = LanguageForm() if request.method == "POST" else LanguageForm(formdata=None)
    setup_language(form.language, registration.language)
    if form.validate_on_submit():
        try:
            services.change_language(registration, form.language.data or "", actor=current_user)
        except DomainError as exc:
            show_domain_error(form, exc)
        else:
            flash(
                _(
                    "%(name)s is now written to in %(language)s, from the next e-mail on.",
                    name=registration.name,
                    language=language_name(registration.language),
                ),
                "success",
            )
            return _to_list(event)
    page = render_template(
        "registration/manage_language.html",
        event=event,
        registration=registration,
        form=form,
        active_tab="registrations",
    )
    return page, 422 if form.errors else 200


def _render_confirm(event: Event, registration: Registration, form, action: str, next_person, code: int = 200):  # type: ignore[no-untyped-def]
    return render_template(
        "registration/manage_confirm.html",
        event=event,
        registration=registration,
        form=form,
        action=action,
        next_person=next_person,
        active_tab="registrations",
    ), code


@bp.route(f"{_BASE}/<int:registration_id>/decline", methods=["GET", "POST"])
@login_required
def manage_decline(event_id: int, registration_id: int) -> ResponseValue:
    event = _event_with_personal_data(event_id)
    registration = _registration_or_404(event, registration_id)
    next_person = queries.next_in_line(registration)
    form = DeclineForm()
    if form.validate_on_submit():
        try:
            services.decline(registration, actor=current_user, reason=(form.reason.data or "").strip())
        except DomainError as exc:
            show_domain_error(form, exc)
            return _render_confirm(event, registration, form, "decline", next_person, exc.status)
        flash(
            _("%(name)s is declined and told at %(email)s.", name=registration.name, email=registration.email),
            "success",
        )
        _flash_moved_up(next_person)
        return _to_list(event)
    return _render_confirm(event, registration, form, "decline", next_person, 422 if form.errors else 200)


@bp.route(f"{_BASE}/<int:registration_id>/cancel", methods=["GET", "POST"])
@login_required
def manage_cancel(event_id: int, registration_id: int) -> ResponseValue:
    event = _event_with_personal_data(event_id)
    registration = _registration_or_404(event, registration_id)
    next_person = queries.next_in_line(registration)
    form = ConfirmActionForm()
    if form.validate_on_submit():
        try:
            services.cancel_registration(registration, actor=current_user)
        except DomainError as exc:
            show_domain_error(form, exc)
            return _render_confirm(event, registration, form, "cancel", next_person, exc.status)
        flash(
            _(
                "The registration of %(name)s is cancelled; they are told at %(email)s.",
                name=registration.name,
                email=registration.email,
            ),
            "success",
        )
        _flash_moved_up(next_person)
        return _to_list(event)
    return _render_confirm(event, registration, form, "cancel", next_person)


def _download(event: Event, content: bytes, extension: str, mimetype: str) -> Response:
    return private_download(content, exports.export_filename(event, extension), mimetype)


@bp.route(f"{_BASE}.csv")
@login_required
def export_csv(event_id: int) -> ResponseValue:
    event = _event_with_personal_data(event_id)
    content = exports.csv_export(event)
    log_personal_data_access(current_user, event.partner, event, "registrations.csv", queries.summary(event).total)
    return _download(event, content, "csv", "text/csv")


@bp.route(f"{_BASE}.xlsx")
@login_required
def export_xlsx(event_id: int) -> ResponseValue:
    event = _event_with_personal_data(event_id)
    mimetype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    content = exports.xlsx_export(event)
    log_personal_data_access(current_user, event.partner, event, "registrations.xlsx", queries.summary(event).total)
    return _download(event, content, "xlsx", mimetype)
