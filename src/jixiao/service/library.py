"""The indicator library and suggestions as the faces ask for them. Reads only read: the library is kept up to
date by the writes themselves (`library_sync`), and the built `Suggester` is kept per process until the
library's version moves."""

from __future__ import annotations

import threading

from sqlalchemy import Connection, Engine

from ..errors import NotFound
from ..store import Filters, query_indicators
from ..workflow import audit
from .access import LOCAL, Principal, check, visible_departments
from .catalog import _narrow, library_tree, projects_named, visible_project_names


def _names_shown(conn, principal: Principal | None) -> set[str] | None:
    """The project names a principal may see in library answers (None: all)."""
    seen = visible_departments(principal)
    return None if seen is None else visible_project_names(conn, seen)


def _keep_sources(rows: list[dict], names: set[str] | None) -> list[dict]:
    """Suggestions with only the source projects the principal may see; one with none left is dropped."""
    if names is None:
        return rows
    out = []
    for r in rows:
        sources = [s for s in r["from_projects"] if s[0] in names]
        if sources:
            out.append({**r, "from_projects": sources})
    return out


# one built Suggester per store and process, with the library version it was built at: building it (TF-IDF
# over every public project) costs far more than a suggestion
_SUGGESTERS: dict[str, tuple[int, object]] = {}
_BUILDING = threading.Lock()


def cached_suggester(conn: Connection):
    """The store's `Suggester`, built again only when the library changed since (its version moved)."""
    from ..library import Suggester
    from ..library_sync import version

    key = conn.engine.url.render_as_string(hide_password=False)
    now = version(conn)
    hit = _SUGGESTERS.get(key)
    if hit is not None and hit[0] == now:
        return hit[1]
    # one thread builds; the others meanwhile answer from the previous one (when there is one) instead of
    # queueing behind a build of seconds
    if not _BUILDING.acquire(blocking=hit is None):
        return hit[1]
    try:
        hit = _SUGGESTERS.get(key)
        if hit is None or hit[0] != now:
            hit = (now, Suggester.from_store(conn))
            _SUGGESTERS[key] = hit
        return hit[1]
    finally:
        _BUILDING.release()


def library_search(engine: Engine, q: str, limit: int = 20, principal: Principal | None = LOCAL) -> list[dict]:
    from ..library import search_library

    check(principal, "read")
    with engine.connect() as conn:
        return search_library(conn, q, limit)


def library_entry(engine: Engine, entry: str, principal: Principal | None = LOCAL) -> dict:
    """One library entry by number or name; NotFound when there is none."""
    from ..library import show_entry

    check(principal, "read")
    with engine.connect() as conn:
        data = show_entry(conn, entry)
        names = _names_shown(conn, principal)
    if data is None:
        raise NotFound(f"指标库中没有条目 {entry}")
    if names is not None:
        data["projects"] = [p for p in data.get("projects", []) if p["name"] in names]
    return data


def suggest(engine: Engine, q: str, limit: int = 10, principal: Principal | None = LOCAL) -> list[dict]:
    check(principal, "read")
    with engine.connect() as conn:
        return _keep_sources(cached_suggester(conn).suggest(q, limit=limit), _names_shown(conn, principal))


def rebuild_library(engine: Engine, principal: Principal | None = LOCAL) -> int:
    from ..library import build_library

    check(principal, "admin")
    with engine.begin() as conn:
        audit.record(conn, principal, "library.rebuild", "library")  # in the rebuild's transaction
        return build_library(conn)


def library_page(engine: Engine, q: str | None, project: str | None, principal: Principal | None = LOCAL) -> dict:
    """The library page: entries and indicators matching `q`, suggestions for a new `project` with the
    projects they come from, or (neither given) the tree of levels."""
    from ..library import search_library

    check(principal, "read")
    entries, suggestions, hits, tree = [], [], [], []
    with engine.connect() as conn:
        if q:
            entries = search_library(conn, q, 50)
            hits = query_indicators(conn, _narrow(Filters(text=q, limit=20), principal))
        if project:
            suggestions = _keep_sources(cached_suggester(conn).suggest(project, limit=10),
                                        _names_shown(conn, principal))
            named = projects_named(conn, [n for s in suggestions for n, _ in s["from_projects"][:3]])
            for s in suggestions:
                s["sources"] = [(named.get(n) or [{"name": n, "id": None, "department": None, "year": None}])[0]
                                for n, _ in s["from_projects"][:3]]
        if not q and not project:
            tree = library_tree(conn)
    return {"entries": entries, "suggestions": suggestions, "hits": hits, "tree": tree}
