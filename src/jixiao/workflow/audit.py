"""The audit log: who did what to what, when, with the state before and after.

`record(conn, actor, action, target, before, after)` is the one call every part makes (workflow transitions
and comments here; uploads, edits, deletes and user changes from the service, authoring and auth parts). It
writes in the caller's transaction, so an action and its entry are stored together or not at all. An actor
is AUTH's principal, an `Actor`, a plain name, or None for the system itself.

    from jixiao.workflow import audit
    with engine.begin() as conn:
        ...                                   # the change itself
        audit.record(conn, principal, "document.delete", f"document:{doc_id}", before={"name": name})
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy import Connection, Engine, func, insert, select

from .actor import as_actor
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


def record(conn: Connection | Engine, actor, action: str, target: str, before=None, after=None,
           department: str | None = None) -> int:
    """Write one entry and return its id. `target` names the object, e.g. "document:12" or "user:alice"."""
    if isinstance(conn, Engine):
        with conn.begin() as c:
            return record(c, actor, action, target, before, after, department)
    who = as_actor(actor)
    values = {"at": datetime.now(UTC), "actor": who.name, "actor_role": who.role, "action": action,
              "target": target, "department": department, "before": _jsonable(before), "after": _jsonable(after)}
    return conn.execute(insert(AuditRow).values(**values).returning(AuditRow.id)).scalar_one()


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
