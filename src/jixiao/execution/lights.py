"""Traffic lights for a monitoring table (rules.md §4.2, §8.1): each indicator and the budget execution at
month m, and each project the worst of its lights.

- positive: p = a / (t · s) × 100 where s is the expected share of the year at month m — m/12 (序时进度),
  or the project's declared 资金支出计划 at m when it has one; red < 60 ≤ yellow < 80 ≤ green < 120 ≤ blue;
- reverse (`≤`, `<`) and equal-to-zero: green when the actual keeps inside the target, else red — a met `≤`
  target is never red;
- deadline: green when done on time or not yet due, red when due and not done;
- qualitative: 达成 green, 部分达成 yellow, 未达成 red, by the wording;
- budget execution: p = (执行数 / 预算数) / s × 100; red < 60 ≤ yellow < 80 ≤ green.

A self-evaluation is not lit as a monitoring table at month 12: the year is over and its points are the
verdict (财预〔2020〕10号, rules.md §3.2). Its light follows the share of the points the recomputed score keeps
(`year_end_light`): full points green (blue where a positive target is exceeded by the monitoring's blue cut),
points lost yellow, under 60% of them red — so a target missed at 92% is yellow, not green; a late deadline
and a missed zero target keep nothing and are red; a qualitative row keeps its wording's colour; budget
execution by the share of its execution points. Thresholds come from `ScoreConfig`."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..model import Document, Execution, Indicator, SpendingPoint
from .config import ScoreConfig
from .measure import (
    BOOL,
    DEADLINE,
    EQUAL_ZERO,
    POSITIVE,
    QUALITATIVE,
    REVERSE,
    date_of,
    deadline_status,
    direction,
    numbers,
    qualitative_grade,
)
from .scoring import score_execution, score_indicator, subjects

LIGHT_ZH = {"red": "红", "yellow": "黄", "green": "绿", "blue": "蓝", None: "—"}
_WORST = {"red": 0, "yellow": 1, "green": 2, "blue": 3}


@dataclass
class Light:
    color: str | None
    progress: float | None  # percent of the expected progress, where one applies
    rule: str
    note: str | None = None

    def to_dict(self) -> dict:
        return {"color": self.color, "progress": None if self.progress is None else round(self.progress, 1),
                "rule": self.rule, "note": self.note}


@dataclass
class IndicatorLight:
    indicator: Indicator
    light: Light

    def to_dict(self) -> dict:
        i = self.indicator
        return {"seq": i.seq, "level1": i.level1, "name": i.name, "target": i.annual.raw if i.annual else None,
                "actual": i.actual.raw if i.actual else None, "forecast": i.forecast.raw if i.forecast else None,
                "likelihood": i.likelihood, "reason": i.deviation, **self.light.to_dict()}


@dataclass
class ProjectLights:
    document: str
    name: str
    unit: str | None
    month: int | None
    expected_share: float | None
    share_source: str
    budget: Light | None
    indicators: list[IndicatorLight] = field(default_factory=list)

    @property
    def color(self) -> str | None:
        """目标执行预警: the worst colour among its indicators (red > yellow > green > blue)."""
        colors = [x.light.color for x in self.indicators if x.light.color]
        return min(colors, key=_WORST.__getitem__) if colors else None

    def to_dict(self) -> dict:
        return {"document": self.document, "project": self.name, "unit": self.unit, "month": self.month,
                "expected_share": None if self.expected_share is None else round(self.expected_share * 100, 2),
                "share_source": self.share_source, "color": self.color,
                "budget": self.budget.to_dict() if self.budget else None,
                "indicators": [x.to_dict() for x in self.indicators]}


def expected_share(month: int | None, plan: list[SpendingPoint] | None) -> tuple[float | None, str]:
    """The share of the year expected by the end of month m: the spending plan's cumulative percent at m
    (linear between its points, 0 at month 0), else m/12."""
    if month is None:
        return None, "无监控月份"
    points = sorted((p.month, p.cumulative_pct) for p in (plan or []) if p.cumulative_pct is not None)
    if points:
        prev_m, prev_v = 0, 0.0
        for m, v in points:
            if month <= m:
                share = prev_v + (v - prev_v) * (month - prev_m) / (m - prev_m) if m != prev_m else v
                return share / 100, "资金支出计划"
            prev_m, prev_v = m, v
        return points[-1][1] / 100, "资金支出计划"
    return month / 12, "序时进度"


def _band(p: float, cuts: tuple[float, ...]) -> str:
    colors = ("red", "yellow", "green", "blue")
    for k, cut in enumerate(cuts):
        if p < cut:
            return colors[k]
    return colors[len(cuts)]


def indicator_light(ind: Indicator, share: float | None, cfg: ScoreConfig, month: int | None = None,
                    year: int | None = None) -> Light:
    d = direction(ind)
    t, a = ind.annual, ind.actual
    if ind.likelihood and "完全不可能" in ind.likelihood:
        return Light("red", None, "完成目标可能性为“完全不可能”")
    if t is None or a is None:
        return Light(None, None, "无目标或无当前完成值", "无年度指标值" if t is None else "无当前完成值")
    if d in (POSITIVE, REVERSE, EQUAL_ZERO) and t.kind != "compound":
        pair = numbers(t, a)
        if pair.actual is None:
            grade = qualitative_grade(a.raw)
            if grade:
                return _qual_light(grade, a.raw)
            return Light(None, None, "无法比较", pair.note)
        tv, av = pair.target, pair.actual
        if d == EQUAL_ZERO or (d == REVERSE and tv == 0):
            return Light("green" if av <= 0 else "red", None, "等于零：实际为 0 绿，否则红")
        if d == REVERSE:
            met = av < tv if t.op == "<" else av <= tv
            return Light("green" if met else "red", None, "反向：实际在目标以内绿，否则红")
        if share is None or share <= 0 or tv <= 0:
            met = av >= tv
            return Light("green" if met else "red", None, "正向：无序时进度，达到目标绿，否则红")
        if cfg.proportional_level2 is not None and ind.level2 not in cfg.proportional_level2:
            met = av >= tv
            return Light("green" if met else "red", None, "正向（不按序时进度的二级指标）：达到目标绿，否则红")
        p = av / (tv * min(share, 1.0)) * 100
        lo, mid, hi = cfg.positive
        return Light(_band(p, cfg.positive), p,
                     f"正向：完成值 ÷（目标 × 进度）；<{lo:g}% 红，<{mid:g}% 黄，<{hi:g}% 绿，≥{hi:g}% 蓝")
    if d == DEADLINE:
        status, why = deadline_status(t, a, year)
        if status == "met":
            return Light("green", None, "时限：已按期完成", why)
        due = date_of(t.raw, year)
        if due and month is not None and (due[0] in (0, year) or year is None) and due[1] <= month:
            return Light("red", None, "时限：已到期未完成", why)
        return Light("green", None, "时限：未到期", why)
    if d == BOOL:
        return Light("green" if a.raw.strip() == t.raw.strip() else "red", None, "是否：与目标一致绿，否则红")
    grade = qualitative_grade(a.raw)
    if grade is None and a.raw.strip() == t.raw.strip():
        grade = "met"
    if grade is None:
        return Light(None, None, "定性：无法判断", f"无法从“{a.raw}”判断达成程度")
    return _qual_light(grade, a.raw)


def _qual_light(grade: str, raw: str) -> Light:
    color = {"met": "green", "partial": "yellow", "missed": "red"}[grade]
    return Light(color, None, "定性：达成绿，部分达成黄，未达成红", f"按“{raw}”判断")


def budget_light(ex: Execution | None, share: float | None, cfg: ScoreConfig) -> Light | None:
    if ex is None:
        return None
    budget = ex.adjusted if ex.adjusted is not None else ex.planned
    if budget and ex.spent is not None:
        rate = ex.spent / budget * 100
    elif ex.rate is not None:
        rate = ex.rate
    else:
        return Light(None, None, "预算执行：无执行数或预算数")
    if not share:
        return Light(None, None, "预算执行：无监控月份", f"执行率 {rate:.2f}%")
    p = rate / (min(share, 1.0) * 100) * 100
    lo, mid = cfg.budget
    return Light(_band(p, cfg.budget + (float("inf"),)), p,
                 f"预算执行：执行率 ÷ 进度；<{lo:g}% 红，<{mid:g}% 黄，≥{mid:g}% 绿", f"执行率 {rate:.2f}%")


def _kept(share: float, cfg: ScoreConfig) -> str:
    """The colour of a share (percent) of the points kept at year end."""
    red_below, green_from = cfg.year_end
    return "red" if share < red_below - 1e-9 else "yellow" if share < green_from - 1e-9 else "green"


def _year_end_rule(cfg: ScoreConfig) -> str:
    red_below, green_from = cfg.year_end
    return f"年末按得分：保留分值 <{red_below:g}% 红，<{green_from:g}% 黄，≥{green_from:g}% 绿"


def year_end_light(ind: Indicator, cfg: ScoreConfig, year: int | None = None) -> Light:
    """A self-evaluation row's light: the share of its points the recomputed score keeps (the score computed
    on a weight of 100, so the light does not depend on the printed weight or score). `progress` is that share."""
    sc = score_indicator(ind, 100.0, cfg, year)
    if sc.status is None:
        return Light(None, None, f"年末：{sc.rule}", sc.note)
    if sc.direction == QUALITATIVE or sc.direction is None:
        return _qual_light(sc.status, ind.actual.raw)
    share = sc.recomputed
    if share is None:
        return Light(None, None, f"年末：{sc.rule}", sc.note)
    color = _kept(share, cfg)
    hi = cfg.positive[2]
    if (color == "green" and sc.direction == POSITIVE and sc.deviation is not None
            and (1 + sc.deviation) * 100 >= hi - 1e-9):
        return Light("blue", share, f"{_year_end_rule(cfg)}；超过目标 {hi - 100:g}% 以上为蓝", sc.note)
    return Light(color, share, f"{_year_end_rule(cfg)}（{sc.rule}）", sc.note)


def year_end_budget_light(ex: Execution | None, cfg: ScoreConfig) -> Light | None:
    """Budget execution at year end: the share of the execution points kept under the configured rule."""
    es = score_execution(ex, cfg)
    if es is None:
        return None
    if es.recomputed is None or not es.weight:
        return Light(None, None, "预算执行：无执行数或预算数")
    share = es.recomputed / es.weight * 100
    rate = es.rate_computed if es.rate_computed is not None else es.rate_printed
    return Light(_kept(share, cfg), share, f"{_year_end_rule(cfg)}（{es.rule}）",
                 None if rate is None else f"执行率 {rate:.2f}%")


def light_document(doc: Document, cfg: ScoreConfig | None = None) -> list[ProjectLights]:
    """Every project's lights: a monitoring table at its month, any other table (a self-evaluation) at year
    end by the points kept."""
    cfg = cfg or ScoreConfig()
    if doc.kind != "monitoring":
        return [_year_end(doc, project, name, inds, ex, cfg) for project, name, inds, ex, _ev in subjects(doc)]
    month = doc.as_of_month
    out = []
    for project, name, inds, ex, _ev in subjects(doc):
        share, source = expected_share(month, project.spending_plan if project else None)
        pl = ProjectLights(doc.source.name, name, project.unit if project else None, month, share, source,
                           budget_light(ex, share, cfg))
        pl.indicators = [IndicatorLight(i, indicator_light(i, share, cfg, month, doc.year)) for i in inds]
        out.append(pl)
    return out


def _year_end(doc: Document, project, name: str, inds: list[Indicator], ex: Execution | None,
              cfg: ScoreConfig) -> ProjectLights:
    pl = ProjectLights(doc.source.name, name, project.unit if project else None, doc.as_of_month or 12, 1.0,
                       "年末得分", year_end_budget_light(ex, cfg))
    pl.indicators = [IndicatorLight(i, year_end_light(i, cfg, doc.year)) for i in inds]
    return pl
