"""The audit log: who did what to what, when, with the state before and after.

`record(conn, actor, action, target, before, after)` is the one call every part makes (workflow transitions
and comments here; uploads, edits, deletes and user changes from the service, authoring and auth parts). It
writes in the caller's transaction, so an action and its entry are stored together or not at all: a change
that rolls back takes its entry with it, and an entry that cannot be written fails the change. An actor is
AUTH's principal, an `Actor`, a plain name, or None for the system itself; the all-seeing local user (the
CLI, a server without accounts) is named by `acting`.

The actions recorded (see tests/test_audit*.py, which check every state-changing route and command):
document.ingest (every stored file: stored, replaced or unchanged), document.replace, document.delete,
draft.create, draft.save, draft.restore, draft.conflict, draft.delete, workflow.submit|return|approve,
workflow.comment, workflow.comment.delete, user.add, user.disable, user.enable, user.set_role,
user.password, token.create, token.revoke, auth.login, auth.login.failed, auth.login.blocked, auth.logout,
library.rebuild, review.refresh.

    from jixiao.workflow import audit
    with engine.begin() as conn:
        ...                                   # the change itself
        audit.record(conn, principal, "document.delete", f"document:{doc_id}", before={"name": name})
"""

from __future__ import annotations

import csv
import getpass
import io
import json
from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy import Connection, Engine, func, insert, select

from .actor import Actor, as_actor
from .tables import AuditRow

COLUMNS = ("id", "at", "actor", "actor_role", "action", "target", "department", "before", "after")
COLUMNS_ZH = ("编号", "时间（UTC）", "操作人", "角色", "操作", "对象", "部门", "操作前", "操作后")


def _jsonable(value):
    """before/after as JSON values: pydantic models and dataclasses by their dict, dates as ISO text."""
    if value is None:
        return None
    if hasattr(value, "model_dump"):
        value = value.model_dump(mode="json", exclude_none=True)
    elif hasattr(value, "to_dict"):
        value = value.to_dict()
    return json.loads(json.dumps(value, ensure_ascii=False, default=_default))


def _default(value):
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, set | frozenset | tuple):
        return list(value)
    return str(value)


def _local(principal) -> bool:
    """The all-seeing local user: the service layer's (role "local") or AUTH's (`permissions.LOCAL`)."""
    if getattr(principal, "role", None) == "local":
        return True
    try:
        from ..auth.permissions import LOCAL
    except ImportError:
        return False
    return principal is LOCAL


def login_name() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "本机用户"


def acting(principal=None):
    """Who acts, for an entry: `principal` when it names a user; else the principal of the request being
    served (a logged-in user, or a visitor); else, outside a request (the CLI, a server without accounts),
    the machine's login name as an administrator, as `jixiao workflow --actor` defaults. Service functions
    that get no principal of their own (a batch ingest stores through `store_reviewed`) call this."""
    if principal is not None and not _local(principal):
        return principal
    try:
        from ..auth.permissions import LOCAL, current
    except ImportError:
        return Actor(login_name(), "administrator")
    who = current()
    return who if who is not LOCAL else Actor(login_name(), "administrator")


def record(conn: Connection | Engine, actor, action: str, target: str, before=None, after=None,
           department: str | None = None) -> int:
    """Write one entry and return its id. `target` names the object, e.g. "document:12" or "user:alice".
    The local user is named by `acting` (the request's user, else the login name)."""
    if isinstance(conn, Engine):
        with conn.begin() as c:
            return record(c, actor, action, target, before, after, department)
    who = as_actor(acting(actor) if actor is not None and _local(actor) else actor)
    values = {"at": datetime.now(UTC), "actor": who.name, "actor_role": who.role, "action": action,
              "target": target, "department": department, "before": _jsonable(before), "after": _jsonable(after)}
    return conn.execute(insert(AuditRow).values(**values).returning(AuditRow.id)).scalar_one()


def stored_file(conn: Connection, doc, status: str, doc_id: int | None = None, actor=None) -> int:
    """The entry of one stored file (`document.ingest`): who, the file's name and SHA-256, whether it was
    stored, replaced or unchanged, and what it holds. One short row per file: a batch of thousands stays
    fast (docs/benchmarks.md, "audit")."""
    if doc_id is None:
        from ..store.schema import DocumentRow

        doc_id = conn.execute(select(DocumentRow.id).where(DocumentRow.sha256 == doc.source.sha256)).scalar()
    department = doc.department or next((p.department for p in doc.projects if p.department), None)
    after = {"file": doc.source.name, "sha256": doc.source.sha256, "status": status, "format": doc.source.format,
             "year": doc.year, "projects": len(doc.projects),
             "indicators": sum(len(p.indicators) for p in doc.projects)}
    return record(conn, acting(actor), "document.ingest", f"document:{doc_id}", None, after, department)


@dataclass
class AuditFilter:
    action: str | None = None  # exact, or a prefix ending in "." ("workflow.")
    actor: str | None = None
    target: str | None = None
    department: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    limit: int | None = 100
    offset: int = 0


def _where(q, f: AuditFilter):
    if f.action:
        q = q.where(AuditRow.action.startswith(f.action, autoescape=True) if f.action.endswith(".")
                    else AuditRow.action == f.action)
    if f.actor:
        q = q.where(AuditRow.actor == f.actor)
    if f.target:
        q = q.where(AuditRow.target == f.target)
    if f.department:
        q = q.where(AuditRow.department == f.department)
    if f.since:
        q = q.where(AuditRow.at >= _utc(f.since))
    if f.until:
        q = q.where(AuditRow.at < _utc(f.until))
    return q


def _utc(when: datetime) -> datetime:
    """Entries are written in UTC; a bound with another offset is converted, one without any is taken as UTC
    (SQLite keeps the time without its offset, so only UTC compares right on both backends)."""
    return when.replace(tzinfo=UTC) if when.tzinfo is None else when.astimezone(UTC)


def entries(conn: Connection, f: AuditFilter | None = None) -> list[dict]:
    """Entries, newest first, paged in SQL."""
    f = f or AuditFilter()
    q = _where(select(AuditRow.__table__), f).order_by(AuditRow.id.desc()).offset(f.offset)
    if f.limit is not None:
        q = q.limit(f.limit)
    return [_entry(r) for r in conn.execute(q)]


def count(conn: Connection, f: AuditFilter | None = None) -> int:
    return conn.execute(_where(select(func.count(AuditRow.id)), f or AuditFilter())).scalar_one()


def _entry(r) -> dict:
    at = r.at
    if isinstance(at, datetime) and at.tzinfo is None:  # SQLite hands back naive datetimes: they were UTC
        at = at.replace(tzinfo=UTC)
    return {"id": r.id, "at": at.isoformat() if isinstance(at, datetime) else str(at), "actor": r.actor,
            "actor_role": r.actor_role, "action": r.action, "target": r.target, "department": r.department,
            "before": r.before, "after": r.after}


def to_json(rows: list[dict]) -> str:
    return json.dumps(rows, ensure_ascii=False, indent=2)


def to_csv(rows: list[dict]) -> str:
    """CSV with Chinese headers, before/after as JSON text; UTF-8 with BOM so Excel opens it right."""
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(COLUMNS_ZH)
    for r in rows:
        w.writerow([json.dumps(r[c], ensure_ascii=False) if c in ("before", "after") and r[c] is not None
                    else ("" if r[c] is None else r[c]) for c in COLUMNS])
    return "\ufeff" + buf.getvalue()
