"""The Feedback tab of the event workspace: results (with exports), the event's own
questions, and a preview of the form.

Results are aggregates, so the project's managers see them as well as the partner's
organisers (`managed_event_or_404` lets both in, and nobody else).
"""

from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import login_required

from seminar_app.accounts.permissions import managed_event_or_404
from seminar_app.downloads import private_download
from seminar_app.errors import DomainError
from seminar_app.events.models import Event
from seminar_app.extensions import db
from seminar_app.feedback import bp, exports, services
from seminar_app.feedback.forms import AnswerForm, DeleteQuestionForm, QuestionForm
from seminar_app.feedback.models import Question
from seminar_app.feedback.questions import is_standard, questionnaire
from seminar_app.feedback.results import feedback_results
from seminar_app.forms import show_domain_error

ResponseValue = Response | str | tuple[str, int]
_BASE = "/manage/events/<int:event_id>/feedback"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@bp.route(_BASE)
@login_required
def results(event_id: int) -> ResponseValue:
    event = managed_event_or_404(event_id)
    return render_template(
        "feedback/results.html",
        event=event,
        results=feedback_results(event),
        small_group_note=exports.small_group_note,
        active_tab="feedback",
        feedback_tab="results",
    )


def _download(event: Event, content: bytes, extension: str, mimetype: str) -> Response:
    return private_download(content, exports.export_filename(event, extension), mimetype)


@bp.route(f"{_BASE}/results.csv")
@login_required
def results_csv(event_id: int) -> ResponseValue:
    event = managed_event_or_404(event_id)
    return _download(event, exports.results_csv(event, feedback_results(event)), "csv", "text/csv")


@bp.route(f"{_BASE}/results.xlsx")
@login_required
def results_xlsx(event_id: int) -> ResponseValue:
    event = managed_event_or_404(event_id)
    return _download(event, exports.results_xlsx(event, feedback_results(event)), "xlsx", XLSX)


def _render_questions(event: Event, form: QuestionForm, code: int = 200) -> ResponseValue:
    questions = questionnaire(event)
    return render_template(
        "feedback/questions.html",
        event=event,
        form=form,
        standard=[q for q in questions if is_standard(q)],
        own=[q for q in questions if not is_standard(q)],
        answered=services.response_count(event),
        delete_form=DeleteQuestionForm(formdata=None),
        active_tab="feedback",
        feedback_tab="questions",
    ), code


@bp.route(f"{_BASE}/questions", methods=["GET", "POST"])
@login_required
def questions(event_id: int) -> ResponseValue:
    event = managed_event_or_404(event_id)
    form = QuestionForm()
    if form.validate_on_submit():
        try:
            services.add_question(event, form.to_input())
        except DomainError as exc:
            show_domain_error(form, exc)
            return _render_questions(event, form, exc.status)
        flash(_("The question is added to this event's form."), "success")
        return redirect(url_for(".questions", event_id=event.id))
    return _render_questions(event, form, 422 if form.errors else 200)


@bp.post(f"{_BASE}/questions/delete")
@login_required
def delete_question(event_id: int) -> ResponseValue:
    event = managed_event_or_404(event_id)
    form = DeleteQuestionForm()
    if form.validate_on_submit():
        question = db.session.get(Question, form.question_id.data)
        if question is None or question.event_id != event.id:
            abort(404)
        try:
            services.delete_question(event, question)
        except DomainError as exc:
            flash(exc.message, "error")
        else:
            flash(_("The question is deleted."), "success")
    return redirect(url_for(".questions", event_id=event.id))


@bp.get(f"{_BASE}/preview")
@login_required
def preview(event_id: int) -> ResponseValue:
    event = managed_event_or_404(event_id)
    return render_template(
        "feedback/preview.html",
        event=event,
        form=AnswerForm(formdata=None),
        questions=questionnaire(event),
        posted={},
        errors={},
        active_tab="feedback",
        feedback_tab="preview",
    )
