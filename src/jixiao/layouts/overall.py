"""Department-level targets (部门整体绩效目标) written as text:
`一、总体绩效目标` followed by its statement, then `二、分项绩效目标` with sections
`（一）title` / `绩效目标：…` / `绩效指标：name，description≥80%；…`.
"""

from __future__ import annotations

import re

from ..model import Indicator, Loc, Overall, Section
from ..readers.sheet import Row
from ..textnorm import strip_seps
from ..values import parse_target
from .common import loc_of

_TOP = re.compile(r"^\s*(?:[一二三四五六七八九十]+\s*[、.．]|第[一二三四五六七八九十]+部分)")
_OVERALL_HEAD = re.compile(r"^\s*(?:[一二三四五六七八九十]+\s*[、.．])?\s*(?:部门)?(?:整体|总体)绩效目标\s*[：:]?\s*(.*)$")
_SECTIONS_HEAD = re.compile(r"^\s*(?:[一二三四五六七八九十]+\s*[、.．])?\s*(?:分项|具体|年度)(?:绩效)?目标\s*$")
_SECTION = re.compile(r"^\s*[（(]\s*[一二三四五六七八九十]+\s*[)）]\s*(.+)$")
_GOAL = re.compile(r"^\s*(?:绩效)?目标\s*[：:]\s*(.*)$", re.S)
_INDICATORS = re.compile(r"^\s*(?:绩效)?指标\s*[：:]\s*(.*)$", re.S)
# where a target value starts inside a running-text item
_VALUE_START = re.compile(
    r"(?:≥|≤|>=|<=|＞|＜|>|<|=|＝|大于等于|小于等于|不低于|不少于|不高于|不超过|大于|小于|高于|低于|达到)\s*[-+]?\d"
)


def parse_overall_indicators(text: str, loc: Loc | None = None) -> list[Indicator]:
    """`name，description≥80%；name2≥2；name3，description` → indicators (name, description, annual)."""
    body = text.strip().rstrip("。")
    items = [s for s in re.split(r"[；;]", body) if s.strip()]
    out = []
    for seq, item in enumerate(items, start=1):
        item = item.strip().rstrip("。，,")
        m = _VALUE_START.search(item)
        raw = item[m.start():] if m else ""
        words = item[: m.start()] if m else item
        parts = re.split(r"[，,]", words, maxsplit=1)
        name = strip_seps(parts[0])
        description = strip_seps(parts[1]) if len(parts) > 1 else None
        if not name:
            name, description = item, None
        out.append(Indicator(seq=seq, name=name, description=description or None, annual=parse_target(raw),
                             loc=loc))
    return out


def parse_overall(rows: list[Row]) -> Overall | None:
    goal_lines: list[str] = []
    sections: list[Section] = []
    mode: str | None = None
    current: Section | None = None
    last_field: str | None = None
    found = False
    for row in rows:
        lone = row.nonempty()
        if len(lone) != 1:
            mode = None if not row.is_text else mode
            continue
        text = lone[0].text
        m = _OVERALL_HEAD.match(text)
        if m and not _SECTION.match(text) and len(text) < 40 or (m and mode is None and m.group(1) and not found):
            found = True
            mode = "goal"
            if m.group(1):
                goal_lines.append(m.group(1))
            continue
        if _SECTIONS_HEAD.match(text):
            found = True
            mode = "sections"
            continue
        if _TOP.match(text):
            mode = None
            continue
        if mode == "goal":
            goal_lines.append(text)
        elif mode == "sections":
            sm = _SECTION.match(text)
            if sm:
                current = Section(title=strip_seps(sm.group(1)) or sm.group(1), goal=None, indicators=[])
                sections.append(current)
                last_field = None
                continue
            if current is None:
                continue
            gm, im = _GOAL.match(text), _INDICATORS.match(text)
            if gm:
                current.goal = gm.group(1).strip() or None
                last_field = "goal"
            elif im:
                current.indicators = parse_overall_indicators(im.group(1), loc_of(row))
                last_field = "indicators"
            elif last_field == "goal" and current.goal:
                current.goal += "\n" + text
    if not found:
        return None
    goal = "\n".join(goal_lines).strip() or None
    return Overall(goal=goal, sections=sections)
