"""Event content in several languages: an event's and its agenda items' texts per language

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-02 14:20:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('event_translation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('language', sa.String(length=8), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('summary', sa.String(length=500), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('objective', sa.String(length=500), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['event_id'], ['event.id'], name=op.f('fk_event_translation_event_id_event'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_event_translation')),
    sa.UniqueConstraint('event_id', 'language', name=op.f('uq_event_translation_event_id'))
    )
    with op.batch_alter_table('event_translation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_event_translation_event_id'), ['event_id'], unique=False)

    op.create_table('agenda_item_translation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('language', sa.String(length=8), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['item_id'], ['agenda_item.id'], name=op.f('fk_agenda_item_translation_item_id_agenda_item'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_agenda_item_translation')),
    sa.UniqueConstraint('item_id', 'language', name=op.f('uq_agenda_item_translation_item_id'))
    )
    with op.batch_alter_table('agenda_item_translation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_agenda_item_translation_item_id'), ['item_id'], unique=False)


def downgrade():
    with op.batch_alter_table('agenda_item_translation', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_agenda_item_translation_item_id'))
    op.drop_table('agenda_item_translation')
    with op.batch_alter_table('event_translation', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_event_translation_event_id'))
    op.drop_table('event_translation')
