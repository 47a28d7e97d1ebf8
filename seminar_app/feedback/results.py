"""An event's feedback results: read-only, for the results page and its exports.

Results are aggregates, so project managers see them as well as the organisers. Below the
project's `feedback_min_answers` only the number of answers is given: in a small group a
distribution or a comment can tell who said what. Comments are sorted alphabetically,
never in the order they arrived, so that they cannot be matched to who answered when.
"""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from sqlalchemy import Select, func, select

from seminar_app.enums import QuestionKind
from seminar_app.events.models import Event
from seminar_app.extensions import db
from seminar_app.feedback.models import FeedbackAnswer, FeedbackInvitation, FeedbackResponse, Question
from seminar_app.feedback.questions import (
    KNOWLEDGE_AFTER,
    KNOWLEDGE_BEFORE,
    choice_labels,
    event_questions,
    question_text,
)

SCALE_VALUES = (1, 2, 3, 4, 5)


@dataclass
class ScaleResult:
    question: Question
    text: str
    counts: dict[int, int]  # value 1..5 -> number of answers

    @property
    def n(self) -> int:
        return sum(self.counts.values())

    @property
    def mean(self) -> float | None:
        return sum(v * c for v, c in self.counts.items()) / self.n if self.n else None

    @property
    def median(self) -> float | None:
        values = [v for v in SCALE_VALUES for _ in range(self.counts[v])]
        return float(statistics.median(values)) if values else None

    @property
    def share_high(self) -> float | None:
        """The share of answers that are 4 or 5, from 0 to 1."""
        return (self.counts[4] + self.counts[5]) / self.n if self.n else None

    @property
    def largest(self) -> int:
        return max(self.counts.values(), default=0)


@dataclass
class ChoiceResult:
    question: Question
    text: str
    options: list[tuple[str, int]]  # label, how many chose it
    n: int  # people who answered the question


@dataclass
class TextResult:
    question: Question
    text: str
    comments: list[str]


@dataclass
class BeforeAfter:
    before: ScaleResult
    after: ScaleResult

    @property
    def change(self) -> float | None:
        if self.before.mean is None or self.after.mean is None:
            return None
        return self.after.mean - self.before.mean


@dataclass
class FeedbackResults:
    answers: int
    invited: int
    min_answers: int
    scales: list[ScaleResult] = field(default_factory=list)
    choices: list[ChoiceResult] = field(default_factory=list)
    texts: list[TextResult] = field(default_factory=list)
    before_after: BeforeAfter | None = None

    @property
    def detailed(self) -> bool:
        """Whether there are enough answers to show more than their number."""
        return self.answers >= self.min_answers

    @property
    def response_rate(self) -> float | None:
        return self.answers / self.invited if self.invited else None


def _of_event(event: Event) -> Select[tuple[int]]:
    """Answers given to `event`, starting with their question's id."""
    return select(FeedbackAnswer.question_id).join(FeedbackResponse).where(FeedbackResponse.event_id == event.id)


def feedback_results(event: Event) -> FeedbackResults:
    """Counts for every event; with enough answers also every question's statistics and
    the comments. Runs a fixed number of queries whatever the number of answers."""
    answers = db.session.scalar(select(func.count()).where(FeedbackResponse.event_id == event.id)) or 0
    invited = db.session.scalar(select(func.count()).where(FeedbackInvitation.event_id == event.id)) or 0
    results = FeedbackResults(answers=answers, invited=invited, min_answers=event.project.feedback_min_answers)
    if not results.detailed or not answers:
        return results

    scale_counts: dict[int, Counter[int]] = defaultdict(Counter)
    rows = db.session.execute(
        _of_event(event)
        .add_columns(FeedbackAnswer.value_int, func.count())
        .where(FeedbackAnswer.value_int.is_not(None))
        .group_by(FeedbackAnswer.question_id, FeedbackAnswer.value_int)
    )
    for question_id, value, count in rows:
        scale_counts[question_id][value] += count
    picks: dict[int, Counter[int]] = defaultdict(Counter)
    answered: Counter[int] = Counter()
    for question_id, chosen in db.session.execute(
        _of_event(event).add_columns(FeedbackAnswer.value_choices).where(FeedbackAnswer.value_choices.is_not(None))
    ):
        answered[question_id] += 1
        picks[question_id].update(chosen or [])
    comments: dict[int, list[str]] = defaultdict(list)
    for question_id, text in db.session.execute(
        _of_event(event).add_columns(FeedbackAnswer.value_text).where(FeedbackAnswer.value_text != "")
    ):
        comments[question_id].append(text)

    by_code: dict[str, ScaleResult] = {}
    for question in event_questions(event):
        text = question_text(question)
        if question.kind is QuestionKind.SCALE:
            counts = scale_counts[question.id]
            scale = ScaleResult(question, text, {v: counts[v] for v in SCALE_VALUES})
            results.scales.append(scale)
            if question.code:
                by_code[question.code] = scale
        elif question.kind is QuestionKind.TEXT:
            results.texts.append(TextResult(question, text, sorted(comments[question.id], key=str.casefold)))
        else:
            labels = choice_labels(question)
            options = [(label, picks[question.id][index]) for index, label in enumerate(labels)]
            results.choices.append(ChoiceResult(question, text, options, answered[question.id]))
    if KNOWLEDGE_BEFORE in by_code and KNOWLEDGE_AFTER in by_code:
        results.before_after = BeforeAfter(by_code[KNOWLEDGE_BEFORE], by_code[KNOWLEDGE_AFTER])
    return results
