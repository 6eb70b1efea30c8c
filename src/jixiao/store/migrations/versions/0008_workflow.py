"""review comments and the audit log

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01 16:00:00

Two new tables (src/jixiao/workflow/tables.py): `review_comments`, a reviewer's opinion (national code 1-11
and free text, with jixiao findings attached) on one indicator, project or whole table of a stored document;
and `audit_log`, one row per action (who, when, what, before/after as JSON). No existing table changes, so
every store is carried over as it is; the document status the workflow moves is migration 0007's column.
"""
import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "review_comments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), sa.ForeignKey("documents.id", ondelete="CASCADE"), nullable=False),
        sa.Column("round", sa.Integer(), nullable=False),
        sa.Column("project_index", sa.Integer(), nullable=True),
        sa.Column("project_name", sa.Text(), nullable=True),
        sa.Column("indicator_seq", sa.Integer(), nullable=True),
        sa.Column("indicator_name", sa.Text(), nullable=True),
        sa.Column("opinion", sa.Integer(), nullable=True),
        sa.Column("text", sa.Text(), nullable=True),
        sa.Column("fix", sa.Text(), nullable=True),
        sa.Column("findings", sa.JSON(), nullable=True),
        sa.Column("author", sa.Text(), nullable=False),
        sa.Column("author_role", sa.String(32), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_review_comments_document_id", "review_comments", ["document_id"])
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.Text(), nullable=False),
        sa.Column("actor_role", sa.String(32), nullable=True),
        sa.Column("action", sa.String(64), nullable=False),
        sa.Column("target", sa.Text(), nullable=False),
        sa.Column("department", sa.Text(), nullable=True),
        sa.Column("before", sa.JSON(), nullable=True),
        sa.Column("after", sa.JSON(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_audit_log_at", "audit_log", ["at"])
    op.create_index("ix_audit_log_action", "audit_log", ["action"])
    op.create_index("ix_audit_log_target", "audit_log", ["target"])


def downgrade() -> None:
    op.drop_index("ix_audit_log_target", table_name="audit_log")
    op.drop_index("ix_audit_log_action", table_name="audit_log")
    op.drop_index("ix_audit_log_at", table_name="audit_log")
    op.drop_table("audit_log")
    op.drop_index("ix_review_comments_document_id", table_name="review_comments")
    op.drop_table("review_comments")
