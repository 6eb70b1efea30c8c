"""Completeness: the levels a project must have, enough indicators, a goal, a target for each."""

from __future__ import annotations

import re

from ...taxonomy import LEVEL2_BY_LEVEL1
from ..engine import Example, rule
from ..scope import cut_edges, is_evaluation, may_lie_beyond_cut

_BASIS = "财预〔2021〕101号：原则上每个项目均应设置产出指标和效益指标"
# said in each rule's rationale: a text cut inside the table is not held to rows it never contained
_CUT = "；文本在表格中途截断时，截断处之外可能还有的一级指标不报（按产出、效益、满意度的顺序判断）"
_CUT_ANY = "；文本在该项目的表格中途截断时不报"

_OUT = {"level1": "产出指标", "level2": "数量指标", "name": "培训人次", "annual": {"raw": "≥800人次", "kind": "number",
                                                                              "op": ">=", "value": 800, "unit": "人次"}}
_BEN = {"level1": "效益指标", "level2": "社会效益指标", "name": "持证上岗率", "annual": {"raw": "≥90%", "kind": "number",
                                                                                 "op": ">=", "value": 90, "unit": "%"}}
_SAT = {"level1": "满意度指标", "level2": "服务对象满意度指标", "name": "学员满意度",
        "annual": {"raw": "≥90%", "kind": "number", "op": ">=", "value": 90, "unit": "%"}}
_COST = {"level1": "成本指标", "level2": "经济成本指标", "name": "人均培训成本",
         "annual": {"raw": "≤800元/人", "kind": "number", "op": "<=", "value": 800, "unit": "元/人"}}


def _p(*inds, **extra) -> dict:
    base = {"name": "职业技能培训", "goal": "全年培训800人次，持证上岗率达到90%。"}
    base.update(extra)
    base["indicators"] = [dict(i, seq=n) for n, i in enumerate(inds, start=1)]
    return base


# a second level that belongs to one first level only tells the first level a table left out
_LEVEL1_OF = {}
for _l1, _l2s in LEVEL2_BY_LEVEL1.items():
    for _l2 in _l2s:
        _LEVEL1_OF[_l2] = None if _l2 in _LEVEL1_OF else _l1


def _level1(ind) -> str | None:
    return ind.level1 or (_LEVEL1_OF.get(ind.level2) if ind.level2 else None)


def _levels(project) -> set[str]:
    return {lv for i in project.indicators if (lv := _level1(i))}


def _has_levels(project) -> bool:
    return any(i.level1 for i in project.indicators)


def _missing(ctx, level: str) -> bool:
    """The project has first levels, not this one, and the text was not cut where it could have stood."""
    p = ctx.project
    if not _has_levels(p) or level in _levels(p):
        return False
    return not may_lie_beyond_cut(level, _levels(p), cut_edges(ctx.document, ctx.project_index))


@rule("JX101", "missing-output-indicators", "error", "project",
      summary="项目没有产出指标", rationale=_BASIS + _CUT, fix="补充数量、质量、时效等产出指标。",
      bad=Example("只有效益和满意度指标", _p(_BEN, _SAT)), good=Example("有产出指标", _p(_OUT, _BEN, _SAT)))
def missing_output(ctx):
    if _missing(ctx, "产出指标"):
        yield ctx.finding("项目没有产出指标", f"一级指标：{'、'.join(sorted(_levels(ctx.project)))}")


@rule("JX102", "missing-benefit-indicators", "error", "project",
      summary="项目没有效益指标", rationale=_BASIS + _CUT, fix="补充经济、社会、生态或可持续影响等效益指标。",
      bad=Example("只有产出和满意度指标", _p(_OUT, _SAT)), good=Example("有效益指标", _p(_OUT, _BEN, _SAT)))
def missing_benefit(ctx):
    if _missing(ctx, "效益指标"):
        yield ctx.finding("项目没有效益指标", f"一级指标：{'、'.join(sorted(_levels(ctx.project)))}")


@rule("JX103", "missing-satisfaction-indicators", "info", "project",
      summary="项目没有满意度指标（可选，但面向服务对象的项目通常应设置）",
      rationale="财预〔2021〕101号：满意度指标根据实际需要选用；面向社会公众或服务对象的项目宜设置" + _CUT,
      fix="如项目有明确服务对象，补充服务对象满意度指标。",
      bad=Example("没有满意度指标", _p(_OUT, _BEN)), good=Example("有满意度指标", _p(_OUT, _BEN, _SAT)))
def missing_satisfaction(ctx):
    p = ctx.project
    if any(i.level2 == "服务对象满意度指标" or "满意度" in i.name for i in p.indicators):
        return  # present, if under another level (JX302/JX303 say so)
    if _missing(ctx, "满意度指标"):
        yield ctx.finding("项目没有满意度指标", f"一级指标：{'、'.join(sorted(_levels(ctx.project)))}")


_NEEDS_COST = re.compile(r"购置|设备采购|工程|修缮|维修|改造|装修|基建|建设项目|新建")


@rule("JX104", "missing-cost-indicator", "warning", "project",
      summary="工程基建、修缮、购置类项目没有成本指标",
      rationale="财预〔2021〕101号：工程基建类、大型修缮及购置类项目应当设置成本指标" + _CUT_ANY,
      fix="补充经济成本指标（如单位成本、总成本控制），以预算支出标准为依据。",
      bad=Example("购置项目无成本指标", _p(_OUT, _BEN, name="办公设备购置")),
      good=Example("购置项目有成本指标", _p(_OUT, _BEN, _COST, name="办公设备购置")))
def missing_cost(ctx):
    p = ctx.project
    if not _has_levels(p) or not _NEEDS_COST.search(p.name) or cut_edges(ctx.document, ctx.project_index):
        return  # a cost indicator may stand anywhere in the table, so beyond a cut too
    if any(i.level1 == "成本指标" or i.level2 == "成本指标" for i in p.indicators):
        return
    yield ctx.finding("工程、修缮或购置类项目没有成本指标", f"项目名称：{p.name}")


@rule("JX105", "too-few-indicators", "warning", "project",
      summary="项目的绩效指标过少", rationale="财预〔2015〕88号：绩效目标应细化量化，指标应能全面反映产出和效益" + _CUT_ANY,
      fix="按产出（数量、质量、时效）、效益、满意度分别设置指标。",
      bad=Example("只有两个指标", _p(_OUT, _SAT)), good=Example("三个以上指标", _p(_OUT, _BEN, _SAT)),
      min_indicators=3)
def too_few(ctx):
    n = len(ctx.project.indicators)
    if cut_edges(ctx.document, ctx.project_index):
        return  # the text holds only part of this project's rows
    if 0 < n < ctx.option("min_indicators"):
        yield ctx.finding(f"项目只有 {n} 个绩效指标（少于 {ctx.option('min_indicators')} 个）", f"指标数：{n}")


@rule("JX106", "missing-goal", "error", "project",
      summary="项目没有绩效目标", rationale="财预〔2015〕88号：绩效目标是预算编制的前提，申报项目必须填报绩效目标；"
                "自评表、评价指标表不一定有绩效目标一栏，文本从表格中途开始时项目表头不在文本中，均不报",
      fix="用一两句话写明项目在本年度要达到的产出和效果。",
      bad=Example("没有目标", _p(_OUT, _BEN, _SAT, goal=None)), good=Example("有目标", _p(_OUT, _BEN, _SAT)))
def missing_goal(ctx):
    if is_evaluation(ctx.document) or "start" in cut_edges(ctx.document, ctx.project_index):
        return  # an evaluation form may have no goal row; a text that starts mid-table lost the project's head
    if not ctx.project.goal and ctx.project.indicators:
        yield ctx.finding("项目没有填写绩效目标", "绩效目标：（空）")


@rule("JX107", "missing-target-value", "error", "indicator",
      summary="指标没有指标值", rationale="财预〔2015〕88号：绩效指标应有明确的指标值，作为评价的依据",
      fix="填写年度指标值（数值、比例、时间节点或可判断的定性标准）。",
      bad=Example("无指标值", _p(dict(_OUT, annual=None), _BEN, _SAT)), good=Example("有指标值", _p(_OUT, _BEN, _SAT)))
def missing_target(ctx):
    ind = ctx.indicator
    if ind.annual is None and ind.period is None and not ind.problem:
        yield ctx.finding("指标没有指标值", f"三级指标：{ind.name}")


@rule("JX108", "unparsed-indicator", "warning", "indicator",
      summary="指标条目无法完整识别（原文已保留）", rationale="表格内容不规范时，解析器保留原文并标记，需人工核对",
      fix="核对原表中该条目的指标名称与指标值是否完整、格式是否规范。",
      bad=Example("缺少“指标值”", _p(dict(_OUT, annual=None, problem="未找到“指标值”标签"), _BEN, _SAT)),
      good=Example("完整条目", _p(_OUT, _BEN, _SAT)))
def unparsed(ctx):
    if ctx.indicator.problem:
        yield ctx.finding(f"指标条目未能完整识别：{ctx.indicator.problem}", f"原文：{ctx.indicator.name}")
