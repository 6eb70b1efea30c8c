"""The indicator library and suggestions as the faces ask for them (the library is rebuilt on first use
after an ingest)."""

from __future__ import annotations

from sqlalchemy import Engine

from ..errors import NotFound
from ..store import Filters, query_indicators
from .access import LOCAL, Principal, check
from .catalog import library_tree, projects_named


def library_search(engine: Engine, q: str, limit: int = 20, principal: Principal | None = LOCAL) -> list[dict]:
    from ..library import ensure_library, search_library

    check(principal, "read")
    with engine.begin() as conn:
        ensure_library(conn)
        return search_library(conn, q, limit)


def library_entry(engine: Engine, entry: str, principal: Principal | None = LOCAL) -> dict:
    """One library entry by number or name; NotFound when there is none."""
    from ..library import ensure_library, show_entry

    check(principal, "read")
    with engine.begin() as conn:
        ensure_library(conn)
        data = show_entry(conn, entry)
    if data is None:
        raise NotFound(f"指标库中没有条目 {entry}")
    return data


def suggest(engine: Engine, q: str, limit: int = 10, principal: Principal | None = LOCAL) -> list[dict]:
    from ..library import Suggester, ensure_library

    check(principal, "read")
    with engine.begin() as conn:
        ensure_library(conn)
        return Suggester.from_store(conn).suggest(q, limit=limit)


def rebuild_library(engine: Engine, principal: Principal | None = LOCAL) -> int:
    from ..library import build_library

    check(principal, "admin")
    with engine.begin() as conn:
        return build_library(conn)


def library_page(engine: Engine, q: str | None, project: str | None, principal: Principal | None = LOCAL) -> dict:
    """The library page: entries and indicators matching `q`, suggestions for a new `project` with the
    projects they come from, or (neither given) the tree of levels."""
    from ..library import Suggester, ensure_library, search_library

    check(principal, "read")
    entries, suggestions, hits, tree = [], [], [], []
    with engine.begin() as conn:
        ensure_library(conn)
        if q:
            entries = search_library(conn, q, 50)
            hits = query_indicators(conn, Filters(text=q, limit=20))
        if project:
            suggestions = Suggester.from_store(conn).suggest(project, limit=10)
            named = projects_named(conn, [n for s in suggestions for n, _ in s["from_projects"][:3]])
            for s in suggestions:
                s["sources"] = [(named.get(n) or [{"name": n, "id": None, "department": None, "year": None}])[0]
                                for n, _ in s["from_projects"][:3]]
        if not q and not project:
            tree = library_tree(conn)
    return {"entries": entries, "suggestions": suggestions, "hits": hits, "tree": tree}
