"""Outbox rows remember the request (or job run) that queued them

The mail sender logs each delivery with the id of the request that caused it, so that an
operator can follow one visitor's action from nginx's log to the mail that left. Rows
queued before this migration have none.

Revision ID: 0016
Revises: 0013
Create Date: 2026-12-03 08:00:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("outbox_message", schema=None) as batch_op:
        batch_op.add_column(sa.Column("request_id", sa.String(length=64), nullable=True))


def downgrade():
    with op.batch_alter_table("outbox_message", schema=None) as batch_op:
        batch_op.drop_column("request_id")
