"""The indicator framework: canonical level names, their codes and the synonyms seen in tables."""

from __future__ import annotations

import re

from .textnorm import squash

LEVEL1 = ("产出指标", "效益指标", "满意度指标", "成本指标")

LEVEL2_BY_LEVEL1: dict[str, tuple[str, ...]] = {
    "产出指标": ("数量指标", "质量指标", "时效指标", "成本指标"),
    "效益指标": ("经济效益指标", "社会效益指标", "生态效益指标", "可持续影响指标", "服务对象满意度指标"),
    "满意度指标": ("服务对象满意度指标",),
    "成本指标": ("经济成本指标", "社会成本指标", "生态环境成本指标"),
}
LEVEL2 = tuple(dict.fromkeys(n for names in LEVEL2_BY_LEVEL1.values() for n in names))
_LEVEL2_PARENT = {n: l1 for l1, names in LEVEL2_BY_LEVEL1.items() for n in names
                  if sum(n in others for others in LEVEL2_BY_LEVEL1.values()) == 1}


def level2_parent(level2: str | None) -> str | None:
    """The one first level a canonical second level belongs to; None where it has two (服务对象满意度指标
    is under 效益指标 in the older framework, 满意度指标 in the 2021 one) or is unknown."""
    return _LEVEL2_PARENT.get(level2) if level2 else None

_LEVEL1_SYNONYMS = {
    "产出": "产出指标",
    "效益": "效益指标",
    "效果指标": "效益指标",
    "效果": "效益指标",
    "满意度": "满意度指标",
    "社会公众或服务对象满意度指标": "满意度指标",
    "成本": "成本指标",
}
_LEVEL2_SYNONYMS = {
    "产出数量": "数量指标",
    "产出数量指标": "数量指标",
    "产出质量指标": "质量指标",
    "产出时效指标": "时效指标",
    "产出成本指标": "成本指标",
    "产出质量": "质量指标",
    "产出时效": "时效指标",
    "进度指标": "时效指标",
    "产出成本": "成本指标",
    "环境效益": "生态效益指标",
    "环境效益指标": "生态效益指标",
    "社会公众或服务对象满意度指标": "服务对象满意度指标",
    "社会公众或服务对象满意度": "服务对象满意度指标",
    "服务对象满意度": "服务对象满意度指标",
    "满意度指标": "服务对象满意度指标",
    "可持续影响": "可持续影响指标",
    "生态环境成本": "生态环境成本指标",
}

# the evaluation framework's levels (决策 / 项目立项 …): recognized as levels, with no canonical name
EVALUATION_LEVEL1 = frozenset({"决策", "过程", "项目决策", "项目过程", "项目管理", "决策指标", "过程指标", "管理指标"})
EVALUATION_LEVEL2 = frozenset({"项目立项", "绩效目标", "资金投入", "资金管理", "组织实施", "业务管理", "财务管理", "项目产出",
                "项目效益"})
# first levels some templates print instead of the four
NONSTANDARD_LEVEL1 = {"项目完成指标": "产出指标", "项目效益指标": "效益指标", "效果指标": "效益指标"}

# every spelling of a level name a flattened table can be cut at (its vocabulary), longest first
LEVEL_WORDS = tuple(sorted(
    set(LEVEL1) | set(LEVEL2) | set(_LEVEL1_SYNONYMS) | set(_LEVEL2_SYNONYMS) | set(NONSTANDARD_LEVEL1)
    | {"社会公众满意度指标", "社会效益", "生态效益", "经济效益"},
    key=len, reverse=True))

# a code and a score may surround a level name: `1-产出指标`, `产出指标(50分)`, `12-质量指标`
_CODE_PREFIX = re.compile(r"^(\d{1,2})\s*[-－.．、]\s*")
_SCORE = re.compile(r"[（(]\s*\d+(?:\.\d+)?\s*分?\s*[)）]$")


def split_code(label: str) -> tuple[str | None, str]:
    s = squash(label)
    m = _CODE_PREFIX.match(s)
    if m:
        return m.group(1), s[m.end():]
    return None, s


def _strip_score(s: str) -> str:
    return _SCORE.sub("", s)


def canonical_level1(label: str | None) -> str | None:
    """`1-产出指标`, `产出指标(50分)`, `产出\\n指标` → `产出指标`; None if not a level-1 name."""
    if not label:
        return None
    _, s = split_code(label)
    s = _strip_score(s)
    if s in LEVEL1:
        return s
    return _LEVEL1_SYNONYMS.get(s)


def canonical_level2(label: str | None) -> tuple[str | None, str | None]:
    """`12-质量指标` → (`质量指标`, `12`); `22-社会效益` → (`社会效益指标`, `22`); else (None, None)."""
    if not label:
        return None, None
    code, s = split_code(label)
    s = _strip_score(s)
    if s in LEVEL2:
        return s, code
    if s + "指标" in LEVEL2:
        return s + "指标", code
    if s in _LEVEL2_SYNONYMS:
        return _LEVEL2_SYNONYMS[s], code
    return None, None


def is_level_fragment(label: str) -> bool:
    """A wrapped tail of a level name (`指标`, `(50分)`) printed on its own line or row."""
    s = squash(label)
    return s in ("指标", "指标）", "分）") or bool(_SCORE.fullmatch(s))
