"""Chinese full-text search that finds two-character terms (满意, 故障) as well as longer ones.

Text is indexed one character per token (`满意度` → `满 意 度`) and a term is searched as a phrase of its
characters, so any length matches and the index is used: SQLite FTS5 (unicode61 tokenizer) on the
`search_fts` table, PostgreSQL a GIN index on `to_tsvector('simple', text)` with `phraseto_tsquery`."""

from __future__ import annotations

import re

from sqlalchemy import Integer, text

_TOKEN = re.compile(r"[\u4e00-\u9fff]|[A-Za-z0-9]+")


def spaced(value: str) -> str:
    """`系统正常运行率98%` → `系 统 正 常 运 行 率 98`."""
    return " ".join(_TOKEN.findall(value.lower()))


def search_subquery(dialect: str, term: str, kinds: tuple[str, ...]):
    """A `SELECT ref_id` of the indexed texts containing the term, for use inside a larger query
    (`id IN (…)`), so a page of results never materializes every match in Python."""
    phrase = spaced(term)
    kind_list = ", ".join(f"'{k}'" for k in kinds)  # internal constants
    if dialect == "sqlite":
        sql = ("SELECT s.ref_id AS ref_id FROM search_fts f JOIN search_index s ON s.id = f.rowid "
               f"WHERE search_fts MATCH :q AND s.kind IN ({kind_list})")
        q = '"' + phrase.replace('"', "") + '"'
    else:
        sql = ("SELECT ref_id FROM search_index WHERE to_tsvector('simple', text) @@ phraseto_tsquery('simple', :q) "
               f"AND kind IN ({kind_list})")
        q = phrase
    return text(sql).bindparams(q=q).columns(ref_id=Integer).subquery()
