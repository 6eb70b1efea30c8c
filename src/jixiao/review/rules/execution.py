"""Execution: self-evaluation arithmetic that does not add up, points that do not follow the scoring rules,
and monitoring rows whose light needs a reason (rules.md §3, §4.2, §8).

Every rule here reads only the execution fields (actual, weight, score, deviation, likelihood, execution,
evaluation), so a target table never triggers one. Scores and lights come from `jixiao.execution`; a rule's
options override the matching `ScoreConfig` field, and `jixiao score --config` passes its config through
them, so the findings agree with the score report."""

from __future__ import annotations

import re

from ...execution.config import DEFAULT_EXECUTION_BANDS, DEFAULT_GRADES, ScoreConfig
from ...execution.lights import LIGHT_ZH, light_document
from ...execution.measure import BOOL, DEADLINE, EQUAL_ZERO, POSITIVE, REVERSE, numbers
from ...execution.scoring import has_execution_fields, score_document, score_indicator, subjects
from ...values import parse_target
from ..engine import Example, rule

QUANTITATIVE = (POSITIVE, REVERSE, EQUAL_ZERO, DEADLINE, BOOL)
# the placeholders a national-system export writes for "no reason" (rules.md §8.1)
NO_REASON = re.compile(r"^(?:无偏差|无|没有偏差|无明显偏差|/|—|-)$")
# legacy grade words beside 优/良/中/差 (rules.md §8.2)
GRADE_ALIASES = {"好": "优", "优秀": "优", "较好": "良", "良好": "良", "一般": "中", "合格": "中", "较差": "差",
                 "不合格": "差"}
BANDS = [list(b) for b in DEFAULT_EXECUTION_BANDS]
GRADES = [list(g) for g in DEFAULT_GRADES]


def _t(raw: str) -> dict:
    return parse_target(raw).model_dump(exclude_none=True)


def _i(seq: int, level1: str, name: str, target: str | None, actual: str | None, weight=None, score=None,
       deviation=None, **extra) -> dict:
    out = {"seq": seq, "level1": level1, "name": name}
    out |= {k: v for k, v in (("weight", weight), ("score", score), ("deviation", deviation)) if v is not None}
    if target is not None:
        out["annual"] = _t(target)
    if actual is not None:
        out["actual"] = _t(actual)
    return {**out, **extra}


def _ex(planned=100.0, spent=95.0, rate=95.0, weight=10.0, score=9.5, adjusted=None) -> dict:
    return {"planned": planned, "adjusted": adjusted if adjusted is not None else planned, "spent": spent,
            "rate": rate, "weight": weight, "score": score}


def _p(indicators: list[dict], execution: dict | None = None, evaluation: dict | None = None, **extra) -> dict:
    return {"name": "农田建设", "indicators": indicators, "execution": execution, "evaluation": evaluation, **extra}


def _full(score_a=50, score_b=30, score_c=10, ex_score=9.5, total=99.5, grade="优") -> dict:
    """A small self-evaluation whose figures all add up (weights 50 + 30 + 10 + 10)."""
    return _p([_i(1, "产出指标", "新建农田面积", "≥2000亩", "2100亩", 50, score_a),
               _i(2, "效益指标", "亩均增产", "≥50公斤", "55公斤", 30, score_b),
               _i(3, "满意度指标", "受益农户满意度", "≥90%", "93%", 10, score_c)],
              _ex(score=ex_score), {"score": total, "grade": grade})


def _cfg(ctx, **overrides) -> ScoreConfig:
    return ScoreConfig.resolve(overrides) if overrides else ScoreConfig()


def _active(ctx) -> bool:
    """Whether the document carries execution fields at all (once per review: most documents are target
    tables, and every rule here returns at once on them)."""
    if "execution.active" not in ctx.cache:
        ctx.cache["execution.active"] = has_execution_fields(ctx.document)
    return ctx.cache["execution.active"]


def _subjects(ctx):
    return subjects(ctx.document) if _active(ctx) else []


def _scores(ctx, cfg: ScoreConfig | None = None):
    """The document's subjects scored once per configuration and shared by the rules of one review."""
    if not _active(ctx):
        return []
    cfg = cfg or ScoreConfig()
    key = ("execution.scores", repr(cfg))
    if key not in ctx.cache:
        ctx.cache[key] = score_document(ctx.document, cfg)
    return ctx.cache[key]


_CUT_OFF = re.compile(r"中途|截断|不完整|未读完|cut off", re.I)


def _incomplete(ctx, s) -> bool:
    """A sum cannot be checked on a document the parser says is cut off, or with rows it could not read."""
    return any(_CUT_OFF.search(p.message) for p in ctx.document.problems) or any(
        x.indicator.problem for x in s.indicators)


def _near(a: float, b: float, tol: float) -> bool:
    return abs(a - b) <= tol + 1e-9


def _fmt(v: float | None) -> str:
    return "—" if v is None else f"{v:g}"


@rule("JX601", "score-above-weight", "error", "document",
      summary="指标得分（或预算执行得分）高于其分值", rationale="财预〔2020〕10号：每项指标得分不超过其分值（权重）",
      fix="得分不得超过该指标的分值，核对分值与得分两列。",
      bad=Example("分值 10，得分 12", _p([_i(1, "产出指标", "培训人次", "≥100人次", "120人次", 10, 12)])),
      good=Example("分值 10，得分 10", _p([_i(1, "产出指标", "培训人次", "≥100人次", "120人次", 10, 10)])),
      tolerance=0.01)
def score_above_weight(ctx):
    tol = ctx.option("tolerance")
    for s in _scores(ctx):
        ex = s.execution
        if ex and ex.printed is not None and not ex.weight_derived and ex.printed > ex.weight + tol:
            yield ctx.finding(f"预算执行率得分 {_fmt(ex.printed)} 高于分值 {_fmt(ex.weight)}",
                              f"分值 {_fmt(ex.weight)}；得分 {_fmt(ex.printed)}", project=s.project)
        for sc in s.indicators:
            i = sc.indicator
            if i.score is not None and i.weight is not None and i.score > i.weight + tol:
                yield ctx.finding(f"得分 {_fmt(i.score)} 高于分值 {_fmt(i.weight)}",
                                  f"{i.name}：分值 {_fmt(i.weight)}；得分 {_fmt(i.score)}", indicator=i,
                                  project=s.project)


@rule("JX602", "total-not-sum-of-scores", "error", "document",
      summary="总分不等于预算执行得分与各指标得分之和", rationale="财预〔2020〕10号：总分由各项得分汇总；indicator_audit 复核总分",
      fix="按各项得分重新合计总分。",
      bad=Example("9.5 + 50 + 30 + 10 = 99.5，总分印作 95", _full(total=95)),
      good=Example("总分 99.5", _full()), tolerance=0.1)
def total_not_sum(ctx):
    tol = ctx.option("tolerance")
    for s in _scores(ctx):
        if s.total_printed is None or s.sum_printed is None or _incomplete(ctx, s):
            continue
        if not _near(s.total_printed, s.sum_printed, tol):
            n = sum(1 for x in s.indicators if x.printed is not None)
            yield ctx.finding(f"总分 {_fmt(s.total_printed)} 不等于各项得分之和 {round(s.sum_printed, 2):g}",
                              f"总分 {_fmt(s.total_printed)}；预算执行得分 "
                              f"{_fmt(s.execution.printed if s.execution else None)}；{n} 个指标得分合计 "
                              f"{round(s.sum_printed - (s.execution.printed or 0 if s.execution else 0), 2):g}",
                              project=s.project)


# The points a first-level label prints (`产出指标(50分)`, `效益指标（30分）`) as the parser carries them: a
# number on each indicator under that label (model.Indicator.level1_points, an extra field beside the spec's).
LEVEL_POINTS = "level1_points"


def printed_level_points(indicators) -> dict[str, float]:
    """Each first level's points as printed on its label, from the first indicator under it that carries them."""
    out: dict[str, float] = {}
    for i in indicators:
        v = i.level1_points
        if v is not None and i.level1 and i.level1 not in out:
            out[i.level1] = float(v)
    return out


def level_point_mismatches(indicators, tol: float, pool: dict[str, str] | None = None
                           ) -> list[tuple[str, float, float]]:
    """(first level, points printed on its label, Σ weights of its indicators) where the two differ; a level
    with an indicator whose weight is unreadable is not summed. A first level printed without points that the
    template pools into this one (101号 成本指标 into 产出指标) may count with it: either sum agrees."""
    printed = printed_level_points(indicators)
    pool = ScoreConfig().pool if pool is None else pool
    out = []
    for lv, points in printed.items():
        weights = [i.weight for i in indicators if i.level1 == lv]
        if not weights or any(w is None for w in weights):
            continue
        pooled = [i.weight for i in indicators if i.level1 and i.level1 not in printed and pool.get(i.level1) == lv]
        sums = [sum(weights)] + ([sum(weights) + sum(pooled)] if pooled and None not in pooled else [])
        if not any(_near(x, points, tol) for x in sums):
            out.append((lv, points, sum(weights)))
    return out


@rule("JX603", "weights-do-not-add-up", "error", "document",
      summary="各指标分值与预算执行分值之和不等于 100，或一级指标下的分值之和不等于该一级指标标注的分值（产出指标(50分)）",
      rationale="财预〔2020〕10号：总分 100，原则上产出 50、效益 30、满意度 10、"
      "预算执行率 10，自评表在一级指标上标注分值（rules.md §8.2）；pmkpi weightCheckNew 校验各级权重之和",
      fix="调整各指标分值，使其与预算执行分值合计为 100，且每个一级指标下的分值之和等于其标注的分值。",
      bad=Example("50 + 30 + 5 + 10 = 95", _full(score_c=5, total=94.5) | {"indicators": [
          _i(1, "产出指标", "新建农田面积", "≥2000亩", "2100亩", 50, 50), _i(2, "效益指标", "亩均增产", "≥50公斤", "55公斤", 30, 30),
          _i(3, "满意度指标", "受益农户满意度", "≥90%", "93%", 5, 5)]}),
      good=Example("50 + 30 + 10 + 10 = 100", _full()), total=100.0, tolerance=0.5)
def weights_sum(ctx):
    total, tol = ctx.option("total"), ctx.option("tolerance")
    for s in _scores(ctx):
        inds = [x.indicator for x in s.indicators]
        if not inds or _incomplete(ctx, s):
            continue
        for lv, points, got in level_point_mismatches(inds, tol):
            yield ctx.finding(f"{lv}标注 {points:g} 分，其下指标分值合计 {round(got, 2):g}",
                              f"{lv}（{points:g}分）：" + "、".join(
                                  f"{i.name} {i.weight:g}" for i in inds if i.level1 == lv)[:200],
                              project=s.project)
        weights = [i.weight for i in inds]
        if any(w is None for w in weights):
            continue
        ind_sum = sum(weights)
        ex = s.execution
        if ex is not None and not ex.weight_derived:
            whole, label = ind_sum + ex.weight, f"指标分值 {round(ind_sum, 2):g} + 预算执行分值 {ex.weight:g}"
            ok = _near(whole, total, tol)
        else:  # no printed execution weight: the indicators alone, or with the template's execution points
            whole, label = ind_sum, f"指标分值 {round(ind_sum, 2):g}"
            ok = _near(whole, total, tol) or _near(whole + ScoreConfig().execution_weight, total, tol)
        if not ok:
            yield ctx.finding(f"分值合计 {round(whole, 2):g}，不等于 {total:g}", label, project=s.project)


@rule("JX604", "execution-rate-not-spent-over-budget", "error", "document",
      summary="预算执行率不等于 全年执行数 ÷ 全年预算数", rationale="财预〔2020〕10号自评表：执行率 = 全年执行数 / 全年预算数"
      "（四川表：执行数 / 调整后预算数）",
      fix="按 全年执行数 ÷ 全年预算数 重新计算执行率。",
      bad=Example("95 ÷ 100 印作 100%", _p([], _ex(rate=100.0, score=10.0))),
      good=Example("95 ÷ 100 = 95%", _p([], _ex())), tolerance=0.1)
def rate_wrong(ctx):
    tol = ctx.option("tolerance")
    for s in _scores(ctx):
        ex = s.execution
        if ex is None or ex.rate_printed is None or ex.rate_computed is None:
            continue
        printed, computed = ex.rate_printed, ex.rate_computed
        if _near(printed, computed, tol) or (printed == round(printed) and abs(printed - computed) < 0.5):
            continue
        yield ctx.finding(f"执行率印作 {printed:g}%，按 {_fmt(ex.spent)} ÷ {_fmt(ex.budget)} 应为 {computed:.2f}%",
                          f"全年预算数 {_fmt(ex.budget)}；全年执行数 {_fmt(ex.spent)}；执行率 {printed:g}%",
                          project=s.project)


@rule("JX605", "execution-points-off-rule", "warning", "document",
      summary="预算执行得分不符合计分规则（默认 min(执行率, 100%) × 分值）",
      rationale="财预〔2020〕10号定预算执行率 10 分，未给公式；常见做法为 执行率 × 分值（indicator_audit），部分地区分档，"
      "规则可配置（execution_rule）",
      fix="按模板的预算执行率计分规则重算得分。",
      bad=Example("执行率 95%，分值 10，得 10 分", _p([], _ex(score=10.0))),
      good=Example("执行率 95%，分值 10，得 9.5 分", _p([], _ex())),
      execution_rule="linear", execution_bands=BANDS, tolerance=0.1)
def execution_points(ctx):
    cfg = _cfg(ctx, execution_rule=ctx.option("execution_rule"), execution_bands=ctx.option("execution_bands"))
    tol = ctx.option("tolerance")
    for s in _scores(ctx, cfg):
        ex = s.execution
        if ex is None or ex.printed is None or ex.recomputed is None:
            continue
        if not _near(ex.printed, ex.recomputed, tol):
            rate = ex.rate_computed if ex.rate_computed is not None else ex.rate_printed
            yield ctx.finding(f"预算执行得分 {ex.printed:g}，按规则应为 {ex.recomputed:g}（{ex.rule}）",
                              f"执行率 {rate:.2f}%；分值 {ex.weight:g}；得分 {ex.printed:g}", project=s.project)


@rule("JX606", "met-target-with-points-deducted", "warning", "document",
      summary="目标已完成却扣了分（超额完成且说明了原因的除外）", rationale="财预〔2020〕10号：定量指标完成目标的，得该项全部分值",
      fix="目标已完成的给满分；若因目标定得过低而扣分，在偏差原因中说明。",
      bad=Example("≥100人次，完成 105，10 分只得 8 分", _p([_i(1, "产出指标", "培训人次", "≥100人次", "105人次", 10, 8)])),
      good=Example("≥100人次，完成 105，得 10 分", _p([_i(1, "产出指标", "培训人次", "≥100人次", "105人次", 10, 10)])),
      tolerance=0.01, deviation_threshold=0.3)
def met_but_deducted(ctx):
    tol, threshold = ctx.option("tolerance"), ctx.option("deviation_threshold")
    for s in _scores(ctx):
        for sc in s.indicators:
            i = sc.indicator
            if sc.status != "met" or sc.direction not in QUANTITATIVE or i.score is None or i.weight is None:
                continue
            if i.score >= i.weight - tol:
                continue
            if sc.deviation is not None and abs(sc.deviation) >= threshold and i.deviation:
                continue  # 10号: points may be reduced for a target set clearly too low, with the reason given
            yield ctx.finding(f"实际 {i.actual.raw} 已达到目标 {i.annual.raw}，却只得 {i.score:g} 分（分值 {i.weight:g}）",
                              f"{i.name}：目标 {i.annual.raw}；实际 {i.actual.raw}；分值 {i.weight:g}；得分 {i.score:g}",
                              indicator=i, project=s.project)


@rule("JX607", "missed-target-with-full-points", "error", "document",
      summary="目标未完成（数值不足、时间逾期）却得满分", rationale="财预〔2020〕10号：未完成目标的，按 完成值/指标值 × 分值 计分",
      fix="按实际完成程度计分，并说明未完成的原因。",
      bad=Example("≥2000亩，完成 1800，得满分 20", _p([_i(1, "产出指标", "新建农田面积", "≥2000亩", "1800亩", 20, 20)])),
      good=Example("≥2000亩，完成 1800，得 18 分", _p([_i(1, "产出指标", "新建农田面积", "≥2000亩", "1800亩", 20, 18,
                                                      "受汛期影响，200亩延至次年施工")])),
      tolerance=0.01)
def missed_but_full(ctx):
    tol = ctx.option("tolerance")
    for s in _scores(ctx):
        for sc in s.indicators:
            i = sc.indicator
            if sc.status != "missed" or sc.direction not in QUANTITATIVE or i.score is None or i.weight is None:
                continue
            if i.weight > 0 and i.weight - tol <= i.score <= i.weight + tol:  # above the weight: JX601
                yield ctx.finding(f"实际 {i.actual.raw} 未达到目标 {i.annual.raw}，却得满分 {i.score:g}",
                                  f"{i.name}：目标 {i.annual.raw}；实际 {i.actual.raw}；分值 {i.weight:g}；得分 {i.score:g}",
                                  indicator=i, project=s.project)


@rule("JX608", "points-without-target-or-actual", "error", "document",
      summary="没有年度指标值或没有实际完成值的指标却得了分", rationale="财预〔2020〕10号：自评以批复的绩效目标为依据，按实际完成情况计分",
      fix="补填年度指标值和实际完成值，或不予计分。",
      bad=Example("无实际完成值，得 10 分", _p([_i(1, "产出指标", "培训人次", "≥100人次", None, 10, 10)])),
      good=Example("实际 120 人次，得 10 分", _p([_i(1, "产出指标", "培训人次", "≥100人次", "120人次", 10, 10)])))
def points_without_basis(ctx):
    for s in _scores(ctx):
        for sc in s.indicators:
            i = sc.indicator
            if i.score is None or i.score <= 0:
                continue
            missing = [label for label, v in (("年度指标值", i.annual), ("实际完成值", i.actual)) if v is None]
            if missing:
                yield ctx.finding(f"没有{'和'.join(missing)}，却得 {i.score:g} 分",
                                  f"{i.name}：年度指标值 {i.annual.raw if i.annual else '（空）'}；实际完成值 "
                                  f"{i.actual.raw if i.actual else '（空）'}；得分 {i.score:g}", indicator=i,
                                  project=s.project)


@rule("JX609", "deviation-reason-missing", "warning", "document",
      summary="未达到目标、扣了分，或实际偏离目标 ≥ 30%，却没有偏差原因", rationale="财预〔2020〕10号：未完成目标或偏离较大的须说明原因并提出改进措施；"
      "indicator_audit：未得满分须说明；广西：超过目标 30% 须说明（rules.md §3.2）",
      fix="在“偏差原因分析及改进措施”中说明原因和改进措施。",
      bad=Example("得 18 分（分值 20），无原因", _p([_i(1, "产出指标", "新建农田面积", "≥2000亩", "1800亩", 20, 18)])),
      good=Example("得 18 分，说明了原因", _p([_i(1, "产出指标", "新建农田面积", "≥2000亩", "1800亩", 20, 18,
                                              "受汛期影响，200亩延至次年施工")])),
      deviation_threshold=0.3, tolerance=0.01)
def reason_missing(ctx):
    if ctx.document.kind == "monitoring":
        return  # monitoring rows: JX615, by light
    threshold, tol = ctx.option("deviation_threshold"), ctx.option("tolerance")
    for s in _scores(ctx):
        for sc in s.indicators:
            i = sc.indicator
            if i.deviation and not NO_REASON.match(i.deviation.strip()):
                continue
            lost = i.score is not None and i.weight is not None and i.score < i.weight - tol
            far = sc.deviation is not None and abs(sc.deviation) >= threshold
            if lost:
                yield ctx.finding(f"得 {i.score:g} 分（分值 {i.weight:g}），未说明偏差原因",
                                  f"{i.name}：目标 {i.annual.raw if i.annual else '（空）'}；实际 "
                                  f"{i.actual.raw if i.actual else '（空）'}；得分 {i.score:g}", indicator=i,
                                  project=s.project)
            elif far or sc.status == "missed":
                what = f"实际偏离目标 {sc.deviation:+.0%}" if far else "未达到目标"
                yield ctx.finding(f"{what}，未说明偏差原因",
                                  f"{i.name}：目标 {i.annual.raw}；实际 {i.actual.raw}", indicator=i, project=s.project)


def _grade_word(g: str) -> str:
    g = g.strip()
    return GRADE_ALIASES.get(g, g)


@rule("JX610", "grade-does-not-match-total", "error", "document",
      summary="自评等级与总分不符（优 ≥90，良 80–90，中 60–80，差 <60）",
      rationale="财预〔2020〕10号：优 90(含)–100，良 80(含)–90，中 60(含)–80，差 <60；旧表的 好/较好/一般/差 同此",
      fix="按总分确定等级。",
      bad=Example("总分 85，等级 优", _full(score_b=15, total=84.5)),
      good=Example("总分 84.5，等级 良", _full(score_b=15, total=84.5, grade="良")), grades=GRADES)
def grade_mismatch(ctx):
    cfg = _cfg(ctx, grades=ctx.option("grades"))
    for s in _scores(ctx, cfg):
        if not s.grade_printed:
            continue
        total = s.total_printed if s.total_printed is not None else s.sum_printed
        expected = cfg.grade(total)
        if expected is None:
            continue
        if _grade_word(s.grade_printed) != expected:
            yield ctx.finding(f"总分 {total:g} 应为“{expected}”，表中等级为“{s.grade_printed}”",
                              f"总分 {total:g}；等级 {s.grade_printed}", project=s.project)


@rule("JX611", "fund-total-row-inconsistent", "error", "document",
      summary="年度资金总额行与其下的财政拨款、其他资金等分项不符", rationale="自评表项目资金块的平衡关系：年度资金总额 ≥ 其中各分项之和"
      "（rules.md §8.2 所举实例：总额行为 0，财政拨款行 90 / 89.974）",
      fix="核对年度资金总额行与各分项行。",
      bad=Example("总额行 0，财政拨款 90", _p([], _ex(planned=0.0, spent=0.0, rate=None, score=None),
                                         budget={"total": 0.0, "fiscal": 90.0})),
      good=Example("总额行 90，财政拨款 90", _p([], _ex(planned=90.0, spent=89.974, rate=99.97, score=10.0),
                                          budget={"total": 90.0, "fiscal": 90.0})), tolerance=0.011)
def fund_total(ctx):
    tol = ctx.option("tolerance")
    for project, _name, _inds, ex, _ev in _subjects(ctx):
        if ex is None or project is None or project.budget is None:
            continue
        b = project.budget
        parts = [v for v in (b.fiscal, b.special, b.other) if v is not None]
        planned = ex.planned
        problems = []
        if planned is not None and b.total is not None and abs(planned - b.total) > tol:
            problems.append(f"年度资金总额 {planned:g} 与预算总额 {b.total:g} 不一致")
        if planned is not None and parts and sum(parts) > planned + tol:
            problems.append(f"年度资金总额 {planned:g} 小于其中分项之和 {round(sum(parts), 2):g}")
        if problems:
            yield ctx.finding("；".join(problems),
                              f"年度资金总额：年初预算 {_fmt(ex.planned)}，全年预算 {_fmt(ex.adjusted)}，执行 "
                              f"{_fmt(ex.spent)}；分项：财政拨款 {_fmt(b.fiscal)}，财政专户 {_fmt(b.special)}，其他 "
                              f"{_fmt(b.other)}", project=project)


@rule("JX612", "actuals-copy-targets", "warning", "document",
      summary="每个指标的实际完成值都与年度指标值一字不差（照抄目标）", rationale="财预〔2020〕10号：自评按实际完成情况填报；"
      "照抄目标值（连同 ≥ 等符号）说明未核实完成情况",
      fix="逐项填写核实后的实际完成值。",
      bad=Example("实际值照抄 ≥ 目标", _p([_i(1, "产出指标", "培训人次", "≥100人次", "≥100人次", 40, 40),
                                      _i(2, "产出指标", "培训合格率", "≥95%", "≥95%", 30, 30),
                                      _i(3, "满意度指标", "学员满意度", "≥90%", "≥90%", 20, 20)])),
      good=Example("实际值逐项填写", _p([_i(1, "产出指标", "培训人次", "≥100人次", "108人次", 40, 40),
                                   _i(2, "产出指标", "培训合格率", "≥95%", "97%", 30, 30),
                                   _i(3, "满意度指标", "学员满意度", "≥90%", "92%", 20, 20)])), min_indicators=3)
def actuals_copy(ctx):
    for project, _name, inds, _ex, _ev in _subjects(ctx):
        pairs = [(i.annual.raw.strip(), i.actual.raw.strip()) for i in inds if i.annual and i.actual]
        if len(pairs) < ctx.option("min_indicators") or len(pairs) < len(inds) * 0.8:
            continue
        if all(t == a for t, a in pairs):
            yield ctx.finding(f"{len(pairs)} 个指标的实际完成值都与年度指标值相同",
                              "；".join(f"{t}" for t, _ in pairs[:4]) + ("…" if len(pairs) > 4 else ""), project=project)


@rule("JX613", "text-actual-on-numeric-target", "warning", "document",
      summary="数值目标的实际完成值只写了文字（如“完成”）", rationale="rules.md §3.4：定量指标的完成值应为数值，文字完成值不予推断；"
      "四川表实例：数值行的完成值为“完成”",
      fix="填写与目标同单位的实际数值。",
      bad=Example("≥100人次，实际“完成”", _p([_i(1, "产出指标", "培训人次", "≥100人次", "完成", 10, 10)])),
      good=Example("≥100人次，实际 120人次", _p([_i(1, "产出指标", "培训人次", "≥100人次", "120人次", 10, 10)])))
def text_actual(ctx):
    for project, _name, inds, _ex, _ev in _subjects(ctx):
        for i in inds:
            if i.annual and i.actual and i.annual.kind in ("number", "range", "compound") and \
                    i.actual.kind in ("text", "bool", "deadline") and numbers(i.annual, i.actual).actual is None:
                yield ctx.finding(f"目标为数值 {i.annual.raw}，实际完成值只写“{i.actual.raw}”",
                                  f"{i.name}：目标 {i.annual.raw}；实际 {i.actual.raw}", indicator=i, project=project)


@rule("JX614", "actual-unit-differs", "warning", "document",
      summary="实际完成值的单位与目标不同且无法换算（万元与元等可换算的直接换算）", rationale="rules.md §3.4：比较前统一单位；"
      "元与万元混用是常见错误",
      fix="按目标的单位填写实际完成值。",
      bad=Example("目标 ≥100人次，实际 3批", _p([_i(1, "产出指标", "培训人次", "≥100人次", "3批", 10, 10)])),
      good=Example("目标 ≤150万元，实际 1200000元（可换算）", _p([_i(1, "成本指标", "项目成本", "≤150万元", "1200000元", 10, 10)])))
def unit_differs(ctx):
    for s in _scores(ctx):  # the scorer already set each actual against its target
        for sc in s.indicators:
            i = sc.indicator
            if sc.note and "无法换算" in sc.note and i.annual is not None and i.annual.kind in ("number", "range"):
                yield ctx.finding(sc.note, f"{i.name}：目标 {i.annual.raw}；实际 {i.actual.raw}", indicator=i,
                                  project=s.project)


@rule("JX618", "score-not-by-rule", "warning", "document",
      summary="指标得分与按方向复算的得分不符（正向 实际/目标×分值，反向线性扣分，定性分档）",
      rationale="财预〔2020〕10号计分规则，按 pmkpi PERF_T_WARNSET 的正向、反向、等于零和定性分档实现（rules.md §3.2）",
      fix="按指标方向和计分规则重算得分，或说明采用的规则。",
      bad=Example("≥2000亩，完成 1000，得 18 分（应 10 分）", _p([_i(1, "产出指标", "新建农田面积", "≥2000亩", "1000亩", 20, 18,
                                                             "资金未到位")])),
      good=Example("≥2000亩，完成 1000，得 10 分", _p([_i(1, "产出指标", "新建农田面积", "≥2000亩", "1000亩", 20, 10,
                                                      "资金未到位")])),
      reverse_rule="linear_2t", tolerance=0.1)
def score_not_by_rule(ctx):
    cfg = _cfg(ctx, reverse_rule=ctx.option("reverse_rule"))
    tol = ctx.option("tolerance")
    for s in _scores(ctx, cfg):
        for sc in s.indicators:
            i = sc.indicator
            if sc.recomputed is None or i.score is None or i.weight is None or sc.weight_derived:
                continue
            if i.score > i.weight + 0.01 or (sc.status == "missed" and i.score >= i.weight - 0.01):
                continue  # JX601, JX607
            if sc.status == "met" and sc.direction in QUANTITATIVE:
                continue  # JX606
            if not _near(i.score, sc.recomputed, tol):
                yield ctx.finding(f"得分 {i.score:g}，按规则应为 {sc.recomputed:g}（{sc.rule}）",
                                  f"{i.name}：目标 {i.annual.raw}；实际 {i.actual.raw}；分值 {i.weight:g}；得分 {i.score:g}",
                                  indicator=i, project=s.project)


@rule("JX620", "spent-above-budget", "warning", "document",
      summary="全年执行数超过全年预算数（执行率高于 100%）", rationale="财预〔2020〕10号：执行率 = 全年执行数 / 全年预算数；"
      "超出预算的支出须有预算调整依据（财预〔2015〕88号：调整按预算调整程序办理）",
      fix="核对执行数与全年（调整后）预算数；确有追加的，填写调整后的全年预算数。",
      bad=Example("预算 100，执行 103", _p([], _ex(spent=103.0, rate=103.0, score=10.0))),
      good=Example("预算 100，执行 95", _p([], _ex())), tolerance=0.011)
def spent_above_budget(ctx):
    tol = ctx.option("tolerance")
    for s in _scores(ctx):
        ex = s.execution
        if ex is None or ex.budget is None or ex.spent is None or ex.budget <= 0:
            continue
        if ex.spent > ex.budget + tol:
            yield ctx.finding(f"全年执行数 {ex.spent:g} 超过全年预算数 {ex.budget:g}（执行率 {ex.spent / ex.budget:.2%}）",
                              f"全年预算数 {ex.budget:g}；全年执行数 {ex.spent:g}", project=s.project)


def _level_expected(ctx, s) -> dict[str, float]:
    """Each first level's points under the template: its class weight, the satisfaction points moved to
    their fallback when no satisfaction indicator is set, a pooled level (成本指标) counted with its host."""
    cfg = ScoreConfig()
    present = {cfg.pool.get(lv.level1, lv.level1) for lv in s.levels}
    expected = {lv: w for lv, w in cfg.class_weights.items() if lv in present}
    if "满意度指标" not in present and cfg.satisfaction_fallback in expected:
        expected[cfg.satisfaction_fallback] += cfg.class_weights.get("满意度指标", 0.0)
    return expected


@rule("JX619", "level-weights-differ-from-template", "info", "document",
      summary="一级指标下各指标分值之和与模板的一级指标分值不同（默认 产出 50、效益 30、满意度 10）",
      rationale="财预〔2020〕10号：原则上产出 50、效益 30、服务对象满意度 10、预算执行率 10；表中一级指标标签上的分值"
      "（产出指标(50分)）由 JX603 核对；本规则只与模板比较，地方模板常不同，故默认关闭",
      fix="核对各一级指标下的分值分配是否符合本地模板。",
      bad=Example("产出 60、效益 20、满意度 10", _p([
          _i(1, "产出指标", "新建农田面积", "≥2000亩", "2100亩", 60, 60), _i(2, "效益指标", "亩均增产", "≥50公斤", "55公斤", 20, 20),
          _i(3, "满意度指标", "受益农户满意度", "≥90%", "93%", 10, 10)], _ex(score=9.5), {"score": 99.5, "grade": "优"})),
      good=Example("产出 50、效益 30、满意度 10", _full()), enabled=False, tolerance=0.5)
def level_weights(ctx):
    tol = ctx.option("tolerance")
    for s in _scores(ctx):
        if not s.levels or any(x.indicator.weight is None for x in s.indicators) or _incomplete(ctx, s):
            continue
        expected = _level_expected(ctx, s)
        pool = ScoreConfig().pool
        sums: dict[str, float] = {}
        for lv in s.levels:
            host = pool.get(lv.level1, lv.level1)
            sums[host] = sums.get(host, 0.0) + lv.weight
        diffs = [f"{lv} {round(sums.get(lv, 0.0), 2):g}（模板 {w:g}）" for lv, w in expected.items()
                 if not _near(sums.get(lv, 0.0), w, tol)]
        if diffs:
            yield ctx.finding("一级指标分值与模板不同：" + "；".join(diffs),
                              "；".join(f"{lv} {round(w, 2):g}" for lv, w in sums.items()), project=s.project)


# ---------------------------------------------------------------- monitoring

def _mon(indicators: list[dict], month=7, **extra) -> dict:
    return {"kind": "monitoring", "as_of_month": month, "year": 2024,
            "projects": [{"name": "农田建设", "indicators": indicators, **extra}]}


def _lights(ctx, cfg: ScoreConfig):
    key = ("execution.lights", repr(cfg))
    if key not in ctx.cache:
        ctx.cache[key] = light_document(ctx.document, cfg) if ctx.document.kind == "monitoring" and _active(ctx) \
            else []
    return ctx.cache[key]


def _project_of(ctx, lights):
    return next((p for p in ctx.document.projects if p.name == lights.name and p.unit == lights.unit), None)


@rule("JX615", "monitoring-reason-missing", "warning", "document",
      summary="监控表中红灯、黄灯指标未填偏差原因", rationale="财预〔2019〕136号：偏离目标的须分析原因；rules.md §8.1：默认红、黄灯须填"
      "（颜色可配置 reason_required）",
      fix="勾选偏差原因（经费、制度、人员、硬件条件、其他）并说明。",
      bad=Example("7 月完成 300/2000 亩（红灯），无原因", document=_mon([
          _i(1, "产出指标", "新建农田面积", "≥2000亩", "300亩", likelihood="有可能")])),
      good=Example("7 月完成 300/2000 亩，勾选经费保障", document=_mon([
          _i(1, "产出指标", "新建农田面积", "≥2000亩", "300亩", deviation="经费保障、资金下达较晚", likelihood="有可能")])),
      reason_required=["red", "yellow"], positive=[60, 80, 120])
def monitoring_reason(ctx):
    cfg = _cfg(ctx, positive=ctx.option("positive"))
    required = set(ctx.option("reason_required"))
    for pl in _lights(ctx, cfg):
        project = _project_of(ctx, pl)
        for x in pl.indicators:
            i, color = x.indicator, x.light.color
            if color in required and (not i.deviation or NO_REASON.match(i.deviation.strip())):
                progress = f"，进度 {x.light.progress:.0f}%" if x.light.progress is not None else ""
                yield ctx.finding(f"{LIGHT_ZH[color]}灯{progress}，未填偏差原因",
                                  f"{i.name}：目标 {i.annual.raw if i.annual else '（空）'}；1-{pl.month}月 "
                                  f"{i.actual.raw if i.actual else '（空）'}", indicator=i, project=project)


@rule("JX616", "sure-but-forecast-short", "warning", "document",
      summary="完成目标可能性填“确定能”，全年预计完成值却达不到目标（按指标方向）",
      rationale="财预〔2019〕136号监控表：全年预计完成情况与完成目标可能性应一致", fix="修正全年预计值或完成可能性。",
      bad=Example("≥2000亩，预计 1800，确定能", document=_mon([
          _i(1, "产出指标", "新建农田面积", "≥2000亩", "1500亩", forecast=_t("1800亩"), likelihood="确定能")])),
      good=Example("≤5%，预计 3%，确定能", document=_mon([
          _i(1, "效益指标", "投诉率", "≤5%", "2%", forecast=_t("3%"), likelihood="确定能")])))
def sure_but_short(ctx):
    if ctx.document.kind != "monitoring":
        return
    for project, _name, inds, _ex, _ev in _subjects(ctx):
        for i in inds:
            if not i.likelihood or "确定能" not in i.likelihood or i.forecast is None or i.annual is None:
                continue
            sc = score_indicator(i.model_copy(update={"actual": i.forecast}), None, ScoreConfig(), ctx.document.year)
            if sc.status == "missed":
                yield ctx.finding(f"全年预计 {i.forecast.raw} 达不到目标 {i.annual.raw}，完成可能性却为“确定能”",
                                  f"{i.name}：目标 {i.annual.raw}；全年预计 {i.forecast.raw}；完成目标可能性 {i.likelihood}",
                                  indicator=i, project=project)


@rule("JX621", "monitoring-month-missing", "info", "document",
      summary="监控表没有注明监控月份（1-m月），无法按序时进度亮灯", rationale="财预〔2019〕136号：监控 1–7 月（或 1–m 月）的执行情况；"
      "序时进度 = m/12（rules.md §4.2）",
      fix="在表头或列名中注明“1-m月执行情况”。",
      bad=Example("监控表，无月份", document={**_mon([_i(1, "产出指标", "新建农田面积", "≥2000亩", "300亩")]), "as_of_month": None}),
      good=Example("1-7月", document=_mon([_i(1, "产出指标", "新建农田面积", "≥2000亩", "1200亩")])))
def monitoring_month(ctx):
    if ctx.document.kind == "monitoring" and ctx.document.as_of_month is None and _active(ctx):
        yield ctx.finding("监控表没有注明监控月份，正向指标只能按是否达到年度目标亮灯",
                          ctx.document.title or ctx.document.source.name)


@rule("JX617", "no-deviation-on-red", "warning", "document",
      summary="红灯指标的偏差原因写“无偏差”", rationale="rules.md §8.1：全国系统导出以“无偏差”表示未填原因；红灯说明确有偏差",
      fix="分析并填写偏差原因。",
      bad=Example("红灯，原因“无偏差”", document=_mon([
          _i(1, "产出指标", "新建农田面积", "≥2000亩", "300亩", deviation="无偏差")])),
      good=Example("绿灯，原因“无偏差”", document=_mon([
          _i(1, "产出指标", "新建农田面积", "≥2000亩", "1200亩", deviation="无偏差")])),
      positive=[60, 80, 120])
def no_deviation_on_red(ctx):
    cfg = _cfg(ctx, positive=ctx.option("positive"))
    for pl in _lights(ctx, cfg):
        project = _project_of(ctx, pl)
        for x in pl.indicators:
            i = x.indicator
            if x.light.color == "red" and i.deviation and NO_REASON.match(i.deviation.strip()):
                yield ctx.finding(f"红灯，偏差原因却写“{i.deviation}”",
                                  f"{i.name}：目标 {i.annual.raw if i.annual else '（空）'}；1-{pl.month}月 "
                                  f"{i.actual.raw if i.actual else '（空）'}", indicator=i, project=project)


# Read against the source, finding by finding; docs/rules.md prints it (catalog.markdown).
PRECISION = """
### Execution rules on the corpus

`jixiao score` over the ten self-evaluation tables of `shared/corpus/` (007, 015, 019, 020, 026, 029, 034,
038, 040, 041), re-measured 2026-12-01 on the working tree at commit 93ca0da (with other developers'
uncommitted work in it, the parser's included). Every finding was read against the source text:

| rule | findings | true | notes |
|---|---|---|---|
| JX604 execution rate | 1 | 1 | 020: 3824.26 ÷ 4753.66 = 80.45%, printed 100% |
| JX605 execution points | 1 | 1 | 020: 10 points at 80.45% (the rule gives 8.04) |
| JX607 missed with full points | 3 | 3 | 034: 4604 of ≥4754 人 with 5 of 5, 5830 against ≤5300元/户 with 10 of 10; 007: 20 against 550 with 9.3 of 9.3 (as printed) |
| JX609 reason missing | 7 | 7 | 020: points lost ×2; 034 ≤5300元/户 missed; 007, 034 ×2, 041: 33%–96% off target; reason cell empty |
| JX611 fund total row | 1 | 1 | 026: 年度资金总额 0 0 0 over 本年财政拨款 90 / 89.974 |
| JX612 actuals copy targets | 2 | 2 | 038 (five rows, `=230亩` for `=230亩`), 029 (every row, `≥266米` for `≥266米`) |
| JX614 unit differs | 2 | 2 | 019: `1000件` and `5个` as the actuals of `100%` targets (配备率, 维护率): a count where a rate is due |
| JX618 score not by rule | 2 | 2 | 020: 1093 of 1100万元 scored 5 of 6, the rule gives 5.96 |
| JX620 spent above budget | 1 | 1 | 041: 338.31 spent of 329.77 (102.59%) |
| **all** | **20** | **20** | precision 100% |

019 was misjudged in the earlier measurement (after commit 7627bb3: 28 findings, 26 counted true). Its
header is 年初目标值 | 实际完成值 | 未完成原因, and every row ends in `达成预期指标`: that is the reason column,
so `灭火设备配备率 100% 1000件 达成预期指标` is target, actual, reason (as the golden file reads it), and
`不低于95% 达成预期指标` prints no actual. The two JX614 findings then counted false are true, and the
eight JX613 findings then counted true (`达成预期指标` taken as the actual) were false; the parser now reads
the rows this way and JX613 is silent on 019. Corrected, that measurement was 28 findings, 20 true. 015 gives no
finding: its indicators are read without targets or actuals (a parser matter). 040 starts mid-table (the
parser says so), so its sums are not checked. No finding is raised on a seed (target tables carry no
execution fields). Recall was not measured, and misses follow the parser: 029 prints 总分 100 while its
points add up to 110 (产出 70 + 效益 20 + 满意度 10 + 执行 10), but the parser has read neither its glued
funding row (`年度资金总额:202010100.00%10`) nor its 总分, so JX602/JX603 see 100.

### Points printed on a first level (JX603)

Self-evaluations print each first level's points on its label: `产出指标(50分)`, `效益指标(30分)`,
`满意度指标(10分)` (007, 026, 029, 034; `(50)` and a wrapped `30分)` in 020). JX603 checks that the weights
under each such label add up to its points, beside the check that everything adds up to 100. The parser
carries the points as `level1_points` on every indicator under the label (`产出指标(50分)` → 50; null where
the label prints none): an extra field beside the spec's, which its schema allows; not a `_guess`, as the
points are printed, not inferred. A first level printed without points that the template pools into one
with points (101号 成本指标 into 产出指标, config `pool`) may count with it; a level with an unreadable weight
and a table cut off mid-way are not summed. On the corpus the parser reads the points of 007, 026, 029 and
034 (not yet 020's `(50)` and wrapped `30分)`); every level adds up (029: 70, 20, 10 — the table's fault is
产出 70 where the template says 50, JX619, and a whole of 110 with its execution points) or is not summed
(007: a row the parser could not place; 026 and 034 lose their 满意度 row to the cut), so JX603 raises
nothing new there. A hand-made table with `产出指标(60分)` over weights 30 + 20 is found end to end
(tests/test_execution_rules.py).

### Lights at year end

A monitoring table is lit against progress at month m (rules.md §4.2). A self-evaluation is not lit as if
it were a monitoring table at month 12: at the year end there is no progress left to expect, and the
points are the verdict (财预〔2020〕10号, rules.md §3.2: a quantitative target met earns all of its points, a
target missed earns 完成值/指标值 of them; qualitative grades earn 80–100%, 60–80% and 0–60%). With the
month-12 bands a target missed at 92% was green (80 ≤ p < 120) while it lost 8% of its points. So a
self-evaluation row's light follows the share of its points that its recomputed score keeps (computed on a
weight of 100, so a misprinted weight or score does not change it):

- all of them: green; blue where a positive target is exceeded by the monitoring's blue cut (a ≥ 1.2·t,
  `positive[2]`), the over-performance rules.md §3.2 asks to be explained;
- points lost: yellow; fewer than 60% kept: red. 60 is both 10号's line between 部分达成 (60–80%) and
  未达成 (0–60%) and pmkpi's red cut (§4.2). A missed deadline, a missed zero target and a `是/否` answer
  that differs keep nothing and are red; a reverse target keeps 1 − (a − t)/t of its points (§3.2), so 7%
  against ≤5% is yellow (60%) and twice the target is red;
- a qualitative row keeps its wording's colour (达成 green, 部分达成 yellow, 未达成 red, §4.2 and §8.1),
  as its points lie in the band the wording gives;
- a row whose score cannot be recomputed (a text actual on a numeric target, units that do not convert)
  gets no light, as it gets no score;
- budget execution: the share of the execution points kept under the configured rule (default
  min(执行率, 100%), §3.3): 100% green, 92% yellow.

The cuts are configuration (`year_end = [60, 100]` in `[monitor]`: red below, green from, in percent of
the points kept). On the ten corpus self-evaluations no row that loses points is green
(tests/test_execution_lights.py checks it on every parsed row); 034's 4604 of ≥4754 人, printed with full
points, is yellow where the month-12 bands made it green.
"""
