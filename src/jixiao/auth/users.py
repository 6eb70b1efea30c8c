"""Accounts: create, list, disable, change role; log in with a password. Used by `jixiao user` and /login."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.engine import Connection

from ..errors import JixiaoError
from ..workflow import audit
from .passwords import dummy_hash, hash_password, make_password, verify_password, weak_reason
from .permissions import Principal
from .roles import ADMIN, OFFICER, REVIEWER, ROLE_ZH, ROLES
from .tables import user_departments, users

log = logging.getLogger("jixiao.auth")
FIRST_ADMIN = "admin"


class AccountError(JixiaoError):
    """A user command that cannot be done (unknown user, name taken, bad role): one Chinese line."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class User:
    id: int
    name: str
    role: str
    active: bool
    departments: tuple[str, ...]
    created_at: datetime | None = None
    last_login_at: datetime | None = None

    def principal(self, public_read: bool = False) -> Principal:
        depts = frozenset(self.departments) if self.role in (REVIEWER, OFFICER) and self.departments else None
        if self.role == OFFICER and depts is None:
            depts = frozenset()  # an officer without a department sees nothing rather than everything
        return Principal(role=self.role, name=self.name, user_id=self.id, departments=depts,
                         public_read=public_read)


def now() -> datetime:
    return datetime.now(UTC)


def _validate(name: str, role: str, departments: list[str]) -> None:
    if not name or len(name) > 100 or any(c.isspace() for c in name):
        raise AccountError(f"用户名无效：“{name[:100]}”（1–100 个字符，不含空格）")
    if role not in ROLES:
        raise AccountError(f"角色无效：{role}（可用：{'、'.join(f'{r}（{z}）' for r, z in ROLE_ZH.items())}）")
    if role == OFFICER and len(departments) != 1:
        raise AccountError("部门经办人须指定且只能指定一个部门（--department）")
    if role not in (OFFICER, REVIEWER) and departments:
        raise AccountError(f"{ROLE_ZH[role]}不按部门分配，请去掉 --department")
    if any(not d.strip() or len(d) > 200 for d in departments):
        raise AccountError("部门名称无效")


def count_users(conn: Connection) -> int:
    return conn.execute(select(func.count()).select_from(users)).scalar_one()


def add_user(conn: Connection, name: str, role: str, departments: list[str] | None = None,
             password: str | None = None) -> tuple[User, str]:
    """Create an account; returns it and its password (made up when none is given, shown once)."""
    departments = sorted({d.strip() for d in departments or []})
    _validate(name, role, departments)
    if password is not None and (reason := weak_reason(password)):
        raise AccountError(reason)
    if conn.execute(select(users.c.id).where(users.c.name == name)).first():
        raise AccountError(f"用户“{name}”已存在")
    password = password or make_password()
    user_id = conn.execute(insert(users).values(name=name, role=role, password_hash=hash_password(password),
                                                active=True, created_at=now()).returning(users.c.id)).scalar_one()
    if departments:
        conn.execute(insert(user_departments), [{"user_id": user_id, "department": d} for d in departments])
    audit.record(conn, audit.acting(), "user.add", f"user:{name}", None, {"role": role, "departments": departments})
    return get_user(conn, name), password


def get_user(conn: Connection, name: str | None = None, user_id: int | None = None) -> User | None:
    q = select(users)
    q = q.where(users.c.id == user_id) if user_id is not None else q.where(users.c.name == name)
    row = conn.execute(q).first()
    if row is None:
        return None
    depts = conn.execute(select(user_departments.c.department).where(user_departments.c.user_id == row.id)
                         .order_by(user_departments.c.department)).scalars().all()
    return User(id=row.id, name=row.name, role=row.role, active=row.active, departments=tuple(depts),
                created_at=row.created_at, last_login_at=row.last_login_at)


def list_users(conn: Connection) -> list[User]:
    names = conn.execute(select(users.c.name).order_by(users.c.id)).scalars().all()
    return [u for n in names if (u := get_user(conn, n))]


def _require(conn: Connection, name: str) -> User:
    user = get_user(conn, name)
    if user is None:
        raise AccountError(f"没有用户“{name}”")
    return user


def _last_admin(conn: Connection, user: User) -> bool:
    if user.role != ADMIN or not user.active:
        return False
    others = conn.execute(select(func.count()).select_from(users).where(
        users.c.role == ADMIN, users.c.active.is_(True), users.c.id != user.id)).scalar_one()
    return others == 0


def set_active(conn: Connection, name: str, active: bool) -> User:
    """Disable (or enable) an account; disabling ends its sessions and revokes its API tokens' use."""
    from .sessions import end_user_sessions

    user = _require(conn, name)
    if not active and _last_admin(conn, user):
        raise AccountError("不能停用最后一个管理员")
    conn.execute(update(users).where(users.c.id == user.id).values(active=active))
    if not active:
        end_user_sessions(conn, user.id)
    audit.record(conn, audit.acting(), "user.enable" if active else "user.disable", f"user:{name}",
                 {"active": user.active}, {"active": active})
    return _require(conn, name)


def set_role(conn: Connection, name: str, role: str, departments: list[str] | None = None) -> User:
    """Change a user's role (and its departments); their open sessions pick it up on the next request."""
    user = _require(conn, name)
    departments = sorted({d.strip() for d in (departments if departments is not None else user.departments)})
    if role not in (OFFICER, REVIEWER):
        departments = []
    _validate(name, role, departments)
    if role != ADMIN and _last_admin(conn, user):
        raise AccountError("不能取消最后一个管理员的管理员角色")
    conn.execute(update(users).where(users.c.id == user.id).values(role=role))
    conn.execute(delete(user_departments).where(user_departments.c.user_id == user.id))
    if departments:
        conn.execute(insert(user_departments), [{"user_id": user.id, "department": d} for d in departments])
    audit.record(conn, audit.acting(), "user.set_role", f"user:{name}",
                 {"role": user.role, "departments": list(user.departments)}, {"role": role, "departments": departments})
    return _require(conn, name)


def set_password(conn: Connection, name: str, password: str | None = None) -> str:
    user = _require(conn, name)
    if password is not None and (reason := weak_reason(password)):
        raise AccountError(reason)
    audit.record(conn, audit.acting(), "user.password", f"user:{name}", None, {"generated": password is None})
    password = password or make_password()
    conn.execute(update(users).where(users.c.id == user.id).values(password_hash=hash_password(password)))
    return password


def authenticate(conn: Connection, name: str, password: str, client: str = "-") -> User | None:
    """The active user with this name and password, or None. A failure is logged with the name and the
    client address, never the password."""
    row = conn.execute(select(users.c.id, users.c.password_hash, users.c.active)
                       .where(users.c.name == name[:100])).first()
    ok = verify_password(password, row.password_hash if row else dummy_hash())
    if not (row and ok and row.active):
        reason = "no such user" if row is None else ("disabled" if ok else "wrong password")
        log.warning("login failed user=%r client=%s reason=%s", name[:100], client, reason)
        audit.record(conn, audit.acting(), "auth.login.failed", f"user:{name[:100]}", None,
                     {"client": client, "reason": reason})  # the name tried, never the password
        return None
    conn.execute(update(users).where(users.c.id == row.id).values(last_login_at=now()))
    log.info("login user=%r client=%s", name, client)
    audit.record(conn, get_user(conn, user_id=row.id), "auth.login", f"user:{name}", None, {"client": client})
    return get_user(conn, user_id=row.id)


def ensure_first_admin(conn: Connection) -> tuple[str, str] | None:
    """At setup: when the store has no administrator (a new store, or one whose accounts were all made as
    other roles), create `admin` and return (name, password) (to be printed once); None otherwise."""
    if conn.execute(select(users.c.id).where(users.c.role == ADMIN)).first():
        return None
    name = FIRST_ADMIN
    while conn.execute(select(users.c.id).where(users.c.name == name)).first():
        name += "_"
    _, password = add_user(conn, name, ADMIN)
    return name, password
