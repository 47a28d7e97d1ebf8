"""Retention in two tiers: per-project retention settings, legal hold, and their change log

Operational personal data is purged a number of days after each event
(`operational_retention_days`, NULL: the installation's OPERATIONAL_RETENTION_DAYS); the
funder's evidence is kept until `evidence_kept_until` (NULL: no date set, kept); a legal
hold stops every purge of the project. Every change of these settings is recorded in
`retention_change`. Existing projects get no number of days, no date and no hold.

Revision ID: 0015
Revises: 0013
Create Date: 2026-12-03 08:00:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("project", schema=None) as batch_op:
        batch_op.add_column(sa.Column("operational_retention_days", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("evidence_kept_until", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("legal_hold", sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column("legal_hold_reason", sa.Text(), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("legal_hold_set_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("legal_hold_set_by_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_project_legal_hold_set_by_id_user_account"),
            "user_account",
            ["legal_hold_set_by_id"],
            ["id"],
            ondelete="SET NULL",
        )
    op.create_table(
        "retention_change",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("changed_at", sa.DateTime(), nullable=False),
        sa.Column("changed_by_id", sa.Integer(), nullable=True),
        sa.Column("changed_by_name", sa.String(length=200), nullable=False),
        sa.Column("setting", sa.String(length=40), nullable=False),
        sa.Column("old_value", sa.String(length=40), nullable=False),
        sa.Column("new_value", sa.String(length=40), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["changed_by_id"],
            ["user_account.id"],
            name=op.f("fk_retention_change_changed_by_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["project_id"], ["project.id"], name=op.f("fk_retention_change_project_id_project"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_retention_change")),
    )
    with op.batch_alter_table("retention_change", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_retention_change_project_id"), ["project_id"], unique=False)


def downgrade():
    with op.batch_alter_table("retention_change", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_retention_change_project_id"))
    op.drop_table("retention_change")
    with op.batch_alter_table("project", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_project_legal_hold_set_by_id_user_account"), type_="foreignkey")
        batch_op.drop_column("legal_hold_set_by_id")
        batch_op.drop_column("legal_hold_set_at")
        batch_op.drop_column("legal_hold_reason")
        batch_op.drop_column("legal_hold")
        batch_op.drop_column("evidence_kept_until")
        batch_op.drop_column("operational_retention_days")
