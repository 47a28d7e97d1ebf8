"""Privacy notices per language, and the language of the notice each consent was given on

Each notice version keeps its text in the language it was written in (the project's
default language when published: `privacy_notice.language`) and gains texts in other
languages (`privacy_notice_text`). A consent names the language of the text shown.
Rows that existed before had one text only, in the project's default language.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-02 14:40:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "privacy_notice_text",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("notice_id", sa.Integer(), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("added_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["notice_id"],
            ["privacy_notice.id"],
            name=op.f("fk_privacy_notice_text_notice_id_privacy_notice"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_privacy_notice_text")),
        sa.UniqueConstraint("notice_id", "language", name=op.f("uq_privacy_notice_text_notice_id")),
    )
    with op.batch_alter_table("privacy_notice_text", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_privacy_notice_text_notice_id"), ["notice_id"], unique=False)

    with op.batch_alter_table("privacy_notice", schema=None) as batch_op:
        batch_op.add_column(sa.Column("language", sa.String(length=8), server_default="en", nullable=False))
    with op.batch_alter_table("consent", schema=None) as batch_op:
        batch_op.add_column(sa.Column("privacy_notice_language", sa.String(length=8), nullable=True))

    op.execute(
        "UPDATE privacy_notice SET language = "
        "(SELECT project.default_language FROM project WHERE project.id = privacy_notice.project_id)"
    )
    op.execute(
        "UPDATE consent SET privacy_notice_language = ("
        "SELECT project.default_language FROM registration"
        " JOIN event ON event.id = registration.event_id"
        " JOIN partner ON partner.id = event.partner_id"
        " JOIN project ON project.id = partner.project_id"
        " WHERE registration.id = consent.registration_id"
        ") WHERE privacy_notice_version IS NOT NULL"
    )


def downgrade():
    with op.batch_alter_table("consent", schema=None) as batch_op:
        batch_op.drop_column("privacy_notice_language")
    with op.batch_alter_table("privacy_notice", schema=None) as batch_op:
        batch_op.drop_column("language")
    with op.batch_alter_table("privacy_notice_text", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_privacy_notice_text_notice_id"))
    op.drop_table("privacy_notice_text")
