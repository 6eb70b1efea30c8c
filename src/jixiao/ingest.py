"""Parse one file into a Document: read (any format) → layouts."""

from __future__ import annotations

from pathlib import Path

from .errors import JixiaoError
from .layouts import build_document
from .model import Document
from .readers import DEFAULT_MAX_BYTES, read_bytes, read_path


def parse_path(path: str | Path, max_bytes: int = DEFAULT_MAX_BYTES) -> Document:
    sheet = read_path(path, max_bytes=max_bytes)
    return _build(sheet, str(path))


def parse_bytes(data: bytes, name: str, max_bytes: int = DEFAULT_MAX_BYTES) -> Document:
    return _build(read_bytes(data, name, max_bytes=max_bytes), name)


def _build(sheet, path: str) -> Document:
    try:
        return build_document(sheet)
    except JixiaoError as exc:
        exc.path = path
        raise
    except RecursionError as exc:
        raise JixiaoError("文件结构过深，无法解析", path) from exc
