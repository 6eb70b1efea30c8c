"""Who may do what to which department's tables: the one rule book the service layer asks.

Every face (API, web pages, CLI) reaches data through `jixiao.service`, which calls `check` (or filters
lists with `scope`) before it reads or writes; the web layer only decides *who* is asking (a `Principal`).

- administrator: everything, accounts and the audit log included;
- finance reviewer: every department, or only those assigned; reads, uploads and reviews them;
- department officer: their own department only (every status), may upload, author and submit;
- analyst: reads every published table, changes nothing;
- visitor (not logged in): reads published tables when the server is started with public read, else must
  log in.
"""

from __future__ import annotations

import contextvars
from collections.abc import Iterable
from dataclasses import dataclass

from ..errors import JixiaoError
from .roles import ADMIN, ANALYST, OFFICER, REVIEWER, ROLE_ZH

VISITOR = "visitor"

# actions a service function asks about
READ = "read"          # see a document, project, finding, export
WRITE = "write"        # upload, paste, replace, author a draft
SUBMIT = "submit"      # send a department's table to the bureau
REVIEW = "review"      # comment, return, approve, export the 审核意见书
ADMINISTER = "admin"   # accounts, audit log
ACTIONS = (READ, WRITE, SUBMIT, REVIEW, ADMINISTER)

# document statuses that are not yet public (authoring and workflow set them); anything else, including no
# status at all (tables ingested from published files), counts as published
UNPUBLISHED = frozenset({"draft", "submitted", "returned"})

_ACTION_ZH = {READ: "查看", WRITE: "上传或修改", SUBMIT: "报送", REVIEW: "审核", ADMINISTER: "管理账户"}


class AccessDenied(JixiaoError):
    """Refused: `status` is 401 when logging in may help, 403 when it would not."""

    def __init__(self, message: str, status: int = 403) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


@dataclass(frozen=True)
class Principal:
    """Who is asking. `departments` None means every department."""

    role: str
    name: str = ""
    user_id: int | None = None
    departments: frozenset[str] | None = None
    public_read: bool = False  # for a visitor: the server shows published tables without a login

    @property
    def logged_in(self) -> bool:
        return self.role != VISITOR

    @property
    def label(self) -> str:
        return f"{self.name}（{ROLE_ZH.get(self.role, '访客')}）" if self.logged_in else "访客"


# the CLI and in-process callers act as the machine's owner; a server sets the principal per request
LOCAL = Principal(role=ADMIN, name="本机")
_current: contextvars.ContextVar[Principal] = contextvars.ContextVar("jixiao_principal", default=LOCAL)


def current() -> Principal:
    """The principal of the request being served (LOCAL outside a request: the CLI)."""
    return _current.get()


def set_current(principal: Principal) -> contextvars.Token:
    return _current.set(principal)


def reset_current(token: contextvars.Token) -> None:
    _current.reset(token)


def visitor(public_read: bool = False) -> Principal:
    return Principal(role=VISITOR, public_read=public_read)


def is_published(status: str | None) -> bool:
    return (status or "published") not in UNPUBLISHED


def _covers(principal: Principal, department: str | None) -> bool:
    if principal.departments is None:
        return True
    return department is not None and department in principal.departments


def allowed(principal: Principal, action: str, department: str | None = None, status: str | None = None) -> bool:
    """Whether `principal` may do `action` to a table of `department` in `status` (None: published)."""
    role = principal.role
    if role == ADMIN:
        return True
    published = is_published(status)
    if action == READ:
        if role in (REVIEWER, OFFICER):
            return _covers(principal, department)
        if role == ANALYST:
            return published
        return published and principal.public_read
    if action in (WRITE, SUBMIT):
        return role in (REVIEWER, OFFICER) and _covers(principal, department) and (
            action == WRITE or role == OFFICER)
    if action == REVIEW:
        return role == REVIEWER and _covers(principal, department)
    return False


def check(action: str, department: str | None = None, status: str | None = None,
          principal: Principal | None = None) -> Principal:
    """Raise AccessDenied (401 for a visitor, 403 otherwise) unless `action` is allowed; return the principal."""
    who = principal or current()
    if allowed(who, action, department, status):
        return who
    if not who.logged_in:
        raise AccessDenied("请先登录", status=401)
    where = f"部门“{department}”的" if department else "未注明部门的"
    raise AccessDenied(f"{who.label}无权{_ACTION_ZH.get(action, action)}{where}数据", status=403)


@dataclass(frozen=True)
class Scope:
    """What a list may show a principal: `departments` None means all; `published_only` hides drafts and
    tables under review. A service query adds these as WHERE clauses."""

    departments: frozenset[str] | None = None
    published_only: bool = False
    nothing: bool = False

    def admits(self, department: str | None, status: str | None = None) -> bool:
        if self.nothing:
            return False
        if self.published_only and not is_published(status):
            return False
        return self.departments is None or (department is not None and department in self.departments)


def scope(principal: Principal | None = None) -> Scope:
    """The rows a principal may list (raises 401 for a visitor on a server without public read)."""
    who = principal or current()
    if who.role == ADMIN:
        return Scope()
    if who.role in (REVIEWER, OFFICER):
        return Scope(departments=who.departments)
    if who.role == ANALYST or who.public_read:
        return Scope(published_only=True)
    raise AccessDenied("请先登录", status=401)


def filter_rows(rows: Iterable[dict], principal: Principal | None = None, department_key: str = "department",
                status_key: str = "status") -> list[dict]:
    """Rows a principal may see, for lists that are built in Python rather than in SQL."""
    s = scope(principal)
    return [r for r in rows if s.admits(r.get(department_key), r.get(status_key))]


# the service layer's action names (jixiao.service.access) in this module's terms
_SERVICE_ACTIONS = {"read": READ, "ingest": WRITE, "author": WRITE, "write": WRITE, "submit": SUBMIT,
                    "review": REVIEW, "approve": REVIEW, "comment": REVIEW, "return": REVIEW, "letter": REVIEW,
                    "admin": ADMINISTER}


def policy(principal, action: str, department: str | None = None, status: str | None = None) -> bool:
    """The hook installed in the service layer (`access.set_policy`): the same answer as `allowed`.

    A service call made without a principal passes the service's built-in local user (role "local"); inside
    a request that means "whoever is asking", so the request's principal answers. Outside a request (the
    CLI) the local user may do everything, as before accounts existed."""
    principal = _resolve(principal)
    if principal is None:
        return True
    base = action.split(".")[-1] if action.startswith("workflow.") else action
    mapped = _SERVICE_ACTIONS.get(base)
    if mapped is None:
        return principal.role == ADMIN  # an action this table does not know: administrators only
    if mapped == READ and department is None:
        # a read not tied to one department (search, library, rule catalog): lists are cut to `list_scope`
        return principal.logged_in or principal.public_read
    if mapped == READ and principal.role in (ANALYST, VISITOR):
        # a department is no bar; published or not is judged when the caller passes the document's `status`
        # (lists filter with `scope(principal).published_only`)
        return (principal.role == ANALYST or principal.public_read) and is_published(status)
    return allowed(principal, mapped, department, status)


def _resolve(principal) -> Principal | None:
    """This module's principal for what the service passed (any object with a known `role`, e.g. the
    service's or the workflow's own principal types); None for the local owner outside a request."""
    from .roles import parse_role

    if isinstance(principal, Principal) and principal.role in (ADMIN, REVIEWER, OFFICER, ANALYST, VISITOR):
        return principal
    role = getattr(principal, "role", None)
    role = VISITOR if role == VISITOR else (parse_role(str(role)) if role else None)
    if role is not None:
        depts = getattr(principal, "departments", None)
        if role in (REVIEWER, OFFICER) and depts is not None:
            depts = frozenset(depts) if (depts or role == OFFICER) else None  # a reviewer with none: all
        else:
            depts = None
        return Principal(role=role, name=str(getattr(principal, "name", "")), departments=depts,
                         user_id=getattr(principal, "user_id", None),
                         public_read=bool(getattr(principal, "public_read", False)))
    who = current()
    return None if who is LOCAL else who


PUBLISHED_STATUSES = frozenset({"published", "approved"})


def list_statuses(principal) -> frozenset[str] | None:
    """The hook installed with `access.set_status_scope`: an analyst or a visitor lists published tables
    only (None: every status; departments are narrowed by `list_scope`)."""
    who = _resolve(principal)
    return PUBLISHED_STATUSES if who is not None and who.role in (ANALYST, VISITOR) else None


def list_scope(principal) -> frozenset[str] | None:
    """The hook installed with `access.set_scope`: the departments a principal may list (None: all)."""
    who = _resolve(principal)
    if who is None or who.role in (ADMIN, ANALYST, VISITOR):
        return None
    return who.departments
