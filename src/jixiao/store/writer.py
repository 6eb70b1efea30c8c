"""Store a Document: all its rows in one transaction, inserted in bulk; the same bytes twice store one
document (keyed by sha256), `replace=True` re-stores it.

Ingest speed is this module's job (bench/store.py). Rows are built as tuples in column order and handed
to the driver's own cursor (executemany), with ids drawn up front, so a document costs a dozen
statements and no read-back; SQLAlchemy's per-statement and per-row processing cost more than SQLite's
inserts. On SQLite the rows' search text waits for `search.index_pending`."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

from sqlalchemy import Connection

from ..model import Budget, Document, Evaluation, Execution, Indicator, Loc, Target
from .schema import EXECUTION_COLUMNS, LOC_COLUMNS
from .search import indexed

Status = Literal["stored", "unchanged", "replaced"]

_BUDGET = ("has_budget", "budget_total", "budget_fiscal", "budget_special", "budget_other")
_COLUMNS = {
    "documents": ("id", "sha256", "source_name", "format", "title", "year", "department", "money_unit",
                  "has_overall", "overall_goal", "n_projects", "n_indicators", *_BUDGET, "kind", "as_of_month",
                  *EXECUTION_COLUMNS),
    "problems": ("document_id", "position", "message", "raw", *LOC_COLUMNS),
    "units": ("document_id", "position", "name", "code", *_BUDGET),
    "projects": ("id", "document_id", "position", "department", "unit", "unit_code", "name", "code", "content",
                 "goal", "has_plan", *_BUDGET, *LOC_COLUMNS, *EXECUTION_COLUMNS),
    "spending_points": ("project_id", "month", "cumulative_pct"),
    "sections": ("id", "document_id", "position", "title", "goal"),
    "indicators": ("id", "document_id", "project_id", "section_id", "position", "seq", "level1", "level2",
                   "level2_code", "name", "description", "basis", "problem", *LOC_COLUMNS, "weight", "score",
                   "deviation", "likelihood", "level1_points"),
    "targets": ("id", "indicator_id", "which", "raw", "kind", "op", "value", "high", "unit"),
    "target_parts": ("target_id", "position", "label", "op", "value", "unit"),
    "search_index": ("id", "document_id", "kind", "ref_id", "text"),
}


def _budget(b: Budget | None) -> tuple:
    if b is None:
        return (False, None, None, None, None)
    return (True, b.total, b.fiscal, b.special, b.other)


_NO_LOC = (None,) * len(LOC_COLUMNS)


def _execution(ex: Execution | None, result: str | None, ev: Evaluation | None) -> tuple:
    """The columns of EXECUTION_COLUMNS, in order."""
    e = (True, ex.planned, ex.adjusted, ex.spent, ex.forecast, ex.rate, ex.weight, ex.score) if ex else \
        (False, None, None, None, None, None, None, None)
    v = (True, ev.score, ev.grade, ev.conclusion, ev.problems, ev.measures) if ev else \
        (False, None, None, None, None, None)
    return (*e, result, *v)


def _loc(loc: Loc | None) -> tuple:
    if loc is None:
        return _NO_LOC
    box = loc.bbox if loc.bbox and len(loc.bbox) == 4 else (None, None, None, None)
    return (loc.page, loc.table, loc.row, loc.col, loc.line, *box)


class _Writer:
    """The driver cursor of the caller's connection, inside its transaction."""

    def __init__(self, conn: Connection) -> None:
        self.sqlite = conn.dialect.name == "sqlite"
        self.mark = "?" if conn.dialect.paramstyle == "qmark" else "%s"
        self.cursor = conn.connection.driver_connection.cursor()
        self.sqlite_next: dict[str, int] = {}

    def scalar(self, sql: str, params: tuple = ()):
        self.cursor.execute(sql.replace("?", self.mark), params)
        row = self.cursor.fetchone()
        return row[0] if row else None

    def bulk(self, table: str, rows: Sequence[tuple]) -> None:
        if rows:
            columns = _COLUMNS[table]
            self.cursor.executemany(f"INSERT INTO {table} ({', '.join(columns)}) "
                                    f"VALUES ({', '.join([self.mark] * len(columns))})", rows)

    def insert_document(self, row: tuple) -> int:
        """The document row goes first: on SQLite its insert takes the write lock, after which the ids
        `new_ids` reads are this transaction's alone."""
        columns = _COLUMNS["documents"]
        if self.sqlite:
            self.cursor.execute(f"INSERT INTO documents ({', '.join(columns[1:])}) "
                                f"VALUES ({', '.join('?' * (len(columns) - 1))})", row)
            return self.cursor.lastrowid
        (doc_id,) = self.new_ids("documents", 1)
        self.bulk("documents", [(doc_id, *row)])
        return doc_id

    def new_ids(self, table: str, n: int) -> range | list[int]:
        """Ids for n new rows. PostgreSQL: from the table's sequence, safe with other writers. SQLite: past
        the largest id, and for search rows past the full-text mark too, since SQLite reuses the ids of
        rows deleted at the end of a table and a reused id at or below the mark would never be indexed."""
        if n == 0:
            return []
        if not self.sqlite:
            self.cursor.execute(f"SELECT nextval(pg_get_serial_sequence('{table}', 'id')) "
                                "FROM generate_series(1, %s)", (n,))
            return [r[0] for r in self.cursor.fetchall()]
        first = self.sqlite_next.get(table)
        if first is None:
            first = 1 + (self.scalar(f"SELECT max(id) FROM {table}") or 0)
            if table == "search_index":
                first = max(first, 1 + (self.scalar("SELECT value FROM store_meta "
                                                    "WHERE key = 'search_indexed_upto'") or 0))
        self.sqlite_next[table] = first + n
        return range(first, first + n)


def _target_rows(w: _Writer, indicator_ids: Sequence[int], owners: list[tuple[int | None, int | None, Indicator]]
                 ) -> tuple[list[tuple], list[tuple[int, Target]]]:
    pairs = [(iid, which, t) for iid, (_, _, ind) in zip(indicator_ids, owners, strict=True)
             for which, t in (("annual", ind.annual), ("period", ind.period), ("actual", ind.actual),
                              ("forecast", ind.forecast)) if t is not None]
    ids = w.new_ids("targets", len(pairs))
    rows = [(tid, iid, which, t.raw, t.kind, t.op, t.value, t.high, t.unit)
            for tid, (iid, which, t) in zip(ids, pairs, strict=True)]
    return rows, [(tid, t) for tid, (_, _, t) in zip(ids, pairs, strict=True) if t.parts]


def store_document(conn: Connection, doc: Document, replace: bool = False) -> Status:
    """Write the document inside the caller's transaction."""
    return write_document(conn, doc, replace)[0]


def write_document(conn: Connection, doc: Document, replace: bool = False) -> tuple[Status, int]:
    """Write the document inside the caller's transaction; (status, its id: the stored one when unchanged)."""
    w = _Writer(conn)
    existing = w.scalar("SELECT id FROM documents WHERE sha256 = ?", (doc.source.sha256,))
    status: Status = "stored"
    if existing is not None:
        if not replace:
            return "unchanged", existing
        w.cursor.execute(f"DELETE FROM documents WHERE id = {w.mark}", (existing,))
        status = "replaced"
    projects = doc.projects
    doc_id = w.insert_document((
        doc.source.sha256, doc.source.name, doc.source.format, doc.title, doc.year, doc.department,
        doc.money_unit, doc.overall is not None, doc.overall.goal if doc.overall else None,
        len(projects),
        sum(len(p.indicators) for p in projects), *_budget(doc.total), doc.kind, doc.as_of_month,
        *(_execution(doc.overall.execution, doc.overall.result, doc.overall.evaluation) if doc.overall
          else _execution(None, None, None))))
    w.bulk("problems", [(doc_id, n, p.message, p.raw, *_loc(p.loc)) for n, p in enumerate(doc.problems)])
    w.bulk("units", [(doc_id, n, u.name, u.code, *_budget(u.budget)) for n, u in enumerate(doc.units)])
    project_ids = w.new_ids("projects", len(projects))
    w.bulk("projects", [
        (pid, doc_id, n, p.department, p.unit, p.unit_code, p.name, p.code, p.content, p.goal,
         p.spending_plan is not None, *_budget(p.budget), *_loc(p.loc),
         *_execution(p.execution, p.result, p.evaluation))
        for n, (pid, p) in enumerate(zip(project_ids, projects, strict=True))])
    w.bulk("spending_points", [(pid, s.month, s.cumulative_pct) for pid, p in zip(project_ids, projects, strict=True)
                               for s in (p.spending_plan or [])])
    owners: list[tuple[int | None, int | None, Indicator]] = [
        (pid, None, ind) for pid, p in zip(project_ids, projects, strict=True) for ind in p.indicators]
    if doc.overall:
        sections = doc.overall.sections
        section_ids = w.new_ids("sections", len(sections))
        w.bulk("sections", [(sid, doc_id, n, s.title, s.goal)
                            for n, (sid, s) in enumerate(zip(section_ids, sections, strict=True))])
        owners += [(None, sid, ind) for sid, s in zip(section_ids, sections, strict=True) for ind in s.indicators]
    indicator_ids = w.new_ids("indicators", len(owners))
    w.bulk("indicators", [
        (iid, doc_id, pid, sid, n, ind.seq, ind.level1, ind.level2, ind.level2_code, ind.name, ind.description,
         ind.basis, ind.problem, *_loc(ind.loc), ind.weight, ind.score, ind.deviation, ind.likelihood,
         ind.level1_points) for n, (iid, (pid, sid, ind)) in enumerate(zip(indicator_ids, owners,
                                                                                          strict=True))])
    target_rows, compound = _target_rows(w, indicator_ids, owners)
    w.bulk("targets", target_rows)
    w.bulk("target_parts", [(tid, k, part.label, part.op, part.value, part.unit) for tid, t in compound
                            for k, part in enumerate(t.parts or [])])
    # one search row per project (name and goal), so a page of project hits needs no de-duplication
    texts = [("project", pid, indexed(p.name) + (" " + indexed(p.goal) if p.goal else ""))
             for pid, p in zip(project_ids, projects, strict=True)]
    texts += [("indicator_name", iid, indexed(ind.name)) for iid, (_, _, ind) in zip(indicator_ids, owners, strict=True)]
    texts = [t for t in texts if t[2]]
    w.bulk("search_index", [(sid, doc_id, *t) for sid, t in zip(w.new_ids("search_index", len(texts)), texts,
                                                                strict=True)])
    return status, doc_id
