"""Installation id for calendar UIDs; partners and projects record when they changed

Revision ID: 0009
Revises: 0006
Create Date: 2026-12-02 10:50:00.000000

An existing database keeps every UID it has already sent: events that exist now are
recorded as "legacy" and keep `event-<id>@<host>`; events created afterwards get
`event-<id>-<installation id>@<host>`, unique to this installation.
"""
import uuid
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade():
    setting = op.create_table('app_setting',
    sa.Column('key', sa.String(length=60), nullable=False),
    sa.Column('value', sa.String(length=200), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_app_setting'))
    )
    rows = [{'key': 'installation_id', 'value': uuid.uuid4().hex}]
    last_event = op.get_bind().execute(sa.text('SELECT MAX(id) FROM event')).scalar()
    if last_event:
        rows.append({'key': 'legacy_uids_through_event', 'value': str(last_event)})
    op.bulk_insert(setting, rows)

    now = datetime.now(UTC).replace(tzinfo=None)
    for table in ('project', 'partner'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('updated_at', sa.DateTime(), nullable=True))
        op.get_bind().execute(sa.text(f'UPDATE {table} SET updated_at = :now'), {'now': now})
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.alter_column('updated_at', existing_type=sa.DateTime(), nullable=False)


def downgrade():
    for table in ('partner', 'project'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column('updated_at')
    op.drop_table('app_setting')
