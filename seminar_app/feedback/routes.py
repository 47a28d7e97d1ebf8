"""The feedback form behind the link in the feedback request, and its thank-you page.

The pages speak the language the person registered in (else the event's, when the
interface has it) unless the visitor chose another one with the language switcher. The
organisers' pages live in manage_routes and request_routes, imported at the end of this module.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from flask import current_app, make_response, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from werkzeug.exceptions import NotFound
from werkzeug.wrappers import Response

from seminar_app import i18n
from seminar_app.errors import DomainError, ValidationFailed
from seminar_app.events.models import Event
from seminar_app.extensions import db, limiter
from seminar_app.feedback import bp, services
from seminar_app.feedback.answers import GENERAL
from seminar_app.feedback.forms import AnswerForm, answer_field, posted_answers
from seminar_app.feedback.models import FeedbackInvitation
from seminar_app.feedback.questions import choice_labels, question_text, questionnaire, scale_ends
from seminar_app.registration.emails import mail_language
from seminar_app.registration.models import Registration

ResponseValue = Response | str | tuple[str, int]

# Per client address. Generous, because a room of attendees may answer at once from the
# venue's one public address; each link answers only once anyway.
rate_limit = limiter.limit(lambda: current_app.config.get("FEEDBACK_RATE_LIMIT", "30 per minute"), methods=["POST"])

for _name, _helper in {
    "feedback_question_text": question_text,
    "feedback_choice_labels": choice_labels,
    "feedback_scale_ends": scale_ends,
    "feedback_answer_field": answer_field,
}.items():
    bp.add_app_template_global(_helper, _name)


class UnknownFeedbackLink(NotFound):
    """No invitation has this token: mistyped, cut short, or made up."""


@bp.errorhandler(UnknownFeedbackLink)
def unknown_link(_exc: UnknownFeedbackLink) -> ResponseValue:
    return render_template("feedback/unknown_link.html"), 404


def _by_token(token: str) -> tuple[FeedbackInvitation, Event]:
    invitation = services.find_invitation(token)
    event = db.session.get(Event, invitation.event_id) if invitation is not None else None
    if invitation is None or event is None:
        raise UnknownFeedbackLink()
    return invitation, event


@contextmanager
def _respondent_language(invitation: FeedbackInvitation, event: Event) -> Iterator[None]:
    if "lang" in session:
        yield
        return
    registration = db.session.get(Registration, invitation.registration_id) if invitation.registration_id else None
    language = mail_language(registration) if registration is not None else event.language
    if language in i18n.offered_languages():
        with i18n.force_language(language):
            yield
    else:
        yield


def _page(template: str, code: int = 200, **context: Any) -> Response:
    response = make_response(render_template(template, **context), code)
    response.headers["Content-Language"] = i18n.language_tag()
    return response


@bp.route("/feedback/<token>", methods=["GET", "POST"])
@rate_limit
def answer(token: str) -> ResponseValue:
    invitation, event = _by_token(token)
    with _respondent_language(invitation, event):
        if invitation.answered:
            return _page("feedback/answered.html", 409 if request.method == "POST" else 200, event=event)
        try:
            services.ensure_feedback_open(event)
        except services.FeedbackClosed as exc:
            code = 409 if request.method == "POST" else 200
            return _page("feedback/closed.html", code, event=event, reason=exc.message)
        form = AnswerForm()
        posted: dict[str, list[str]] = {}
        errors: dict[str, list[str]] = {}
        if request.method == "POST":
            posted = posted_answers(request.form)
            try:
                errors = _submit(form, invitation, posted)
            except services.AlreadyAnswered:
                return _page("feedback/answered.html", 409, event=event)
            if not errors:
                return redirect(url_for(".thanks", token=token))
        return _page(
            "feedback/form.html",
            422 if errors else 200,
            event=event,
            token=token,
            form=form,
            questions=questionnaire(event),
            posted=posted,
            errors=errors,
        )


def _submit(form: AnswerForm, invitation: FeedbackInvitation, posted: dict[str, list[str]]) -> dict[str, list[str]]:
    """Store the answers; the messages to show next to the questions if they cannot be."""
    if not form.validate_on_submit():
        return {GENERAL: [_("The form has expired. Please send your answers again.")]}
    try:
        services.submit_answers(invitation, posted, language=i18n.current_language())
    except ValidationFailed as exc:
        return exc.errors
    except services.AlreadyAnswered:
        raise
    except DomainError as exc:
        return {GENERAL: [exc.message]}
    return {}


@bp.get("/feedback/<token>/thanks")
def thanks(token: str) -> ResponseValue:
    invitation, event = _by_token(token)
    if not invitation.answered:
        return redirect(url_for(".answer", token=token))
    with _respondent_language(invitation, event):
        return _page("feedback/thanks.html", event=event)


from seminar_app.feedback import manage_routes, request_routes  # noqa: E402,F401
