"""The invitee's pages behind the personal links of an invitation mail (no log-in):
"I cannot come" and unsubscribe (also RFC 8058 one-click). The personal registration
link itself is the event's registration form with `?invitation=<token>`."""

from __future__ import annotations

from flask import abort
from werkzeug.wrappers import Response

from seminar_app.campaigns import bp


@bp.route("/invitations/<token>/decline", methods=["GET", "POST"])
def decline(token: str) -> Response:
    abort(404)


@bp.route("/invitations/<token>/unsubscribe", methods=["GET", "POST"])
def unsubscribe(token: str) -> Response:
    abort(404)


@bp.post("/invitations/<token>/unsubscribe/one-click")
def unsubscribe_one_click(token: str) -> Response:
    abort(404)
