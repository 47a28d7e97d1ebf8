"""The project-wide summary of the standard feedback questionnaire, for reports.

Part of the report queries (`seminar_app.reports.queries` re-exports it): same events,
same scope, a fixed number of queries.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from sqlalchemy import func, select

from seminar_app.enums import QuestionKind
from seminar_app.extensions import db
from seminar_app.feedback.models import FeedbackAnswer, FeedbackInvitation, FeedbackResponse, Question
from seminar_app.feedback.questions import KNOWLEDGE_AFTER, KNOWLEDGE_BEFORE, question_text
from seminar_app.feedback.results import SCALE_VALUES, BeforeAfter, ScaleResult
from seminar_app.projects.models import Project
from seminar_app.reports.filters import ReportFilter
from seminar_app.reports.scope import ReportScope
from seminar_app.reports.selection import selected_events


@dataclass(frozen=True)
class FeedbackSummary:
    """The standard questionnaire's answers over every event of the report.

    Below the project's `feedback_min_answers` answers only `invited` and `answers` are
    given (`questions` stays empty), as on each event's results page: with few answers a
    distribution can tell who said what. Events' own questions differ from event to
    event and are not summed."""

    invited: int
    answers: int
    min_answers: int
    questions: list[ScaleResult] = field(default_factory=list)
    before_after: BeforeAfter | None = None

    @property
    def detailed(self) -> bool:
        return self.answers >= self.min_answers and self.answers > 0

    @property
    def response_rate(self) -> float | None:
        """Answers / people invited to answer, from 0 to 1."""
        return self.answers / self.invited if self.invited else None


def feedback_summary(project: Project, report_filter: ReportFilter, scope: ReportScope) -> FeedbackSummary:
    """Response rate and, with enough answers, the distribution (1 to 5) and mean of each
    standard scale question. Four queries at most (five with a period)."""
    ids = selected_events(project, report_filter, scope)
    invited = db.session.scalar(select(func.count()).where(FeedbackInvitation.event_id.in_(ids))) or 0
    answers = db.session.scalar(select(func.count()).where(FeedbackResponse.event_id.in_(ids))) or 0
    summary = FeedbackSummary(invited, answers, project.feedback_min_answers)
    if not summary.detailed:
        return summary
    standard = db.session.scalars(
        select(Question)
        .where(Question.project_id == project.id, Question.kind == QuestionKind.SCALE, Question.code.is_not(None))
        .order_by(Question.position, Question.id)
    ).all()
    counts: dict[int, Counter[int]] = defaultdict(Counter)
    for question_id, value, n in db.session.execute(
        select(FeedbackAnswer.question_id, FeedbackAnswer.value_int, func.count())
        .join(FeedbackResponse)
        .where(
            FeedbackResponse.event_id.in_(ids),
            FeedbackAnswer.question_id.in_([q.id for q in standard]),
            FeedbackAnswer.value_int.is_not(None),
        )
        .group_by(FeedbackAnswer.question_id, FeedbackAnswer.value_int)
    ):
        counts[question_id][value] += n
    questions = [
        ScaleResult(question, question_text(question), {v: counts[question.id][v] for v in SCALE_VALUES})
        for question in standard
    ]
    by_code = {s.question.code: s for s in questions}
    before_after = None
    if KNOWLEDGE_BEFORE in by_code and KNOWLEDGE_AFTER in by_code:
        before_after = BeforeAfter(by_code[KNOWLEDGE_BEFORE], by_code[KNOWLEDGE_AFTER])
    return FeedbackSummary(invited, answers, summary.min_answers, questions, before_after)
