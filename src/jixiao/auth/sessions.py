"""Server-side web sessions behind Starlette's signed session cookie.

The cookie (signed with the store's secret, so every worker accepts it) holds a random session id and the
form (CSRF) token. The `sessions` table holds the id's SHA-256, its user and its expiry. Logging in always
starts a new id, so an id planted before the login (session fixation) never becomes a logged-in session;
logging out, disabling the user or the expiry ends it everywhere."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from sqlalchemy import delete, insert, select
from sqlalchemy.engine import Connection

from .tables import auth_settings, sessions, user_departments, users
from .tokens import _aware
from .users import User, now

LIFETIME = timedelta(hours=12)
SECRET_KEY = "session_secret"


def _digest(sid: str) -> str:
    return hashlib.sha256(sid.encode("utf-8")).hexdigest()


def start_session(conn: Connection, user: User) -> str:
    """A new session id for the user (the caller puts it in a fresh cookie)."""
    sid = secrets.token_urlsafe(32)
    stamp = now()
    conn.execute(delete(sessions).where(sessions.c.expires_at < stamp))  # keep the table small
    conn.execute(insert(sessions).values(id=_digest(sid), user_id=user.id, created_at=stamp,
                                         expires_at=stamp + LIFETIME))
    return sid


def session_user(conn: Connection, sid: str) -> User | None:
    """The active user of a live session id, or None. One query (session, user and departments joined):
    it runs on every request of a logged-in browser."""
    if not sid or len(sid) > 100:
        return None
    rows = conn.execute(
        select(users.c.id, users.c.name, users.c.role, users.c.active, sessions.c.expires_at,
               user_departments.c.department)
        .select_from(sessions.join(users, users.c.id == sessions.c.user_id)
                     .outerjoin(user_departments, user_departments.c.user_id == users.c.id))
        .where(sessions.c.id == _digest(sid))).all()
    if not rows or not rows[0].active or _aware(rows[0].expires_at) < now():
        return None
    first = rows[0]
    departments = tuple(sorted(r.department for r in rows if r.department is not None))
    return User(id=first.id, name=first.name, role=first.role, active=True, departments=departments)


def end_session(conn: Connection, sid: str) -> None:
    conn.execute(delete(sessions).where(sessions.c.id == _digest(sid)))


def end_user_sessions(conn: Connection, user_id: int) -> None:
    conn.execute(delete(sessions).where(sessions.c.user_id == user_id))


def server_secret(conn: Connection) -> str:
    """The cookie signing key: JIXIAO_SECRET_KEY when set, else one made at setup and kept in the store so
    that every worker and every restart signs alike."""
    import os

    if env := os.environ.get("JIXIAO_SECRET_KEY"):
        return env
    value = conn.execute(select(auth_settings.c.value).where(auth_settings.c.key == SECRET_KEY)).scalar()
    if value is None:
        value = secrets.token_urlsafe(48)
        conn.execute(insert(auth_settings).values(key=SECRET_KEY, value=value))
    return value
