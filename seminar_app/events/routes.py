"""The organiser workspace: my events, creating, editing, status, duplicating and deleting."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from seminar_app.accounts.permissions import managed_event_or_404
from seminar_app.calendar import invitations
from seminar_app.enums import EventStatus
from seminar_app.errors import DomainError
from seminar_app.events import bp, queries, services
from seminar_app.events.forms import (
    ConfirmForm,
    DuplicateForm,
    EventForm,
    StatusForm,
    default_duplicate_start,
    event_form_data,
    partner_defaults,
)
from seminar_app.events.models import Event
from seminar_app.forms import show_domain_error

ResponseValue = Response | str | tuple[str, int]


def public_url(event: Event) -> str | None:
    """The public page of `event`, once it is public."""
    return url_for("public.event_detail", slug=event.slug) if event.is_public else None


def _edit_form(event: Event) -> EventForm:
    form = EventForm(data=event_form_data(services.EventInput.from_event(event)))
    return form.setup(None, event.project.results)


def _render_details(event: Event, form: EventForm, status_form: StatusForm | None = None, code: int = 200):  # type: ignore[no-untyped-def]
    return render_template(
        "events/details.html",
        event=event,
        form=form,
        status_form=status_form or StatusForm(formdata=None),
        transitions=services.allowed_transitions(event),
        public_url=public_url(event),
        attendees_with_entries=invitations.count_attendees_with_entries(event),
        still_registered=invitations.count_still_registered(event),
        active_tab="details",
    ), code


@bp.route("/events")
@login_required
def my_events() -> ResponseValue:
    status = request.args.get("status")
    selected = EventStatus(status) if status in {s.value for s in EventStatus} else None
    events = queries.managed_events(current_user, selected)
    grouped = {s: [e for e in events if e.status is s] for s in EventStatus if selected in (None, s)}
    partners = queries.partners_for(current_user)
    return render_template(
        "events/my_events.html",
        grouped=grouped,
        selected=selected,
        counts=queries.status_counts(current_user),
        can_create=bool(partners),
        show_partner=len(partners) > 1,
        partners=partners,
    )


@bp.route("/events/new", methods=["GET", "POST"])
@login_required
def new_event() -> ResponseValue:
    partners = queries.partners_for(current_user)
    if not partners:
        abort(403)
    chosen = next((p for p in partners if str(p.id) == request.args.get("partner")), partners[0])
    form = EventForm(data=partner_defaults(chosen)).setup(partners, queries.results_for_partners(partners))
    if form.validate_on_submit():
        partner = next(p for p in partners if p.id == form.partner_id.data)
        try:
            event = services.create_event(partner, form.to_input(), actor=current_user)
        except DomainError as exc:
            show_domain_error(form, exc)
        else:
            flash(_("Draft “%(title)s” created. Publish it when it is ready.", title=event.title), "success")
            return redirect(url_for("events.details", event_id=event.id))
    return render_template("events/new.html", form=form, several=len(partners) > 1), 422 if form.errors else 200


@bp.route("/events/<int:event_id>", methods=["GET", "POST"])
@login_required
def details(event_id: int) -> ResponseValue:
    event = managed_event_or_404(event_id)
    form = _edit_form(event)
    if form.validate_on_submit():
        entry_before = invitations.snapshot(event)
        to_tell = invitations.count_attendees_with_entries(event)
        try:
            services.update_event(event, form.to_input(), actor=current_user)
        except DomainError as exc:
            show_domain_error(form, exc)
            return _render_details(event, form, code=exc.status)
        if to_tell and invitations.snapshot(event) != entry_before:
            flash(
                ngettext(
                    "Your changes are saved. %(num)d attendee is sent an updated calendar entry.",
                    "Your changes are saved. %(num)d attendees are sent an updated calendar entry.",
                    to_tell,
                ),
                "success",
            )
        else:
            flash(_("Your changes are saved."), "success")
        return redirect(url_for("events.details", event_id=event.id))
    return _render_details(event, form, code=422 if form.errors else 200)


@bp.route("/events/<int:event_id>/status", methods=["POST"])
@login_required
def change_status(event_id: int) -> ResponseValue:
    event = managed_event_or_404(event_id)
    status_form = StatusForm()
    target = status_form.target_status() if status_form.validate_on_submit() else None
    if target is None:
        status_form.form_errors.append(_("Choose what should happen to the event."))
        return _render_details(event, _edit_form(event), status_form, code=422)
    to_tell = invitations.count_still_registered(event) if target is not EventStatus.DELIVERED else 0
    asks_first = target is EventStatus.CANCELLED and target in services.allowed_transitions(event)
    if asks_first and status_form.confirmed.data != "yes":
        return render_template(
            "events/cancel_confirm.html", event=event, form=status_form, to_tell=to_tell, active_tab="details"
        )
    try:
        services.change_status(event, target, note=status_form.note.data or "", actor=current_user)
    except DomainError as exc:
        show_domain_error(status_form, exc)
        return _render_details(event, _edit_form(event), status_form, code=exc.status)
    message = _("The event is now %(status)s.", status=event.status.label.lower())
    if to_tell:
        message += " " + ngettext(
            "%(num)d registered person is told by e-mail.", "%(num)d registered people are told by e-mail.", to_tell
        )
    flash(message, "success")
    return redirect(url_for("events.details", event_id=event.id))


@bp.route("/events/<int:event_id>/duplicate", methods=["GET", "POST"])
@login_required
def duplicate(event_id: int) -> ResponseValue:
    event = managed_event_or_404(event_id)
    form = DuplicateForm(data=default_duplicate_start(event.local_start.replace(tzinfo=None)))
    if form.validate_on_submit():
        try:
            copy = services.duplicate_event(event, form.starts_local.data, actor=current_user)  # type: ignore[arg-type]
        except DomainError as exc:
            show_domain_error(form, exc)
        else:
            flash(_("This is a draft copy of “%(title)s”. Check it, then publish it.", title=event.title), "success")
            return redirect(url_for("events.details", event_id=copy.id))
    code = 422 if form.errors else 200
    return render_template("events/duplicate.html", event=event, form=form, active_tab="details"), code


@bp.route("/events/<int:event_id>/delete", methods=["GET", "POST"])
@login_required
def delete(event_id: int) -> ResponseValue:
    event = managed_event_or_404(event_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        title = event.title
        try:
            services.delete_event(event, actor=current_user)
        except DomainError as exc:
            show_domain_error(form, exc)
            return render_template("events/delete.html", event=event, form=form, active_tab="details"), exc.status
        flash(_("The draft “%(title)s” is deleted.", title=title), "success")
        return redirect(url_for("events.my_events"))
    return render_template("events/delete.html", event=event, form=form, active_tab="details")
