"""The JSON API and the web UI over one store (`jixiao serve`)."""

from __future__ import annotations

import logging
import time
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles
from fastapi_offline import FastAPIOffline
from sqlalchemy.exc import SQLAlchemyError
from starlette.exceptions import HTTPException as StarletteHTTPException

from ..auth.permissions import AccessDenied
from ..readers import DEFAULT_MAX_BYTES
from ..store import open_engine

access_log = logging.getLogger("jixiao.access")
_STATUS_ZH = {400: "请求无效", 404: "页面不存在", 405: "不支持的请求方式", 413: "请求过大", 422: "请求参数无效",
              500: "服务器出错"}


def _problem_zh(error: dict) -> str:
    """pydantic's reason for a bad parameter, in Chinese for the common kinds."""
    ctx = error.get("ctx") or {}
    kind = error.get("type", "")
    expected = str(ctx.get("expected", "")).replace(" or ", ", ")
    known = {"int_parsing": "应为整数", "float_parsing": "应为数字", "bool_parsing": "应为 true 或 false",
             "missing": "缺少此参数", "int_from_float": "应为整数",
             "greater_than_equal": f"应不小于 {ctx.get('ge')}", "less_than_equal": f"应不大于 {ctx.get('le')}",
             "greater_than": f"应大于 {ctx.get('gt')}", "less_than": f"应小于 {ctx.get('lt')}",
             "string_too_long": f"过长（最多 {ctx.get('max_length')} 个字符）",
             "string_too_short": f"过短（至少 {ctx.get('min_length')} 个字符）",
             "literal_error": f"应为 {expected} 之一", "enum": f"应为 {expected} 之一"}
    return known.get(kind, str(error.get("msg")))


def _wants_json(request: Request) -> bool:
    path = request.url.path
    return path.startswith("/api/") or path == "/openapi.json"


def create_app(db: str | None = None, max_upload_bytes: int = DEFAULT_MAX_BYTES, auth: bool = False,
               public_read: bool = False) -> FastAPI:
    """The app over one store. `auth`: accounts on (login, roles, CSRF; what `jixiao serve` runs); off, every
    request acts as the machine's owner, as a personal tool and the in-process tests use it. `public_read`:
    with accounts on, visitors who are not logged in may read published tables."""
    # FastAPIOffline serves Swagger UI and ReDoc from files in its package: finance networks are often offline
    app = FastAPIOffline(title="jixiao 绩效目标 API", version="0.1.0",
                         description="解析、审核、比较预算项目绩效目标表。所有列表都分页（limit、offset）。"
                                     + ("需要登录：网页用 /login，脚本用 API 令牌（Authorization: Bearer …）。"
                                        if auth else ""))
    app.state.engine = open_engine(db)
    app.state.max_upload_bytes = max_upload_bytes
    app.state.auth = auth
    if auth:
        from ..auth.setup import install

        install(app, public_read=public_read)  # added before the access log below, so the log stays outermost
    else:
        from ..auth.middleware import SameOriginMiddleware

        app.add_middleware(SameOriginMiddleware)  # no accounts: at least no cross-site posts

    @app.middleware("http")
    async def log_request(request: Request, call_next):
        """One access line per request (method, path, status, milliseconds): `serve` prints them."""
        start = time.perf_counter()
        status = 500
        try:
            response = await call_next(request)
            status = response.status_code
            return response
        finally:
            query = f"?{request.url.query}" if request.url.query else ""
            client = request.client.host if request.client else "-"
            access_log.info("%s %s %s%s %d %.0fms", client, request.method, request.url.path, query, status,
                            (time.perf_counter() - start) * 1000)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException):
        detail = {"Not Found": "没有这个页面", "Method Not Allowed": "不支持这种请求方式"}.get(str(exc.detail),
                                                                                         str(exc.detail))
        if _wants_json(request) or exc.status_code >= 500:
            return JSONResponse({"error": detail}, status_code=exc.status_code)
        return _error_page(exc.status_code, detail)

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError):
        problems = []
        for e in exc.errors():
            where = ".".join(str(x) for x in e.get("loc", ()) if x not in ("body", "query", "path", "form"))
            problems.append(f"{where}: {_problem_zh(e)}")
        if not _wants_json(request):
            return _error_page(400, "地址中的参数无效：" + "；".join(problems))
        return JSONResponse({"error": "请求参数无效：" + "；".join(problems)[:500]}, status_code=422)

    @app.exception_handler(AccessDenied)
    async def access_denied(request: Request, exc: AccessDenied):
        if exc.status == 401 and not _wants_json(request):
            from urllib.parse import quote

            return RedirectResponse("/login?next=" + quote(request.url.path, safe=""), status_code=303)
        if _wants_json(request):
            return JSONResponse({"error": exc.message}, status_code=exc.status)
        return _error_page(exc.status, exc.message)

    @app.exception_handler(SQLAlchemyError)
    async def db_error(request: Request, exc: SQLAlchemyError):
        return JSONResponse({"error": "数据库暂时无法完成请求"}, status_code=503)

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception):
        message = f"服务器内部错误（{type(exc).__name__}）"
        if not _wants_json(request):
            return _error_page(500, message + "，请把此地址报告给管理员")
        return JSONResponse({"error": message}, status_code=500)

    from .errors import install as install_error_policy

    install_error_policy(app)  # SERVICE: the one error policy (JixiaoError, OSError, database errors)
    from .routes_api import router as api_router
    from .routes_execution import router as execution_router
    from .routes_paste import router as paste_router
    from .routes_web import router as web_router

    app.include_router(api_router)
    app.include_router(execution_router)
    app.include_router(paste_router)
    app.include_router(web_router)
    from .routes_workflow import router as workflow_router  # WORKFLOW: comments, moves, 审核意见书, audit log
    app.include_router(workflow_router)
    from .routes_authoring import router as authoring_router  # AUTHORING: editor, drafts, revisions
    app.include_router(authoring_router)
    from .routes_export import router as export_router  # EXPORT: standard tables, import sheet
    app.include_router(export_router)
    from ..auth.routes import router as auth_router
    from ..auth.setup import install_template_globals
    from . import routes_web

    app.include_router(auth_router)
    install_template_globals(routes_web._env)
    static = Path(__file__).resolve().parent.parent / "static"
    app.mount("/static", StaticFiles(directory=str(static)), name="static")
    return app


def _error_page(status: int, detail: str):
    from .routes_web import render

    return render("error.html", status_code=status, status=status, title=_STATUS_ZH.get(status, "出错了"),
                  detail=detail)


def plotly_js() -> bytes:
    """plotly.js from the installed package, so charts render offline."""
    from plotly.offline import get_plotlyjs

    return get_plotlyjs().encode("utf-8")


def export_bytes(docs, kind: str) -> tuple[bytes, str]:
    import tempfile

    from ..export import WRITERS

    media = {"json": "application/json", "csv": "text/csv; charset=utf-8",
             "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
             "parquet": "application/vnd.apache.parquet"}[kind]
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"export.{kind}"
        WRITERS[kind](docs, path)
        return path.read_bytes(), media


def create_app_from_env() -> FastAPI:
    """The app as `jixiao serve --workers N` starts it in each worker process (uvicorn's factory): the
    store and the switches come from the environment `serve` sets."""
    import os
    import sys

    # each worker is a new process: give it the access and login log lines `serve` prints in one process
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(message)s", "%Y-%m-%d %H:%M:%S"))
    for name in ("jixiao.access", "jixiao.auth"):
        logger = logging.getLogger(name)
        if not logger.handlers:
            logger.addHandler(handler)
            logger.setLevel(logging.INFO)
    return create_app(os.environ.get("JIXIAO_DB") or None,
                      max_upload_bytes=int(os.environ.get("JIXIAO_MAX_UPLOAD_BYTES") or DEFAULT_MAX_BYTES),
                      auth=os.environ.get("JIXIAO_AUTH", "1") != "0",
                      public_read=os.environ.get("JIXIAO_PUBLIC_READ", "0") == "1")


def serve_workers(host: str, port: int, workers: int, **uvicorn_options) -> None:
    """`jixiao serve --workers N`: uvicorn's worker processes (each builds the app with
    `create_app_from_env`) over one listening socket made here. uvicorn's own listening socket leaves its
    protocol number unset, so asyncio never turns Nagle's algorithm off on the workers' connections and
    every response waited about 40 ms for the client's delayed ACK (48 ms for /api/me with 3 workers,
    4 ms with one); a socket made with IPPROTO_TCP gets TCP_NODELAY like the single-process server."""
    import socket

    from uvicorn import Config
    from uvicorn.supervisors import Multiprocess

    config = Config("jixiao.api.app:create_app_from_env", factory=True, host=host, port=port, workers=workers,
                    **uvicorn_options)
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.set_inheritable(True)
    Multiprocess(config, sockets=[sock]).run()
