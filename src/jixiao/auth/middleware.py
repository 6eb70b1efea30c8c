"""Who is asking, and the one gate in front of every route: authentication, login-required, CSRF.

Pure ASGI (no BaseHTTPMiddleware), inside Starlette's SessionMiddleware:
1. the principal: an API token (`Authorization: Bearer`), else the session cookie's live session, else a
   visitor; set for the request in `permissions.current()`, which the service layer checks;
2. a visitor on a server without public read gets 401 on the API and a redirect to /login on a page;
   a read-only principal (analyst, visitor) gets 403/401 on any state-changing request;
3. a state-changing request sent with the session cookie must carry the session's CSRF token.
"""

from __future__ import annotations

import json
from urllib.parse import quote, urlsplit

from anyio import to_thread
from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from . import csrf
from .permissions import ANALYST, Principal, reset_current, set_current, visitor
from .sessions import session_user
from .tokens import user_for_token

OPEN_PATHS = ("/login", "/static/", "/docs", "/redoc", "/openapi.json", "/favicon.ico")
SID = "sid"
MAX_FORM_BYTES = 64 * 1024 * 1024


def is_open(path: str) -> bool:
    return any(path == p or (p.endswith("/") and path.startswith(p)) for p in OPEN_PATHS)


def _is_api(path: str) -> bool:
    return path.startswith("/api/") or path == "/api"


async def _send_json(send: Send, status: int, message: str, extra: list[tuple[bytes, bytes]] = ()) -> None:
    body = json.dumps({"error": message}, ensure_ascii=False).encode("utf-8")
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
                            *extra]})
    await send({"type": "http.response.body", "body": body})


async def _redirect(send: Send, location: str) -> None:
    await send({"type": "http.response.start", "status": 303,
                "headers": [(b"location", location.encode("latin-1")), (b"content-length", b"0")]})
    await send({"type": "http.response.body", "body": b""})


class AuthMiddleware:
    def __init__(self, app: ASGIApp, engine, public_read: bool = False) -> None:
        self.app = app
        self.engine = engine
        self.public_read = public_read

    def _principal(self, bearer: str | None, sid: str | None) -> Principal | None:
        """The request's principal; None for a bearer token that is not valid."""
        if bearer is not None:
            with self.engine.begin() as conn:  # may stamp the token's last use
                user = user_for_token(conn, bearer)
            return user.principal(self.public_read) if user else None
        if not sid:
            return visitor(self.public_read)  # no cookie session: no database round trip at all
        with self.engine.connect() as conn:
            user = session_user(conn, sid)
        return user.principal(self.public_read) if user else visitor(self.public_read)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope["path"]
        method: str = scope["method"]
        headers = Headers(scope=scope)
        session = scope.get("session", {})
        auth = headers.get("authorization", "")
        bearer = auth[7:].strip() if auth[:7].lower() == "bearer " else None
        sid = session.get(SID)
        principal = await to_thread.run_sync(self._principal, bearer, sid)
        if principal is None:
            await _send_json(send, 401, "API 令牌无效或已撤销", [(b"www-authenticate", b"Bearer")])
            return
        if sid and not principal.logged_in:
            session.pop(SID, None)  # an ended session: forget it, keep the form token
        if bearer is None and csrf.SESSION_KEY not in session:
            session[csrf.SESSION_KEY] = csrf.new_token()  # a script with a token gets no cookie

        if not is_open(path):
            if not principal.logged_in and not principal.public_read:
                if _is_api(path):
                    await _send_json(send, 401, "请先登录（或使用 API 令牌）", [(b"www-authenticate", b"Bearer")])
                else:
                    query = scope.get("query_string", b"").decode("latin-1")
                    target = path + (f"?{query}" if query else "")
                    await _redirect(send, "/login?next=" + quote(target, safe=""))
                return
            if method in csrf.UNSAFE and path != "/logout" and principal.role == ANALYST:
                await _send_json(send, 403, "分析人员为只读账户，不能修改数据")
                return
            if method in csrf.UNSAFE and path != "/logout" and not principal.logged_in:
                await _send_json(send, 401, "请先登录")
                return

        # CSRF: only a request that rides on the browser's cookie can be forged; a bearer token cannot
        if method in csrf.UNSAFE and bearer is None:
            receive, given = await self._csrf_from(scope, receive, headers)
            if not csrf.same(session.get(csrf.SESSION_KEY, ""), given):
                await _send_json(send, 403, "表单已过期或来源不明（缺少 CSRF 令牌），请刷新页面后重试")
                return

        principal_token = set_current(principal)
        csrf_token = csrf.set_request_token(session.get(csrf.SESSION_KEY, ""))
        scope.setdefault("state", {})["principal"] = principal
        try:
            await self.app(scope, receive, send)
        finally:
            csrf._token.reset(csrf_token)
            reset_current(principal_token)

    async def _csrf_from(self, scope: Scope, receive: Receive, headers: Headers) -> tuple[Receive, str | None]:
        """The token from the header, else from the form body (buffered and handed on unchanged)."""
        if given := headers.get(csrf.HEADER):
            return receive, given
        kind = headers.get("content-type", "").split(";")[0].strip().lower()
        if kind not in ("application/x-www-form-urlencoded", "multipart/form-data"):
            return receive, None
        chunks, size, more = [], 0, True
        while more:
            message = await receive()
            if message["type"] != "http.request":
                return receive, None
            chunks.append(message.get("body", b""))
            size += len(chunks[-1])
            if size > MAX_FORM_BYTES:
                return receive, None
            more = message.get("more_body", False)
        body = b"".join(chunks)
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        try:
            given = (csrf.token_in_urlencoded(body) if kind.startswith("application/")
                     else await csrf.token_in_multipart(scope, body))
        except Exception:  # noqa: BLE001 - a body that does not parse has no token; the route reports it
            given = None
        return replay, given


class SameOriginMiddleware:
    """For a server without accounts (`jixiao serve --no-auth`): a state-changing request that a browser
    says comes from another site (its Origin, else its Referer, names another host) is refused, so a web
    page the user happens to open cannot post to the jixiao on their machine. Scripts and the test client
    send neither header and pass."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] in csrf.UNSAFE:
            headers = Headers(scope=scope)
            source = headers.get("origin") or headers.get("referer")
            if source and source != "null" and urlsplit(source).netloc != headers.get("host", ""):
                await _send_json(send, 403, "拒绝来自其他网站的请求（来源与本服务器不同）")
                return
            if source == "null":
                await _send_json(send, 403, "拒绝来源不明的请求")
                return
        await self.app(scope, receive, send)
