"""library keys, and the library rebuilt once with published tables only

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01 19:00:00

The library is now kept up to date when a document is stored, replaced, deleted or changes status
(`jixiao.library_sync`), instead of being regrouped inside a request. The new table `library_keys` maps every
indicator key to its entry, so a new indicator finds its entry with one lookup. The library of an existing
store is rebuilt here once, from published or approved tables only (drafts and tables under review no longer
feed it), so no request ever has to.
"""
import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "library_keys",
        sa.Column("key", sa.Text(), nullable=False),
        sa.Column("entry_id", sa.Integer(), sa.ForeignKey("library_entries.id", ondelete="CASCADE"), nullable=False),
        sa.Column("suffix", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("key"),
    )
    op.create_index("ix_library_keys_entry_id", "library_keys", ["entry_id"])
    op.create_index("ix_library_keys_suffix", "library_keys", ["suffix"])
    conn = op.get_bind()
    if conn.execute(sa.text("SELECT 1 FROM indicators LIMIT 1")).first() is not None:  # a new store has nothing
        from jixiao.library_sync import rebuild

        rebuild(conn)


def downgrade() -> None:
    op.drop_index("ix_library_keys_suffix", table_name="library_keys")
    op.drop_index("ix_library_keys_entry_id", table_name="library_keys")
    op.drop_table("library_keys")
