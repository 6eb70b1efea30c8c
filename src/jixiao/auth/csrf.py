"""CSRF protection: every state-changing request made with the session cookie carries the session's form
token, as the hidden field `csrf_token` (forms) or the `X-CSRF-Token` header (scripts on the pages).

Templates call `csrf_input()` inside each `<form method="post">` and read `csrf_token()` for fetch/XHR
(`<meta name="csrf-token">` in base.html). The one check is `AuthMiddleware` (auth/middleware.py)."""

from __future__ import annotations

import contextvars
import hmac
import secrets
from urllib.parse import parse_qs

from markupsafe import Markup

FIELD = "csrf_token"
HEADER = "x-csrf-token"
SESSION_KEY = "csrf"
UNSAFE = frozenset({"POST", "PUT", "PATCH", "DELETE"})

_token: contextvars.ContextVar[str] = contextvars.ContextVar("jixiao_csrf", default="")


def new_token() -> str:
    return secrets.token_urlsafe(32)


def set_request_token(token: str) -> contextvars.Token:
    return _token.set(token)


def csrf_token() -> str:
    """The form token of the request being rendered ('' when the server runs without accounts)."""
    return _token.get()


def csrf_input() -> Markup:
    """The hidden field every POST form carries."""
    token = _token.get()
    return Markup(f'<input type="hidden" name="{FIELD}" value="{token}">') if token else Markup("")


def same(expected: str, given: str | None) -> bool:
    return bool(expected) and bool(given) and hmac.compare_digest(expected.encode(), given.encode())


def token_in_urlencoded(body: bytes) -> str | None:
    values = parse_qs(body.decode("latin-1"), max_num_fields=10_000).get(FIELD)
    return values[0] if values else None


async def token_in_multipart(scope, body: bytes) -> str | None:
    """The csrf field of a multipart body, read with Starlette's parser from the buffered bytes."""
    from starlette.requests import Request

    sent = False

    async def receive():
        nonlocal sent
        if sent:
            return {"type": "http.request", "body": b"", "more_body": False}
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    form = await Request(scope, receive).form(max_files=10_000, max_fields=10_000)
    try:
        value = form.get(FIELD)
        return value if isinstance(value, str) else None
    finally:
        await form.close()
