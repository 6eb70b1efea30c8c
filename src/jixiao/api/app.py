"""The JSON API and the web UI over one store (`jixiao serve`)."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, PlainTextResponse
from fastapi.staticfiles import StaticFiles
from sqlalchemy.exc import SQLAlchemyError
from starlette.exceptions import HTTPException as StarletteHTTPException

from ..readers import DEFAULT_MAX_BYTES
from ..store import open_engine


def create_app(db: str | None = None, max_upload_bytes: int = DEFAULT_MAX_BYTES) -> FastAPI:
    app = FastAPI(title="jixiao 绩效目标 API", version="0.1.0",
                  description="解析、审核、比较预算项目绩效目标表。所有列表都分页（limit、offset）。")
    app.state.engine = open_engine(db)
    app.state.max_upload_bytes = max_upload_bytes

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException):
        if request.url.path.startswith("/api/") or exc.status_code >= 500:
            return JSONResponse({"error": str(exc.detail)}, status_code=exc.status_code)
        return PlainTextResponse(f"{exc.status_code} {exc.detail}", status_code=exc.status_code)

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError):
        problems = []
        for e in exc.errors():
            where = ".".join(str(x) for x in e.get("loc", ()) if x != "body")
            problems.append(f"{where}: {e.get('msg')}")
        return JSONResponse({"error": "请求参数无效：" + "；".join(problems)[:500]}, status_code=422)

    @app.exception_handler(SQLAlchemyError)
    async def db_error(request: Request, exc: SQLAlchemyError):
        return JSONResponse({"error": "数据库暂时无法完成请求"}, status_code=503)

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception):
        return JSONResponse({"error": f"服务器内部错误（{type(exc).__name__}）"}, status_code=500)

    from .routes_api import router as api_router
    from .routes_web import router as web_router

    app.include_router(api_router)
    app.include_router(web_router)
    static = Path(__file__).resolve().parent.parent / "static"
    app.mount("/static", StaticFiles(directory=str(static)), name="static")
    return app


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
