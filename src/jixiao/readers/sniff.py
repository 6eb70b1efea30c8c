"""Tell a file's format from its bytes, and decode text whatever its encoding."""

from __future__ import annotations

import io
import re
import zipfile

from ..errors import ReadError

_CJK = re.compile(r"[\u4e00-\u9fff]")
_ODD = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffd\ue000-\uf8ff]")
_HTML_START = re.compile(rb"^\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body|table|meta)\b",
                         re.I | re.S)


def sniff_format(data: bytes, name: str = "") -> str:
    """`pdf`, `image`, `docx`, `xlsx`, `xls`, `html` or `text`, judged from content, the extension only
    breaking ties."""
    if not data:
        raise ReadError("文件为空")
    head = data[:8]
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith((b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"II*\x00", b"MM\x00*")):
        return "image"  # PNG, JPEG, TIFF: a scan, read by OCR
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        try:
            names = set(zipfile.ZipFile(io.BytesIO(data)).namelist())
        except zipfile.BadZipFile as exc:
            raise ReadError("ZIP 容器已损坏或被截断，无法作为 DOCX/XLSX 读取") from exc
        if "word/document.xml" in names:
            return "docx"
        if "xl/workbook.xml" in names:
            return "xlsx"
        raise ReadError("ZIP 文件既不是 DOCX 也不是 XLSX")
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        if "EncryptedPackage".encode("utf-16-le") in data[:1_000_000]:
            raise ReadError("文件有密码保护（加密的 Office 文档），无法读取")
        lower = name.lower()
        if lower.endswith(".doc"):
            raise ReadError("旧版 Word (.doc) 格式不受支持，请另存为 DOCX 或 PDF")
        return "xls"
    probe = data[:4096]
    if _HTML_START.match(probe.lstrip(b"\xef\xbb\xbf")) or re.search(rb"<table[\s>]", probe, re.I):
        return "html"
    if probe[:2] in (b"\xff\xfe", b"\xfe\xff"):
        text = decode_text(data[:4096])
        if re.search(r"<(?:html|table)[\s>]", text, re.I):
            return "html"
    return "text"


def _plausible(text: str) -> bool:
    """Decoded text looks like real writing: few control or private-use characters."""
    if not text:
        return True
    sample = text[:200_000]
    return len(_ODD.findall(sample)) <= max(2, len(sample) // 200)


def decode_text(data: bytes) -> str:
    """UTF-8 (with or without BOM), UTF-16 (BOM or NUL pattern), then GB18030, then charset-normalizer."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace")
    if data.startswith(b"\xff\xfe") or data.startswith(b"\xfe\xff"):
        return data.decode("utf-16", errors="replace").lstrip("\ufeff")
    sample = data[:4000]
    if b"\x00" in sample:
        even_nul = sample[0::2].count(0)
        odd_nul = sample[1::2].count(0)
        # UTF-16 without a BOM: the NULs of ASCII characters all fall on one side
        for codec, ok in (("utf-16-le", even_nul * 20 <= odd_nul), ("utf-16-be", odd_nul * 20 <= even_nul)):
            if ok:
                text = data[: len(data) // 2 * 2].decode(codec, errors="replace")
                if _plausible(text):
                    return text
        raise ReadError("二进制文件，不是文本、HTML、DOCX、XLSX 或 PDF")
    for encoding in ("utf-8", "gb18030"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError as exc:
            if exc.start < len(data) - 3:
                continue
            # cut inside the last character: the file was truncated, the rest is good
            text = data[: exc.start].decode(encoding, errors="strict") + "\ufffd"
        if _plausible(text):
            return text
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is not None:
        text = str(best)
        if _plausible(text):
            return text
    raise ReadError("无法识别文本编码（不是 UTF-8、UTF-16 或 GB18030），或文件不是文本")
