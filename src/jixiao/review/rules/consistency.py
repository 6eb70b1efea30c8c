"""Consistency: reverse indicators with a raising target, indicators under the wrong level, level codes,
实施周期 vs 年度 values, deadlines before the budget year, percentages above 100, cost floors."""

from __future__ import annotations

import re
from collections import Counter

from ...taxonomy import LEVEL2_BY_LEVEL1
from ..engine import Example, iter_indicator_targets, rule
from ..vocab import MULTI_YEAR, REVERSE, SATISFACTION

LEVEL1_CODE = {"产出指标": "1", "效益指标": "2", "满意度指标": "3", "成本指标": "4"}
LEVEL2_CODE = {("产出指标", "数量指标"): "11", ("产出指标", "质量指标"): "12", ("产出指标", "时效指标"): "13",
               ("产出指标", "成本指标"): "14", ("效益指标", "经济效益指标"): "21", ("效益指标", "社会效益指标"): "22",
               ("效益指标", "生态效益指标"): "23", ("效益指标", "可持续影响指标"): "24",
               ("满意度指标", "服务对象满意度指标"): "31", ("成本指标", "经济成本指标"): "41",
               ("成本指标", "社会成本指标"): "42", ("成本指标", "生态环境成本指标"): "43"}


def _num(raw, op, value, unit):
    return {"raw": raw, "kind": "number", "op": op, "value": value, "unit": unit}


def _p(*inds, name="信息系统运维") -> dict:
    return {"name": name, "goal": "保障系统稳定运行。", "indicators": [dict(i, seq=n) for n, i in enumerate(inds, 1)]}


@rule("JX301", "reverse-indicator-raised", "error", "indicator",
      summary="反向指标（故障率、投诉率、事故数、偏差率）用了“≥”或 100% 作目标",
      rationale="财预〔2021〕101号：指标值应体现方向；反向指标越小越好，应以“≤”“＜”设定上限（一体化系统计算符号 4、5）",
      fix="改用上限，如“≤5%”“0起”。",
      bad=Example("故障率 100%", _p({"level1": "效益指标", "name": "系统重大故障事件率", "annual": _num("100%", "=", 100, "%")})),
      good=Example("故障率 ≤5%", _p({"level1": "效益指标", "name": "系统重大故障事件率", "annual": _num("≤5%", "<=", 5, "%")})))
def reverse_raised(ctx):
    ind = ctx.indicator
    if not REVERSE.search(ind.name) or re.search(r"处理|排除|修复|响应|解决|整改|办结|完成|及时|处置|监控|扫描|无故障|无事故|零", ind.name):
        return
    for label, t in iter_indicator_targets(ind):
        if t.kind != "number":
            continue
        if t.op in (">=", ">") and t.value:
            yield ctx.finding(f"“{ind.name}”是反向指标，却要求不低于 {t.raw}", f"{label}：{t.raw}")
            return
        if t.op == "=" and t.unit in ("%", "％") and t.value == 100:
            yield ctx.finding(f"“{ind.name}”是反向指标，目标却是 100%", f"{label}：{t.raw}")
            return


@rule("JX302", "indicator-under-wrong-level", "warning", "indicator",
      summary="指标放错了一级指标：满意度指标下放了故障率等非满意度指标，或满意度放在产出/效益指标下",
      rationale="财预〔2021〕101号：满意度指标反映服务对象对项目实施效果的认可程度",
      fix="把指标移到与其含义相符的一级、二级指标下。",
      bad=Example("故障率在满意度下", _p({"level1": "满意度指标", "name": "系统重大故障率", "annual": _num("≤5%", "<=", 5, "%")})),
      good=Example("满意度在满意度下", _p({"level1": "满意度指标", "name": "用户满意度", "annual": _num("≥90%", ">=", 90, "%")})))
def wrong_level(ctx):
    ind = ctx.indicator
    if ind.level1 == "满意度指标" and not SATISFACTION.search(ind.name):
        yield ctx.finding(f"“{ind.name}”不是满意度指标，却放在满意度指标下", f"一级指标：{ind.level1}")
    elif ind.level1 in ("产出指标", "效益指标") and "满意度" in ind.name and ind.level2 != "服务对象满意度指标" \
            and not _old_framework_satisfaction(ind):
        where = ind.level1 + (f"/{ind.level2}" if ind.level2 else "")
        yield ctx.finding(f"满意度指标“{ind.name}”放在了{where}下", f"一级指标：{where}")


@rule("JX303", "satisfaction-under-benefit", "info", "indicator",
      summary="服务对象满意度指标作为效益指标的二级指标（旧框架）",
      rationale="财预〔2021〕101号起满意度指标为独立的一级指标；旧框架（财预〔2015〕88号时期）置于效益指标下",
      fix="按现行框架把服务对象满意度指标列为一级“满意度指标”。",
      bad=Example("效益下的满意度", _p({"level1": "效益指标", "level2": "服务对象满意度指标", "name": "用户满意度",
                                     "annual": _num("≥90%", ">=", 90, "%")})),
      good=Example("独立的满意度", _p({"level1": "满意度指标", "level2": "服务对象满意度指标", "name": "用户满意度",
                                     "annual": _num("≥90%", ">=", 90, "%")})))
def satisfaction_under_benefit(ctx):
    ind = ctx.indicator
    if ind.level1 == "效益指标" and ind.level2 == "服务对象满意度指标":
        yield ctx.finding("服务对象满意度作为效益指标的二级指标，属旧框架", "效益指标 / 服务对象满意度指标")
    elif _old_framework_satisfaction(ind):
        yield ctx.finding("满意度指标放在效益指标下（表中没有二级指标），属旧框架", f"效益指标：{ind.name}")


def _old_framework_satisfaction(ind) -> bool:
    """A satisfaction indicator under 效益指标 in a table with no second level: the old framework put it there
    (JX303), it is not a misplaced indicator (JX302)."""
    return ind.level1 == "效益指标" and ind.level2 is None and "满意度" in ind.name


@rule("JX304", "level-code-mismatch", "warning", "indicator",
      summary="二级指标编码与其名称或所属一级指标不符（如 2-效益指标 下的 31-服务对象满意度）",
      rationale="指标框架编码：首位为一级指标序号（1 产出、2 效益、3 满意度、4 成本），次位为二级指标序号",
      fix="核对一级、二级指标的选择，编码应与名称对应。",
      bad=Example("31 在效益下", _p({"level1": "效益指标", "level2": "服务对象满意度指标", "level2_code": "31",
                                  "name": "用户满意度", "annual": _num("≥90%", ">=", 90, "%")})),
      good=Example("22 在效益下", _p({"level1": "效益指标", "level2": "社会效益指标", "level2_code": "22",
                                   "name": "群众办事时长缩短", "annual": _num("≥10%", ">=", 10, "%")})))
def level_code(ctx):
    ind = ctx.indicator
    code = ind.level2_code
    if not code or not ind.level1 or not ind.level2:
        return
    expected = LEVEL2_CODE.get((ind.level1, ind.level2))
    if code[:1] != LEVEL1_CODE.get(ind.level1) or (expected and expected != code):
        yield ctx.finding(f"二级指标编码 {code} 与“{ind.level1} / {ind.level2}”不符",
                          f"{LEVEL1_CODE.get(ind.level1)}-{ind.level1}：{code}-{ind.level2}")


@rule("JX305", "level2-not-in-framework", "warning", "indicator",
      summary="二级指标不属于其一级指标（如 产出指标 下的 社会效益指标）",
      rationale="财预〔2015〕88号、财预〔2021〕101号的指标框架", fix="选择该一级指标下的二级指标。",
      bad=Example("产出下的社会效益", _p({"level1": "产出指标", "level2": "社会效益指标", "name": "培训人次",
                                     "annual": _num("≥800人次", ">=", 800, "人次")})),
      good=Example("产出下的数量", _p({"level1": "产出指标", "level2": "数量指标", "name": "培训人次",
                                   "annual": _num("≥800人次", ">=", 800, "人次")})))
def level2_framework(ctx):
    ind = ctx.indicator
    if ind.level1 and ind.level2 and ind.level2 not in LEVEL2_BY_LEVEL1.get(ind.level1, ()):
        yield ctx.finding(f"“{ind.level2}”不属于“{ind.level1}”", f"{ind.level1} / {ind.level2}")


@rule("JX306", "period-differs-from-annual", "info", "indicator",
      summary="一年期项目的实施周期指标值与年度指标值不一致",
      rationale="实施周期只有一年时，周期目标即年度目标（一体化数据标准 yearflag）",
      fix="一年期项目的两个指标值应一致；如项目跨年，请在项目名称或项目期中写明。",
      bad=Example("周期与年度不同", _p({"level1": "产出指标", "name": "系统可用率", "annual": _num("≥95%", ">=", 95, "%"),
                                     "period": _num("≥90%", ">=", 90, "%")})),
      good=Example("写法不同、目标相同", _p({"level1": "产出指标", "name": "系统可用率",
                                        "annual": _num("≥95%", ">=", 95, "%"), "period": _num("不低于95%", ">=", 95, "%")})))
def period_annual(ctx):
    ind, p = ctx.indicator, ctx.project
    if ind.annual is None or ind.period is None or MULTI_YEAR.search(p.name):
        return
    if _same_target(ind.annual, ind.period):
        return
    if re.sub(r"\s", "", ind.annual.raw) != re.sub(r"\s", "", ind.period.raw):
        yield ctx.finding("实施周期指标值与年度指标值不一致", f"实施周期：{ind.period.raw}；年度：{ind.annual.raw}")


_DONE = {"是", "完成", "已完成", "全部完成"}


def _same_target(a, b) -> bool:
    """The same target worded differently: equal parsed numbers, or 是 / 完成."""
    if a.kind == b.kind == "number":
        return (a.op, a.value, a.unit) == (b.op, b.value, b.unit)
    return a.raw in _DONE and b.raw in _DONE


def budget_year(ctx) -> int | None:
    """The document's year, else the year most of its deadlines name (an inference, stated as such)."""
    if "year" not in ctx.cache:
        year = ctx.document.year
        if year is None:
            years = Counter(int(m) for p in ctx.document.projects for i in p.indicators
                            for _, t in iter_indicator_targets(i) if t.kind == "deadline"
                            for m in re.findall(r"((?:19|20)\d{2})\s*年", t.raw))
            year = years.most_common(1)[0][0] if years and years.most_common(1)[0][1] >= 3 else None
        ctx.cache["year"] = year
    return ctx.cache["year"]


@rule("JX307", "deadline-before-budget-year", "error", "indicator",
      summary="完成时限早于预算年度", rationale="时效指标的时间节点应落在项目实施期内（indicator_audit 规则 I10）",
      fix="把时间节点改为预算年度内的日期。",
      bad=Example("2022年底完成（2023年预算）", document={"year": 2023, "projects": [_p(
          {"level1": "产出指标", "name": "按时间进度完成", "annual": {"raw": "2022年年底完成", "kind": "deadline"}})]}),
      good=Example("2023年底完成", document={"year": 2023, "projects": [_p(
          {"level1": "产出指标", "name": "按时间进度完成", "annual": {"raw": "2023年底完成", "kind": "deadline"}})]}))
def deadline_before_year(ctx):
    year = budget_year(ctx)
    if year is None:
        return
    for label, t in iter_indicator_targets(ctx.indicator):
        if t.kind != "deadline":
            continue
        m = re.search(r"((?:19|20)\d{2})\s*年", t.raw)
        if m and int(m.group(1)) < year:
            source = "文件标题" if ctx.document.year else "本文件多数时间节点"
            yield ctx.finding(f"完成时限 {m.group(1)} 年早于预算年度 {year} 年（据{source}）", f"{label}：{t.raw}")
            return


@rule("JX308", "percent-over-100", "warning", "indicator",
      summary="比率超过 100%", rationale="完成率、覆盖率等比率不应超过 100%（indicator_audit 规则 I7）",
      fix="核对数值；增长类指标请在名称中写明“增长/提高”。",
      bad=Example("合格率 120%", _p({"level1": "产出指标", "name": "验收合格率", "annual": _num("120%", "=", 120, "%")})),
      good=Example("合格率 100%", _p({"level1": "产出指标", "name": "验收合格率", "annual": _num("100%", "=", 100, "%")})))
def percent_over(ctx):
    ind = ctx.indicator
    if re.search(r"增长|增幅|提高|提升|增加|同比|环比|倍", ind.name):
        return
    for label, t in iter_indicator_targets(ind):
        if t.kind == "number" and t.unit in ("%", "％") and t.value is not None and t.value > 100:
            yield ctx.finding(f"比率 {t.raw} 超过 100%", f"{label}：{t.raw}")
            return


@rule("JX309", "cost-with-lower-bound", "warning", "indicator",
      summary="成本指标用“≥”设下限", rationale="成本指标是控制上限（财预〔2021〕101号；indicator_audit 规则 I8）",
      fix="成本指标用“≤”或“＜”。",
      bad=Example("成本 ≥100元/个", _p({"level1": "成本指标", "name": "单位采购成本", "annual": _num("≥100元/个", ">=", 100, "元/个")})),
      good=Example("成本 ≤100元/个", _p({"level1": "成本指标", "name": "单位采购成本", "annual": _num("≤100元/个", "<=", 100, "元/个")})))
def cost_floor(ctx):
    ind = ctx.indicator
    if not (ind.level1 == "成本指标" or ind.level2 == "成本指标"):
        return
    if re.search(r"率|节约|节省|压减|降低", ind.name):
        return
    for label, t in iter_indicator_targets(ind):
        if t.kind == "number" and t.op in (">=", ">"):
            yield ctx.finding(f"成本指标“{ind.name}”设了下限 {t.raw}", f"{label}：{t.raw}")
            return
