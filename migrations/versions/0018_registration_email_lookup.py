"""An index for finding an event's registration by e-mail address, whatever its case

Every registration first looks for the same address among the event's registrations
(`lower(email)`, so that Ana@example.org and ana@example.org are one person). Without
this index that lookup read every registration of the event, under the event's lock.

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-03 14:00:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index(
        "ix_registration_event_id_lower_email", "registration", ["event_id", sa.text("lower(email)")], unique=False
    )


def downgrade():
    op.drop_index("ix_registration_event_id_lower_email", table_name="registration")
