"""The event's Eligibility tab: its attendees as the funder counts them (local,
international, partner staff, country not given, below the minimum minutes, marked not
eligible) and a form per person to mark them not eligible, or eligible again, with a reason.

Names are personal data: the page is for the event's organisers and for administrators and
managers the partner let see its attendees, like the Attendance tab; other managers get the
same 403 page as there, everyone else a 404."""

from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from seminar_app.accounts.permissions import managed_event_or_404, may_see_personal_data
from seminar_app.errors import DomainError
from seminar_app.events.models import Event
from seminar_app.extensions import db
from seminar_app.forms import show_domain_error
from seminar_app.funding import bp, eligibility_services
from seminar_app.funding.eligibility_forms import DecisionForm, decision_form
from seminar_app.funding.eligibility_queries import eligibility_rows
from seminar_app.funding.rules import rules_for
from seminar_app.registration.models import Registration

ResponseValue = Response | str | tuple[str, int]
_BASE = "/manage/events/<int:event_id>/eligibility"


def event_with_names(event_id: int) -> Event:
    event = managed_event_or_404(event_id)
    if not may_see_personal_data(current_user, event.partner):
        abort(
            Response(render_template("registration/manage_forbidden.html", event=event, active_tab="eligibility"), 403)
        )
    return event


def _page(event: Event, failed: tuple[int, DecisionForm] | None = None) -> str:
    rules = rules_for(event.partner.project)
    rows = eligibility_rows(event, rules)
    forms = {row.registration.id: decision_form(row.registration.id, formdata=None) for row in rows}
    if failed is not None:
        forms[failed[0]] = failed[1]
    return render_template(
        "funding/eligibility.html", event=event, rows=rows, forms=forms, rules=rules, active_tab="eligibility"
    )


@bp.get(_BASE)
@login_required
def eligibility(event_id: int) -> ResponseValue:
    return _page(event_with_names(event_id))


@bp.post(f"{_BASE}/<int:registration_id>")
@login_required
def decide_eligibility(event_id: int, registration_id: int) -> ResponseValue:
    event = event_with_names(event_id)
    registration = db.session.get(Registration, registration_id)
    if registration is None or registration.event_id != event.id:
        abort(404)
    rows = {row.registration.id: row for row in eligibility_rows(event, rules_for(event.partner.project))}
    if registration_id not in rows:
        abort(404)
    form = decision_form(registration_id)
    if form.validate_on_submit():
        current = rows[registration_id].decision
        excluded = current is not None and not current.eligible
        service = eligibility_services.mark_eligible_again if excluded else eligibility_services.mark_ineligible
        try:
            service(event, registration, form.reason.data or "", actor=current_user)
        except DomainError as exc:
            show_domain_error(form, exc)
        else:
            flash(_("The decision is saved; the ledger counts it."), "success")
            return redirect(url_for(".eligibility", event_id=event.id, _anchor=f"attendee-{registration_id}"))
    return _page(event, (registration_id, form)), 400
