"""The feedback form (attendees, by link) and the questionnaire and results pages (organisers)."""

from __future__ import annotations

from flask.typing import ResponseValue

from seminar_app.feedback import bp


@bp.route("/feedback/<token>", methods=["GET", "POST"])
def answer(token: str) -> ResponseValue:
    """Placeholder until the form exists: the address the feedback mails link to."""
    return "Feedback form coming", 404
