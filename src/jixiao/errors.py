"""One exception hierarchy: every error a user can see is a JixiaoError with a one-line Chinese message."""

from __future__ import annotations


class JixiaoError(Exception):
    """Base of every error jixiao reports to a user (one line, names the file)."""

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
