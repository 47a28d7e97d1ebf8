"""Contacts get a folded copy of name, address and organisation to search in

SQLite's lower() folds ASCII letters only, so "ângela" never found "Ângela" there; the
folded copy is compared instead, the same on every database.

Revision ID: 0010
Revises: 0006
Create Date: 2026-12-02 11:00:00

"""
import unicodedata

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def _fold(text):
    # A copy of seminar_app.textsearch.fold as it was when this migration was written.
    decomposed = unicodedata.normalize("NFKD", text)
    return unicodedata.normalize("NFKC", "".join(c for c in decomposed if not unicodedata.combining(c)).casefold())


def upgrade():
    with op.batch_alter_table('contact', schema=None) as batch_op:
        batch_op.add_column(sa.Column('search_text', sa.Text(), nullable=False, server_default=''))
    connection = op.get_bind()
    contact = sa.table(
        'contact',
        sa.column('id', sa.Integer),
        sa.column('name', sa.String),
        sa.column('email', sa.String),
        sa.column('organisation', sa.String),
        sa.column('search_text', sa.Text),
    )
    last_id = 0
    while True:
        rows = connection.execute(
            sa.select(contact.c.id, contact.c.name, contact.c.email, contact.c.organisation)
            .where(contact.c.id > last_id)
            .order_by(contact.c.id)
            .limit(1000)
        ).all()
        if not rows:
            break
        connection.execute(
            contact.update().where(contact.c.id == sa.bindparam('contact_id')),
            [
                {
                    'contact_id': row.id,
                    'search_text': _fold('\n'.join((row.name or '', row.email or '', row.organisation or ''))),
                }
                for row in rows
            ],
        )
        last_id = rows[-1].id


def downgrade():
    with op.batch_alter_table('contact', schema=None) as batch_op:
        batch_op.drop_column('search_text')
