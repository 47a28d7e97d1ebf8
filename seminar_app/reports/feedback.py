"""The project-wide summary of the standard feedback questionnaire, for reports.

Part of the report queries (`seminar_app.reports.queries` re-exports it): same events,
same scope, a fixed number of queries.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from sqlalchemy import select

from seminar_app.enums import QuestionKind
from seminar_app.extensions import db
from seminar_app.feedback.models import Question
from seminar_app.feedback.questions import KNOWLEDGE_AFTER, KNOWLEDGE_BEFORE, question_text
from seminar_app.feedback.results import SCALE_VALUES, BeforeAfter, ScaleResult
from seminar_app.projects.models import Project
from seminar_app.reports.filters import ReportFilter
from seminar_app.reports.scope import ReportScope
from seminar_app.reports.selection import selected_events
from seminar_app.reports.tallies import feedback_totals, feedback_values


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
    standard scale question, from the events' tallies (`reports.tallies`). Four queries
    at most (five with a period) once the tallies are up to date."""
    ids = selected_events(project, report_filter, scope)
    invited, answers = feedback_totals(ids)
    summary = FeedbackSummary(invited, answers, project.feedback_min_answers)
    if not summary.detailed:
        return summary
    standard = db.session.scalars(
        select(Question)
        .where(Question.project_id == project.id, Question.kind == QuestionKind.SCALE, Question.code.is_not(None))
        .order_by(Question.position, Question.id)
    ).all()
    counts: dict[int, Counter[int]] = defaultdict(Counter)
    for question_id, value, n in feedback_values(ids, [q.id for q in standard]):
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
