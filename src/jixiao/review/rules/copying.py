"""Copying: an indicator twice in one project, identical indicator sets across projects, a goal that
repeats the project content, indicators unrelated to the project."""

from __future__ import annotations

import re
from collections import defaultdict

from rapidfuzz import fuzz

from ..engine import Example, rule
from ..vocab import GENERIC_BIGRAMS

_WORD = re.compile(r"[\u4e00-\u9fffA-Za-z]")


def _norm(name: str) -> str:
    return re.sub(r"[\s（）()【】\[\]“”\"'：:，,。、]", "", name).replace("（", "(")


def _ind(seq, name, raw="≥95%"):
    return {"seq": seq, "level1": "产出指标", "name": name, "annual": {"raw": raw, "kind": "text"}}


@rule("JX501", "duplicate-indicator", "error", "project",
      summary="同一项目中同一指标出现两次", rationale="三级指标名称在项目内应唯一（一体化系统校验三级指标名称重复）",
      fix="删除重复的指标，或把它们改成含义不同的指标。",
      bad=Example("重复两次", {"name": "系统运维", "indicators": [_ind(1, "系统正常运行率"), _ind(2, "系统正常运行率")]}),
      good=Example("各不相同", {"name": "系统运维", "indicators": [_ind(1, "系统正常运行率"), _ind(2, "故障响应率")]}))
def duplicate(ctx):
    for block in _target_blocks(ctx.project.indicators):
        seen: dict[str, int] = {}
        for ind in block:
            if ind.problem or not _WORD.search(ind.name):
                continue  # a name the parser could not read (cells glued, a bare number) is not the table's name
            key = _norm(ind.name)
            if key in seen:
                yield ctx.finding(f"指标“{ind.name}”与第 {seen[key]} 项重复", f"三级指标：{ind.name}", indicator=ind)
            else:
                seen[key] = ind.seq


def _target_blocks(indicators: list) -> list[list]:
    """A table with two target blocks (长期 + 年度, 半年 + 全年) lists the same indicators twice in the same order;
    the second list (possibly cut short by the end of the text) restarts the first. Each block is checked on
    its own: a name in both is not a duplicate."""
    keys = [(i.level1, i.level2, _norm(i.name)) for i in indicators]
    n = len(keys)
    for start in range((n + 1) // 2, n - 1):
        if keys[start:] == keys[:n - start]:
            return [indicators[:start], indicators[start:]]
    return [indicators]


def _signature(project) -> tuple:
    return tuple(sorted((i.level1 or "", _norm(i.name), i.annual.raw if i.annual else "") for i in project.indicators))


@rule("JX502", "copied-indicator-set", "warning", "document",
      summary="多个项目的绩效指标（名称与指标值）完全相同", rationale="财预〔2021〕101号：指标应与项目高度关联；照抄的指标不能反映各项目的产出和效益",
      fix="按各项目的具体内容设置指标和指标值。",
      bad=Example("三个项目同一套指标", document={"projects": [
          {"name": n, "indicators": [_ind(1, "信息化工作完成率"), _ind(2, "验收合格率"), _ind(3, "故障响应率")]}
          for n in ("甲系统", "乙系统", "丙系统")]}),
      good=Example("各有各的指标", document={"projects": [
          {"name": n, "indicators": [_ind(1, f"{n}上线模块数"), _ind(2, "验收合格率"), _ind(3, "故障响应率")]}
          for n in ("甲系统", "乙系统", "丙系统")]}),
      min_projects=3, min_indicators=3)
def copied_set(ctx):
    groups: dict[tuple, list] = defaultdict(list)
    for p in ctx.document.projects:
        if len(p.indicators) >= ctx.option("min_indicators"):
            groups[_signature(p)].append(p)
    for members in groups.values():
        if len(members) >= ctx.option("min_projects"):
            names = "、".join(p.name for p in members)
            for p in members:
                yield ctx.finding(f"本项目的 {len(p.indicators)} 个指标与另外 {len(members) - 1} 个项目完全相同",
                                  f"相同的项目：{names}", project=p)


@rule("JX503", "goal-repeats-content", "warning", "project",
      summary="绩效目标只是重复项目内容或资金用途", rationale="财预〔2015〕88号：绩效目标是预期达到的产出和效果，而不是资金用途",
      fix="写明项目完成后要达到的产出和效果（数量、质量、时效、效益）。",
      bad=Example("目标 = 内容", {"name": "平台升级", "content": "用于一体化平台升级服务费", "goal": "1.用于一体化平台升级服务费"}),
      good=Example("目标写效果", {"name": "平台升级", "content": "用于一体化平台升级服务费", "goal": "平台升级后全年可用率达到99%。"}),
      similarity=85)
def goal_repeats_content(ctx):
    p = ctx.project
    if not p.goal or not p.content:
        return
    goal = re.sub(r"^\s*\d+[.、]\s*", "", p.goal.split("\n")[0])
    score = fuzz.ratio(_norm(p.goal), _norm(p.content))
    first = fuzz.ratio(_norm(goal), _norm(p.content))
    if max(score, first) >= ctx.option("similarity"):
        yield ctx.finding("绩效目标基本是在重复项目内容", f"绩效目标：{p.goal[:60]}；项目内容：{p.content[:60]}")


def _bigrams(text: str) -> set[str]:
    chars = re.sub(r"[^\u4e00-\u9fffA-Za-z0-9]", "", text)
    return {chars[i:i + 2] for i in range(len(chars) - 1)}


@rule("JX504", "indicator-unrelated-to-project", "info", "indicator",
      enabled=False,
      summary="（试验性，默认关闭）产出指标与项目名称、内容和目标毫无共同词语，可能是从其他项目抄来的",
      rationale="财预〔2021〕101号：绩效指标应与项目高度关联", fix="核对该指标是否属于本项目；改为反映本项目产出的指标。",
      bad=Example("维修项目的审计次数", {"name": "商业用房维修", "goal": "完成商业街各项维修任务。", "indicators": [
          _ind(1, "完成专项审计次数", "≥50次")]}),
      good=Example("维修项目的维修面积", {"name": "商业用房维修", "goal": "完成商业街各项维修任务。", "indicators": [
          _ind(1, "商业街维修面积", "≥500平米")]}))
def unrelated(ctx):
    ind, p = ctx.indicator, ctx.project
    if ind.level1 != "产出指标" or ind.level2 not in (None, "数量指标", "质量指标"):
        return
    own = _bigrams(ind.name) - GENERIC_BIGRAMS
    if len(own) < 3:
        return  # a generic indicator (完成率, 合格率) fits any project
    context = _bigrams(" ".join(x for x in (p.name, p.content or "", p.goal or "") if x))
    others = set()
    for other in p.indicators:
        if other is not ind:
            others |= _bigrams(other.name) | _bigrams(other.description or "")
    if not own & context and not own & others and not own & _bigrams(ind.description or "") - GENERIC_BIGRAMS - own:
        yield ctx.finding(f"指标“{ind.name}”与项目名称、内容、目标没有共同词语", f"三级指标：{ind.name}；项目：{p.name}")
