"""Chinese full-text search that finds two-character terms (满意, 故障) as well as longer ones.

Text is indexed as overlapping character bigrams (`满意度` → `满意 意度`; Latin words and numbers whole),
so a two-character term is one token and a longer one is a phrase of its bigrams; both use the index.
SQLite: FTS5 (unicode61 tokenizer) on `search_fts`; PostgreSQL: a stored `tsvector` column with a GIN
index, queried with `phraseto_tsquery('simple', …)`. A one-character term matches the bigrams that start
with it (FTS5 prefix query; PostgreSQL `:*`)."""

from __future__ import annotations

import re

from sqlalchemy import Integer, text

_RUN = re.compile(r"[\u4e00-\u9fff]+|[A-Za-z0-9]+")


def tokens(value: str) -> list[str]:
    out: list[str] = []
    for run in _RUN.findall(value.lower()):
        if run[0].isascii() or len(run) == 1:
            out.append(run)
        else:
            out.extend(run[i:i + 2] for i in range(len(run) - 1))
    return out


def indexed(value: str) -> str:
    """`系统正常运行率98%` → `系统 统正 正常 常运 运行 行率 98`."""
    return " ".join(tokens(value))


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
