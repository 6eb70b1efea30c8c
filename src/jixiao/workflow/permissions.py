"""May this actor do this to this department's table? One question, asked before every workflow action.

The service layer owns permissions for the whole application: for a real principal (AUTH's) the workflow
also asks `jixiao.service.access.check(principal, action, department)`, with the action in the service's
words (submit, review, read, admin), and refuses when it refuses. The workflow's own table below answers
first (and alone for a plain name and role, as the CLI and tests pass), which is what issue 15 states: a reviewer (of every department, or of those assigned)
may comment, return and approve; a department's officer may submit, and read the comments on, their own
department's tables; an administrator may do everything and read the audit log."""

from __future__ import annotations

from ..errors import JixiaoError
from .actor import SYSTEM, Actor, as_actor
from .opinions import ROLE_ZH


class PermissionDenied(JixiaoError):
    """The actor may not do this (HTTP 403; 401 when nobody is logged in)."""

    status = 403

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status or (401 if message.startswith("请先登录") else 403)


ACTIONS = {
    "workflow.submit": ("administrator", "officer"),
    "workflow.return": ("administrator", "reviewer"),
    "workflow.approve": ("administrator", "reviewer"),
    "workflow.comment": ("administrator", "reviewer"),
    "workflow.read": ("administrator", "reviewer", "officer"),
    "workflow.letter": ("administrator", "reviewer"),
    "audit.read": ("administrator",),
}
_ACTION_ZH = {"workflow.submit": "报送", "workflow.return": "退回", "workflow.approve": "审核通过",
              "workflow.comment": "填写审核意见", "workflow.read": "查看审核意见", "workflow.letter": "导出审核意见书",
              "audit.read": "查看审计日志"}


# the service layer's action for each workflow action (jixiao.service.access / jixiao.auth.permissions)
SERVICE_ACTION = {"workflow.submit": "submit", "workflow.return": "review", "workflow.approve": "review",
                  "workflow.comment": "review", "workflow.letter": "review", "workflow.read": "read",
                  "audit.read": "admin"}


def _service_check():
    try:
        from ..service import access
    except ImportError:
        return None
    return getattr(access, "check", None)


def allowed(actor: Actor, action: str, department: str | None = None) -> bool:
    """The workflow's own answer (without the service hook)."""
    if actor.role not in ACTIONS.get(action, ()):
        return False
    if actor.role == "officer":
        return department is not None and department in actor.departments
    if actor.role == "reviewer" and actor.departments:
        return department in actor.departments
    return True


def require(principal, action: str, department: str | None = None) -> Actor:
    """The actor, or PermissionDenied with one Chinese line saying who may not do what to which department."""
    actor = as_actor(principal)
    ok = allowed(actor, action, department)
    check = _service_check()
    if ok and check is not None and not isinstance(principal, Actor | str | dict | None):
        # a real principal (AUTH's): the service layer's policy has the last word
        try:
            check(principal, SERVICE_ACTION.get(action, action), department)
        except JixiaoError as exc:
            raise PermissionDenied(exc.message, status=getattr(exc, "status", 403)) from exc
    if not ok:
        who = f"{ROLE_ZH.get(actor.role, actor.role or '未登录')}“{actor.name}”"
        where = f"部门“{department}”的表" if department else "该表"
        if actor.role is None and actor.name != SYSTEM:
            raise PermissionDenied("请先登录", status=401)
        raise PermissionDenied(f"{who}无权{_ACTION_ZH.get(action, action)}{where}")
    return actor
