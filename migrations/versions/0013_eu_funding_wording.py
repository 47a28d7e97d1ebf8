"""Projects say which EU funding statement applies and name their granting authority

The funding statement and disclaimer were free text that every page showed in whatever
language they were written in. Pages now show the Commission's official wording in the
reader's language; the project says whether it is "co-funded" or "funded" (existing
projects whose own statement starts with "Funded" are funded, all others co-funded) and
may name the granting authority for the disclaimer.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-02 15:00:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("project", schema=None) as batch_op:
        batch_op.add_column(sa.Column("funding_kind", sa.String(length=16), nullable=False, server_default="co_funded"))
        batch_op.add_column(sa.Column("granting_authority", sa.String(length=200), nullable=False, server_default=""))
    project = sa.table("project", sa.column("funding_statement", sa.Text), sa.column("funding_kind", sa.String))
    op.execute(
        project.update()
        .where(sa.func.lower(sa.func.ltrim(project.c.funding_statement)).like("funded%"))
        .values(funding_kind="funded")
    )


def downgrade():
    with op.batch_alter_table("project", schema=None) as batch_op:
        batch_op.drop_column("granting_authority")
        batch_op.drop_column("funding_kind")
