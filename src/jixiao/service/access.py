"""Who is asking, and the one permission check every service function makes.

Each service function takes a `principal` (default `LOCAL`, the all-seeing user of a personal CLI or an
unauthenticated local server) and calls `check(principal, action, department)` before it reads or writes.
The decision itself is a policy function: allow-all until the accounts module installs its own with
`set_policy` (roles: administrator, finance reviewer, department officer, analyst). Keeping the call sites
here and the decision there means a role is enforced in one place for the CLI, the API and the pages."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

from ..errors import Forbidden

Action = Literal["read", "ingest", "review", "author", "submit", "approve", "admin"]


@dataclass(frozen=True)
class Principal:
    """The user a call is made for. `departments` None: every department; `role` as the accounts module
    names it ("local" for the built-in all-seeing user)."""

    name: str
    role: str = "local"
    departments: frozenset[str] | None = None
    user_id: int | None = None
    extra: dict = field(default_factory=dict, compare=False, hash=False)


LOCAL = Principal("本机用户")

Policy = Callable[[Principal, str, "str | None"], bool]


def _allow_all(principal: Principal, action: str, department: str | None) -> bool:
    return True


_policy: Policy = _allow_all


def set_policy(policy: Policy | None) -> None:
    """Install the permission policy (None: back to allow-all). Called once by the accounts module. The
    policy answers True or False (False: `check` raises Forbidden, 403); it may instead raise its own
    JixiaoError, e.g. one with status 401 for a visitor who must log in."""
    global _policy
    _policy = policy or _allow_all


def current_policy() -> Policy:
    """The installed policy (a test that installs its own puts this one back)."""
    return _policy


def allowed(principal: Principal | None, action: str, department: str | None = None) -> bool:
    """Whether `principal` may do `action` (on `department`'s data; None: not tied to one department)."""
    return _policy(principal or LOCAL, action, department)


def check(principal: Principal | None, action: str, department: str | None = None) -> None:
    """Raise Forbidden (403) unless `principal` may do `action` on `department`'s data."""
    if not allowed(principal, action, department):
        what = f"部门“{department}”的" if department else ""
        raise Forbidden(f"没有权限：{(principal or LOCAL).name} 不能{_ACTION_ZH.get(action, action)}{what}数据")


Scope = Callable[[Principal], "frozenset[str] | None"]
_scope: Scope | None = None


def set_scope(scope: Scope | None) -> None:
    """Install the function that says which departments a principal may list (None: each principal's own
    `departments`). Called by the accounts module beside `set_policy`."""
    global _scope
    _scope = scope


def current_scope() -> Scope | None:
    """The installed scope function (a test that installs its own puts this one back)."""
    return _scope


def visible_departments(principal: Principal | None) -> frozenset[str] | None:
    """The departments whose data `principal` may read (None: all). Lists filter by it in SQL."""
    if _scope is not None:
        return _scope(principal or LOCAL)
    return (principal or LOCAL).departments


StatusScope = Callable[[Principal], "frozenset[str] | None"]
_status_scope: StatusScope | None = None


def set_status_scope(scope: StatusScope | None) -> None:
    """Install the function that says which document statuses a principal may list (None: every status):
    an analyst or a visitor lists published tables only. Called by the accounts module beside `set_scope`."""
    global _status_scope
    _status_scope = scope


def visible_statuses(principal: Principal | None) -> frozenset[str] | None:
    """The document statuses whose tables `principal` may list (None: all). Lists filter by it in SQL."""
    return _status_scope(principal or LOCAL) if _status_scope is not None else None


_ACTION_ZH = {"read": "查看", "ingest": "上传", "review": "审核", "author": "编辑", "submit": "提交",
              "approve": "批准", "admin": "管理"}
