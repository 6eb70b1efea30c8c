"""Review findings as a formatted XLSX (what a department's 导出 gives): one row per finding, Chinese headers."""

from __future__ import annotations

from pathlib import Path

from ..review.report import SEVERITY_ZH
from .sheet import write_sheets

COLUMNS = [("严重程度", 8), ("规则", 8), ("规则名称", 22), ("部门", 22), ("单位", 20), ("项目", 30), ("序号", 6),
           ("指标", 24), ("问题", 44), ("证据", 36), ("修改建议", 40), ("文件", 22)]


def write_findings_xlsx(findings: list[dict], path: Path) -> int:
    rows = ([SEVERITY_ZH.get(f["severity"], f["severity"]), f["rule"], f.get("name") or "", f.get("department") or "",
             f.get("unit") or "", f.get("project") or "（文档）", f.get("indicator_seq"), f.get("indicator") or "",
             f["message"], f.get("evidence") or "", f.get("fix") or "", f.get("document") or ""] for f in findings)
    return write_sheets(path, [("审核意见", COLUMNS, rows)])
