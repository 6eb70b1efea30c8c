"""Monitoring and self-evaluation tables on the pages: a project's execution block (scores, lights, its track
against the approved target table) and a department's light summary and score distribution, computed with
the same functions as `jixiao score` and `jixiao track`."""

from __future__ import annotations

from collections import Counter

from sqlalchemy import Connection

from ..execution.scoring import subjects
from ..store.reader import load_document

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


def scorable_document(engine, doc_id: int, principal=None):
    """A stored monitoring or self-evaluation table; NotFound (404) or Unprocessable (422, with the reason)."""
    from ..errors import Unprocessable
    from ..execution.report import check_scorable
    from .catalog import get_document

    doc = get_document(engine, doc_id, principal)
    why = check_scorable(doc)
    if why:
        raise Unprocessable(f"文档 {doc_id}（{doc.source.name}）{why}")
    return doc


def approved_for(engine, doc) -> tuple[list[int], list]:
    """(ids, documents) of the stored target tables a monitoring or self-evaluation table may track."""
    from ..execution.link import candidate_document_ids

    with engine.connect() as conn:
        ids = candidate_document_ids(conn, [doc])
        return ids, [load_document(conn, i) for i in ids]


def stored_project_for(engine, project_id: int, principal=None):
    """(document, project) of a stored project, for its pre-filled template; NotFound when there is none."""
    from ..errors import NotFound
    from ..export.templates import stored_project
    from .access import check, project_ref
    from .catalog import project_position

    with engine.connect() as conn:
        found = stored_project(conn, project_id)
        if found is None:
            raise NotFound(f"没有编号为 {project_id} 的项目")
        doc, project = found
        ref = project_ref(conn, project_position(conn, project_id).document_id, project.department or doc.department)
    check(principal, "read", ref)  # as the project page
    return doc, project
