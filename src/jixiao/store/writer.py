"""Store a Document: all its rows in one transaction, inserted in bulk; the same bytes twice store one
document (keyed by sha256), `replace=True` re-stores it."""

from __future__ import annotations

import json
from typing import Literal

from sqlalchemy import Connection, delete, insert, select

from ..model import Budget, Document, Indicator, Target
from .schema import (
    DocumentRow,
    IndicatorRow,
    ProjectRow,
    SearchRow,
    SectionRow,
    SpendingPointRow,
    TargetPartRow,
    TargetRow,
    UnitRow,
)
from .search import indexed

Status = Literal["stored", "unchanged", "replaced"]


def _budget(b: Budget | None) -> dict:
    if b is None:
        return {"has_budget": False, "budget_total": None, "budget_fiscal": None, "budget_special": None,
                "budget_other": None}
    return {"has_budget": True, "budget_total": b.total, "budget_fiscal": b.fiscal, "budget_special": b.special,
            "budget_other": b.other}


def _bulk(conn: Connection, table, rows: list[dict]) -> None:
    """executemany straight through the driver: the big tables (indicators, targets, search text) take most
    of an ingest, and SQLAlchemy's per-row parameter processing would double it. JSON columns are encoded
    here because the driver does not know them."""
    if not rows:
        return
    columns = list(rows[0])
    mark = "?" if conn.dialect.paramstyle == "qmark" else "%s"
    sql = f"INSERT INTO {table.name} ({', '.join(columns)}) VALUES ({', '.join([mark] * len(columns))})"
    json_cols = {c.name for c in table.columns if c.type.__class__.__name__ == "JSON"}
    conn.exec_driver_sql(sql, [tuple(json.dumps(r[c], ensure_ascii=False) if c in json_cols and r[c] is not None
                                     else r[c] for c in columns) for r in rows])


def _insert_ids(conn: Connection, table, rows: list[dict], owner_column: str, owner_id: int) -> list[int]:
    """Insert in one batch and read the new ids back by (owner, position): cheaper than RETURNING row by row,
    and safe with other writers because the owner row is this transaction's own."""
    if not rows:
        return []
    _bulk(conn, table, rows)
    mark = "?" if conn.dialect.paramstyle == "qmark" else "%s"
    sql = f"SELECT id FROM {table.name} WHERE {owner_column} = {mark} ORDER BY position"
    return [r[0] for r in conn.exec_driver_sql(sql, (owner_id,))]


def _loc(obj) -> dict | None:
    return obj.loc.model_dump(exclude_none=True) if getattr(obj, "loc", None) is not None else None


def store_document(conn: Connection, doc: Document, replace: bool = False) -> Status:
    """Write the document inside the caller's transaction."""
    mark = "?" if conn.dialect.paramstyle == "qmark" else "%s"
    existing = conn.exec_driver_sql(f"SELECT id FROM documents WHERE sha256 = {mark}", (doc.source.sha256,)).scalar()
    status: Status = "stored"
    if existing is not None:
        if not replace:
            return "unchanged"
        conn.execute(delete(DocumentRow).where(DocumentRow.id == existing))
        status = "replaced"
    projects = doc.projects
    n_ind = sum(len(p.indicators) for p in projects)
    doc_id = conn.execute(insert(DocumentRow.__table__).returning(DocumentRow.id), [{
        "sha256": doc.source.sha256, "source_name": doc.source.name, "format": doc.source.format,
        "title": doc.title, "year": doc.year, "department": doc.department, "money_unit": doc.money_unit,
        "has_overall": doc.overall is not None, "overall_goal": doc.overall.goal if doc.overall else None,
        "problems": [p.model_dump(exclude_none=True) for p in doc.problems] or None,
        "n_projects": len(projects), "n_indicators": n_ind, **_budget(doc.total)}]).scalar_one()
    _bulk(conn, UnitRow.__table__, [
        {"document_id": doc_id, "position": n, "name": u.name, "code": u.code, **_budget(u.budget)}
        for n, u in enumerate(doc.units)])
    project_ids = _insert_ids(conn, ProjectRow.__table__, [{
        "document_id": doc_id, "position": n, "department": p.department, "unit": p.unit, "unit_code": p.unit_code,
        "name": p.name, "code": p.code, "content": p.content, "goal": p.goal, "has_plan": p.spending_plan is not None,
        "loc": _loc(p), **_budget(p.budget)} for n, p in enumerate(projects)], "document_id", doc_id)
    plan_rows = [{"project_id": pid, "month": s.month, "cumulative_pct": s.cumulative_pct}
                 for pid, p in zip(project_ids, projects, strict=True) for s in (p.spending_plan or [])]
    _bulk(conn, SpendingPointRow.__table__, plan_rows)
    owners: list[tuple[dict, Indicator]] = []
    for pid, p in zip(project_ids, projects, strict=True):
        owners.extend(({"project_id": pid, "section_id": None}, ind) for ind in p.indicators)
    if doc.overall:
        section_ids = _insert_ids(conn, SectionRow.__table__, [
            {"document_id": doc_id, "position": n, "title": s.title, "goal": s.goal}
            for n, s in enumerate(doc.overall.sections)], "document_id", doc_id)
        for sid, s in zip(section_ids, doc.overall.sections, strict=True):
            owners.extend(({"project_id": None, "section_id": sid}, ind) for ind in s.indicators)
    indicator_ids = _insert_ids(conn, IndicatorRow.__table__, [{
        "document_id": doc_id, **owner, "position": n, "seq": ind.seq, "level1": ind.level1, "level2": ind.level2,
        "level2_code": ind.level2_code, "name": ind.name, "description": ind.description, "basis": ind.basis,
        "problem": ind.problem, "loc": _loc(ind)} for n, (owner, ind) in enumerate(owners)], "document_id", doc_id)
    targets: list[tuple[dict, Target]] = []
    for iid, (_, ind) in zip(indicator_ids, owners, strict=True):
        for which, t in (("annual", ind.annual), ("period", ind.period)):
            if t is not None:
                targets.append(({"indicator_id": iid, "which": which, "raw": t.raw, "kind": t.kind, "op": t.op,
                                 "value": t.value, "high": t.high, "unit": t.unit}, t))
    if targets:
        _bulk(conn, TargetRow.__table__, [row for row, _ in targets])
    compound = {(row["indicator_id"], row["which"]): t for row, t in targets if t.parts}
    if compound:
        found = conn.execute(select(TargetRow.id, TargetRow.indicator_id, TargetRow.which).where(
            TargetRow.indicator_id.in_({k[0] for k in compound}), TargetRow.kind == "compound"))
        conn.execute(insert(TargetPartRow.__table__), [
            {"target_id": tid, "position": k, "label": part.label, "op": part.op, "value": part.value,
             "unit": part.unit} for tid, iid, which in found for k, part in enumerate(compound[(iid, which)].parts)])
    # one search row per project (name and goal), so a page of project hits needs no de-duplication
    search = [{"document_id": doc_id, "kind": "project", "ref_id": pid,
               "text": indexed(p.name) + (" " + indexed(p.goal) if p.goal else "")}
              for pid, p in zip(project_ids, projects, strict=True)]
    search += [{"document_id": doc_id, "kind": "indicator_name", "ref_id": iid, "text": indexed(ind.name)}
               for iid, (_, ind) in zip(indicator_ids, owners, strict=True)]
    _bulk(conn, SearchRow.__table__, [s for s in search if s["text"]])
    return status
