"""Each event's people and feedback, counted ahead of time for the reports (issue 18).

At a million registrations, counting them for every dashboard took 1.6 s in PostgreSQL
alone, however the query was written, and its 700,000 feedback answers another 0.4 s.
So each event's figures are kept as *tallies*: the `PeopleCounts` of the event per
organisation country, stakeholder group and chosen mode (`PeopleTally`), its feedback
answers per question and value (`FeedbackTally`) and its feedback counts (`TallyState`),
a few rows per event. Reports add tallies up instead of reading registrations.

How a tally stays right (`seminar_app.reports.tallies` does the reading side):

- **Every change is noted by the database itself.** Triggers on `registration`,
  `attendance` and the feedback tables write the event's id to `tally_change` in the
  transaction that changes a counted column. Being triggers, they see every writer:
  forms, the API, imports, erasure, retention, bulk COPY, SQL typed by hand. On
  PostgreSQL they fire once per statement, so a bulk load writes one note per event,
  not one per row.
- **A report brings the tallies it needs up to date before it reads them.** It deletes
  the notes of its events (the rows it deletes are exactly the changes it will count,
  whatever commits meanwhile) and counts those events again from their registrations.
  An event whose tallies were never made, or were made for another start (the start
  decides who counts as cancelled late), is counted too.
- The tallies are written in the reader's own transaction, so a reader that rolls back
  leaves the notes in place, and a reader that sees its own uncommitted changes writes
  tallies that go or stay with them.

Triggers are created both by migration 0019 (which keeps its own copy, as migrations
must) and by `create_all` (`_create_triggers`); `tests/test_migrations.py` checks that
both make the same ones.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, ForeignKey, Index, MetaData, String, event
from sqlalchemy.orm import Mapped, mapped_column

from seminar_app.db_types import UTCDateTime
from seminar_app.enums import AttendanceMode, db_enum
from seminar_app.extensions import db


class TallyChange(db.Model):
    """A note that an event's people or feedback changed since its tallies were made."""

    __tablename__ = "tally_change"

    id: Mapped[int] = mapped_column(primary_key=True)
    # No foreign key: notes are written while an event's registrations are deleted with it.
    event_id: Mapped[int] = mapped_column(index=True)


class TallyState(db.Model):
    """That an event's tallies exist, the start they were counted for, and the event's
    feedback counts (people invited to answer, answers received)."""

    __tablename__ = "tally_state"

    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"), primary_key=True)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    feedback_invited: Mapped[int] = mapped_column(default=0)
    feedback_answers: Mapped[int] = mapped_column(default=0)


class PeopleTally(db.Model):
    """The `PeopleCounts` of one event's people from one organisation country and
    stakeholder group who chose one mode."""

    __tablename__ = "people_tally"
    __table_args__ = (Index("ix_people_tally_event_id", "event_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"))
    organisation_country: Mapped[str] = mapped_column(String(2))
    stakeholder_group: Mapped[str] = mapped_column(String(40))
    mode: Mapped[AttendanceMode] = mapped_column(db_enum(AttendanceMode, "attendance_mode"))
    registered: Mapped[int]
    confirmed: Mapped[int]
    attended: Mapped[int]
    attended_on_site: Mapped[int]
    attended_online: Mapped[int]
    attended_partner_staff: Mapped[int]
    registered_partner_staff: Mapped[int]


class FeedbackTally(db.Model):
    """How many of one event's feedback answers gave one question one value (scale and
    number questions: the answers with a `value_int`)."""

    __tablename__ = "feedback_tally"
    __table_args__ = (Index("ix_feedback_tally_event_id", "event_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"))
    question_id: Mapped[int]
    value_int: Mapped[int]
    answers: Mapped[int]


# The registration columns the counts depend on (`selection.people_query`); a change to
# any other (a name, an address, an erasure's blanks) leaves the tallies right.
COUNTED_COLUMNS = (
    "event_id",
    "status",
    "mode",
    "organisation_country",
    "stakeholder_group",
    "is_partner_staff",
    "confirmed_at",
    "cancelled_at",
)
TALLIED_TABLES = ("registration", "attendance", "feedback_invitation", "feedback_response", "feedback_answer")
VERBS = ("insert", "update", "delete")

# SQLite: one trigger per row. A feedback answer names its event through its response.
_OF_ANSWER = "SELECT event_id FROM feedback_response WHERE id"
_SQLITE_ROWS = {
    "insert": "VALUES (NEW.event_id)",
    "update": "SELECT NEW.event_id UNION SELECT OLD.event_id",
    "delete": "VALUES (OLD.event_id)",
}
_SQLITE_ANSWER_ROWS = {
    "insert": f"{_OF_ANSWER} = NEW.response_id",
    "update": f"{_OF_ANSWER} IN (NEW.response_id, OLD.response_id)",
    "delete": f"{_OF_ANSWER} = OLD.response_id",
}
_SQLITE_UPDATED_COLUMNS = {
    "registration": COUNTED_COLUMNS,
    "attendance": ("event_id", "registration_id", "mode"),
    "feedback_invitation": ("event_id",),
    "feedback_response": ("event_id",),
    "feedback_answer": ("response_id", "question_id", "value_int"),
}
_SQLITE = [
    f"""CREATE TRIGGER tally_note_{table}_{verb} AFTER {verb.upper()}{columns} ON {table}
BEGIN INSERT INTO tally_change (event_id) {rows}; END"""
    for table in TALLIED_TABLES
    for verb in VERBS
    for columns in [" OF " + ", ".join(_SQLITE_UPDATED_COLUMNS[table]) if verb == "update" else ""]
    for rows in [(_SQLITE_ANSWER_ROWS if table == "feedback_answer" else _SQLITE_ROWS)[verb]]
] + [
    """CREATE TRIGGER tally_forget_event AFTER DELETE ON event
BEGIN
    DELETE FROM people_tally WHERE event_id = OLD.id;
    DELETE FROM feedback_tally WHERE event_id = OLD.id;
    DELETE FROM tally_state WHERE event_id = OLD.id;
    DELETE FROM tally_change WHERE event_id = OLD.id;
END"""
]

# PostgreSQL: one trigger per statement, reading the statement's rows (transition tables).
_CHANGED_REGISTRATIONS = " OR ".join(f"n.{c} IS DISTINCT FROM o.{c}" for c in COUNTED_COLUMNS)
_BOTH = "new_rows n JOIN old_rows o ON o.id = n.id"
_PG_NOTES = {
    "new": "SELECT DISTINCT event_id FROM new_rows",
    "old": "SELECT DISTINCT event_id FROM old_rows",
    "both": "SELECT event_id FROM new_rows UNION SELECT event_id FROM old_rows",
    "registration_update": f"SELECT DISTINCT unnest(ARRAY[o.event_id, n.event_id]) FROM {_BOTH} "
    f"WHERE {_CHANGED_REGISTRATIONS}",
    "moved": f"SELECT DISTINCT unnest(ARRAY[o.event_id, n.event_id]) FROM {_BOTH} WHERE n.event_id <> o.event_id",
    "answers_new": "SELECT DISTINCT r.event_id FROM new_rows n JOIN feedback_response r ON r.id = n.response_id",
    "answers_old": "SELECT DISTINCT r.event_id FROM old_rows o JOIN feedback_response r ON r.id = o.response_id",
    "answers_both": "SELECT r.event_id FROM feedback_response r WHERE r.id IN "
    "(SELECT response_id FROM new_rows UNION SELECT response_id FROM old_rows)",
}
_PG_FUNCTION_OF = {
    "registration": ("new", "registration_update", "old"),
    "attendance": ("new", "both", "old"),
    "feedback_invitation": ("new", "moved", "old"),
    "feedback_response": ("new", "moved", "old"),
    "feedback_answer": ("answers_new", "answers_both", "answers_old"),
}
_TRANSITIONS = {
    "insert": "NEW TABLE AS new_rows",
    "update": "OLD TABLE AS old_rows NEW TABLE AS new_rows",
    "delete": "OLD TABLE AS old_rows",
}
_POSTGRESQL = (
    [
        f"""CREATE FUNCTION tally_note_{name}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO tally_change (event_id) {rows};
    RETURN NULL;
END $$"""
        for name, rows in _PG_NOTES.items()
    ]
    + [
        """CREATE FUNCTION tally_forget_event() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM tally_change WHERE event_id = OLD.id;
    RETURN NULL;
END $$"""
    ]
    + [
        f"""CREATE TRIGGER tally_note_{table}_{verb} AFTER {verb.upper()} ON {table}
REFERENCING {_TRANSITIONS[verb]} FOR EACH STATEMENT EXECUTE FUNCTION tally_note_{function}()"""
        for table in TALLIED_TABLES
        for verb, function in zip(VERBS, _PG_FUNCTION_OF[table], strict=True)
    ]
    + [
        """CREATE TRIGGER tally_forget_event AFTER DELETE ON event
FOR EACH ROW EXECUTE FUNCTION tally_forget_event()"""
    ]
)

TRIGGERS = {"sqlite": _SQLITE, "postgresql": _POSTGRESQL}

_DROP_TRIGGERS = [(f"tally_note_{table}_{verb}", table) for table in TALLIED_TABLES for verb in VERBS] + [
    ("tally_forget_event", "event")
]
DROP_TRIGGERS = {
    "sqlite": [f"DROP TRIGGER IF EXISTS {name}" for name, _table in _DROP_TRIGGERS],
    "postgresql": [f"DROP TRIGGER IF EXISTS {name} ON {table}" for name, table in _DROP_TRIGGERS]
    + [f"DROP FUNCTION IF EXISTS tally_note_{name}()" for name in _PG_NOTES]
    + ["DROP FUNCTION IF EXISTS tally_forget_event()"],
}


@event.listens_for(db.metadata, "after_create")
def _create_triggers(target: MetaData, connection: Connection, **_: Any) -> None:
    """A database built from the models (tests, benchmarks) notes changes like a migrated one."""
    dialect = connection.dialect.name
    for statement in DROP_TRIGGERS.get(dialect, []) + TRIGGERS.get(dialect, []):
        connection.exec_driver_sql(statement)
