"""The skeleton a new target table opens with (rules.md §8.3: "a new target opens with a skeleton of
一级/二级 rows to fill in, not a blank grid").

The rows follow 财预〔2021〕101号 (rules.md §1.1): 产出 (数量, 质量, 时效) and 效益 in principle for every
project; 成本指标 must be set for 工程基建, 大型修缮 and 购置 projects; 满意度 is optional but offered, since
most published tables carry it. The kind is the officer's choice; `guess_kind` proposes one from the name
and content with the same words the review's missing-cost rule (JX104) uses, so the skeleton and the review
agree on which projects need cost indicators."""

from __future__ import annotations

import re

from .content import Row

# kind → (Chinese label, whether 101号 requires 成本指标)
KINDS: dict[str, tuple[str, bool]] = {
    "works": ("工程基建类", True),
    "repair": ("大型修缮类", True),
    "purchase": ("购置类", True),
    "service": ("服务及运转类", False),
    "subsidy": ("补助补贴类", False),
    "other": ("其他", False),
}

_GUESS = (("repair", re.compile(r"修缮|维修|改造|装修")), ("purchase", re.compile(r"购置|设备采购|采购设备")),
          ("works", re.compile(r"工程|基建|建设项目|新建")), ("subsidy", re.compile(r"补助|补贴|奖补|资助|救助")),
          ("service", re.compile(r"服务|运维|运行|购买|培训|保障")))

_OUTPUT = ("数量指标", "质量指标", "时效指标")
_BENEFIT = ("经济效益指标", "社会效益指标", "生态效益指标")


def guess_kind(name: str, content: str | None = None) -> str:
    """The project's kind from its name (then its content); `other` when nothing says."""
    for text in (name, content or ""):
        for kind, pattern in _GUESS:
            if pattern.search(text):
                return kind
    return "other"


def needs_cost(kind: str) -> bool:
    return KINDS.get(kind, KINDS["other"])[1]


def skeleton_rows(kind: str) -> list[Row]:
    """Empty 三级 rows under every 一级/二级 the kind expects, in 101号 order (成本 first where required).
    An empty row is a place to write, not an indicator: it leaves the document until it gets a name."""
    levels: list[tuple[str, str]] = []
    if needs_cost(kind):
        levels.append(("成本指标", "经济成本指标"))
    levels += [("产出指标", n) for n in _OUTPUT]
    levels += [("效益指标", n) for n in _BENEFIT]
    levels.append(("满意度指标", "服务对象满意度指标"))
    return [Row(level1=l1, level2=l2) for l1, l2 in levels]
