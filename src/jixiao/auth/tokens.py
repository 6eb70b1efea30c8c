"""API tokens for scripts: shown once when made, stored as a SHA-256, revocable.

A script sends `Authorization: Bearer jx_…`. The token acts as its user, with the user's role at the time of
the request (a disabled user's tokens stop working)."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import insert, select, update
from sqlalchemy.engine import Connection

from ..workflow import audit
from .tables import api_tokens, users
from .users import AccountError, User, _require, get_user, now

PREFIX = "jx_"


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class TokenInfo:
    id: int
    user: str
    name: str
    prefix: str
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


def create_token(conn: Connection, user_name: str, name: str = "script") -> tuple[int, str]:
    """A new token for the user: (id, the token itself — shown once, never stored)."""
    user = _require(conn, user_name)
    if not name or len(name) > 100:
        raise AccountError("令牌名称须为 1–100 个字符")
    token = PREFIX + secrets.token_urlsafe(32)
    token_id = conn.execute(insert(api_tokens).values(
        user_id=user.id, name=name, prefix=token[:10], token_hash=_digest(token), created_at=now())
        .returning(api_tokens.c.id)).scalar_one()
    audit.record(conn, audit.acting(), "token.create", f"token:{token_id}", None,
                 {"user": user.name, "name": name, "prefix": token[:10]})  # never the token itself
    return token_id, token


def list_tokens(conn: Connection, user_name: str | None = None) -> list[TokenInfo]:
    q = (select(api_tokens, users.c.name.label("user")).join(users, users.c.id == api_tokens.c.user_id)
         .order_by(api_tokens.c.id))
    if user_name:
        q = q.where(users.c.name == user_name)
    return [TokenInfo(id=r.id, user=r.user, name=r.name, prefix=r.prefix, created_at=r.created_at,
                      last_used_at=r.last_used_at, revoked_at=r.revoked_at) for r in conn.execute(q)]


def revoke_token(conn: Connection, token_id: int) -> None:
    done = conn.execute(update(api_tokens).where(api_tokens.c.id == token_id, api_tokens.c.revoked_at.is_(None))
                        .values(revoked_at=now())).rowcount
    if not done:
        raise AccountError(f"没有编号为 {token_id} 的有效令牌")
    audit.record(conn, audit.acting(), "token.revoke", f"token:{token_id}", {"revoked": False}, {"revoked": True})


def user_for_token(conn: Connection, token: str) -> User | None:
    """The active user a presented token belongs to, or None (unknown, revoked, or user disabled)."""
    if not token.startswith(PREFIX) or len(token) > 200:
        return None
    row = conn.execute(select(api_tokens.c.id, api_tokens.c.user_id, api_tokens.c.last_used_at)
                       .where(api_tokens.c.token_hash == _digest(token), api_tokens.c.revoked_at.is_(None))).first()
    if row is None:
        return None
    user = get_user(conn, user_id=row.user_id)
    if user is None or not user.active:
        return None
    stamp = now()
    # one write per token per minute at most: a busy script must not turn every read into a write
    if row.last_used_at is None or (stamp - _aware(row.last_used_at)).total_seconds() > 60:
        conn.execute(update(api_tokens).where(api_tokens.c.id == row.id).values(last_used_at=stamp))
    return user


def _aware(value: datetime) -> datetime:
    """SQLite hands back naive datetimes for timezone columns: they were written in UTC."""
    from datetime import UTC

    return value if value.tzinfo else value.replace(tzinfo=UTC)
