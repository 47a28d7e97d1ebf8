"""The event workspace's Mail tab: what the event sent, for the people who run it, without
the admin-only outbox.

Everyone who may open the workspace sees the mails' kinds, subjects, statuses and times,
and how many of each; recipients and the mails themselves are personal data, so only those
who may see the partner's personal data (`may_see_personal_data`) see the addresses and
open a mail, and even they never see the recipients' private links.
"""

from __future__ import annotations

from flask import abort, render_template, request
from flask_login import current_user, login_required

from seminar_app.accounts.permissions import managed_event_or_404, may_see_personal_data
from seminar_app.converters import query_int
from seminar_app.events import bp
from seminar_app.events.routes import ResponseValue
from seminar_app.extensions import db
from seminar_app.mail import event_mail
from seminar_app.mail import services as mail_services

PAGE_SIZE = 50


@bp.route("/events/<int:event_id>/mails")
@login_required
def mails(event_id: int) -> ResponseValue:
    event = managed_event_or_404(event_id)
    page = db.paginate(
        event_mail.event_messages(event),
        page=query_int(request.args.get("page"), 1),
        per_page=PAGE_SIZE,
        error_out=False,
    )
    mail_services.write_shown(page.items)
    return render_template(
        "events/mails.html",
        event=event,
        page=page,
        counts=event_mail.kind_counts(event),
        kind_label=event_mail.kind_label,
        can_see=may_see_personal_data(current_user, event.partner),
        active_tab="mail",
    )


@bp.route("/events/<int:event_id>/mails/<int:message_id>")
@login_required
def mail_message(event_id: int, message_id: int) -> ResponseValue:
    event = managed_event_or_404(event_id)
    message = event_mail.event_message(event, message_id)
    if message is None:
        abort(404)
    if not may_see_personal_data(current_user, event.partner):
        abort(403)
    mail_services.write_shown([message])
    return render_template(
        "events/mail_message.html",
        event=event,
        message=message,
        kind_label=event_mail.kind_label,
        body_text=event_mail.hide_private_links(message.body_text),
        body_html=event_mail.hide_private_links(message.body_html),
        active_tab="mail",
    )
