"""Calendar invitations: per-event iCalendar SEQUENCE, calendar parts on outbox mail

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-28 18:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("event") as batch_op:
        batch_op.add_column(sa.Column("ical_sequence", sa.Integer(), server_default="0", nullable=False))
    with op.batch_alter_table("outbox_message") as batch_op:
        batch_op.add_column(sa.Column("calendar_method", sa.String(length=16), server_default="", nullable=False))
        batch_op.add_column(sa.Column("calendar_ics", sa.Text(), server_default="", nullable=False))
        batch_op.add_column(sa.Column("scrub_after_send", sa.Boolean(), server_default=sa.false(), nullable=False))


def downgrade():
    with op.batch_alter_table("outbox_message") as batch_op:
        batch_op.drop_column("scrub_after_send")
        batch_op.drop_column("calendar_ics")
        batch_op.drop_column("calendar_method")
    with op.batch_alter_table("event") as batch_op:
        batch_op.drop_column("ical_sequence")
