"""Read documents back out of the store as the interchange format."""

from __future__ import annotations

import threading
from collections import OrderedDict, defaultdict
from collections.abc import Iterable, Iterator

from sqlalchemy import Connection, select

from ..model import (
    Budget,
    Document,
    Evaluation,
    Execution,
    Indicator,
    Loc,
    Overall,
    Part,
    Problem,
    Project,
    Section,
    Source,
    SpendingPoint,
    Target,
    Unit,
)
from .schema import (
    LOC_COLUMNS,
    DocumentRow,
    IndicatorRow,
    ProblemRow,
    ProjectRow,
    SectionRow,
    SpendingPointRow,
    TargetPartRow,
    TargetRow,
    UnitRow,
)


def _budget(row) -> Budget | None:
    if not row.has_budget:
        return None
    return Budget(total=row.budget_total, fiscal=row.budget_fiscal, special=row.budget_special,
                  other=row.budget_other)


def _loc(row) -> Loc | None:
    page, table, r, col, line, x0, y0, x1, y1 = (getattr(row, c) for c in LOC_COLUMNS)
    if page is None and table is None and r is None and col is None and line is None and x0 is None:
        return None
    return Loc(page=page, table=table, row=r, col=col, line=line, bbox=[x0, y0, x1, y1] if x0 is not None else None)


def _execution(row) -> dict:
    """`execution`, `result` and `evaluation` of a project row, or of a document row for its `overall`."""
    ex = Execution(planned=row.exec_planned, adjusted=row.exec_adjusted, spent=row.exec_spent,
                   forecast=row.exec_forecast, rate=row.exec_rate, weight=row.exec_weight,
                   score=row.exec_score) if row.has_execution else None
    ev = Evaluation(score=row.eval_score, grade=row.eval_grade, conclusion=row.eval_conclusion,
                    problems=row.eval_problems, measures=row.eval_measures) if row.has_evaluation else None
    return {"execution": ex, "result": row.result, "evaluation": ev}


def _by(rows: Iterable, key: str) -> dict:
    out: dict = defaultdict(list)
    for r in rows:
        out[getattr(r, key)].append(r)
    return out


def load_documents(conn: Connection, ids: list[int]) -> Iterator[Document]:
    """The documents with these ids, in the order given, each rebuilt whole."""
    for doc_id in ids:
        yield load_document(conn, doc_id)


def load_document(conn: Connection, doc_id: int) -> Document:
    return _load(conn, doc_id)


_SHARED: OrderedDict[tuple, Document] = OrderedDict()
_SHARED_SIZE = 512  # documents kept per process (a seed-sized document is about 100 kB of objects)
_SHARED_LOCK = threading.Lock()
# what identifies one stored state of a document: its row, its content hash, when the row was written (to the
# second on SQLite), and the fields an upload may fill in for a file that lacks them
_SHARED_KEY = (DocumentRow.id, DocumentRow.sha256, DocumentRow.ingested_at, DocumentRow.department, DocumentRow.year,
               DocumentRow.title, DocumentRow.n_projects, DocumentRow.n_indicators)


def load_documents_shared(conn: Connection, ids: list[int]) -> dict[int, Document]:
    """The documents with these ids, from a per-process cache when this very stored row was read before.

    Read-only: the same objects are handed to every caller, so a page that only reads them (the department
    and document pages) skips rebuilding each document from ten queries per request. A row is identified by
    the store and `_SHARED_KEY`: a replaced document, a file stored again with another department filled in,
    or an edited draft (whose hash changes with each revision) is a new key, so nothing stale is returned."""
    if not ids:
        return {}
    store = conn.engine.url.render_as_string(hide_password=True)
    rows = conn.execute(select(*_SHARED_KEY).where(DocumentRow.id.in_(ids))).all()
    out: dict[int, Document] = {}
    for r in rows:
        key = (store, *r)
        with _SHARED_LOCK:
            doc = _SHARED.get(key)
            if doc is not None:
                _SHARED.move_to_end(key)
        if doc is None:
            doc = _load(conn, r.id)
            with _SHARED_LOCK:
                _SHARED[key] = doc
                while len(_SHARED) > _SHARED_SIZE:
                    _SHARED.popitem(last=False)
        out[r.id] = doc
    return out


def load_project_document(conn: Connection, doc_id: int, position: int) -> Document:
    """The document narrowed to its project at `position` (its only project, no overall targets): what a
    project page shows, without rebuilding the document's other projects."""
    return _load(conn, doc_id, position)


def _load(conn: Connection, doc_id: int, position: int | None = None) -> Document:
    d = conn.execute(select(DocumentRow).where(DocumentRow.id == doc_id)).one()
    problems = conn.execute(select(ProblemRow).where(ProblemRow.document_id == doc_id)
                            .order_by(ProblemRow.position)).all()
    units = conn.execute(select(UnitRow).where(UnitRow.document_id == doc_id).order_by(UnitRow.position)).all()
    q = select(ProjectRow).where(ProjectRow.document_id == doc_id).order_by(ProjectRow.position)
    projects = conn.execute(q if position is None else q.where(ProjectRow.position == position)).all()
    if position is None:
        sections = conn.execute(select(SectionRow).where(SectionRow.document_id == doc_id)
                                .order_by(SectionRow.position)).all()
        indicators = conn.execute(select(IndicatorRow).where(IndicatorRow.document_id == doc_id)
                                  .order_by(IndicatorRow.position)).all()
    else:
        sections = []
        indicators = conn.execute(select(IndicatorRow).where(IndicatorRow.project_id.in_([p.id for p in projects]))
                                  .order_by(IndicatorRow.position)).all() if projects else []
    ind_ids = [i.id for i in indicators]
    targets = conn.execute(select(TargetRow).where(TargetRow.indicator_id.in_(ind_ids))).all() if ind_ids else []
    t_ids = [t.id for t in targets if t.kind == "compound"]
    parts = _by(conn.execute(select(TargetPartRow).where(TargetPartRow.target_id.in_(t_ids))
                             .order_by(TargetPartRow.position)).all(), "target_id") if t_ids else {}
    p_ids = [p.id for p in projects if p.has_plan]
    plans = _by(conn.execute(select(SpendingPointRow).where(SpendingPointRow.project_id.in_(p_ids))
                             .order_by(SpendingPointRow.month)).all(), "project_id") if p_ids else {}
    target_of: dict[tuple[int, str], Target] = {}
    for t in targets:
        target_of[(t.indicator_id, t.which)] = Target(
            raw=t.raw, kind=t.kind, op=t.op, value=t.value, high=t.high, unit=t.unit,
            parts=[Part(label=x.label, op=x.op, value=x.value, unit=x.unit) for x in parts.get(t.id, [])] or None)
    by_project: dict[int, list[Indicator]] = defaultdict(list)
    by_section: dict[int, list[Indicator]] = defaultdict(list)
    for i in indicators:
        ind = Indicator(seq=i.seq, level1=i.level1, level2=i.level2, level2_code=i.level2_code, name=i.name,
                        description=i.description, annual=target_of.get((i.id, "annual")),
                        period=target_of.get((i.id, "period")), basis=i.basis, problem=i.problem,
                        actual=target_of.get((i.id, "actual")), forecast=target_of.get((i.id, "forecast")),
                        weight=i.weight, score=i.score, deviation=i.deviation, likelihood=i.likelihood,
                        level1_points=i.level1_points,
                        loc=_loc(i))
        (by_project[i.project_id] if i.project_id is not None else by_section[i.section_id]).append(ind)
    overall = None
    if d.has_overall and position is None:
        overall = Overall(goal=d.overall_goal, sections=[
            Section(title=s.title, goal=s.goal, indicators=by_section.get(s.id, [])) for s in sections],
            **_execution(d))
    return Document(
        source=Source(name=d.source_name, sha256=d.sha256, format=d.format), title=d.title, year=d.year,
        department=d.department, money_unit=d.money_unit, total=_budget(d),
        units=[Unit(name=u.name, code=u.code, budget=_budget(u)) for u in units], overall=overall,
        projects=[Project(department=p.department, unit=p.unit, unit_code=p.unit_code, name=p.name, code=p.code,
                          content=p.content, budget=_budget(p),
                          spending_plan=[SpendingPoint(month=s.month, cumulative_pct=s.cumulative_pct)
                                         for s in plans.get(p.id, [])] if p.has_plan else None,
                          goal=p.goal, indicators=by_project.get(p.id, []), loc=_loc(p), **_execution(p))
                  for p in projects],
        problems=[Problem(message=x.message, raw=x.raw, loc=_loc(x)) for x in problems],
        kind=d.kind or "target", as_of_month=d.as_of_month)
