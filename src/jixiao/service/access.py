"""Who is asking, and the one permission check every service function makes.

Each service function takes a `principal` (default `LOCAL`, the all-seeing user of a personal CLI or an
unauthenticated local server) and calls `check(principal, action, department)` before it reads or writes.
The decision itself is a policy function: allow-all until the accounts module installs its own with
`set_policy` (roles: administrator, finance reviewer, department officer, analyst). Keeping the call sites
here and the decision there means a role is enforced in one place for the CLI, the API and the pages.

Two department values say more than a name:
- `DocumentRef` (from `document_ref`): one stored document, with its status. A document that names no
  department is not "any department": an officer may not open it (it is not theirs), a reviewer or an
  administrator may, an analyst or a visitor only when it is published. A named one is asked with its
  status, so an analyst opens published tables only, by id as in lists.
- `FROM_FILE`: an upload whose uploader gave no department; the file's own department decides, checked once
  the file is read (`store_parsed`), so here only whether the principal may upload at all is asked."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

from sqlalchemy import Connection, select

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
_policy_takes_status = False


def set_policy(policy: Policy | None) -> None:
    """Install the permission policy (None: back to allow-all). Called once by the accounts module. The
    policy answers True or False (False: `check` raises Forbidden, 403); it may instead raise its own
    JixiaoError, e.g. one with status 401 for a visitor who must log in. A policy that takes a fourth
    argument is given the document's status when one document is checked."""
    global _policy, _policy_takes_status
    _policy = policy or _allow_all
    try:
        _policy_takes_status = len(inspect.signature(_policy).parameters) >= 4
    except (TypeError, ValueError):
        _policy_takes_status = False


@dataclass(frozen=True)
class DocumentRef:
    """One stored document as the permission check sees it: its department (its own, else its first
    project's; None when it names none) and its workflow status."""

    department: str | None
    status: str | None = None

    def __str__(self) -> str:
        return self.department or ""


class _FromFile:
    """The department of an upload not read yet (see the module's docstring)."""

    def __repr__(self) -> str:
        return "FROM_FILE"


FROM_FILE = _FromFile()
Department = str | DocumentRef | _FromFile | None  # what `check` takes as the department


def document_ref(conn: Connection, doc_id: int) -> DocumentRef:
    """The department and status of document `doc_id`, for `check`; NotFound (404) when there is none."""
    from ..errors import NotFound
    from ..store.schema import DocumentRow, ProjectRow

    row = conn.execute(select(DocumentRow.department, DocumentRow.status).where(DocumentRow.id == doc_id)).first()
    if row is None:
        raise NotFound(f"没有编号为 {doc_id} 的文档")
    department = row.department or conn.execute(
        select(ProjectRow.department).where(ProjectRow.document_id == doc_id, ProjectRow.department.is_not(None))
        .order_by(ProjectRow.position).limit(1)).scalar()
    return DocumentRef(department, row.status)


def project_ref(conn: Connection, doc_id: int, department: str | None) -> DocumentRef:
    """What reading one project of document `doc_id` is checked against: the project's department (its own,
    else its document's) with the document's status; when neither names one, the document's own ref."""
    ref = document_ref(conn, doc_id)
    return DocumentRef(department, ref.status) if department else ref


def _ask(principal: Principal, action: str, department: str | None, status: str | None = None) -> bool:
    if status is not None and _policy_takes_status:
        return _policy(principal, action, department, status)
    return _policy(principal, action, department)


def _document_allowed(principal: Principal, action: str, ref: DocumentRef) -> bool:
    if ref.department is not None:
        return _ask(principal, action, ref.department, ref.status)
    if _policy is _allow_all:
        return True
    if not _ask(principal, action, None, ref.status):  # e.g. a visitor on a server without public read
        return False
    statuses = visible_statuses(principal)
    if statuses is not None:  # an analyst, a visitor: published tables only
        return (ref.status or "published") in statuses
    scope = visible_departments(principal)
    if scope is None:  # an administrator, a reviewer of every department, the local user
        return True
    # some departments only: a reviewer assigned to them reads it (it belongs to no department), an officer
    # (who may not review) does not
    return action == "read" and any(_policy(principal, "review", d) for d in sorted(scope)[:1])


def _upload_allowed(principal: Principal, action: str) -> bool:
    """May `principal` upload at all (to some department): the file's own department is checked later."""
    if _ask(principal, action, None):
        return True
    scope = visible_departments(principal)
    return bool(scope) and any(_policy(principal, action, d) for d in sorted(scope))


def current_policy() -> Policy:
    """The installed policy (a test that installs its own puts this one back)."""
    return _policy


def allowed(principal: Principal | None, action: str, department: Department = None) -> bool:
    """Whether `principal` may do `action` (on `department`'s data; None: not tied to one department; a
    `DocumentRef`: one stored document; `FROM_FILE`: an upload whose file names its department)."""
    principal = principal or LOCAL
    if isinstance(department, DocumentRef):
        return _document_allowed(principal, action, department)
    if department is FROM_FILE:
        return _upload_allowed(principal, action)
    return _policy(principal, action, department)


def check(principal: Principal | None, action: str, department: Department = None) -> None:
    """Raise Forbidden (403) unless `principal` may do `action` on `department`'s data."""
    if not allowed(principal, action, department):
        if getattr(principal, "logged_in", True) is False:  # a visitor (AUTH's principal): logging in may help
            refused = Forbidden("请先登录")
            refused.status = 401
            raise refused
        who = (principal or LOCAL).name
        name = department.department if isinstance(department, DocumentRef) else department
        if action == "ingest" and department is not FROM_FILE:
            if name:
                raise Forbidden(f"没有权限：{who} 不能上传部门“{name}”的表（表中注明的部门，或上传时所填的部门，"
                                "须是本人负责的部门）")
            raise Forbidden(f"没有权限：{who} 不能上传未注明部门的表，请在“部门”一栏填写本部门")
        if isinstance(department, DocumentRef):
            what = f"部门“{name}”的" if name else "未注明部门的"
            raise Forbidden(f"没有权限：{who} 不能{_ACTION_ZH.get(action, action)}{what}文档")
        what = f"部门“{name}”的" if name and department is not FROM_FILE else ""
        raise Forbidden(f"没有权限：{who} 不能{_ACTION_ZH.get(action, action)}{what}数据")


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
