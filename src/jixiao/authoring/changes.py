"""What changed between two versions of a draft: the project fields one by one, and the indicators through
compare's indicator diff (added, removed, renamed, moved, target raised or lowered) plus the basis, which
that diff does not look at. A revision stores the list and a one-line Chinese summary of it."""

from __future__ import annotations

from ..compare import diff_indicators, indicator_key
from .content import Content, indicators_of

FIELD_LABELS = {"name": "项目名称", "code": "项目编码", "department": "主管部门", "unit": "实施单位", "year": "年度",
                "content": "项目内容", "goal": "绩效目标", "money_unit": "金额单位", "budget_total": "资金总额",
                "budget_fiscal": "财政拨款", "budget_other": "其他资金"}

_CHANGE_ZH = {"added": "新增", "removed": "删除", "renamed": "改名", "moved": "移动", "raised": "目标提高",
              "lowered": "目标降低", "kind_changed": "指标值改写", "changed": "指标值改写", "basis": "依据修改"}


def _short(value, limit: int = 40) -> str:
    text = "" if value is None else str(value)
    return text if len(text) <= limit else text[:limit] + "…"


def diff_contents(a: Content, b: Content) -> list[dict]:
    """Every change from A to B; indicator entries are compare.diff_indicators' own dicts."""
    out: list[dict] = []
    fa, fb = a.fields.model_dump(), b.fields.model_dump()
    for key, label in FIELD_LABELS.items():
        if fa.get(key) != fb.get(key):
            out.append({"change": "field", "field": key, "label": label, "before": fa.get(key), "after": fb.get(key),
                        "detail": f"{label}：“{_short(fa.get(key))}” → “{_short(fb.get(key))}”"})
    ia, ib = indicators_of(a), indicators_of(b)
    out += [c for c in diff_indicators(ia, ib) if c["change"] != "unchanged"]
    basis_a = {indicator_key(i.name): i.basis for i in ia}
    for i in ib:
        key = indicator_key(i.name)
        if key in basis_a and basis_a[key] != i.basis:
            out.append({"change": "basis", "b": {"seq": i.seq, "name": i.name}, "before": basis_a[key],
                        "after": i.basis, "detail": f"“{i.name}”的依据：“{basis_a[key] or ''}” → “{i.basis or ''}”"})
    return out


def summary(changes: list[dict]) -> str:
    """`绩效目标；新增“培训人次”；目标降低“合格率”` — what a revision list shows."""
    if not changes:
        return "无改动"
    parts = []
    for c in changes:
        if c["change"] == "field":
            parts.append(f"修改{c['label']}")
        else:
            ref = c.get("b") or c.get("a") or {}
            parts.append(f"{_CHANGE_ZH.get(c['change'], c['change'])}“{ref.get('name', '')}”")
    text = "；".join(dict.fromkeys(parts))
    return text if len(text) <= 300 else text[:300] + "…"
