"""Who acts: the logged-in principal from `jixiao.auth` when there is one, otherwise a plain name and role.

The workflow only needs a name (for the audit log), a role and the departments the actor answers for, so
any object with those attributes serves; `as_actor` reads AUTH's principal (or a string, or None) into an
`Actor` without importing AUTH, so either part can land first."""

from __future__ import annotations

from dataclasses import dataclass

ROLES = ("administrator", "reviewer", "officer", "analyst")
# spellings other parts may use for the same roles
_ROLE_ALIASES = {"admin": "administrator", "administrator": "administrator", "管理员": "administrator",
                 "reviewer": "reviewer", "finance_reviewer": "reviewer", "审核": "reviewer",
                 "officer": "officer", "department_officer": "officer", "department": "officer",
                 "analyst": "analyst", "viewer": "analyst",
                 "local": "administrator",  # the service layer's all-seeing user of the CLI and a local server
                 "visitor": None}
SYSTEM = "系统"
VISITOR = "访客"


@dataclass(frozen=True)
class Actor:
    """`departments` is the officer's own department, or the departments a reviewer is assigned (empty:
    every department)."""

    name: str
    role: str | None = None
    departments: tuple[str, ...] = ()

    def to_dict(self) -> dict:
        return {"name": self.name, "role": self.role, "departments": list(self.departments)}


def _role(value) -> str | None:
    if value is None:
        return None
    value = str(getattr(value, "value", value)).strip()  # an Enum member, or text
    return _ROLE_ALIASES[value.lower()] if value.lower() in _ROLE_ALIASES else value


def _departments(principal) -> tuple[str, ...]:
    for attr in ("departments", "assigned_departments", "department"):
        value = getattr(principal, attr, None)  # None: every department (AUTH's reviewer unassigned)
        if value:
            return (value,) if isinstance(value, str) else tuple(str(v) for v in value)
    return ()


def as_actor(principal) -> Actor:
    """An Actor from AUTH's principal, an Actor, a plain name (role unknown) or None (the system itself)."""
    if isinstance(principal, Actor):
        return principal
    if principal is None:
        return Actor(SYSTEM)
    if isinstance(principal, str):
        return Actor(principal)
    if isinstance(principal, dict):
        deps = principal.get("departments") or principal.get("department") or ()
        return Actor(str(principal.get("name") or principal.get("username") or SYSTEM), _role(principal.get("role")),
                     (deps,) if isinstance(deps, str) else tuple(deps))
    name = next((getattr(principal, a) for a in ("name", "username", "login", "email")
                 if getattr(principal, a, None)), VISITOR)
    return Actor(str(name), _role(getattr(principal, "role", None)), _departments(principal))
