"""Forms of the feedback area. They check shape only; the rules live in feedback.services
and feedback.answers."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from werkzeug.datastructures import MultiDict
from wtforms import BooleanField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length

from seminar_app.enums import QuestionKind
from seminar_app.events.forms import select_choices
from seminar_app.feedback.services import QuestionInput

# Answers are posted as `q-<question id>`; any other name is not an answer.
ANSWER_PREFIX = "q-"


def answer_field(question_id: int) -> str:
    return f"{ANSWER_PREFIX}{question_id}"


class AnswerForm(FlaskForm):
    """The questionnaire's CSRF token; the answers themselves are read by `posted_answers`,
    because the questions differ from event to event."""


def posted_answers(formdata: MultiDict[str, str]) -> dict[str, list[str]]:
    """The posted values keyed by the question id they claim to answer (checked by the service)."""
    return {name[len(ANSWER_PREFIX) :]: formdata.getlist(name) for name in formdata if name.startswith(ANSWER_PREFIX)}


class QuestionForm(FlaskForm):
    """An organiser adds a question of the event's own."""

    text = StringField(_l("Question"), validators=[DataRequired(_l("Write the question.")), Length(max=500)])
    kind = SelectField(
        _l("Kind of answer"),
        choices=select_choices((k.value, k.lazy_label) for k in QuestionKind),
        default=QuestionKind.SCALE.value,
    )
    choices = TextAreaField(
        _l("Options, one per line (for single and multiple choice)"),
        validators=[Length(max=5000)],
        render_kw={"rows": 4},
    )
    required = BooleanField(_l("An answer is required"))

    def to_input(self) -> QuestionInput:
        return QuestionInput(
            text=self.text.data or "",
            kind=QuestionKind(self.kind.data),
            choices=(self.choices.data or "").splitlines(),
            required=bool(self.required.data),
        )


class DeleteQuestionForm(FlaskForm):
    question_id = IntegerField(validators=[DataRequired()])


class SendRequestsForm(FlaskForm):
    """Sending the feedback request now: the organiser confirms they mean it."""

    confirm = BooleanField(
        _l("Yes, send the feedback request now to the people listed above"),
        validators=[DataRequired(message=_l("Tick the box to confirm that the request should go now."))],
    )
