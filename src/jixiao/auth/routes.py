"""/login, /logout, and the API's own account endpoints (/api/me, /api/tokens)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, HTTPException, Path, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from pydantic import BaseModel, Field

from ..workflow import audit
from . import csrf
from .middleware import SID
from .permissions import current
from .ratelimit import LoginLimiter
from .roles import ROLE_ZH
from .sessions import end_session, start_session
from .tokens import create_token, list_tokens, revoke_token
from .users import AccountError, authenticate

router = APIRouter()
limiter = LoginLimiter()


def _render(template: str, status_code: int = 200, **context) -> HTMLResponse:
    from ..api.routes_web import render

    return render(template, status_code=status_code, **context)


def _safe_next(target: str | None) -> str:
    """Only a path on this server (no `//host`, no scheme): a login link cannot send the user elsewhere."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target[:2000]


def _client(request: Request) -> str:
    return request.client.host if request.client else "-"


@router.get("/login", response_class=HTMLResponse, include_in_schema=False)
def login_page(request: Request, next: str | None = None) -> HTMLResponse:
    return _render("login.html", next=_safe_next(next), error=None, login_name="", user=current())


@router.post("/login", include_in_schema=False)
def login(request: Request, name: Annotated[str, Form(max_length=100)] = "",
          password: Annotated[str, Form(max_length=1000)] = "",
          next: Annotated[str, Form(max_length=2000)] = "/"):
    client = _client(request)
    wait = limiter.retry_after(name, client)
    if wait:
        if limiter.first_refusal(name, client):  # once per lockout, not once per hammering request
            audit.record(request.app.state.engine, audit.acting(), "auth.login.blocked", f"user:{name[:100]}",
                         None, {"client": client, "retry_after": wait})
        return _render("login.html", status_code=429, next=_safe_next(next), login_name=name, user=current(),
                       error=f"登录失败次数过多，请 {wait} 秒后再试")
    with request.app.state.engine.begin() as conn:
        user = authenticate(conn, name, password, client)
        sid = start_session(conn, user) if user else None
    if user is None:
        limiter.failed(name, client)
        return _render("login.html", status_code=401, next=_safe_next(next), login_name=name, user=current(),
                       error="用户名或密码不正确")
    limiter.succeeded(name, client)
    # a new session: nothing from before the login (an id or a form token someone planted) carries over
    request.session.clear()
    request.session[SID] = sid
    request.session[csrf.SESSION_KEY] = csrf.new_token()
    return RedirectResponse(_safe_next(next), status_code=303)


@router.get("/logout", response_class=HTMLResponse, include_in_schema=False)
def logout_page(request: Request) -> HTMLResponse:
    return _render("login.html", next="/", error=None, login_name="", user=current(), logout=True)


@router.post("/logout", include_in_schema=False)
def logout(request: Request):
    sid = request.session.get(SID)
    if sid:
        with request.app.state.engine.begin() as conn:
            end_session(conn, sid)
            audit.record(conn, current(), "auth.logout", f"user:{current().name}", None, {"client": _client(request)})
    request.session.clear()
    return RedirectResponse("/login", status_code=303)


class Me(BaseModel):
    name: str
    role: str
    role_zh: str
    departments: list[str] | None = Field(None, description="可访问的部门；null 表示全部")
    logged_in: bool


@router.get("/api/me", response_model=Me, summary="当前用户", tags=["accounts"])
def me() -> Me:
    who = current()
    return Me(name=who.name, role=who.role, role_zh=ROLE_ZH.get(who.role, "访客"), logged_in=who.logged_in,
              departments=sorted(who.departments) if who.departments is not None else None)


class NewToken(BaseModel):
    name: str = Field("script", min_length=1, max_length=100, description="令牌用途，如 nightly-import")


class TokenOut(BaseModel):
    id: int
    name: str
    prefix: str
    token: str | None = Field(None, description="令牌本身：只在创建时显示一次")
    revoked: bool = False


def _own_user() -> str:
    who = current()
    if not who.logged_in or who.user_id is None:
        raise HTTPException(401, "请先登录")
    return who.name


@router.post("/api/tokens", response_model=TokenOut, summary="为当前用户创建 API 令牌（只显示一次）",
             tags=["accounts"])
def new_token(request: Request, body: NewToken) -> TokenOut:
    user = _own_user()
    with request.app.state.engine.begin() as conn:
        token_id, token = create_token(conn, user, body.name)
    return TokenOut(id=token_id, name=body.name, prefix=token[:10], token=token)


@router.get("/api/tokens", response_model=list[TokenOut], summary="当前用户的 API 令牌", tags=["accounts"])
def my_tokens(request: Request) -> list[TokenOut]:
    user = _own_user()
    with request.app.state.engine.connect() as conn:
        rows = list_tokens(conn, user)
    return [TokenOut(id=t.id, name=t.name, prefix=t.prefix, revoked=t.revoked_at is not None) for t in rows]


@router.delete("/api/tokens/{token_id}", status_code=204, summary="撤销自己的一个 API 令牌", tags=["accounts"])
def revoke(request: Request, token_id: Annotated[int, Path(ge=1, le=2_147_483_647)]) -> None:
    user = _own_user()
    with request.app.state.engine.begin() as conn:
        if token_id not in {t.id for t in list_tokens(conn, user)}:
            raise HTTPException(404, f"没有编号为 {token_id} 的令牌")
        try:
            revoke_token(conn, token_id)
        except AccountError as exc:
            raise HTTPException(404, exc.message) from exc
