"""ingest speed: search indexed after a batch; indexes no query uses dropped

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22 02:00:00

On SQLite the FTS5 index was filled by a trigger, one row at a time, inside every document's
transaction: that was a third of ingest time. Now stored rows wait in `search_index` and
`store.search.index_pending` adds them to FTS5 in one statement after a batch; `store_meta` keeps how far
the index has got, so a killed ingest leaves nothing half-indexed and the next open catches up.
The indexes on names, units and value kinds served no query (the filters are substring matches or run on
a page of rows) and each cost a B-tree insert per row; the one on indicators.section_id now leaves out the
project indicators, whose section_id is NULL.
On PostgreSQL the GIN index is split by kind: a project search no longer reads and discards every
indicator row that contains the term.
"""
import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

_UNUSED = [("indicators", "ix_indicators_name"), ("projects", "ix_projects_name"), ("projects", "ix_projects_unit"),
           ("targets", "ix_targets_kind"), ("targets", "ix_targets_kind_op")]
_SECTION_ONLY = sa.text("section_id IS NOT NULL")


def upgrade() -> None:
    op.create_table(
        "store_meta",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("value", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("key"),
    )
    for table, name in _UNUSED:
        op.drop_index(name, table_name=table)
    op.drop_index("ix_indicators_section_id", table_name="indicators")
    op.create_index("ix_indicators_section_id", "indicators", ["section_id"], sqlite_where=_SECTION_ONLY,
                    postgresql_where=_SECTION_ONLY)
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP INDEX ix_search_index_tsv")
        op.execute("CREATE INDEX ix_search_index_tsv_project ON search_index USING gin (tsv) WHERE kind = 'project'")
        op.execute("CREATE INDEX ix_search_index_tsv_indicator ON search_index USING gin (tsv) "
                   "WHERE kind = 'indicator_name'")
    if op.get_bind().dialect.name == "sqlite":
        op.execute("INSERT INTO store_meta (key, value) SELECT 'search_indexed_upto', coalesce(max(id), 0) "
                   "FROM search_index")
        # FTS5 buffers 1 MB of terms before writing a segment; 32 MB makes fewer segments to merge in bulk
        op.execute("INSERT INTO search_fts(search_fts, rank) VALUES ('hashsize', 33554432)")
        op.execute("DROP TRIGGER search_index_ai")
        op.execute("DROP TRIGGER search_index_ad")
        # a row that never reached FTS5 must not be deleted from it: that would corrupt the index
        op.execute("CREATE TRIGGER search_index_ad AFTER DELETE ON search_index "
                   "WHEN old.id <= (SELECT value FROM store_meta WHERE key = 'search_indexed_upto') BEGIN "
                   "INSERT INTO search_fts(search_fts, rowid, text) VALUES ('delete', old.id, old.text); END")


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("INSERT INTO search_fts(rowid, text) SELECT id, text FROM search_index WHERE id > "
                   "(SELECT value FROM store_meta WHERE key = 'search_indexed_upto')")
        op.execute("DROP TRIGGER search_index_ad")
        op.execute("CREATE TRIGGER search_index_ai AFTER INSERT ON search_index BEGIN "
                   "INSERT INTO search_fts(rowid, text) VALUES (new.id, new.text); END")
        op.execute("CREATE TRIGGER search_index_ad AFTER DELETE ON search_index BEGIN "
                   "INSERT INTO search_fts(search_fts, rowid, text) VALUES ('delete', old.id, old.text); END")
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP INDEX ix_search_index_tsv_project")
        op.execute("DROP INDEX ix_search_index_tsv_indicator")
        op.execute("CREATE INDEX ix_search_index_tsv ON search_index USING gin (tsv)")
    op.drop_index("ix_indicators_section_id", table_name="indicators")
    op.create_index("ix_indicators_section_id", "indicators", ["section_id"])
    op.create_index("ix_targets_kind_op", "targets", ["kind", "op"])
    op.create_index("ix_targets_kind", "targets", ["kind"])
    op.create_index("ix_projects_unit", "projects", ["unit"])
    op.create_index("ix_projects_name", "projects", ["name"])
    op.create_index("ix_indicators_name", "indicators", ["name"])
    op.drop_table("store_meta")
