"""Who is writing: the logged-in user of AUTH's request principal, else the local user name (a server
without accounts, the CLI). Permission checks go to AUTH's one rule book when it is installed."""

from __future__ import annotations

import getpass


def principal():
    """AUTH's principal of the request being served (its local owner outside a request), or None."""
    try:
        from ..auth.permissions import current
    except ImportError:
        return None
    return current()


def author() -> str:
    p = principal()
    if p is not None and getattr(p, "user_id", None):
        return p.name
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "本机用户"


def require(action: str, department: str | None, status: str | None = None) -> None:
    """AUTH's check (`write` to author, `submit` to hand in); nothing to check without accounts."""
    try:
        from ..auth.permissions import check
    except ImportError:
        return
    check(action, department or None, status)


def visible(rows: list[dict]) -> list[dict]:
    """The rows (with `department` and `status`) the principal may see: AUTH's scope, all without accounts."""
    try:
        from ..auth.permissions import filter_rows
    except ImportError:
        return rows
    return filter_rows(rows)
