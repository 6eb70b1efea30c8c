"""What the API and the web pages both need: documents, departments, projects with their findings.

Reviews are cached per stored document id: a stored document never changes (re-ingesting with --replace
stores it under a new id)."""

from __future__ import annotations

from collections import Counter
from threading import Lock
from urllib.parse import quote

from sqlalchemy import Connection, func, select

from ..execution.scoring import subjects
from ..review import Finding, review_document
from ..review.report import DepartmentReport, build_report
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


def _owner():
    """The department a project row belongs to: its own, else its document's (None when neither names one)."""
    return func.coalesce(ProjectRow.department, DocumentRow.department)


def departments(conn: Connection) -> list[dict]:
    """Named departments, then one group per document whose projects name no department (titled by the
    document): lumping unrelated documents together under one combined score misleads."""
    dept = _owner()
    base = DocumentRow.__table__.outerjoin(ProjectRow.__table__, DocumentRow.id == ProjectRow.document_id)
    named = conn.execute(
        select(dept.label("department"), func.count(func.distinct(DocumentRow.id)).label("documents"),
               func.count(ProjectRow.id).label("projects"), func.sum(ProjectRow.budget_total).label("budget"),
               func.min(DocumentRow.year).label("year_from"), func.max(DocumentRow.year).label("year_to"))
        .select_from(base).where(dept.is_not(None)).group_by(dept).order_by(dept)).all()
    out = [dict(r._mapping, url="/departments/" + quote(r.department, safe=""), named=True) for r in named]
    unnamed = conn.execute(
        select(DocumentRow.id, DocumentRow.title, DocumentRow.source_name, DocumentRow.year,
               func.count(ProjectRow.id).label("projects"), func.sum(ProjectRow.budget_total).label("budget"))
        .select_from(base).where(dept.is_(None)).group_by(DocumentRow.id, DocumentRow.title, DocumentRow.source_name,
                                                          DocumentRow.year).order_by(DocumentRow.id)).all()
    out += [{"department": r.title or r.source_name, "source": r.source_name, "documents": 1, "projects": r.projects,
             "budget": r.budget, "year_from": r.year, "year_to": r.year, "url": f"/documents/{r.id}", "named": False,
             "document_id": r.id} for r in unnamed]
    return out


def department_documents(conn: Connection, name: str) -> list[int]:
    dept = _owner()
    return list(conn.execute(
        select(DocumentRow.id).select_from(DocumentRow.__table__.outerjoin(
            ProjectRow.__table__, DocumentRow.id == ProjectRow.document_id))
        .where(dept == name).distinct().order_by(DocumentRow.id)).scalars())


def department_detail(conn: Connection, name: str, cfg=None) -> dict | None:
    ids = department_documents(conn, name)
    if not ids:
        return None
    return _group_detail(conn, name, ids, lambda doc, p: (p.department or doc.department) == name,
                         lambda doc: (doc.department or (doc.projects[0].department if doc.projects else None)) == name,
                         cfg)


def document_group_detail(conn: Connection, doc_id: int, cfg=None) -> dict | None:
    """One document whose projects name no department, shown as its own group."""
    row = conn.execute(select(DocumentRow.title, DocumentRow.source_name).where(DocumentRow.id == doc_id)).first()
    if row is None:
        return None
    detail = _group_detail(conn, row.title or row.source_name, [doc_id],
                           lambda doc, p: not (p.department or doc.department), lambda doc: True, cfg)
    detail["document_id"] = doc_id
    return detail


def _group_detail(conn: Connection, name: str, ids: list[int], keep_project, keep_document, cfg=None) -> dict:
    """A department page's data: its projects with scores, its documents' overall (整体) targets and the
    findings that name no project, and one score over all of it (the review report's formula); for its
    monitoring and self-evaluation tables, the light summary and the score distribution."""
    project_ids = {(r.document_id, r.position): r.id for r in conn.execute(
        select(ProjectRow.id, ProjectRow.position, ProjectRow.document_id).where(ProjectRow.document_id.in_(ids)))}
    group = DepartmentReport(name)
    projects, mix, years, overall, executed = [], Counter(), set(), [], []
    for doc_id in ids:
        doc, findings = findings_for(conn, doc_id)
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


def project_detail(conn: Connection, project_id: int) -> dict | None:
    found = _project(conn, project_id)
    return found[0] if found else None


def project_page(conn: Connection, project_id: int, cfg=None) -> dict | None:
    """The project page's data: the detail, and for a monitoring or self-evaluation table its execution block."""
    found = _project(conn, project_id)
    if found is None:
        return None
    detail, doc, position = found
    detail["execution"] = project_execution(conn, doc, position, cfg, detail["document_id"])
    return detail


def _project(conn: Connection, project_id: int) -> tuple | None:
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
            "project": project.model_dump(mode="json"), "findings": [f.to_dict() for f in mine]}, doc, row.position


def all_findings(conn: Connection, department: str | None = None, year: int | None = None,
                 document_id: int | None = None) -> list[dict] | None:
    """Every finding (of one department, year or document), worst first; None for a document not in the store."""
    q = select(DocumentRow.id).order_by(DocumentRow.id)
    if year is not None:
        q = q.where(DocumentRow.year == year)
    if document_id is not None:
        q = q.where(DocumentRow.id == document_id)
    ids = list(conn.execute(q).scalars())
    if document_id is not None and not ids:
        return None
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
            if department and d["department"] != department:
                continue
            d["project_id"] = pid.get((i, f.project_index)) if f.project_index is not None else None
            out.append(d)
    order = {"error": 0, "warning": 1, "info": 2}
    out.sort(key=lambda d: (order[d["severity"]], d["document"], d["project"] or "", d["indicator_seq"] or 0))
    return out


def years_with_data(conn: Connection, department: str | None = None) -> list[int]:
    """The budget years that have documents (of one department, with the department page's grouping)."""
    q = select(DocumentRow.year).where(DocumentRow.year.is_not(None)).distinct()
    if department:
        q = q.where(DocumentRow.id.in_(department_documents(conn, department)))
    return sorted(conn.execute(q).scalars())


def documents_of(conn: Connection, year: int, department: str | None = None) -> list[int]:
    q = select(DocumentRow.id).where(DocumentRow.year == year).order_by(DocumentRow.id)
    if department:
        q = q.where(DocumentRow.id.in_(department_documents(conn, department)))
    return list(conn.execute(q).scalars())


def library_tree(conn: Connection, per_level: int = 12) -> list[dict]:
    """The library as 一级 → 二级 → its most used entries (each entry under its most common placement)."""
    from ..store.schema import LibraryEntryRow

    tree: dict[str, dict[str, list]] = {}
    for e in conn.execute(select(LibraryEntryRow.id, LibraryEntryRow.name, LibraryEntryRow.count,
                                 LibraryEntryRow.placements).order_by(LibraryEntryRow.count.desc())):
        level = ((e.placements or [{}])[0].get("level") or "").split("/")
        level1 = level[0] if level[0] not in ("", "—") else "未标注一级"
        level2 = level[1] if len(level) > 1 and level[1] not in ("", "—") else "未标注二级"
        tree.setdefault(level1, {}).setdefault(level2, []).append({"id": e.id, "name": e.name, "count": e.count})
    out = []
    for level1, children in tree.items():
        kids = [{"name": k, "entries": len(v), "uses": sum(x["count"] for x in v), "top": v[:per_level]}
                for k, v in children.items()]
        kids.sort(key=lambda k: -k["uses"])
        out.append({"name": level1, "entries": sum(k["entries"] for k in kids), "uses": sum(k["uses"] for k in kids),
                    "children": kids})
    order = ["产出指标", "效益指标", "满意度指标", "成本指标"]
    out.sort(key=lambda n: (order.index(n["name"]) if n["name"] in order else len(order), -n["uses"]))
    return out


def projects_named(conn: Connection, names: list[str]) -> dict[str, list[dict]]:
    """Projects by name with their department and year: suggestions name their source projects."""
    out: dict[str, list[dict]] = {}
    if not names:
        return out
    rows = conn.execute(
        select(ProjectRow.id, ProjectRow.name, _owner().label("department"), DocumentRow.year)
        .join(DocumentRow, DocumentRow.id == ProjectRow.document_id).where(ProjectRow.name.in_(set(names)))
        .order_by(DocumentRow.year.desc(), ProjectRow.id)).all()
    for r in rows:
        out.setdefault(r.name, []).append(dict(r._mapping))
    return out


def project_rows(conn: Connection, ids: list[int]) -> list[dict]:
    """Projects by id (in the given order) with what a result list shows."""
    if not ids:
        return []
    rows = {r.id: dict(r._mapping) for r in conn.execute(
        select(ProjectRow.id, ProjectRow.name, ProjectRow.unit, _owner().label("department"), DocumentRow.year,
               ProjectRow.budget_total).join(DocumentRow, DocumentRow.id == ProjectRow.document_id)
        .where(ProjectRow.id.in_(ids)))}
    return [rows[i] for i in ids if i in rows]


def _fingerprint(doc) -> tuple:
    """What makes two files the same table: projects with their indicators and target values, not the bytes."""
    def inds(items):
        return tuple((i.name, i.annual.raw if i.annual else None) for i in items)

    return (tuple((p.name, inds(p.indicators)) for p in doc.projects),
            tuple((s.title, inds(s.indicators)) for s in (doc.overall.sections if doc.overall else [])))


def same_table(conn: Connection, doc, doc_id: int | None) -> str | None:
    """The name of a document stored before `doc_id` (any, when None) holding the same table in another file
    or format; in a batch the later of two twins is the one named."""
    n_ind = sum(len(p.indicators) for p in doc.projects)
    q = select(DocumentRow.id).where(DocumentRow.n_projects == len(doc.projects), DocumentRow.n_indicators == n_ind,
                                     DocumentRow.sha256 != doc.source.sha256)
    if doc_id is not None:
        q = q.where(DocumentRow.id < doc_id)
    candidates = conn.execute(q.order_by(DocumentRow.id).limit(50)).scalars()
    mine = _fingerprint(doc)
    for other in candidates:
        if other != doc_id:
            stored = load_document(conn, other)
            if _fingerprint(stored) == mine:
                return stored.source.name
    return None


def counts(conn: Connection) -> dict:
    return {"documents": conn.execute(select(func.count()).select_from(DocumentRow)).scalar(),
            "projects": conn.execute(select(func.count()).select_from(ProjectRow)).scalar(),
            "indicators": conn.execute(select(func.count()).select_from(IndicatorRow)).scalar()}


# ---------------------------------------------------------------- monitoring and self-evaluation on the pages

LIGHTS = ("green", "yellow", "red", "blue")
LIGHT_LABEL = {"green": "绿", "yellow": "黄", "red": "红", "blue": "蓝", None: "无灯"}
CHANGE_LABEL = {"lowered": "调低", "raised": "调高", "added": "新增", "removed": "删除", "renamed": "改名",
                "moved": "调整层级", "kind_changed": "类型变化", "changed": "表述变化", "unchanged": "",
                "unlinked": ""}


def _r2(v: float | None) -> float | None:
    return None if v is None else round(v, 2)


def reports_execution(doc) -> bool:
    """A monitoring or self-evaluation table, or a target table that carries actuals, scores or an execution
    block. Weights alone do not count: many approved target tables print 分值 beside each indicator."""
    if doc.kind != "target":
        return True
    for _, _, inds, ex, ev in subjects(doc):
        if ex or ev or any(i.actual or i.score is not None for i in inds):
            return True
    return False


def project_execution(conn: Connection, doc, position: int | None, cfg=None, doc_id: int | None = None
                      ) -> dict | None:
    """The execution block of a monitoring or self-evaluation project's page (or, with `position` None, of a
    department-wide table's overall): each indicator's target, actual, weight, printed and recomputed score,
    rule and light, set beside the approved target table's indicator when the store holds it (`track`), the
    budget execution row, and the total and grade. Computed for this one subject only (the document is
    narrowed to it), so the page stays fast on a large store; None for a target table."""
    from ..execution.config import ScoreConfig
    from ..execution.lights import light_document
    from ..execution.link import candidate_document_ids, track_documents
    from ..execution.scoring import score_document

    if not reports_execution(doc):
        return None
    cfg = cfg or ScoreConfig()
    if position is None:
        single = doc.model_copy(update={"projects": []})
    else:
        single = doc.model_copy(update={"projects": [doc.projects[position]], "overall": None})
    if not subjects(single):
        return None
    approved = [load_document(conn, i) for i in candidate_document_ids(conn, [single]) if i != doc_id]
    (track,) = track_documents([single], approved, cfg)
    (score,) = score_document(single, cfg)
    (lights,) = light_document(single, cfg)
    ex = score.execution
    execution = None
    if ex is not None:
        budget = lights.budget
        execution = {"budget": ex.budget, "spent": ex.spent, "rate_printed": ex.rate_printed,
                     "rate_computed": _r2(ex.rate_computed), "weight": ex.weight, "printed": ex.printed,
                     "recomputed": ex.recomputed, "rule": ex.rule,
                     "light": budget.color if budget else None, "light_rule": budget.rule if budget else None,
                     "progress": None if budget is None or budget.progress is None else round(budget.progress, 1)}
    indicators = {(i.seq, i.name): i for i in subjects(single)[0][2]}
    rows = []
    for r in track.rows:
        differs = (r["printed"] is not None and r["recomputed"] is not None
                   and abs(r["printed"] - r["recomputed"]) > 0.1)
        ind = indicators.get((r["seq"], r["name"])) if r["change"] != "removed" else None
        rows.append({**r, "change_label": CHANGE_LABEL.get(r["change"], r["change"]), "differs": differs,
                     "target_changed": r["change"] in ("lowered", "raised"),
                     "forecast": ind.forecast.raw if ind and ind.forecast else None,
                     "likelihood": ind.likelihood if ind else None, "reason": ind.deviation if ind else None})
    lit = Counter(r["light"] for r in rows if r["change"] != "removed")
    return {"kind": doc.kind, "as_of_month": lights.month if doc.kind == "monitoring" else None,
            "expected_share": None if lights.expected_share is None else round(lights.expected_share * 100, 1),
            "share_source": lights.share_source, "rows": rows, "execution": execution,
            "total_printed": score.total_printed, "sum_printed": _r2(score.sum_printed),
            "total_recomputed": score.total_recomputed, "complete": score.complete,
            "grade_printed": score.grade_printed, "grade_recomputed": score.grade_recomputed,
            "light": lights.color, "lights": {c: lit.get(c, 0) for c in (*LIGHTS, None)},
            "linked": track.approved_project is not None, "approved_project": track.approved_project,
            "approved_document": track.approved_document, "match": track.match,
            "summary": {"lowered": track.lowered, "raised": sum(1 for r in rows if r["change"] == "raised"),
                        "added": track.added, "dropped": track.dropped}}


def group_execution(docs: list[tuple], cfg=None) -> dict | None:
    """A department page's light summary and score distribution over its monitoring and self-evaluation
    tables: (document, project ids by position, keep_project, keep_overall) for each of its documents. Counts
    of 绿/黄/红/蓝 over every indicator (and a budget light per project), and each self-evaluated project's
    printed and recomputed totals with the grade, banded as the grading scale bands them."""
    from ..execution.config import ScoreConfig
    from ..execution.lights import light_document
    from ..execution.scoring import score_document

    cfg = cfg or ScoreConfig()
    lights: Counter = Counter()
    budget: Counter = Counter()
    projects, tables = [], 0
    for doc, ids, keep_project, keep_overall in docs:
        if not reports_execution(doc):
            continue
        tables += 1
        positions = {id(p): k for k, p in enumerate(doc.projects)}
        lit = {(pl.name, pl.unit): pl for pl in light_document(doc, cfg)}
        for s in score_document(doc, cfg):
            if s.project is not None and not keep_project(doc, s.project):
                continue
            if s.project is None and not keep_overall:
                continue
            pl = lit.get((s.name, s.unit))
            for il in pl.indicators if pl else []:
                lights[il.light.color] += 1
            if pl and pl.budget:
                budget[pl.budget.color] += 1
            projects.append({"id": ids.get(positions[id(s.project)]) if s.project is not None else None,
                             "name": s.name, "unit": s.unit, "document": doc.source.name, "kind": doc.kind,
                             "year": doc.year, "as_of_month": doc.as_of_month if doc.kind == "monitoring" else None,
                             "light": pl.color if pl else None, "printed": s.total_printed,
                             "recomputed": s.total_recomputed if doc.kind != "monitoring" else None,
                             "complete": s.complete, "grade_printed": s.grade_printed,
                             "grade": s.grade_recomputed if doc.kind != "monitoring" else None})
    if not tables:
        return None
    scored = [p for p in projects if p["recomputed"] is not None]
    bands = []
    for low, grade in sorted(cfg.grades, reverse=True):
        n = sum(1 for p in scored if cfg.grade(p["recomputed"]) == grade)
        bands.append({"grade": grade, "from": low, "count": n})
    scored.sort(key=lambda p: (p["recomputed"], p["name"]))
    most = max((b["count"] for b in bands), default=0)
    return {"tables": tables, "lights": {c: lights.get(c, 0) for c in (*LIGHTS, None)},
            "budget": {c: budget.get(c, 0) for c in (*LIGHTS, None)}, "projects": projects, "scored": scored,
            "bands": bands, "band_max": most}
