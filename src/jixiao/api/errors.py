"""The API's and the pages' side of the one error policy (`jixiao.errors.describe`): a JixiaoError raised in
the service layer (NotFound, Forbidden, a file that cannot be read), an OSError or a database error becomes
`{"error": "<one Chinese line>"}` with its status under /api, and the error page elsewhere."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from sqlalchemy.exc import SQLAlchemyError

from ..errors import JixiaoError, describe


def error_response(request: Request, exc: BaseException):
    d = describe(exc, public=True)
    path = request.url.path
    if path.startswith("/api/") or path == "/openapi.json":
        return JSONResponse({"error": d.line}, status_code=d.status)
    from .app import _error_page

    return _error_page(d.status, d.line)


def install(app: FastAPI) -> None:
    """Register the handlers (after the app's own, so these win for these exception classes)."""
    for cls in (JixiaoError, OSError, SQLAlchemyError):
        app.add_exception_handler(cls, _handler)


async def _handler(request: Request, exc: Exception):
    return error_response(request, exc)
