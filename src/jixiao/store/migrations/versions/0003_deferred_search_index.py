"""ingest speed: search indexed after a batch; indexes no query uses dropped; loc and problems as columns

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
`loc` (a JSON text per project and indicator) becomes nine columns, and `documents.problems` (a JSON list)
a table: every field of the interchange format is a column, and no row needs JSON encoding.
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
_LOC = [("loc_page", sa.Integer(), "$.page"), ("loc_table", sa.Integer(), "$.table"), ("loc_row", sa.Integer(), "$.row"),
        ("loc_col", sa.Integer(), "$.col"), ("loc_line", sa.Integer(), "$.line"), ("loc_x0", sa.Float(), "$.bbox[0]"),
        ("loc_y0", sa.Float(), "$.bbox[1]"), ("loc_x1", sa.Float(), "$.bbox[2]"), ("loc_y1", sa.Float(), "$.bbox[3]")]


def _json_get(column: str, path: str, kind) -> str:
    """SQL reading one value of a JSON column, in this database's dialect."""
    if op.get_bind().dialect.name == "sqlite":
        return f"json_extract({column}, '{path}')"
    steps = path[2:].replace("[", ".").replace("]", "").split(".")
    expr = column + "".join(f"->{s}" if s.isdigit() else f"->'{s}'" for s in steps[:-1])
    last = steps[-1]
    expr += f"->>{last}" if last.isdigit() else f"->>'{last}'"
    return f"({expr})::{'integer' if isinstance(kind, sa.Integer) else 'double precision'}"


def _loc_to_columns(table: str) -> None:
    for name, kind, _ in _LOC:
        op.add_column(table, sa.Column(name, kind, nullable=True))
    sets = ", ".join(f"{name} = {_json_get('loc', path, kind)}" for name, kind, path in _LOC)
    op.execute(f"UPDATE {table} SET {sets} WHERE loc IS NOT NULL")
    op.drop_column(table, "loc")


def _problems_to_table() -> None:
    op.create_table(
        "problems",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("raw", sa.Text(), nullable=True),
        *[sa.Column(name, kind, nullable=True) for name, kind, _ in _LOC],
        sa.ForeignKeyConstraint(["document_id"], ["documents.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_problems_document_id", "problems", ["document_id"])
    columns = ", ".join(name for name, _, _ in _LOC)
    if op.get_bind().dialect.name == "sqlite":
        values = ", ".join(_json_get("p.value", "$.loc" + path[1:], kind) for _, kind, path in _LOC)
        op.execute(f"INSERT INTO problems (document_id, position, message, raw, {columns}) "
                   f"SELECT d.id, p.key, json_extract(p.value, '$.message'), json_extract(p.value, '$.raw'), {values} "
                   "FROM documents d, json_each(d.problems) p WHERE d.problems IS NOT NULL")
    else:
        values = ", ".join(_json_get("p.value", "$.loc" + path[1:], kind) for _, kind, path in _LOC)
        op.execute(f"INSERT INTO problems (document_id, position, message, raw, {columns}) "
                   f"SELECT d.id, p.n - 1, p.value->>'message', p.value->>'raw', {values} "
                   "FROM documents d, json_array_elements(d.problems) WITH ORDINALITY AS p(value, n) "
                   "WHERE d.problems IS NOT NULL")
    op.drop_column("documents", "problems")


def upgrade() -> None:
    _loc_to_columns("projects")
    _loc_to_columns("indicators")
    _problems_to_table()
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
    raise NotImplementedError("0003 moved loc and problems out of JSON and dropped indexes; restore a backup "
                              "of the store rather than downgrading it")
