"""What the API and the web pages both need: documents, departments, projects with their findings.

Reviews are cached per stored document id: a stored document never changes (re-ingesting with --replace
stores it under a new id)."""

from __future__ import annotations

from collections import Counter
from threading import Lock

from sqlalchemy import Connection, func, select

from ..review import Finding, review_document
from ..review.report import build_report
from ..store.reader import load_document
from ..store.schema import DocumentRow, IndicatorRow, ProjectRow

NO_DEPARTMENT = "（未注明部门）"
_cache: dict[tuple[str, int], list[Finding]] = {}
_lock = Lock()
_CACHE_SIZE = 5000


def findings_for(conn: Connection, doc_id: int) -> tuple:
    key = (str(conn.engine.url), doc_id)
    doc = load_document(conn, doc_id)
    with _lock:
        cached = _cache.get(key)
    if cached is None:
        cached = review_document(doc)
        with _lock:
            if len(_cache) >= _CACHE_SIZE:
                _cache.pop(next(iter(_cache)))  # oldest first: a bounded cache on a large store
            _cache[key] = cached
    return doc, cached


def departments(conn: Connection) -> list[dict]:
    dept = func.coalesce(ProjectRow.department, DocumentRow.department, NO_DEPARTMENT)
    rows = conn.execute(
        select(dept.label("department"), func.count(func.distinct(DocumentRow.id)).label("documents"),
               func.count(ProjectRow.id).label("projects"), func.sum(ProjectRow.budget_total).label("budget"),
               func.min(DocumentRow.year).label("year_from"), func.max(DocumentRow.year).label("year_to"))
        .join(DocumentRow, DocumentRow.id == ProjectRow.document_id).group_by(dept).order_by(dept)).all()
    return [dict(r._mapping) for r in rows]


def department_documents(conn: Connection, name: str) -> list[int]:
    dept = func.coalesce(ProjectRow.department, DocumentRow.department, NO_DEPARTMENT)
    return list(conn.execute(select(ProjectRow.document_id).join(DocumentRow, DocumentRow.id == ProjectRow.document_id)
                             .where(dept == name).distinct().order_by(ProjectRow.document_id)).scalars())


def department_detail(conn: Connection, name: str) -> dict | None:
    ids = department_documents(conn, name)
    if not ids:
        return None
    pairs = [findings_for(conn, i) for i in ids]
    report = build_report(pairs)
    dept = next((d for d in report if d.name == name), None)
    scores = {(p.document, p.index): p.score for d in report for p in d.projects}
    counts = {(p.document, p.index): len(p.findings) for d in report for p in d.projects}
    project_ids = {(r.source_name, r.position): r.id for r in conn.execute(
        select(ProjectRow.id, ProjectRow.position, DocumentRow.source_name)
        .join(DocumentRow, DocumentRow.id == ProjectRow.document_id).where(DocumentRow.id.in_(ids)))}
    projects, mix, years = [], Counter(), set()
    for doc, _ in pairs:
        years.add(doc.year)
        for index, p in enumerate(doc.projects):
            if (p.department or doc.department or NO_DEPARTMENT) != name:
                continue
            for i in p.indicators:
                mix[i.level1 or "未标注"] += 1
            projects.append({"id": project_ids.get((doc.source.name, index)), "name": p.name, "unit": p.unit,
                             "document": doc.source.name, "year": doc.year,
                             "budget": p.budget.total if p.budget else None, "indicators": len(p.indicators),
                             "score": scores.get((doc.source.name, index)), "findings": counts.get((doc.source.name, index), 0)})
    return {"name": name, "score": dept.score if dept else None, "documents": len(ids), "projects": projects,
            "budget": round(sum(p["budget"] or 0 for p in projects), 2), "level_mix": dict(mix),
            "years": sorted(y for y in years if y is not None),
            "severity": dict(Counter(f.severity for f in (dept.findings if dept else [])))}


def project_detail(conn: Connection, project_id: int) -> dict | None:
    row = conn.execute(select(ProjectRow.document_id, ProjectRow.position).where(ProjectRow.id == project_id)).first()
    if row is None:
        return None
    doc, findings = findings_for(conn, row.document_id)
    project = doc.projects[row.position]
    mine = [f for f in findings if f.project_index == row.position
            or (f.project_index is None and f.project == project.name and f.unit == project.unit)]
    order = {"error": 0, "warning": 1, "info": 2}
    mine.sort(key=lambda f: (order[f.severity], f.indicator_seq or 0))
    return {"id": project_id, "document": doc.source.name, "document_id": row.document_id, "year": doc.year,
            "department": project.department or doc.department, "money_unit": doc.money_unit,
            "project": project.model_dump(mode="json"), "findings": [f.to_dict() for f in mine]}


def all_findings(conn: Connection, department: str | None = None, year: int | None = None) -> list[dict]:
    q = select(DocumentRow.id).order_by(DocumentRow.id)
    if year is not None:
        q = q.where(DocumentRow.year == year)
    ids = list(conn.execute(q).scalars())
    if department:
        allowed = set(department_documents(conn, department))
        ids = [i for i in ids if i in allowed]
    out = []
    pid = {(r.document_id, r.position): r.id for r in conn.execute(
        select(ProjectRow.id, ProjectRow.document_id, ProjectRow.position).where(ProjectRow.document_id.in_(ids)))}
    for i in ids:
        doc, findings = findings_for(conn, i)
        for f in findings:
            d = f.to_dict()
            if department and (d["department"] or NO_DEPARTMENT) != department:
                continue
            d["project_id"] = pid.get((i, f.project_index)) if f.project_index is not None else None
            out.append(d)
    order = {"error": 0, "warning": 1, "info": 2}
    out.sort(key=lambda d: (order[d["severity"]], d["document"], d["project"] or "", d["indicator_seq"] or 0))
    return out


def counts(conn: Connection) -> dict:
    return {"documents": conn.execute(select(func.count()).select_from(DocumentRow)).scalar(),
            "projects": conn.execute(select(func.count()).select_from(ProjectRow)).scalar(),
            "indicators": conn.execute(select(func.count()).select_from(IndicatorRow)).scalar()}
