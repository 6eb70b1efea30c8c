"""Filtered queries over the store: projects, indicators and documents, with full-text search."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection, Select, and_, func, select, union

from .schema import DocumentRow, IndicatorRow, ProjectRow, TargetRow
from .search import search_subquery, tokens


@dataclass
class Filters:
    department: str | None = None
    unit: str | None = None
    year: int | None = None
    level1: str | None = None
    level2: str | None = None
    kind: str | None = None  # value kind of the annual target
    text: str | None = None  # full-text search term
    document: str | None = None  # source file name
    departments: frozenset[str] | None = None  # only rows of these departments (a principal's scope); None: all
    statuses: frozenset[str] | None = None  # only documents in these workflow statuses (an analyst's: published)
    limit: int | None = None
    offset: int = 0


def _only_text(f: Filters) -> bool:
    return bool(f.limit) and f.departments is None and f.statuses is None and not any((
        f.department, f.unit, f.year, f.level1, f.level2, f.kind, f.document))


def _like(column, value: str):
    return column.contains(value, autoescape=True)


def _department_ids(value: str, id_column, project_column, document_column):
    """Ids of rows whose project's department, or else whose document's, contains `value`. The substring
    is matched against the few distinct department names (a scan of the department index) and the
    documents, then rows are found through the indexes; a LIKE on every project row took 100 ms."""
    named = select(ProjectRow.department).where(_like(ProjectRow.department, value)).distinct()
    projects = select(ProjectRow.id).where(ProjectRow.department.in_(named))
    documents = select(DocumentRow.id).where(_like(DocumentRow.department, value))
    table = id_column.table
    return id_column.in_(union(select(id_column).where(project_column.in_(projects)),
                               select(id_column).select_from(table).where(document_column.in_(documents))))


_PROJECT_OWNERS = (ProjectRow.id, ProjectRow.id, ProjectRow.document_id)
_INDICATOR_OWNERS = (IndicatorRow.id, IndicatorRow.project_id, IndicatorRow.document_id)


def _project_filters(q: Select, f: Filters, owners=_PROJECT_OWNERS) -> Select:
    """`owners`: the rows' id, project id and document id columns, which the department filter goes by."""
    if f.department:
        q = q.where(_department_ids(f.department, *owners))
    if f.unit:
        q = q.where(_like(ProjectRow.unit, f.unit))
    if f.year is not None:
        q = q.where(DocumentRow.year == f.year)
    if f.document:
        q = q.where(DocumentRow.source_name == f.document)
    if f.departments is not None:
        q = q.where(func.coalesce(ProjectRow.department, DocumentRow.department).in_(sorted(f.departments)))
    if f.statuses is not None:
        q = q.where(owners[2].in_(select(DocumentRow.id).where(DocumentRow.status.in_(sorted(f.statuses)))))
    return q


def _projects_select(f: Filters, columns: list | None = None) -> Select:
    """The projects matching the filters other than the text and the page, with these columns (default:
    what a project list shows)."""
    if columns is None:
        n_ind = (select(func.count(IndicatorRow.id)).where(IndicatorRow.project_id == ProjectRow.id)
                 .correlate(ProjectRow).scalar_subquery())
        columns = [ProjectRow.id, DocumentRow.source_name.label("document"), DocumentRow.year,
                   func.coalesce(ProjectRow.department, DocumentRow.department).label("department"),
                   ProjectRow.unit, ProjectRow.name, ProjectRow.code, ProjectRow.budget_total, ProjectRow.goal,
                   n_ind.label("indicators")]
    q = select(*columns).join(DocumentRow, DocumentRow.id == ProjectRow.document_id)
    q = _project_filters(q, f)
    if f.level1 or f.level2 or f.kind:
        sub = select(IndicatorRow.project_id).outerjoin(
            TargetRow, and_(TargetRow.indicator_id == IndicatorRow.id, TargetRow.which == "annual"))
        if f.level1:
            sub = sub.where(IndicatorRow.level1 == f.level1)
        if f.level2:
            sub = sub.where(IndicatorRow.level2 == f.level2)
        if f.kind:
            sub = sub.where(TargetRow.kind == f.kind)
        q = q.where(ProjectRow.id.in_(sub))
    return q


def query_projects(conn: Connection, f: Filters) -> list[dict]:
    return _run(conn, _projects_select(f), f, ProjectRow.id, "project")


def project_ids(conn: Connection, f: Filters) -> list[int]:
    """Only the ids of `query_projects`, in the same order: cheap enough to count and page a frequent term."""
    return [r["id"] for r in _run(conn, _projects_select(f, [ProjectRow.id]), f, ProjectRow.id, "project")]


def _indicators_select(f: Filters, columns: list | None = None) -> Select:
    """The indicators matching the filters other than the text and the page, with these columns (default:
    what an indicator list shows)."""
    annual = TargetRow.__table__.alias("annual")
    period = TargetRow.__table__.alias("period")
    full = columns is None
    if full:
        columns = [IndicatorRow.id, DocumentRow.source_name.label("document"), DocumentRow.year,
                   func.coalesce(ProjectRow.department, DocumentRow.department).label("department"),
                   ProjectRow.unit, ProjectRow.id.label("project_id"), ProjectRow.name.label("project"),
                   IndicatorRow.seq, IndicatorRow.level1, IndicatorRow.level2, IndicatorRow.name,
                   IndicatorRow.description, annual.c.raw.label("annual"), annual.c.kind.label("kind"), annual.c.op,
                   annual.c.value, annual.c.high, annual.c.unit.label("value_unit"), period.c.raw.label("period"),
                   IndicatorRow.basis]
    q = select(*columns).select_from(IndicatorRow)
    if full or f.year is not None or f.document or f.departments is not None:
        q = q.join(DocumentRow, DocumentRow.id == IndicatorRow.document_id)
    if full or f.unit or f.departments is not None:  # (only what the filters read: a join costs per match)
        q = q.outerjoin(ProjectRow, ProjectRow.id == IndicatorRow.project_id)
    if full or f.kind:
        q = q.outerjoin(annual, and_(annual.c.indicator_id == IndicatorRow.id, annual.c.which == "annual"))
    if full:
        q = q.outerjoin(period, and_(period.c.indicator_id == IndicatorRow.id, period.c.which == "period"))
    q = _project_filters(q, f, _INDICATOR_OWNERS)
    if f.level1:
        q = q.where(IndicatorRow.level1 == f.level1)
    if f.level2:
        q = q.where(IndicatorRow.level2 == f.level2)
    if f.kind:
        q = q.where(annual.c.kind == f.kind)
    return q


def query_indicators(conn: Connection, f: Filters) -> list[dict]:
    return _run(conn, _indicators_select(f), f, IndicatorRow.id, "indicator_name")


def indicator_hits(conn: Connection, f: Filters) -> list[tuple[int | None, str]]:
    """(project id, name) of every indicator `query_indicators` would list, in the same order: what a page
    needs to count the matches and find their projects without building each row."""
    rows = _run(conn, _indicators_select(f, [IndicatorRow.id, IndicatorRow.project_id, IndicatorRow.name]), f,
                IndicatorRow.id, "indicator_name")
    return [(r["project_id"], r["name"]) for r in rows]


def _run(conn: Connection, q: Select, f: Filters, id_column, kind: str) -> list[dict]:
    """Apply the text search and the page, in id order. With only a search term, the page comes straight
    from the index: index order is insertion order, which is id order."""
    if f.text:
        if not tokens(f.text):
            return []
        if _only_text(f):
            hits = search_subquery(conn.dialect.name, f.text, (kind,), f.limit, f.offset)
            q = q.where(id_column.in_(select(hits.c.ref_id))).order_by(id_column)
            return [dict(r._mapping) for r in conn.execute(q)]
        hits = search_subquery(conn.dialect.name, f.text, (kind,))
        q = q.where(id_column.in_(select(hits.c.ref_id)))
    q = q.order_by(id_column).offset(f.offset)
    if f.limit:
        q = q.limit(f.limit)
    return [dict(r._mapping) for r in conn.execute(q)]


def document_ids(conn: Connection, f: Filters) -> list[int]:
    """Documents that hold at least one project matching the filters (all documents when none is set)."""
    if f.departments is None and not any((f.department, f.unit, f.year, f.level1, f.level2, f.kind, f.text,
                                          f.document)):
        q = select(DocumentRow.id).order_by(DocumentRow.id)
        q = q.where(DocumentRow.status.in_(sorted(f.statuses))) if f.statuses is not None else q
        return list(conn.execute(q).scalars())
    ids = {r["id"] for r in query_projects(conn, Filters(**{**f.__dict__, "limit": None, "offset": 0}))}
    if not ids:
        q = select(DocumentRow.id)
        q = q.where(DocumentRow.year == f.year) if f.year is not None else q
        q = q.where(_like(DocumentRow.department, f.department)) if f.department else q
        q = q.where(DocumentRow.source_name == f.document) if f.document else q
        q = q.where(DocumentRow.department.in_(sorted(f.departments))) if f.departments is not None else q
        q = q.where(DocumentRow.status.in_(sorted(f.statuses))) if f.statuses is not None else q
        if f.year is None and not f.department and not f.document and f.departments is None:
            return []
        return list(conn.execute(q.order_by(DocumentRow.id)).scalars())
    return list(conn.execute(select(ProjectRow.document_id).where(ProjectRow.id.in_(ids)).distinct()
                             .order_by(ProjectRow.document_id)).scalars())
