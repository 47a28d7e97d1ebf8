"""Each event's people and feedback counted ahead of time for the reports, kept right by triggers

A dashboard at a million registrations counted them all on every view (1.6 s in the
database alone), and its 700,000 feedback answers. `people_tally`, `feedback_tally` and
`tally_state` hold each event's figures; triggers on the registration, attendance and
feedback tables note every change in `tally_change`, and a report counts again only the
events noted (`seminar_app.reports.models` says how). The tallies start empty: the first
report of each event counts it.

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-04 17:00:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None

# The triggers as this revision makes them: a copy of `seminar_app.reports.models` at this
# revision (tests/test_migrations.py checks that the two make the same triggers).
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


def upgrade():
    op.create_table(
        "tally_change",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tally_change")),
    )
    op.create_index(op.f("ix_tally_change_event_id"), "tally_change", ["event_id"], unique=False)
    op.create_table(
        "tally_state",
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("starts_at", sa.DateTime(), nullable=False),
        sa.Column("feedback_invited", sa.Integer(), nullable=False),
        sa.Column("feedback_answers", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["event_id"], ["event.id"], name=op.f("fk_tally_state_event_id_event"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("event_id", name=op.f("pk_tally_state")),
    )
    op.create_table(
        "people_tally",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("organisation_country", sa.String(length=2), nullable=False),
        sa.Column("stakeholder_group", sa.String(length=40), nullable=False),
        sa.Column(
            "mode", sa.Enum("onsite", "online", name="attendance_mode", native_enum=False, length=20), nullable=False
        ),
        *(
            sa.Column(name, sa.Integer(), nullable=False)
            for name in (
                "registered",
                "confirmed",
                "attended",
                "attended_on_site",
                "attended_online",
                "attended_partner_staff",
                "registered_partner_staff",
            )
        ),
        sa.ForeignKeyConstraint(
            ["event_id"], ["event.id"], name=op.f("fk_people_tally_event_id_event"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_people_tally")),
    )
    op.create_index("ix_people_tally_event_id", "people_tally", ["event_id"], unique=False)
    op.create_table(
        "feedback_tally",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("question_id", sa.Integer(), nullable=False),
        sa.Column("value_int", sa.Integer(), nullable=False),
        sa.Column("answers", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["event_id"], ["event.id"], name=op.f("fk_feedback_tally_event_id_event"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_feedback_tally")),
    )
    op.create_index("ix_feedback_tally_event_id", "feedback_tally", ["event_id"], unique=False)
    for statement in TRIGGERS.get(op.get_bind().dialect.name, []):
        op.execute(statement)


def downgrade():
    for statement in DROP_TRIGGERS.get(op.get_bind().dialect.name, []):
        op.execute(statement)
    op.drop_index("ix_feedback_tally_event_id", table_name="feedback_tally")
    op.drop_table("feedback_tally")
    op.drop_index("ix_people_tally_event_id", table_name="people_tally")
    op.drop_table("people_tally")
    op.drop_table("tally_state")
    op.drop_index(op.f("ix_tally_change_event_id"), table_name="tally_change")
    op.drop_table("tally_change")
