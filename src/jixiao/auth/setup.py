"""Turning accounts on for an app (`create_app(auth=True)`) and the first administrator at setup."""

from __future__ import annotations

from sqlalchemy import Engine
from starlette.middleware.sessions import SessionMiddleware

from .middleware import AuthMiddleware
from .sessions import LIFETIME, server_secret
from .users import ensure_first_admin

COOKIE = "jixiao_session"


def first_admin(engine: Engine) -> tuple[str, str] | None:
    """Create the administrator `admin` when the store has none: (name, password) to print once, or None."""
    with engine.begin() as conn:
        return ensure_first_admin(conn)


def install(app, public_read: bool = False) -> None:
    """Sessions, the authentication gate, CSRF, the role policy of the service layer, template helpers."""
    import os

    engine = app.state.engine
    with engine.begin() as conn:
        secret = server_secret(conn)
    app.state.public_read = public_read
    app.add_middleware(AuthMiddleware, engine=engine, public_read=public_read)
    # outermost of the two: the gate reads the session the cookie carries. `https_only` when the server sits
    # behind a TLS proxy (JIXIAO_HTTPS=1) so the cookie is never sent in clear
    app.add_middleware(SessionMiddleware, secret_key=secret, session_cookie=COOKIE, same_site="lax",
                       max_age=int(LIFETIME.total_seconds()), https_only=os.environ.get("JIXIAO_HTTPS") == "1")
    install_policy()


def install_policy() -> None:
    """The service layer's permission hook asks `permissions.policy` (when the service layer is present)."""
    try:
        from ..service import access
    except ImportError:
        return
    from .permissions import list_scope, list_statuses, policy

    access.set_policy(policy)
    if hasattr(access, "set_scope"):
        access.set_scope(list_scope)
    if hasattr(access, "set_status_scope"):
        access.set_status_scope(list_statuses)


def install_template_globals(env) -> None:
    """`csrf_input()`, `csrf_token()` and `current_user()` for every page (forms, the upload script, the nav)."""
    from .csrf import csrf_input, csrf_token
    from .permissions import current

    env.globals.setdefault("csrf_input", csrf_input)
    env.globals.setdefault("csrf_token", csrf_token)
    env.globals.setdefault("current_user", current)
