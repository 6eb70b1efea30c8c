"""Measurability: vague or qualitative targets where a number is expected, targets that restate the
indicator or describe how it is measured, numbers without the unit they need."""

from __future__ import annotations

from rapidfuzz import fuzz

from ..engine import Example, iter_indicator_targets, rule
from ..vocab import MEASUREMENT, QUANTITY_NAME, RATE_NAME, UNIT_IN_NAME, VAGUE

_BASIS = "财预〔2021〕101号：指标应量化易评，能量化的尽量量化；财预〔2015〕88号：细化量化"


def _p(name, raw, kind="text", **kw) -> dict:
    ind = {"seq": 1, "level1": "产出指标", "name": name, "annual": dict({"raw": raw, "kind": kind}, **kw)}
    return {"name": "政务系统运维", "goal": "保障系统稳定运行。", "indicators": [ind]}


@rule("JX201", "qualitative-target-for-quantity", "warning", "indicator",
      summary="指标名称是比率、数量或金额，指标值却是文字", rationale=_BASIS,
      fix="把指标值写成数值，如“≥95%”“≥12次”；无法量化时改用可判断的分级标准。",
      bad=Example("完成率写成“有效提升”", _p("系统故障处理完成率", "有效提升")),
      good=Example("完成率写成数值", _p("系统故障处理完成率", "≥95%", "number", op=">=", value=95, unit="%")))
def qualitative_for_quantity(ctx):
    ind = ctx.indicator
    if not QUANTITY_NAME.search(ind.name):
        return
    for label, t in iter_indicator_targets(ind):
        if t.kind == "text":
            yield ctx.finding(f"“{ind.name}”应以数值衡量，{label}却是文字", f"{label}：{t.raw}")
            return


@rule("JX202", "vague-target", "warning", "indicator",
      summary="指标值是“有效提升”“规范”“优”之类无法判断的措辞", rationale=_BASIS + "；可衡量性不足",
      fix="写明可核验的标准：数值、时间节点，或分级分档的定性标准（如“达到××标准”）。",
      bad=Example("指标值“有效提升”", _p("服务水平", "有效提升")),
      good=Example("指标值可核验", _p("服务水平", "通过年度考核", "text")))
def vague_target(ctx):
    ind = ctx.indicator
    if QUANTITY_NAME.search(ind.name):
        return  # JX201 reports it
    for label, t in iter_indicator_targets(ind):
        if t.kind == "text" and VAGUE.search(t.raw.strip()) and len(t.raw) <= 8:
            yield ctx.finding(f"指标值“{t.raw}”措辞模糊，无法据以评价", f"{label}：{t.raw}")
            return


@rule("JX203", "target-restates-indicator", "warning", "indicator",
      summary="指标值重复指标名称，或描述考核方式而不是目标水平", rationale=_BASIS,
      fix="指标值应是要达到的水平（数值或判断标准），考核方式写在指标解释中。",
      bad=Example("指标值重复名称", _p("提升会计人员专业技术能力水平", "提升会计人员专业技术能力水平")),
      good=Example("指标值是水平", _p("会计人员继续教育完成率", "≥95%", "number", op=">=", value=95, unit="%")),
      similarity=85)
def restates(ctx):
    ind = ctx.indicator
    for label, t in iter_indicator_targets(ind):
        if t.kind != "text":
            continue
        if len(t.raw) >= 4 and fuzz.ratio(t.raw, ind.name) >= ctx.option("similarity"):
            yield ctx.finding("指标值只是重复了指标名称", f"三级指标：{ind.name}；{label}：{t.raw}")
            return
        if MEASUREMENT.match(t.raw) and len(t.raw) >= 8:
            yield ctx.finding("指标值描述的是考核方式，不是目标水平", f"{label}：{t.raw}")
            return


@rule("JX204", "rate-without-unit", "warning", "indicator",
      summary="比率类指标的数值没有单位（是百分比还是个数？）", rationale=_BASIS + "；计量单位为必录项（一体化系统）",
      fix="为数值写明单位，如“≥95%”。",
      bad=Example("满意度写成“90”", _p("服务对象满意度", "90", "number", op="=", value=90)),
      good=Example("满意度写成“≥90%”", _p("服务对象满意度", "≥90%", "number", op=">=", value=90, unit="%")))
def rate_without_unit(ctx):
    ind = ctx.indicator
    if not RATE_NAME.search(ind.name) or UNIT_IN_NAME.search(ind.name):
        return
    for label, t in iter_indicator_targets(ind):
        if t.kind == "number" and t.unit is None and t.value not in (0,):
            yield ctx.finding(f"比率类指标“{ind.name}”的数值没有单位", f"{label}：{t.raw}")
            return
