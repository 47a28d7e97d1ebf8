"""The invitee's pages behind the personal links of an invitation mail (no log-in):
"I cannot come" and unsubscribe (also RFC 8058 one-click). The personal registration
link itself is the event's registration form with `?invitation=<token>`.

A GET never changes anything (mail scanners prefetch links); the answer is a POST.
After a successful POST the thank-you page is rendered directly instead of redirecting:
the GET page of an answered invitation says "you already answered", which would read
oddly a second after answering, and repeating the POST only repeats that message."""

from __future__ import annotations

from contextlib import suppress

from flask import current_app, render_template, request
from flask_babel import gettext as _
from werkzeug.exceptions import NotFound
from werkzeug.wrappers import Response

from seminar_app.campaigns import bp, responses
from seminar_app.campaigns.models import Invitation
from seminar_app.errors import DomainError
from seminar_app.extensions import csrf, limiter
from seminar_app.forms import show_domain_error
from seminar_app.registration.forms import ConfirmForm
from seminar_app.registration.routes import rate_limit

ResponseValue = Response | str | tuple[str, int]

# RFC 8058 requests come from the mailbox provider's servers, many people's from one
# address: a per-address budget would drop real unsubscriptions, so the budget is per link.
one_click_limit = limiter.limit(
    lambda: current_app.config["REGISTRATION_RATE_LIMIT"],
    key_func=lambda: f"one-click:{(request.view_args or {}).get('token', '')}",
)


class UnknownInvitation(NotFound):
    """No invitation has this token: mistyped, incomplete, or its data was erased."""


@bp.errorhandler(UnknownInvitation)
def unknown_invitation(_exc: UnknownInvitation) -> ResponseValue:
    return render_template("campaigns/invitee_unknown.html"), 404


def _by_token(token: str, *, forgotten_too: bool = False) -> Invitation:
    invitation = responses.find_invitation(token, forgotten_too=forgotten_too)
    if invitation is None:
        raise UnknownInvitation()
    return invitation


def _page(template: str, invitation: Invitation, token: str, form: ConfirmForm, code: int = 200) -> ResponseValue:
    event = responses.invitation_event(invitation)
    page = render_template(template, invitation=invitation, event=event, project=event.project, form=form, token=token)
    return page, code


@bp.route("/invitations/<token>/decline", methods=["GET", "POST"])
@rate_limit
def decline(token: str) -> ResponseValue:
    invitation = _by_token(token)
    form = ConfirmForm()
    try:
        if form.validate_on_submit():
            responses.decline_invitation(invitation)
            return _page("campaigns/invitee_declined.html", invitation, token, form)
        responses.ensure_can_decline(invitation)
    except DomainError as exc:
        show_domain_error(form, exc)
    code = 200 if request.method == "GET" else 409 if form.form_errors else 422
    return _page("campaigns/invitee_decline.html", invitation, token, form, code)


@bp.route("/invitations/<token>/unsubscribe", methods=["GET", "POST"])
@rate_limit
def unsubscribe(token: str) -> ResponseValue:
    invitation = _by_token(token, forgotten_too=True)
    form = ConfirmForm()
    try:
        if form.validate_on_submit():
            responses.unsubscribe_invitee(invitation)
            return _page("campaigns/invitee_unsubscribed.html", invitation, token, form)
        responses.ensure_can_unsubscribe(invitation)
    except DomainError as exc:
        show_domain_error(form, exc)
    code = 200 if request.method == "GET" else 409 if form.form_errors else 422
    return _page("campaigns/invitee_unsubscribe.html", invitation, token, form, code)


@bp.post("/invitations/<token>/unsubscribe/one-click")
@csrf.exempt
@one_click_limit
def unsubscribe_one_click(token: str) -> Response:
    invitation = _by_token(token, forgotten_too=True)
    with suppress(responses.AlreadyUnsubscribed):  # idempotent: a repeat gets the same answer
        responses.unsubscribe_invitee(invitation)
    return Response(_("You are unsubscribed."), mimetype="text/plain")
