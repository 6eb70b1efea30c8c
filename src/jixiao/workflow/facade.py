"""The workflow as the three faces call it: each function takes the store's Engine and the principal, opens
its own transaction and returns plain data (or DOCX/CSV bytes), like the functions of `jixiao.service`.
Routes and commands call these and only format the result; the functions they wrap take a Connection, so
another part can run a workflow move inside its own transaction."""

from __future__ import annotations

from sqlalchemy import Engine

from . import audit
from .actor import as_actor
from .comments import add_comment, comments_of, delete_comment
from .letter import build_letter, department_documents
from .opinions import STATUS_ZH, STATUSES
from .permissions import allowed, require
from .sheet import review_sheet
from .status import document_info, documents_in
from .transitions import TRANSITION, available, history, moves_for


def move(engine: Engine, principal, doc_id: int, action: str, note: str | None = None) -> dict:
    """submit | return | approve; TransitionError / PermissionDenied / NotFound as one Chinese line."""
    fn = TRANSITION[action]
    with engine.begin() as conn:
        return fn(conn, principal, doc_id) if action == "submit" else fn(conn, principal, doc_id, note)


def state(engine: Engine, principal, doc_id: int) -> dict:
    """The table's status, the moves the principal may make, and its workflow history."""
    with engine.connect() as conn:
        info = document_info(conn, doc_id)
        require(principal, "workflow.read", info["department"])
        return {**info, "status_zh": STATUS_ZH.get(info["status"], info["status"]),
                "actions": available(conn, principal, doc_id), "history": history(conn, doc_id)}


def comment(engine: Engine, principal, doc_id: int, **fields) -> dict:
    """One comment (fields as `comments.add_comment` takes them, `settings` among them)."""
    with engine.begin() as conn:
        return add_comment(conn, principal, doc_id, **fields)


def uncomment(engine: Engine, principal, doc_id: int, comment_id: int) -> dict:
    """Take back one comment of the current round (its author or an administrator)."""
    with engine.begin() as conn:
        return delete_comment(conn, principal, doc_id, comment_id)


def comments(engine: Engine, principal, doc_id: int, round: int | None = None) -> list[dict]:
    with engine.connect() as conn:
        require(principal, "workflow.read", document_info(conn, doc_id)["department"])
        return comments_of(conn, doc_id, round)


def sheet(engine: Engine, principal, doc_id: int, settings=None) -> dict:
    with engine.connect() as conn:
        return review_sheet(conn, principal, doc_id, settings=settings)


def letter(engine: Engine, principal, doc_ids: list[int], settings=None) -> bytes:
    with engine.connect() as conn:
        return build_letter(conn, principal, doc_ids, settings)


def department_letter(engine: Engine, principal, department: str, settings=None) -> bytes:
    with engine.connect() as conn:
        return build_letter(conn, principal, department_documents(conn, department), settings)


def tables(engine: Engine, principal, statuses: tuple[str, ...] = STATUSES, department: str | None = None,
           limit: int = 200) -> list[dict]:
    """The tables in the workflow the principal may see, newest first, with the moves they may make."""
    actor = as_actor(principal)
    with engine.connect() as conn:
        # an officer's or an assigned reviewer's departments narrow the query itself, so the newest `limit`
        # tables are theirs, not the newest of all cut down afterwards
        within = actor.departments if actor.role in ("officer", "reviewer") and actor.departments else None
        if actor.role == "officer" and not actor.departments:
            return []
        rows = [r for r in documents_in(conn, statuses, department, limit, within)
                if allowed(actor, "workflow.read", r["department"])]
        for r in rows:
            r["status_zh"] = STATUS_ZH.get(r["status"], r["status"])
            r["actions"] = moves_for(principal, r["status"], r["department"])
        return rows


def audit_log(engine: Engine, principal, f: audit.AuditFilter | None = None) -> tuple[int, list[dict]]:
    """(total, one page of entries), for an administrator."""
    require(principal, "audit.read")
    with engine.connect() as conn:
        return audit.count(conn, f), audit.entries(conn, f)


def audit_export(engine: Engine, principal, kind: str, f: audit.AuditFilter | None = None) -> str:
    """Every matching entry (no page limit) as CSV or JSON text."""
    require(principal, "audit.read")
    f = f or audit.AuditFilter()
    f.limit, f.offset = None, 0
    with engine.connect() as conn:
        rows = audit.entries(conn, f)
    return audit.to_csv(rows) if kind == "csv" else audit.to_json(rows)
