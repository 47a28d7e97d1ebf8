"""Reading the people and feedback of many events from their tallies
(`seminar_app.reports.models` says what a tally is and how the database notes changes).

`people_cube`, `people_by_event` and `people_by_event_and_country` give what
`selection.people_query` would count from the registrations; `feedback_by_event`,
`feedback_totals` and `feedback_values` what the feedback tables would. Each first
brings the tallies of the events it reads up to date (`bring_up_to_date`), in the
caller's transaction, so the figures are those of the rows as the caller's transaction
sees them. The dashboard, the exports and the CLI commit that first
(`commit_up_to_date_tallies`) for the next reader; a caller that does not commit only
pays the counting again next time.
"""

from __future__ import annotations

from dataclasses import fields
from typing import Any

from sqlalchemy import Select, delete, func, insert, or_, select, text
from sqlalchemy import event as sa_event
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, scoped_session

from seminar_app.events.models import Event
from seminar_app.extensions import db
from seminar_app.feedback.models import FeedbackAnswer, FeedbackInvitation, FeedbackResponse
from seminar_app.reports.models import FeedbackTally, PeopleTally, TallyChange, TallyState
from seminar_app.reports.selection import CUBE_KEYS, PeopleCounts, PeopleCube, cube_from, people_query

COUNTS = [f.name for f in fields(PeopleCounts)]
TALLY_KEYS = (PeopleTally.event_id, PeopleTally.organisation_country, PeopleTally.stakeholder_group, PeopleTally.mode)

# Any constant will do: it only has to be the same for every reader (pg_advisory_xact_lock).
_REFRESH_LOCK = 18_0019
_CHECKED = "reports.tallies.checked"


def bring_up_to_date(event_ids: Select[tuple[int]]) -> int:
    """Count again the events of `event_ids` whose tallies are missing, counted for
    another start, or older than a change the database noted. Returns how many events
    were counted: none, in one query, when nothing changed; else eight statements (seven
    on SQLite) whatever the number of events."""
    session = db.session
    checked, key = _checked(session), _key(event_ids)
    if key in checked:
        return 0
    noted = select(TallyChange.id).where(TallyChange.event_id == Event.id).exists()
    stale = set(
        session.scalars(
            select(Event.id)
            .outerjoin(TallyState, TallyState.event_id == Event.id)
            .where(Event.id.in_(event_ids))
            .where(or_(TallyState.starts_at.is_(None), TallyState.starts_at != Event.starts_at, noted))
        )
    )
    checked.add(key)
    if not stale:
        return 0
    postgres = session.get_bind().dialect.name == "postgresql"
    if postgres:
        # Two readers deleting overlapping notes in a different order could deadlock;
        # one at a time is plenty for reports.
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _REFRESH_LOCK})
    # The notes deleted here are changes already committed (or this transaction's own),
    # which the counting below, in later statements, sees. A note committed meanwhile is
    # not deleted and brings its event back next time.
    gone = delete(TallyChange).where(TallyChange.event_id.in_(event_ids)).returning(TallyChange.event_id)
    if postgres:
        stale.update(session.scalars(select(gone.cte("gone").c.event_id).distinct()))
    else:
        stale.update(session.scalars(gone))
    _count_again(sorted(stale), postgres)
    return len(stale)


def _count_again(stale: list[int], postgres: bool) -> None:
    session = db.session
    events = select(Event.id).where(Event.id.in_(stale))
    invited = select(func.count()).where(FeedbackInvitation.event_id == Event.id).scalar_subquery()
    answered = select(func.count()).where(FeedbackResponse.event_id == Event.id).scalar_subquery()
    state = (postgresql.insert if postgres else sqlite.insert)(TallyState).from_select(
        ["event_id", "starts_at", "feedback_invited", "feedback_answers"],
        select(Event.id, Event.starts_at, invited, answered).where(Event.id.in_(stale)).order_by(Event.id),
    )
    excluded = state.excluded
    session.execute(
        state.on_conflict_do_update(
            index_elements=["event_id"],
            set_={
                "starts_at": excluded.starts_at,
                "feedback_invited": excluded.feedback_invited,
                "feedback_answers": excluded.feedback_answers,
            },
        )
    )
    session.execute(delete(PeopleTally).where(PeopleTally.event_id.in_(stale)))
    people = people_query(events, *CUBE_KEYS)
    session.execute(insert(PeopleTally).from_select([*(k.key for k in TALLY_KEYS), *COUNTS], people))
    session.execute(delete(FeedbackTally).where(FeedbackTally.event_id.in_(stale)))
    values = (
        select(FeedbackResponse.event_id, FeedbackAnswer.question_id, FeedbackAnswer.value_int, func.count())
        .join(FeedbackResponse, FeedbackResponse.id == FeedbackAnswer.response_id)
        .where(FeedbackResponse.event_id.in_(stale), FeedbackAnswer.value_int.is_not(None))
        .group_by(FeedbackResponse.event_id, FeedbackAnswer.question_id, FeedbackAnswer.value_int)
    )
    session.execute(insert(FeedbackTally).from_select(["event_id", "question_id", "value_int", "answers"], values))


def _checked(session: Session | scoped_session[Session]) -> set[str]:
    """The event selections this transaction brought up to date and has not written since:
    a report reads its tallies several times and checks them once."""
    return session.info.setdefault(_CHECKED, set())


def _key(event_ids: Select[tuple[int]]) -> str:
    compiled = event_ids.compile()
    return f"{compiled}|{sorted(compiled.params.items())!r}"


@sa_event.listens_for(Session, "after_flush")
@sa_event.listens_for(Session, "after_commit")
@sa_event.listens_for(Session, "after_soft_rollback")
def _forget_checked(session: Session, *_: Any) -> None:
    session.info.pop(_CHECKED, None)


def commit_up_to_date_tallies(event_ids: Select[tuple[int]]) -> int:
    """`bring_up_to_date`, committed at once when anything was counted: what the dashboard,
    the exports, the CLI and the job runner do before they read, so that the next reader
    finds the tallies ready and no lock is held while the report is written. Returns how
    many events were counted."""
    counted = bring_up_to_date(event_ids)
    if counted:
        db.session.commit()
    return counted


def tally_query(event_ids: Select[tuple[int]], *group_by: Any) -> Select[Any]:
    """`people_query` for the same events and groups, added up from the tallies:
    `group_by` are columns of `PeopleTally`."""
    return (
        select(*group_by, *(func.sum(getattr(PeopleTally, name)).label(name) for name in COUNTS))
        .where(PeopleTally.event_id.in_(event_ids))
        .group_by(*group_by)
    )


def people_by_event(event_ids: Select[tuple[int]]) -> dict[int, PeopleCounts]:
    """`PeopleCounts` per event id (events without registered people are left out)."""
    bring_up_to_date(event_ids)
    rows = db.session.execute(tally_query(event_ids, PeopleTally.event_id))
    return {row.event_id: PeopleCounts.from_row(row) for row in rows}


def people_by_event_and_country(event_ids: Select[tuple[int]]) -> dict[tuple[int, str], PeopleCounts]:
    """`PeopleCounts` per event id and organisation country."""
    bring_up_to_date(event_ids)
    rows = db.session.execute(tally_query(event_ids, PeopleTally.event_id, PeopleTally.organisation_country))
    return {(row.event_id, row.organisation_country): PeopleCounts.from_row(row) for row in rows}


def people_cube(event_ids: Select[tuple[int]]) -> PeopleCube:
    """The per-event counts and the breakdowns of a report, added up from the tallies
    (a few rows per event) rather than counted from the registrations."""
    bring_up_to_date(event_ids)
    return cube_from(tally_query(event_ids, *TALLY_KEYS))


def feedback_by_event(event_ids: Select[tuple[int]]) -> tuple[dict[int, int], dict[int, int]]:
    """(answers, invitations) per event id, as `selection.feedback_by_event` counts them."""
    bring_up_to_date(event_ids)
    rows = db.session.execute(
        select(TallyState.event_id, TallyState.feedback_answers, TallyState.feedback_invited).where(
            TallyState.event_id.in_(event_ids)
        )
    ).all()
    return {e: a for e, a, _i in rows if a}, {e: i for e, _a, i in rows if i}


def feedback_totals(event_ids: Select[tuple[int]]) -> tuple[int, int]:
    """(people invited to answer, answers) over the events."""
    bring_up_to_date(event_ids)
    invited, answers = db.session.execute(
        select(func.sum(TallyState.feedback_invited), func.sum(TallyState.feedback_answers)).where(
            TallyState.event_id.in_(event_ids)
        )
    ).one()
    return int(invited or 0), int(answers or 0)


def feedback_values(event_ids: Select[tuple[int]], question_ids: list[int]) -> list[tuple[int, int, int]]:
    """(question id, value, answers) over the events, for the questions of `question_ids`."""
    bring_up_to_date(event_ids)
    rows = db.session.execute(
        select(FeedbackTally.question_id, FeedbackTally.value_int, func.sum(FeedbackTally.answers))
        .where(FeedbackTally.event_id.in_(event_ids), FeedbackTally.question_id.in_(question_ids))
        .group_by(FeedbackTally.question_id, FeedbackTally.value_int)
    )
    return [(q, v, int(n)) for q, v, n in rows]
