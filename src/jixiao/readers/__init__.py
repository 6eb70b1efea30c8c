"""Readers: bytes of one format → a neutral Sheet. They know nothing about budgets."""

from __future__ import annotations

import hashlib
from pathlib import Path

from ..errors import ReadError
from .sheet import Cell, Row, Sheet
from .sniff import decode_text, sniff_format

DEFAULT_MAX_BYTES = 50 * 1024 * 1024

__all__ = ["Cell", "Row", "Sheet", "read_bytes", "read_path", "DEFAULT_MAX_BYTES"]


def read_path(path: str | Path, max_bytes: int = DEFAULT_MAX_BYTES, progress=None) -> Sheet:
    p = Path(path)
    try:
        size = p.stat().st_size
    except OSError as exc:
        raise ReadError(f"无法打开文件：{exc.strerror or exc}", str(path)) from exc
    if p.is_dir():
        raise ReadError("这是一个目录，不是文件", str(path))
    if size > max_bytes:
        raise ReadError(f"文件过大（{size / 1048576:.1f} MB，上限 {max_bytes / 1048576:.0f} MB；可用 --max-size 调高）",
                        str(path))
    try:
        data = p.read_bytes()
    except OSError as exc:
        raise ReadError(f"无法读取文件：{exc.strerror or exc}", str(path)) from exc
    return read_bytes(data, p.name, max_bytes=max_bytes, progress=progress)


def read_bytes(data: bytes, name: str, max_bytes: int = DEFAULT_MAX_BYTES, progress=None) -> Sheet:
    """Sniff the format and hand the bytes to its reader. Errors carry the file name. `progress(done, total)`
    is called after each page of a PDF or image."""
    try:
        fmt = sniff_format(data, name)
        digest = hashlib.sha256(data).hexdigest()
        if fmt == "text":
            from .text import read_text_rows

            return Sheet(name, digest, "text", read_text_rows(decode_text(data)))
        if fmt == "html":
            from .html import read_html_rows

            return Sheet(name, digest, "html", read_html_rows(data))
        if fmt == "docx":
            from .docx import read_docx_rows

            return Sheet(name, digest, "docx", read_docx_rows(data, max_bytes))
        if fmt in ("xlsx", "xls"):
            from .xlsx import read_xlsx_rows

            return Sheet(name, digest, "xlsx", read_xlsx_rows(data, max_bytes))
        if fmt == "image":
            from .ocr import read_image

            rows, pages, confidence = read_image(data, progress)
        else:
            from .pdf import read_pdf

            rows, pages, confidence = read_pdf(data, progress)
        # an image is read like a scanned PDF page (locations are pages and boxes in points); the
        # document's source.format has no "image" value yet
        sheet = Sheet(name, digest, "pdf", rows, pages=pages)
        sheet.ocr_confidence = confidence  # (page, table, row, col) → confidence of an OCR'd cell
        return sheet
    except ReadError as exc:
        exc.path = exc.path or name
        raise
