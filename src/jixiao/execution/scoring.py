"""Recompute a self-evaluation: budget execution points, each indicator's points by its direction, the roll-up
per first level, the total and the grade — each beside the printed figure, with the rule used.

The rules are those of shared/rules.md §3 (财预〔2020〕10号 as implemented in pmkpi `PERF_T_WARNSET`) and §8.2;
the template choices live in `ScoreConfig`. Nothing here guesses: an indicator whose actual cannot be set
against its target (text actual on a numeric target, units that do not convert) gets no recomputed score and
says why."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from ..model import Document, Execution, Indicator, Project
from .config import ScoreConfig
from .measure import (
    BOOL,
    DEADLINE,
    DIRECTION_ZH,
    EQUAL_ZERO,
    POSITIVE,
    REVERSE,
    deadline_status,
    direction,
    numbers,
    qualitative_grade,
)

QUAL_BANDS = {"met": (0.8, 1.0), "partial": (0.6, 0.8), "missed": (0.0, 0.6)}
QUAL_ZH = {"met": "达成", "partial": "部分达成", "missed": "未达成"}
STATUS_ZH = {"met": "达成", "partial": "部分达成", "missed": "未达成", None: "无法判断"}


@dataclass
class IndicatorScore:
    indicator: Indicator
    direction: str | None
    status: str | None  # met | partial | missed | None (cannot tell)
    weight: float | None  # printed, or derived from the class weights (weight_derived)
    printed: float | None
    recomputed: float | None
    rule: str  # the rule used, in Chinese
    weight_derived: bool = False
    deviation: float | None = None  # (a − t) / t for numeric targets
    band: tuple[float, float] | None = None  # qualitative: the points range the grade allows
    note: str | None = None  # why no recomputed score, or a conversion made

    @property
    def differs(self) -> bool:
        return (self.printed is not None and self.recomputed is not None
                and abs(self.printed - self.recomputed) > 0.1 + 1e-9)

    def to_dict(self) -> dict:
        i = self.indicator
        return {"seq": i.seq, "level1": i.level1, "level2": i.level2, "name": i.name,
                "target": i.annual.raw if i.annual else None, "actual": i.actual.raw if i.actual else None,
                "direction": self.direction, "status": self.status, "weight": _r(self.weight),
                "weight_derived": self.weight_derived, "printed": self.printed, "recomputed": self.recomputed,
                "rule": self.rule, "deviation": None if self.deviation is None else round(self.deviation, 4),
                "band": list(self.band) if self.band else None, "note": self.note, "reason": i.deviation}


@dataclass
class ExecutionScore:
    budget: float | None  # 全年预算数 (adjusted), else 年初预算数
    spent: float | None
    rate_printed: float | None
    rate_computed: float | None  # percent
    weight: float
    weight_derived: bool
    printed: float | None
    recomputed: float | None
    rule: str

    def to_dict(self) -> dict:
        return {"budget": self.budget, "spent": self.spent, "rate_printed": self.rate_printed,
                "rate_computed": None if self.rate_computed is None else round(self.rate_computed, 2),
                "weight": self.weight, "weight_derived": self.weight_derived, "printed": self.printed,
                "recomputed": self.recomputed, "rule": self.rule}


@dataclass
class LevelScore:
    level1: str
    weight: float
    printed: float | None
    recomputed: float | None
    indicators: int
    points: float | None = None  # the points its label prints (`产出指标(50分)`), where the parser carries them

    def to_dict(self) -> dict:
        return {"level1": self.level1, "weight": _r(self.weight), "printed": _r(self.printed),
                "recomputed": _r(self.recomputed), "indicators": self.indicators, "points": self.points}


@dataclass
class SubjectScore:
    """One project (or a department-wide table's `overall`) scored."""

    document: str
    kind: str
    name: str
    unit: str | None
    code: str | None
    project: Project | None  # None for `overall`
    execution: ExecutionScore | None
    indicators: list[IndicatorScore] = field(default_factory=list)
    levels: list[LevelScore] = field(default_factory=list)
    total_printed: float | None = None
    sum_printed: float | None = None  # Σ printed scores (execution + indicators)
    total_recomputed: float | None = None
    complete: bool = True  # every part recomputed
    grade_printed: str | None = None
    grade_recomputed: str | None = None
    grade_of_printed_total: str | None = None

    def to_dict(self) -> dict:
        return {"document": self.document, "kind": self.kind, "project": self.name, "unit": self.unit,
                "code": self.code, "execution": self.execution.to_dict() if self.execution else None,
                "levels": [lv.to_dict() for lv in self.levels],
                "total": {"printed": self.total_printed, "sum_printed": _r(self.sum_printed),
                          "recomputed": _r(self.total_recomputed), "complete": self.complete},
                "grade": {"printed": self.grade_printed, "of_printed_total": self.grade_of_printed_total,
                          "recomputed": self.grade_recomputed},
                "indicators": [s.to_dict() for s in self.indicators]}


def _r(v: float | None) -> float | None:
    return None if v is None else round(v, 2)


# ---------------------------------------------------------------- indicators

def score_indicator(ind: Indicator, weight: float | None, cfg: ScoreConfig, year: int | None = None,
                    weight_derived: bool = False) -> IndicatorScore:
    d = direction(ind)
    out = IndicatorScore(ind, d, None, weight, ind.score, None, "", weight_derived)
    t, a = ind.annual, ind.actual
    if t is None:
        out.rule, out.note = "无年度指标值，不能计分", "无年度指标值"
        return out
    if a is None:
        out.rule, out.note = "无实际完成值，不能计分", "无实际完成值"
        return out
    if d in (POSITIVE, REVERSE, EQUAL_ZERO):
        _score_number(out, cfg)
    elif d == DEADLINE:
        status, why = deadline_status(t, a, year)
        out.status = status
        out.rule = "时限：按期完成得满分，逾期不得分"
        if status is None:
            out.note = why
        elif weight is not None:
            out.recomputed = weight if status == "met" else 0.0
            out.note = why
    elif d == BOOL:
        same = a.raw.strip() == t.raw.strip()
        out.status = "met" if same else "missed"
        out.rule = "是否：与目标一致得满分，否则不得分"
        if weight is not None:
            out.recomputed = weight if same else 0.0
    else:
        _score_qualitative(out)
    if out.recomputed is not None:
        out.recomputed = round(out.recomputed, 2)
    return out


def _score_number(out: IndicatorScore, cfg: ScoreConfig) -> None:
    ind, w = out.indicator, out.weight
    t_obj, a_obj = ind.annual, ind.actual
    if t_obj.kind == "compound":
        _score_compound(out)
        return
    pair = numbers(t_obj, a_obj)
    if pair.actual is None:
        out.rule = f"{DIRECTION_ZH[out.direction]}：无法计分"
        out.note = pair.note
        if a_obj.kind == "text" and qualitative_grade(a_obj.raw) is not None:
            out.note = f"数值目标的实际完成值为文字“{a_obj.raw}”，不予推断"
        return
    t, a = pair.target, pair.actual
    if pair.converted:
        out.note = pair.converted
    if t:
        out.deviation = (a - t) / t
    if out.direction == EQUAL_ZERO or (out.direction == REVERSE and t == 0):
        met = a <= 0
        out.status = "met" if met else "missed"
        out.rule = "等于零：实际为 0 得满分，否则不得分"
        if w is not None:
            out.recomputed = w if met else 0.0
        return
    if out.direction == POSITIVE:
        hi = t_obj.high if t_obj.kind == "range" else None
        if t <= 0:
            out.status = "met" if a >= t else "missed"
            out.rule = "正向：目标为 0，实际不小于 0 得满分"
            if w is not None:
                out.recomputed = w if a >= t else 0.0
            return
        met = a >= t
        out.status = "met" if met else "missed"
        if hi is not None:
            out.rule = "区间：达到下限得满分，否则 实际/下限 × 分值"
        else:
            out.rule = "正向：实际 ≥ 目标得满分，否则 实际/目标 × 分值"
        if w is not None:
            out.recomputed = w if met else a / t * w
        return
    # reverse, t > 0
    met = a < t if ind.annual.op == "<" else a <= t
    out.status = "met" if met else "missed"
    if cfg.reverse_rule == "ratio":
        out.rule = "反向：实际 ≤ 目标得满分，否则 目标/实际 × 分值"
        if w is not None:
            out.recomputed = w if met else (t / a * w if a > 0 else w)
    else:
        out.rule = "反向：实际 ≤ 目标得满分，目标至 2 倍目标之间线性扣分，≥ 2 倍不得分"
        if w is not None:
            out.recomputed = w if met else max(0.0, 1 - (a - t) / t) * w


def _score_compound(out: IndicatorScore) -> None:
    t_obj, a_obj, w = out.indicator.annual, out.indicator.actual, out.weight
    tparts = t_obj.parts or []
    aparts = a_obj.parts if a_obj.kind == "compound" else None
    out.rule = "复合：各分项按方向计完成比例（不超过 1），取平均 × 分值"
    if not aparts or len(aparts) != len(tparts):
        out.note = "复合目标的实际完成值与分项数不一致，无法计分"
        return
    ratios = []
    for tp, ap in zip(tparts, aparts, strict=True):
        if tp.value is None or ap.value is None:
            out.note = "复合目标的分项无数值，无法计分"
            return
        if tp.op in ("<=", "<"):
            ratios.append(1.0 if ap.value <= tp.value else (tp.value / ap.value if ap.value else 1.0))
        else:
            ratios.append(1.0 if tp.value <= 0 or ap.value >= tp.value else ap.value / tp.value)
    share = sum(ratios) / len(ratios)
    out.status = "met" if share >= 1 - 1e-9 else "missed"
    if w is not None:
        out.recomputed = share * w


def _score_qualitative(out: IndicatorScore) -> None:
    ind, w = out.indicator, out.weight
    grade = qualitative_grade(ind.actual.raw)
    if grade is None and ind.actual.raw.strip() == ind.annual.raw.strip():
        grade = "met"
    out.status = grade
    out.rule = "定性：达成 80%–100%，部分达成 60%–80%，未达成 0–60% 的分值"
    if grade is None:
        out.note = f"无法从“{ind.actual.raw}”判断达成程度"
        return
    lo, hi = QUAL_BANDS[grade]
    if w is None:
        return
    out.band = (round(lo * w, 2), round(hi * w, 2))
    if out.printed is not None and out.band[0] - 1e-9 <= out.printed <= out.band[1] + 1e-9:
        out.recomputed = out.printed
        out.rule += f"；{QUAL_ZH[grade]}，所填分数在档内"
    elif out.printed is not None:
        out.recomputed = min(max(out.printed, out.band[0]), out.band[1])
        out.rule += f"；{QUAL_ZH[grade]}，所填分数不在档内，取档内最近值"
    else:
        out.recomputed = out.band[1]
        out.rule += f"；{QUAL_ZH[grade]}，未填分数，取档上限"


# ---------------------------------------------------------------- budget execution

def score_execution(ex: Execution | None, cfg: ScoreConfig) -> ExecutionScore | None:
    if ex is None or all(v is None for v in (ex.planned, ex.adjusted, ex.spent, ex.rate, ex.weight, ex.score)):
        return None
    budget = ex.adjusted if ex.adjusted is not None else ex.planned
    rate = None
    if budget and ex.spent is not None:
        rate = ex.spent / budget * 100
    weight = ex.weight if ex.weight is not None else cfg.execution_weight
    use = rate if rate is not None else ex.rate
    recomputed = None
    if cfg.execution_rule == "bands":
        rule = "预算执行率分档：" + "，".join(f"≥{lo:g}% 得 {share:g}" for lo, share in cfg.execution_bands)
        if use is not None:
            share = next((s for lo, s in sorted(cfg.execution_bands, reverse=True) if use >= lo - 1e-9), 0.0)
            recomputed = round(share * weight, 2)
    else:
        rule = "预算执行率得分 = min(执行率, 100%) × 分值"
        if use is not None:
            recomputed = round(min(max(use, 0.0), 100.0) / 100 * weight, 2)
    if rate is None and ex.rate is not None:
        rule += "（执行数或预算数缺失，按所填执行率计）"
    return ExecutionScore(budget, ex.spent, ex.rate, rate, weight, ex.weight is None, ex.score, recomputed, rule)


# ---------------------------------------------------------------- weights derived from the class weights

def derive_weights(indicators: list[Indicator], cfg: ScoreConfig, execution_weight: float) -> dict[int, float]:
    """Weights for a table that prints none: each first level's class weight (10号: 产出 50, 效益 30, 满意度 10)
    shared equally by its indicators; the satisfaction points go to `satisfaction_fallback` when no
    satisfaction indicator is set; `pool` sends a level without its own class weight (101号 成本指标) to one
    that has one. Scaled so that indicators and budget execution make 100."""
    by_level: dict[str, list[int]] = defaultdict(list)
    for k, ind in enumerate(indicators):
        lv = ind.level1 or "（未注明）"
        if lv not in cfg.class_weights:
            lv = cfg.pool.get(lv, lv)
        by_level[lv].append(k)
    weights = dict(cfg.class_weights)
    for lv, w in list(weights.items()):
        if lv not in by_level and w:
            target = cfg.satisfaction_fallback if lv == "满意度指标" else None
            if target in by_level:
                weights[target] = weights.get(target, 0.0) + w
            weights[lv] = 0.0
    unknown = [lv for lv in by_level if lv not in weights]
    known_total = sum(weights.get(lv, 0.0) for lv in by_level if lv in weights)
    budget = 100.0 - execution_weight
    if unknown:  # levels the config names no weight for share what is left, else everything equally
        rest = max(budget - known_total, 0.0)
        for lv in unknown:
            weights[lv] = rest / len(unknown) if rest else 0.0
    total = sum(weights[lv] for lv in by_level)
    scale = budget / total if total else 0.0
    out: dict[int, float] = {}
    for lv, ks in by_level.items():
        for k in ks:
            out[k] = weights[lv] * scale / len(ks)
    return out


# ---------------------------------------------------------------- a project, a document

def subjects(doc: Document) -> list[tuple[Project | None, str, list[Indicator], Execution | None, object]]:
    """(project or None, name, indicators, execution, evaluation) for every project and a department-wide
    `overall` that carries execution fields."""
    out = []
    for p in doc.projects:
        out.append((p, p.name, p.indicators, p.execution, p.evaluation))
    ov = doc.overall
    if ov is not None and (ov.execution or ov.evaluation or any(
            i.actual or i.score is not None for s in ov.sections for i in s.indicators)):
        name = f"{doc.department or ''}部门整体".strip()
        out.append((None, name, [i for s in ov.sections for i in s.indicators], ov.execution, ov.evaluation))
    return out


def has_execution_fields(doc: Document) -> bool:
    if doc.kind != "target":
        return True
    for _, _, inds, ex, ev in subjects(doc):
        if ex or ev or any(i.actual or i.score is not None or i.weight is not None for i in inds):
            return True
    return False


def score_subject(doc: Document, project: Project | None, name: str, indicators: list[Indicator],
                  execution: Execution | None, evaluation, cfg: ScoreConfig) -> SubjectScore:
    ex = score_execution(execution, cfg)
    printed_weights = [i.weight for i in indicators]
    derived: dict[int, float] = {}
    if indicators and all(w is None for w in printed_weights):
        derived = derive_weights(indicators, cfg, ex.weight if ex else 0.0)
    scores = []
    for k, ind in enumerate(indicators):
        w = ind.weight if ind.weight is not None else derived.get(k)
        scores.append(score_indicator(ind, w, cfg, doc.year, weight_derived=ind.weight is None and k in derived))
    for sc in scores:
        if sc.note is None and sc.indicator.problem:
            sc.note = sc.indicator.problem  # why a figure is missing: the row was not read in full
    s = SubjectScore(doc.source.name, doc.kind, name, project.unit if project else None,
                     project.code if project else None, project, ex, scores)
    levels: dict[str, list[IndicatorScore]] = defaultdict(list)
    for sc in scores:
        levels[sc.indicator.level1 or "（未注明）"].append(sc)
    for lv, group in levels.items():
        printed = [g.printed for g in group if g.printed is not None]
        rec = [g.recomputed for g in group]
        points = next((g.indicator.level1_points for g in group if g.indicator.level1_points is not None), None)
        s.levels.append(LevelScore(lv, sum(g.weight or 0.0 for g in group), sum(printed) if printed else None,
                                   sum(r for r in rec if r is not None) if any(r is not None for r in rec) else None,
                                   len(group), points))
    parts_printed = ([ex.printed] if ex and ex.printed is not None else []) + [
        g.printed for g in scores if g.printed is not None]
    s.sum_printed = sum(parts_printed) if parts_printed else None
    parts_rec = ([ex.recomputed] if ex else []) + [g.recomputed for g in scores]
    s.complete = bool(parts_rec) and all(r is not None for r in parts_rec)
    known = [r for r in parts_rec if r is not None]
    s.total_recomputed = round(sum(known), 2) if known else None
    if evaluation is not None:
        s.total_printed = evaluation.score
        s.grade_printed = evaluation.grade
    s.grade_recomputed = cfg.grade(s.total_recomputed) if s.complete else None
    s.grade_of_printed_total = cfg.grade(s.total_printed)
    return s


def score_document(doc: Document, cfg: ScoreConfig | None = None) -> list[SubjectScore]:
    """Every project (and a department-wide overall) of a self-evaluation or monitoring table, scored."""
    cfg = cfg or ScoreConfig()
    return [score_subject(doc, p, name, inds, ex, ev, cfg) for p, name, inds, ex, ev in subjects(doc)]
