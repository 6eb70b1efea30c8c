"""The data of the department, document-group and project pages (and the API's project detail), built from
the stored findings: a page reads its documents' findings, it never reviews the store."""

from __future__ import annotations

from collections import Counter

from sqlalchemy import Engine

from ..errors import NotFound
from ..review import Settings
from ..review.report import DepartmentReport, build_report
from ..store import findings as stored
from ..store.reader import load_documents_shared, load_project_document
from .access import LOCAL, Principal, check, document_ref, project_ref
from .catalog import (
    department_documents,
    document_name,
    project_ids_of,
    project_position,
)
from .execution_view import group_execution, project_execution, reports_execution
from .findings import document_findings, ensure_reviewed
from .settings import settings_key


def department_detail(engine: Engine, name: str, cfg=None, settings: Settings | None = None,
                      principal: Principal | None = LOCAL) -> dict:
    """A department's page; NotFound when the store has no document of it."""
    check(principal, "read", name)
    with engine.connect() as conn:
        ids = department_documents(conn, name)
    if not ids:
        raise NotFound(f"没有部门“{name}”")
    return _group_detail(engine, name, ids, lambda doc, p: (p.department or doc.department) == name,
                         lambda doc: (doc.department or (doc.projects[0].department if doc.projects else None))
                         == name, cfg, settings)


def document_group_detail(engine: Engine, doc_id: int, cfg=None, settings: Settings | None = None,
                          principal: Principal | None = LOCAL) -> dict:
    """One document whose projects name no department, shown as its own group."""
    with engine.connect() as conn:
        row = document_name(conn, doc_id)
        if row is None:
            raise NotFound(f"没有编号为 {doc_id} 的文档")
        check(principal, "read", document_ref(conn, doc_id))
    detail = _group_detail(engine, row.title or row.source_name, [doc_id],
                           lambda doc, p: not (p.department or doc.department), lambda doc: True, cfg, settings)
    detail["document_id"] = doc_id
    return detail


def _group_detail(engine: Engine, name: str, ids: list[int], keep_project, keep_document, cfg=None,
                  settings: Settings | None = None) -> dict:
    """A department page's data: its projects with scores, its documents' overall (整体) targets and the
    findings that name no project, and one score over all of it (the review report's formula); for its
    monitoring and self-evaluation tables, the light summary and the score distribution."""
    found = document_findings(engine, settings, ids)
    group = DepartmentReport(name)
    projects, mix, years, overall, executed = [], Counter(), set(), [], []
    with engine.connect() as conn:
        project_ids = project_ids_of(conn, ids)
        docs = load_documents_shared(conn, ids)  # read-only below
        for doc_id in ids:
            doc, findings = docs[doc_id], found[doc_id]
            years.add(doc.year)
            mine = keep_document(doc)
            if reports_execution(doc):
                executed.append((doc, {pos: pid for (d, pos), pid in project_ids.items() if d == doc_id},
                                 keep_project, mine))
            reports = build_report([(doc, findings)])
            by_index = {p.index: p for r in reports for p in r.projects}
            if mine:
                group.general += [f for r in reports for f in r.general]
                if doc.overall:
                    overall.append({"document": doc.source.name, "title": doc.title, "year": doc.year,
                                    "overall": doc.overall.model_dump(mode="json"),
                                    "execution": project_execution(conn, doc, None, cfg, doc_id)})
            for index, p in enumerate(doc.projects):
                if not keep_project(doc, p):
                    continue
                for i in p.indicators:
                    mix[i.level1 or "未标注"] += 1
                pr = by_index.get(index)
                if pr is not None:
                    group.projects.append(pr)
                projects.append({"id": project_ids.get((doc_id, index)), "name": p.name, "unit": p.unit,
                                 "document": doc.source.name, "year": doc.year,
                                 "budget": p.budget.total if p.budget else None, "indicators": len(p.indicators),
                                 "score": pr.score if pr else None, "findings": len(pr.findings) if pr else 0})
    projects.sort(key=lambda p: (p["score"] if p["score"] is not None else 101, p["name"]))
    return {"name": name, "score": group.score, "documents": len(ids), "projects": projects,
            "budget": round(sum(p["budget"] or 0 for p in projects), 2), "level_mix": dict(mix),
            "years": sorted(y for y in years if y is not None), "overall": overall,
            "general": [f.to_dict() for f in group.general],
            "severity": dict(Counter(f.severity for f in group.findings)),
            "execution": group_execution(executed, cfg) if executed else None}


def project_detail(engine: Engine, project_id: int, settings: Settings | None = None,
                   principal: Principal | None = LOCAL) -> dict:
    """A project with its indicators and findings (worst first); NotFound when there is none."""
    return _project(engine, project_id, settings, principal)[0]


def project_page(engine: Engine, project_id: int, cfg=None, settings: Settings | None = None,
                 principal: Principal | None = LOCAL) -> dict:
    """The project page's data: the detail, and for a monitoring or self-evaluation table its execution block."""
    detail, doc, position = _project(engine, project_id, settings, principal)
    with engine.connect() as conn:
        detail["execution"] = project_execution(conn, doc, position, cfg, detail["document_id"])
    return detail


def _project(engine: Engine, project_id: int, settings: Settings | None, principal: Principal | None) -> tuple:
    with engine.connect() as conn:
        row = project_position(conn, project_id)
        if row is None:
            raise NotFound(f"没有编号为 {project_id} 的项目")
        doc = load_project_document(conn, row.document_id, row.position)
        project = doc.projects[0]
        department = project.department or doc.department
        ref = project_ref(conn, row.document_id, department)
    check(principal, "read", ref)
    ensure_reviewed(engine, settings, [row.document_id])
    with engine.connect() as conn:
        mine = stored.project_findings(conn, settings_key(settings), row.document_id, row.position, project.name,
                                       project.unit)
    return {"id": project_id, "document": doc.source.name, "document_id": row.document_id, "year": doc.year,
            "department": department, "money_unit": doc.money_unit,
            "project": project.model_dump(mode="json"), "findings": mine}, doc, 0
