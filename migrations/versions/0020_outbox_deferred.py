"""Outbox rows may hold what a mail needs, for the sender to render it

A new registration's confirmation was rendered in the request, under the event's seat
lock, and was a third of the request's time (issue 18). The request now stores what the
mail needs (`deferred`) and the sender writes the subject, bodies and calendar.

Downgrading refuses while such a mail is waiting: the older code could not send it.

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-05 04:00:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("outbox_message", schema=None) as batch_op:
        batch_op.add_column(sa.Column("deferred", sa.JSON(none_as_null=True), nullable=True))


def downgrade():
    waiting = op.get_bind().scalar(sa.text("SELECT count(*) FROM outbox_message WHERE deferred IS NOT NULL"))
    if waiting:
        raise RuntimeError(
            f"{waiting} mail(s) in the outbox are not written yet and this version could not send them: "
            "run 'flask mail send' (or let the mail worker run) before downgrading."
        )
    # Not in batch mode: SQLite (3.35 and later) drops a column in place, where batch mode
    # would copy the table and stumble on registration's expression index (0018) it reflects.
    op.drop_column("outbox_message", "deferred")
