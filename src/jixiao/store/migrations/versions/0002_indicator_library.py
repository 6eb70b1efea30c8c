"""indicator library

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22 00:30:00
"""
import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "library_entries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.Text(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("n_projects", sa.Integer(), nullable=False),
        sa.Column("variants", sa.JSON(), nullable=True),
        sa.Column("placements", sa.JSON(), nullable=True),
        sa.Column("targets", sa.JSON(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("key"),
    )
    op.create_table(
        "library_members",
        sa.Column("entry_id", sa.Integer(), sa.ForeignKey("library_entries.id", ondelete="CASCADE"), nullable=False),
        sa.Column("indicator_id", sa.Integer(), sa.ForeignKey("indicators.id", ondelete="CASCADE"), nullable=False),
        sa.PrimaryKeyConstraint("entry_id", "indicator_id"),
    )
    op.create_index("ix_library_members_indicator_id", "library_members", ["indicator_id"])


def downgrade() -> None:
    op.drop_index("ix_library_members_indicator_id", table_name="library_members")
    op.drop_table("library_members")
    op.drop_table("library_entries")
