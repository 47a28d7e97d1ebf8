"""The outbox's admin pages: what was (or would have been) sent, and a retry for failures."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import select
from werkzeug.wrappers import Response
from wtforms import Form, SelectField

from seminar_app.accounts.permissions import admin_required
from seminar_app.converters import query_int
from seminar_app.enums import OutboxStatus
from seminar_app.errors import DomainError
from seminar_app.events.forms import select_choices
from seminar_app.extensions import db
from seminar_app.mail import bp, services
from seminar_app.mail.models import OutboxMessage

PAGE_SIZE = 50

# Registered with the blueprint so that create_app() needs no mail-specific line.


class StatusFilterForm(Form):
    """The outbox filter: a GET form, so it carries no CSRF token."""

    status = SelectField(_l("Status"))

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.status.choices = select_choices([("", _l("All")), *OutboxStatus.choices()])


class RetryForm(FlaskForm):
    pass


def _message_or_404(message_id: int) -> OutboxMessage:
    return db.session.get(OutboxMessage, message_id) or abort(404)


@bp.route("/")
@admin_required
def outbox() -> str:
    form = StatusFilterForm(request.args)
    query = select(OutboxMessage).order_by(OutboxMessage.created_at.desc(), OutboxMessage.id.desc())
    status = request.args.get("status", "")
    if status in {s.value for s in OutboxStatus}:
        query = query.where(OutboxMessage.status == OutboxStatus(status))
    page = db.paginate(query, page=query_int(request.args.get("page"), 1), per_page=PAGE_SIZE, error_out=False)
    services.write_shown(page.items)
    return render_template("mail/outbox.html", page=page, form=form, status=status)


@bp.route("/<int:message_id>")
@admin_required
def message(message_id: int) -> str:
    shown = _message_or_404(message_id)
    services.write_shown([shown])
    return render_template("mail/message.html", message=shown, retry_form=RetryForm())


@bp.route("/<int:message_id>/retry", methods=["POST"])
@admin_required
def retry(message_id: int) -> Response:
    message = _message_or_404(message_id)
    if not RetryForm().validate_on_submit():
        abort(400)
    try:
        services.retry_message(message, actor=current_user)
    except DomainError as exc:
        flash(exc.message, "error")
    else:
        flash(_("The message to %(address)s is queued again.", address=message.to_address), "success")
    return redirect(url_for("mail.message", message_id=message.id))
