"""DOCX and XLSX are zip files: refuse archive bombs before a library inflates them."""

from __future__ import annotations

import io
import zipfile

from ..errors import ReadError

MAX_RATIO = 200


def check_zip(data: bytes, max_bytes: int) -> None:
    try:
        infos = zipfile.ZipFile(io.BytesIO(data)).infolist()
    except zipfile.BadZipFile as exc:
        raise ReadError("ZIP 容器已损坏或被截断") from exc
    limit = max_bytes * 8
    total = sum(i.file_size for i in infos)
    if total > limit:
        raise ReadError(f"压缩包解压后过大（{total / 1048576:.0f} MB，上限 {limit / 1048576:.0f} MB；可用 --max-size 调高）")
    for i in infos:
        if i.compress_size and i.file_size > 10 * 1048576 and i.file_size / i.compress_size > MAX_RATIO:
            raise ReadError(f"疑似压缩炸弹：{i.filename} 压缩比 {i.file_size // i.compress_size}:1")
        if i.flag_bits & 0x1:
            raise ReadError("文件已加密（有密码保护），无法读取")
