"""One exception hierarchy and one error policy.

Every error a user can see is a JixiaoError with a one-line Chinese message. `describe` is the single place
that turns any exception (JixiaoError, OSError, a database error, a bug) into that line and an HTTP status:
the CLI prints the line naming the file, the API sends it as `{"error": …}` with the status, the web pages
show it on the error page. Nothing else words errors for a user."""

from __future__ import annotations

import os
from dataclasses import dataclass


class JixiaoError(Exception):
    """Base of every error jixiao reports to a user (one line, names the file)."""

    status = 400  # the HTTP status the API answers with

    def __init__(self, message: str, path: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.path = path

    def __str__(self) -> str:
        return f"{self.path}: {self.message}" if self.path else self.message


class ReadError(JixiaoError):
    """The bytes cannot be read as any supported format (empty, binary, corrupt, encrypted, too large)."""


class LayoutError(JixiaoError):
    """The file was read but holds no table jixiao recognizes."""


class NotFound(JixiaoError):
    """A document, project or department the caller named is not in the store."""

    status = 404


class Forbidden(JixiaoError):
    """The caller may not do this (the permission check of the service layer said no)."""

    status = 403


class Unprocessable(JixiaoError):
    """The request names something that exists but cannot be used this way (a target table to score)."""

    status = 422


@dataclass(frozen=True)
class Described:
    """What a user is told about an exception: one Chinese line, the file it concerns, an HTTP status."""

    message: str
    path: str | None
    status: int

    @property
    def line(self) -> str:
        return f"{self.path}: {self.message}" if self.path else self.message


def os_reason(exc: OSError) -> str:
    """An OSError's reason in Chinese ("No such file or directory" → 文件或目录不存在)."""
    from .cli_zh import OS_ERRORS

    return OS_ERRORS.get(exc.errno or 0) or (os.strerror(exc.errno) if exc.errno else str(exc))


def zh_os_text(message: str) -> str:
    """A message that quotes an OS reason in English, with the reason in Chinese."""
    from .cli_zh import OS_ERRORS

    for code, zh in OS_ERRORS.items():
        message = message.replace(os.strerror(code), zh)
    return message


def _db_first_line(exc: Exception) -> str:
    """The driver's own message, without SQLAlchemy's statement and background link."""
    text = str(getattr(exc, "orig", None) or exc).strip()
    return text.splitlines()[0][:200] if text else type(exc).__name__


def describe(exc: BaseException, public: bool = False, action: str = "") -> Described:
    """The one error policy: any exception as one Chinese line (and a status for the API). `public`: for a
    client over the network, a database's or a bug's own words are left out (they can name tables and
    paths); the CLI shows them. `action` names what failed (写入数据库失败)."""
    if isinstance(exc, JixiaoError):
        return Described(zh_os_text(exc.message), exc.path, exc.status)
    if isinstance(exc, OSError):
        return Described(os_reason(exc), exc.filename and str(exc.filename), 500)
    try:
        from sqlalchemy.exc import OperationalError, SQLAlchemyError
    except ImportError:  # pragma: no cover - sqlalchemy is a dependency
        SQLAlchemyError = OperationalError = ()  # type: ignore[assignment,misc]
    if isinstance(exc, SQLAlchemyError):
        if public:
            return Described("数据库暂时无法完成请求", None, 503)
        head = action or ("数据库暂时无法完成请求" if isinstance(exc, OperationalError) else "数据库出错")
        return Described(f"{head}：{_db_first_line(exc)}", None, 503)
    if public:
        return Described(f"内部错误（{type(exc).__name__}）", None, 500)
    return Described(f"内部错误（{type(exc).__name__}: {exc}）", None, 500)
