"""The Feedback tab's "Request" page: when the feedback request goes, to how many people,
a preview of the mail, and sending it now once the event is over.

The page is for everyone who may open the event's workspace; the preview names a real
recipient only for those who may see the partner's personal data, and only the people
who act for the partner may send.
"""

from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import ngettext
from flask_login import current_user, login_required

from seminar_app import i18n
from seminar_app.accounts.permissions import acts_for_partner, managed_event_or_404, may_see_personal_data
from seminar_app.errors import DomainError
from seminar_app.events.models import Event
from seminar_app.feedback import bp
from seminar_app.feedback.forms import SendRequestsForm
from seminar_app.feedback.requests import (
    feedback_request_plan,
    preview_feedback_request,
    send_feedback_requests_now,
)

ResponseValue = Response | str | tuple[str, int]
_BASE = "/manage/events/<int:event_id>/feedback/request"


def _render(event: Event, form: SendRequestsForm, code: int = 200) -> ResponseValue:
    plan = feedback_request_plan(event)
    languages = [code for code, _n in plan.languages.most_common()]
    language = request.args.get("lang", "")
    if language not in languages and not i18n.is_shipped(language):
        language = languages[0] if languages else i18n.language_or_default(event.language)
    return render_template(
        "feedback/request.html",
        event=event,
        plan=plan,
        preview=preview_feedback_request(plan, language, show_name=may_see_personal_data(current_user, event.partner)),
        preview_language=language,
        may_send=acts_for_partner(current_user, event.partner),
        form=form,
        active_tab="feedback",
        feedback_tab="request",
    ), code


@bp.get(_BASE)
@login_required
def request_page(event_id: int) -> ResponseValue:
    return _render(managed_event_or_404(event_id), SendRequestsForm(formdata=None))


@bp.post(f"{_BASE}/send")
@login_required
def send_requests(event_id: int) -> ResponseValue:
    event = managed_event_or_404(event_id)
    if not acts_for_partner(current_user, event.partner):
        abort(403)
    form = SendRequestsForm()
    if not form.validate_on_submit():
        return _render(event, form, 422)
    try:
        sent = send_feedback_requests_now(event)
    except DomainError as exc:
        flash(exc.message, "error")
    else:
        flash(
            ngettext(
                "The feedback request is on its way to %(num)d person.",
                "The feedback request is on its way to %(num)d people.",
                sent,
            ),
            "success",
        )
    return redirect(url_for(".request_page", event_id=event.id))
