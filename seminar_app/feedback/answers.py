"""Checking a filled-in questionnaire against its questions, before anything is stored.

Input comes from a public form and may have been tampered with: every value is checked
against the question it claims to answer, and a value for a question that is not in the
questionnaire is refused rather than ignored, so nobody can add answers to a question
they were not asked.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from flask_babel import gettext as _
from flask_babel import ngettext

from seminar_app.enums import QuestionKind
from seminar_app.errors import ValidationFailed
from seminar_app.feedback.models import Question
from seminar_app.feedback.questions import choice_labels
from seminar_app.validation import FieldErrors, storable

SCALE = range(1, 6)
MAX_TEXT = 4000
# Errors that concern the whole form rather than one question.
GENERAL = ""


@dataclass(frozen=True)
class Answer:
    question_id: int
    value_int: int | None = None
    value_choices: list[int] | None = None
    value_text: str = ""


def _whole_number(value: str) -> int | None:
    value = value.strip()
    if not value.isdecimal() or len(value) > 6:
        return None
    return int(value)


def _one_answer(question: Question, values: list[str], errors: FieldErrors) -> Answer | None:
    """The answer to `question` (None when it was left out), or an error recorded under the question's id."""
    key = str(question.id)
    values = [v for v in values if v.strip()]
    if not values:
        return None
    if question.kind is not QuestionKind.MULTIPLE and len(values) > 1:
        errors.add(key, _("Give only one answer to this question."))
        return None
    if question.kind is QuestionKind.SCALE:
        number = _whole_number(values[0])
        if number not in SCALE:
            errors.add(key, _("Choose a number from 1 to 5."))
            return None
        return Answer(question.id, value_int=number)
    if question.kind is QuestionKind.TEXT:
        text = values[0].strip()
        if len(text) > MAX_TEXT:
            errors.add(key, ngettext("Use at most %(num)d character.", "Use at most %(num)d characters.", MAX_TEXT))
        elif not storable(text):
            errors.add(key, _("Remove the invisible control characters from this text."))
        else:
            return Answer(question.id, value_text=text)
        return None
    options = range(len(choice_labels(question)))
    picked = [_whole_number(v) for v in values]
    if any(p not in options for p in picked):
        errors.add(key, _("Choose among the options shown."))
        return None
    return Answer(question.id, value_choices=sorted({p for p in picked if p is not None}))


def check_answers(questions: Sequence[Question], posted: Mapping[str, Sequence[str]]) -> list[Answer]:
    """The answers in `posted` (values keyed by question id, as strings), checked.

    Raises `ValidationFailed` with messages keyed by question id (or `GENERAL`) when a value
    is out of range, a required question is unanswered, nothing at all is answered, or a
    key names no question of `questions`."""
    by_id = {str(q.id): q for q in questions}
    errors = FieldErrors()
    unknown = [key for key in posted if key not in by_id]
    if unknown:
        errors.add(
            GENERAL,
            _(
                "This form contains an answer to a question that is not (or no longer) in the questionnaire. "
                "Reload the page and answer again."
            ),
        )
    answers = []
    for key, question in by_id.items():
        answer = _one_answer(question, list(posted.get(key, ())), errors)
        if answer is not None:
            answers.append(answer)
        elif question.required and key not in errors.by_field:
            errors.add(key, _("This question needs an answer."))
    if not answers and not errors.by_field:
        errors.add(GENERAL, _("Answer at least one question before sending."))
    if errors.by_field:
        raise ValidationFailed(errors.by_field, _("Some answers need your attention."))
    return answers
