"""drafts, revisions, document status

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01 16:00:00

Authoring (src/jixiao/authoring/tables.py): `drafts` holds the officer's working copy of one project's table
with a version number for optimistic locking; `revisions` records every save (who, when, what changed, the
content), restores and refused concurrent saves. `documents.status` (draft | submitted | returned |
approved | published) is what the workflow moves; a table that reached the store as a file read from a
published source is `published` (outside the workflow, public), so existing rows (and files ingested
later) are `published`; a department officer's upload is `submitted`. Existing rows keep every value.
"""
import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # plain ADD COLUMN with a server default: no table rebuild, every stored document gets `published`
    op.add_column("documents", sa.Column("status", sa.String(16), nullable=False, server_default="published"))
    op.create_index("ix_documents_status", "documents", ["status"])
    op.create_table(
        "drafts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), sa.ForeignKey("documents.id", ondelete="SET NULL"), nullable=True),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("department", sa.Text(), nullable=True),
        sa.Column("year", sa.Integer(), nullable=True),
        sa.Column("content", sa.JSON(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_by", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.Column("updated_by", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_drafts_document_id", "drafts", ["document_id"])
    op.create_index("ix_drafts_department", "drafts", ["department"])
    op.create_table(
        "revisions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("draft_id", sa.Integer(), sa.ForeignKey("drafts.id", ondelete="CASCADE"), nullable=False),
        sa.Column("number", sa.Integer(), nullable=True),
        sa.Column("action", sa.String(16), nullable=False),
        sa.Column("author", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("changes", sa.JSON(), nullable=True),
        sa.Column("content", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_revisions_draft_id", "revisions", ["draft_id"])


def downgrade() -> None:
    op.drop_index("ix_revisions_draft_id", table_name="revisions")
    op.drop_table("revisions")
    op.drop_index("ix_drafts_department", table_name="drafts")
    op.drop_index("ix_drafts_document_id", table_name="drafts")
    op.drop_table("drafts")
    op.drop_index("ix_documents_status", table_name="documents")
    with op.batch_alter_table("documents") as batch:
        batch.drop_column("status")
