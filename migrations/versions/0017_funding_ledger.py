"""The funder's ledger: funding rules per project, the plan of multiplier events, the link
from a delivered event to its planned event, eligibility decisions, evidence files and the
log of changes to the rules and the plan. Existing projects get no rules row (the defaults
apply) and an empty plan.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-03 14:00:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def _user_fk(table: str, column: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], ["user_account.id"], name=op.f(f"fk_{table}_{column}_user_account"), ondelete="SET NULL"
    )


def _cascade_fk(table: str, column: str, target: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], [f"{target}.id"], name=op.f(f"fk_{table}_{column}_{target}"), ondelete="CASCADE"
    )


def upgrade():
    op.create_table(
        "funding_rules",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("model", sa.String(length=20), nullable=False),
        sa.Column("amount_local", sa.Numeric(12, 2), nullable=False),
        sa.Column("amount_international", sa.Numeric(12, 2), nullable=False),
        sa.Column("cap", sa.Numeric(12, 2), nullable=True),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("partner_staff_count", sa.Boolean(), nullable=False),
        sa.Column("min_online_minutes", sa.Integer(), nullable=False),
        sa.Column("needs_signed_sheet", sa.Boolean(), nullable=False),
        sa.Column("needs_online_report", sa.Boolean(), nullable=False),
        sa.Column("needs_agenda", sa.Boolean(), nullable=False),
        sa.Column("needs_material", sa.Boolean(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        _cascade_fk("funding_rules", "project_id", "project"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_funding_rules")),
        sa.UniqueConstraint("project_id", name=op.f("uq_funding_rules_project_id")),
    )
    op.create_table(
        "funding_change",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("changed_at", sa.DateTime(), nullable=False),
        sa.Column("changed_by_id", sa.Integer(), nullable=True),
        sa.Column("changed_by_name", sa.String(length=200), nullable=False),
        sa.Column("setting", sa.String(length=60), nullable=False),
        sa.Column("old_value", sa.String(length=200), nullable=False),
        sa.Column("new_value", sa.String(length=200), nullable=False),
        _user_fk("funding_change", "changed_by_id"),
        _cascade_fk("funding_change", "project_id", "project"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_funding_change")),
    )
    op.create_index(op.f("ix_funding_change_project_id"), "funding_change", ["project_id"])
    op.create_table(
        "planned_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=20), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("partner_id", sa.Integer(), nullable=False),
        sa.Column("country", sa.String(length=2), nullable=False),
        sa.Column("planned_month", sa.Date(), nullable=False),
        sa.Column("format", sa.String(length=20), nullable=False),
        sa.Column("planned_local", sa.Integer(), nullable=False),
        sa.Column("planned_international", sa.Integer(), nullable=False),
        sa.Column("budget", sa.Numeric(12, 2), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["partner_id"], ["partner.id"], name=op.f("fk_planned_event_partner_id_partner")),
        _cascade_fk("planned_event", "project_id", "project"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_planned_event")),
        sa.UniqueConstraint("project_id", "code", name=op.f("uq_planned_event_project_id")),
    )
    op.create_index(op.f("ix_planned_event_project_id"), "planned_event", ["project_id"])
    op.create_index(op.f("ix_planned_event_partner_id"), "planned_event", ["partner_id"])
    with op.batch_alter_table("event", schema=None) as batch_op:
        batch_op.add_column(sa.Column("planned_event_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_event_planned_event_id"), ["planned_event_id"])
        batch_op.create_foreign_key(
            batch_op.f("fk_event_planned_event_id_planned_event"),
            "planned_event",
            ["planned_event_id"],
            ["id"],
            ondelete="SET NULL",
        )
    op.create_table(
        "eligibility_decision",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("registration_id", sa.Integer(), nullable=False),
        sa.Column("eligible", sa.Boolean(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("decided_at", sa.DateTime(), nullable=False),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        _user_fk("eligibility_decision", "decided_by_id"),
        _cascade_fk("eligibility_decision", "event_id", "event"),
        _cascade_fk("eligibility_decision", "registration_id", "registration"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_eligibility_decision")),
    )
    op.create_index(op.f("ix_eligibility_decision_event_id"), "eligibility_decision", ["event_id"])
    op.create_index(op.f("ix_eligibility_decision_registration_id"), "eligibility_decision", ["registration_id"])
    op.create_table(
        "evidence_file",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("day", sa.Date(), nullable=True),
        sa.Column("filename", sa.String(length=200), nullable=False),
        sa.Column("content_type", sa.String(length=100), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("uploaded_at", sa.DateTime(), nullable=False),
        sa.Column("uploaded_by_id", sa.Integer(), nullable=True),
        _user_fk("evidence_file", "uploaded_by_id"),
        _cascade_fk("evidence_file", "event_id", "event"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_evidence_file")),
    )
    op.create_index(op.f("ix_evidence_file_event_id"), "evidence_file", ["event_id"])


def downgrade():
    op.drop_index(op.f("ix_evidence_file_event_id"), table_name="evidence_file")
    op.drop_table("evidence_file")
    op.drop_index(op.f("ix_eligibility_decision_registration_id"), table_name="eligibility_decision")
    op.drop_index(op.f("ix_eligibility_decision_event_id"), table_name="eligibility_decision")
    op.drop_table("eligibility_decision")
    with op.batch_alter_table("event", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_event_planned_event_id_planned_event"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_event_planned_event_id"))
        batch_op.drop_column("planned_event_id")
    op.drop_index(op.f("ix_planned_event_partner_id"), table_name="planned_event")
    op.drop_index(op.f("ix_planned_event_project_id"), table_name="planned_event")
    op.drop_table("planned_event")
    op.drop_index(op.f("ix_funding_change_project_id"), table_name="funding_change")
    op.drop_table("funding_change")
    op.drop_table("funding_rules")
