"""Chinese full-text search that finds two-character terms (满意, 故障) as well as longer ones.

Text is indexed as overlapping character bigrams (`满意度` → `满意 意度`; Latin words and numbers whole),
so a two-character term is one token and a longer one is a phrase of its bigrams; both use the index.
SQLite: FTS5 (unicode61 tokenizer) on `search_fts`; PostgreSQL: a stored `tsvector` column with a GIN
index, queried with `phraseto_tsquery('simple', …)`. A one-character term matches the bigrams that start
with it (FTS5 prefix query; PostgreSQL `:*`).

On SQLite, stored rows reach FTS5 in bulk (`index_pending`) after a batch rather than row by row in each
document's transaction, which cost a third of ingest time; `store_meta.search_indexed_upto` records how far
the index has got. PostgreSQL keeps its `tsvector` column current by itself."""

from __future__ import annotations

import re
from functools import lru_cache
from operator import add

from sqlalchemy import Connection, Integer, text

_RUN = re.compile(r"[\u4e00-\u9fff]+|[A-Za-z0-9]+")


def tokens(value: str) -> list[str]:
    out: list[str] = []
    for run in _RUN.findall(value.lower()):
        if run[0].isascii() or len(run) == 1:
            out.append(run)
        else:
            out.extend(map(add, run, run[1:]))
    return out


@lru_cache(maxsize=65536)
def indexed(value: str) -> str:
    """`系统正常运行率98%` → `系统 统正 正常 常运 运行 行率 98`."""
    return " ".join(tokens(value))


_UPTO = "SELECT value FROM store_meta WHERE key = 'search_indexed_upto'"


def pending(conn: Connection) -> int:
    """How many stored search rows SQLite's full-text index has not taken in yet (0 on PostgreSQL)."""
    if conn.dialect.name != "sqlite":
        return 0
    upto = conn.exec_driver_sql(_UPTO).scalar() or 0
    return conn.exec_driver_sql("SELECT count(*) FROM search_index WHERE id > ?", (upto,)).scalar()


def index_pending(conn: Connection) -> int:
    """Add the stored rows the full-text index lacks, in one statement, inside the caller's transaction;
    return how many. Rows are taken in id order up to the newest, so the mark never skips one."""
    if conn.dialect.name != "sqlite":
        return 0
    upto = conn.exec_driver_sql(_UPTO).scalar() or 0
    newest = conn.exec_driver_sql("SELECT max(id) FROM search_index").scalar() or 0
    if newest <= upto:
        return 0
    added = conn.exec_driver_sql("INSERT INTO search_fts(rowid, text) SELECT id, text FROM search_index "
                                 "WHERE id > ? AND id <= ?", (upto, newest)).rowcount
    conn.exec_driver_sql("INSERT INTO store_meta (key, value) VALUES ('search_indexed_upto', ?) "
                         "ON CONFLICT (key) DO UPDATE SET value = excluded.value", (newest,))
    return added


def flush(engine) -> int:
    """`index_pending` in its own transaction."""
    if engine.dialect.name != "sqlite":
        return 0
    with engine.begin() as conn:
        return index_pending(conn)


def search_subquery(dialect: str, term: str, kinds: tuple[str, ...], limit: int | None = None, offset: int = 0):
    """A `SELECT ref_id` of the indexed texts containing the term, for use inside a larger query. With a
    limit, it returns one page in index order, so a page of a frequent term does not compute every match."""
    toks = tokens(term)
    kind_list = ", ".join(f"'{k}'" for k in kinds)  # internal constants, never user input
    single_cjk = len(toks) == 1 and len(toks[0]) == 1 and not toks[0].isascii()
    if dialect == "sqlite":
        q = f"{toks[0]}*" if single_cjk else '"' + " ".join(toks) + '"'
        sql = ("SELECT s.ref_id AS ref_id FROM search_fts f JOIN search_index s ON s.id = f.rowid "
               f"WHERE search_fts MATCH :q AND s.kind IN ({kind_list})")
        if limit:
            sql += f" ORDER BY f.rowid LIMIT {int(limit)} OFFSET {int(offset)}"
        return text(sql).bindparams(q=q).columns(ref_id=Integer).subquery()
    if single_cjk:
        cond, q = "tsv @@ to_tsquery('simple', :q)", f"{toks[0]}:*"
    else:
        cond, q = "tsv @@ phraseto_tsquery('simple', :q)", " ".join(toks)
    sql = f"SELECT ref_id FROM search_index WHERE {cond} AND kind IN ({kind_list})"
    if limit and kinds == ("project",):
        # projects are few: take every match through the GIN index, then the page. Left to itself the
        # planner may walk the primary key for a rare term and read the whole table.
        sql = (f"WITH hits AS MATERIALIZED (SELECT id, ref_id FROM search_index WHERE {cond} "
               f"AND kind IN ({kind_list})) SELECT ref_id FROM hits ORDER BY id LIMIT {int(limit)} OFFSET {int(offset)}")
    elif limit:
        sql += f" ORDER BY id LIMIT {int(limit)} OFFSET {int(offset)}"
    return text(sql).bindparams(q=q).columns(ref_id=Integer).subquery()
