"""What the store holds, as the faces list it: documents, departments, projects, indicators, search.

Every list goes through the permission check and, where a principal sees only some departments, is narrowed
to them in SQL. Substring filters escape `%`, `_` and `\\` (a department named `50%_本级` matches itself)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from urllib.parse import quote

from sqlalchemy import Connection, Engine, func, select

from ..model import Document
from ..store import Filters, document_ids, load_document, query_indicators, query_projects
from ..store.queries import indicator_hits, project_ids
from ..store.schema import DocumentRow, IndicatorRow, LibraryEntryRow, ProjectRow
from .access import LOCAL, Principal, check, document_ref, visible_departments, visible_statuses

NO_DEPARTMENT = "（未注明部门）"


def owner():
    """The department a project row belongs to: its own, else its document's (None when neither names one)."""
    return func.coalesce(ProjectRow.department, DocumentRow.department)


def _with_projects():
    return DocumentRow.__table__.outerjoin(ProjectRow.__table__, DocumentRow.id == ProjectRow.document_id)


def department_documents_query(name: str):
    """A `SELECT id` of the documents holding a project of department `name` (its own or its document's)."""
    return select(DocumentRow.id).select_from(_with_projects()).where(owner() == name).distinct()


def department_documents(conn: Connection, name: str) -> list[int]:
    return list(conn.execute(select(department_documents_query(name).subquery().c.id).order_by("id")).scalars())


def department_exists(engine: Engine, name: str) -> bool:
    """Whether the store holds a document of department `name` (exact)."""
    with engine.connect() as conn:
        return bool(conn.execute(department_documents_query(name).limit(1)).first())


def document_exists(conn: Connection, doc_id: int) -> bool:
    return conn.execute(select(DocumentRow.id).where(DocumentRow.id == doc_id)).scalar() is not None


def get_document(engine: Engine, doc_id: int, principal: Principal | None = LOCAL) -> Document:
    """One stored document; NotFound (404) when there is none."""
    with engine.connect() as conn:
        check(principal, "read", document_ref(conn, doc_id))
        return load_document(conn, doc_id)


def iter_documents(engine: Engine, ids: list[int], principal: Principal | None = LOCAL) -> Iterator[Document]:
    """The stored documents with these ids, one at a time (an export of a large store stays small)."""
    with engine.connect() as conn:
        for i in ids:
            check(principal, "read", document_ref(conn, i))
            yield load_document(conn, i)


def list_documents(engine: Engine, *, year: int | None = None, department: str | None = None,
                   limit: int | None = 50, offset: int = 0, principal: Principal | None = LOCAL
                   ) -> tuple[int, list[dict]]:
    """(how many, one page) of the stored documents, in id order; `department` matches a substring, taken
    literally."""
    check(principal, "read")
    q = select(DocumentRow.id, DocumentRow.source_name, DocumentRow.title, DocumentRow.year, DocumentRow.department,
               DocumentRow.n_projects, DocumentRow.n_indicators, DocumentRow.format)
    if year is not None:
        q = q.where(DocumentRow.year == year)
    if department:
        q = q.where(DocumentRow.department.contains(department, autoescape=True))
    seen = visible_departments(principal)
    if seen is not None:
        q = q.where(DocumentRow.department.in_(sorted(seen)))
    statuses = visible_statuses(principal)
    if statuses is not None:
        q = q.where(DocumentRow.status.in_(sorted(statuses)))
    with engine.connect() as conn:
        total = conn.execute(select(func.count()).select_from(q.subquery())).scalar()
        q = q.order_by(DocumentRow.id).offset(offset)
        rows = conn.execute(q.limit(limit) if limit is not None else q).all()
    return total, [dict(r._mapping) for r in rows]


def document_ids_matching(engine: Engine, filters: Filters, principal: Principal | None = LOCAL) -> list[int]:
    """Documents holding a project that matches the filters (all when none is set), of the departments the
    principal may read."""
    with engine.connect() as conn:
        return document_ids(conn, _narrow(filters, principal))


def _narrow(filters: Filters, principal: Principal | None) -> Filters:
    """The filters, checked and narrowed to the departments the principal may read."""
    check(principal, "read", filters.department)
    statuses = visible_statuses(principal)
    if statuses is not None:
        filters = replace(filters, statuses=statuses if filters.statuses is None else filters.statuses & statuses)
    seen = visible_departments(principal)
    if seen is None:
        return filters
    if filters.departments is not None:
        seen = seen & filters.departments
    return replace(filters, departments=frozenset(seen))


def projects(engine: Engine, filters: Filters, principal: Principal | None = LOCAL) -> list[dict]:
    with engine.connect() as conn:
        return query_projects(conn, _narrow(filters, principal))


def indicators(engine: Engine, filters: Filters, principal: Principal | None = LOCAL) -> list[dict]:
    with engine.connect() as conn:
        return query_indicators(conn, _narrow(filters, principal))


def search(engine: Engine, q: str, limit: int = 20, offset: int = 0, principal: Principal | None = LOCAL) -> dict:
    """Projects and indicators whose text holds the term (two-character words too)."""
    f = _narrow(Filters(text=q, limit=limit, offset=offset), principal)
    with engine.connect() as conn:
        return {"q": q, "projects": query_projects(conn, f), "indicators": query_indicators(conn, f)}


SEARCH_PAGE = 50  # projects per search page


def search_page(engine: Engine, q: str, principal: Principal | None = LOCAL, page: int = 1) -> dict:
    """The search page: projects whose name or goal matches, then projects found through their indicators,
    `SEARCH_PAGE` a page. Only ids and names are read for every match (a common word matches thousands of
    indicators); whole rows are built for the page shown and the first 100 indicators."""
    check(principal, "read")
    if not q.strip():
        return {"projects": [], "project_total": 0, "page": 1, "pages": 1, "indicators": [], "total": 0}
    f = _narrow(Filters(text=q), principal)
    with engine.connect() as conn:
        direct = project_ids(conn, f)
        hits = indicator_hits(conn, f)
        by_project: dict[int, list[str]] = {}
        for project_id, name in hits:
            if project_id is not None:
                by_project.setdefault(project_id, []).append(name)
        seen = set(direct)
        order = [(i, "名称或目标") for i in direct] + [(i, "指标") for i in by_project if i not in seen]
        pages = max(1, -(-len(order) // SEARCH_PAGE))
        page = min(max(1, page), pages)
        via = dict(order[(page - 1) * SEARCH_PAGE:page * SEARCH_PAGE])
        rows = [dict(p, via=via[p["id"]], matched=by_project.get(p["id"], []))
                for p in project_rows(conn, list(via))]
        indicators = query_indicators(conn, replace(f, limit=100))
    return {"projects": rows, "project_total": len(order), "page": page, "pages": pages, "indicators": indicators,
            "total": len(hits)}


def departments(conn: Connection) -> list[dict]:
    """Named departments, then one group per document whose projects name no department (titled by the
    document): lumping unrelated documents together under one combined score misleads."""
    dept = owner()
    base = _with_projects()
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


def department_list(engine: Engine, principal: Principal | None = LOCAL) -> list[dict]:
    """`departments`, only those the principal may read."""
    check(principal, "read")
    with engine.connect() as conn:
        rows = departments(conn)
    seen = visible_departments(principal)
    return rows if seen is None else [d for d in rows if d["named"] and d["department"] in seen]


def department_names(engine: Engine, principal: Principal | None = LOCAL) -> list[str]:
    """The named departments of `department_list`, in its order, without its sums (a page's filter list)."""
    check(principal, "read")
    dept = owner()
    with engine.connect() as conn:
        names = list(conn.execute(select(dept).select_from(_with_projects()).where(dept.is_not(None)).distinct()
                                  .order_by(dept)).scalars())
    seen = visible_departments(principal)
    return names if seen is None else [n for n in names if n in seen]


def counts(conn: Connection) -> dict:
    return {"documents": conn.execute(select(func.count()).select_from(DocumentRow)).scalar(),
            "projects": conn.execute(select(func.count()).select_from(ProjectRow)).scalar(),
            "indicators": conn.execute(select(func.count()).select_from(IndicatorRow)).scalar()}


def overview(engine: Engine, principal: Principal | None = LOCAL) -> dict:
    """The home page: the store's counts and its departments."""
    check(principal, "read")
    with engine.connect() as conn:
        c = counts(conn)
    return {"counts": c, "departments": department_list(engine, principal)}


def documents_in(departments: frozenset[str]):
    """A `SELECT id` of the documents holding data of these departments."""
    return (select(DocumentRow.id).select_from(_with_projects()).where(owner().in_(sorted(departments)))
            .distinct())


def years_with_data(conn: Connection, department: str | None = None,
                    departments: frozenset[str] | None = None) -> list[int]:
    """The budget years that have documents (of one department, with the department page's grouping; of the
    departments a principal may read)."""
    q = select(DocumentRow.year).where(DocumentRow.year.is_not(None)).distinct()
    if department:
        q = q.where(DocumentRow.id.in_(department_documents_query(department)))
    if departments is not None:
        q = q.where(DocumentRow.id.in_(documents_in(departments)))
    return sorted(conn.execute(q).scalars())


def documents_of(conn: Connection, year: int, department: str | None = None,
                 departments: frozenset[str] | None = None) -> list[int]:
    q = select(DocumentRow.id).where(DocumentRow.year == year).order_by(DocumentRow.id)
    if department:
        q = q.where(DocumentRow.id.in_(department_documents_query(department)))
    if departments is not None:
        q = q.where(DocumentRow.id.in_(documents_in(departments)))
    return list(conn.execute(q).scalars())


def visible_project_names(conn: Connection, departments: frozenset[str]) -> set[str]:
    """Names of the projects of these departments (to keep other departments' names out of a result)."""
    return set(conn.execute(select(ProjectRow.name).join(DocumentRow, DocumentRow.id == ProjectRow.document_id)
                            .where(owner().in_(sorted(departments))).distinct()).scalars())


def library_tree(conn: Connection, per_level: int = 12) -> list[dict]:
    """The library as 一级 → 二级 → its most used entries (each entry under its most common placement)."""
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
        select(ProjectRow.id, ProjectRow.name, owner().label("department"), DocumentRow.year)
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
        select(ProjectRow.id, ProjectRow.name, ProjectRow.unit, owner().label("department"), DocumentRow.year,
               ProjectRow.budget_total).join(DocumentRow, DocumentRow.id == ProjectRow.document_id)
        .where(ProjectRow.id.in_(ids)))}
    return [rows[i] for i in ids if i in rows]


def project_position(conn: Connection, project_id: int):
    """(document id, position) of a stored project, or None."""
    return conn.execute(select(ProjectRow.document_id, ProjectRow.position).where(ProjectRow.id == project_id)).first()


def project_ids_of(conn: Connection, ids: list[int]) -> dict[tuple[int, int], int]:
    """{(document id, position): project id} for these documents."""
    if not ids:
        return {}
    return {(r.document_id, r.position): r.id for r in conn.execute(
        select(ProjectRow.id, ProjectRow.position, ProjectRow.document_id).where(ProjectRow.document_id.in_(ids)))}


def document_name(conn: Connection, doc_id: int):
    """(title, source name) of a stored document, or None."""
    return conn.execute(select(DocumentRow.title, DocumentRow.source_name).where(DocumentRow.id == doc_id)).first()
