"""The template choices of scoring and monitoring, with their cited defaults, read from a TOML file.

Real systems disagree on how a reverse indicator is scored, how budget execution earns its points, where the
satisfaction points go when no satisfaction indicator is set and which warning thresholds apply
(shared/rules.md §3, §4.2, §8.1, §8.2). Each choice is one field here; the default is the cited one.

```toml
[score]
class_weights = { "产出指标" = 50, "效益指标" = 30, "满意度指标" = 10 }   # 财预〔2020〕10号
execution_weight = 10                 # 预算执行率 10 分（10号）
satisfaction_fallback = "效益指标"     # 未设满意度指标时其分值并入（10号，R）
pool = { "成本指标" = "产出指标" }        # 101号成本指标未单列分值时并入的一级指标
reverse_rule = "linear_2t"            # linear_2t（t 至 2t 线性扣分）或 ratio（t/a × 分值）
execution_rule = "linear"             # linear：min(执行率,1) × 分值；bands：按 execution_bands 分档
execution_bands = [[100, 1.0], [90, 0.9], [80, 0.8], [60, 0.6], [0, 0.0]]
grades = [[90, "优"], [80, "良"], [60, "中"], [0, "差"]]
deviation_threshold = 0.3             # |a−t|/t ≥ 30% 须说明偏差原因（rules.md §3.2）
tolerance = 0.1                       # 打印分数与复算分数的容差（indicator_audit 0.1）
[monitor]
positive = [60, 80, 120]              # 正向指标序时进度：红 <60，黄 <80，绿 <120，蓝 ≥120（pmkpi）
budget = [60, 80]                     # 预算执行：红 <60，黄 <80，绿 ≥80（pmkpi）
year_end = [60, 100]                  # 自评表（年末）：保留分值 <60% 红，<100% 黄，满分绿（10号 §3.2，§4.2 的 60）
reason_required = ["red", "yellow"]   # 哪些灯须填偏差原因（rules.md §8.1 默认）
# proportional_level2 = ["数量指标", "经济效益指标", "社会效益指标", "生态效益指标", "可持续影响指标",
#                        "服务对象满意度指标"]   # 山西：仅这些二级指标按序时进度着色
```
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field, fields
from pathlib import Path

from ..errors import JixiaoError

# 财预〔2020〕10号: 产出 50, 效益 30, 服务对象满意度 10, 预算执行率 10 (rules.md §3.1)
DEFAULT_CLASS_WEIGHTS = {"产出指标": 50.0, "效益指标": 30.0, "满意度指标": 10.0}
DEFAULT_EXECUTION_WEIGHT = 10.0
# 优 90(含)–100, 良 80(含)–90, 中 60(含)–80, 差 <60 (10号; MoF 预算司 bands, rules.md §3.1 S-P10)
DEFAULT_GRADES = [(90.0, "优"), (80.0, "良"), (60.0, "中"), (0.0, "差")]
DEFAULT_EXECUTION_BANDS = [(100.0, 1.0), (90.0, 0.9), (80.0, 0.8), (60.0, 0.6), (0.0, 0.0)]
# pmkpi PERF_T_WARNSET (rules.md §4.2 S-C10)
DEFAULT_POSITIVE_THRESHOLDS = (60.0, 80.0, 120.0)
DEFAULT_BUDGET_THRESHOLDS = (60.0, 80.0)
# a self-evaluation's light by the share of the points its recomputed score keeps: red below 60% (10号's
# 未达成 band, 0–60%, and pmkpi's red cut), green only with full points (10号: a met target earns all of them)
DEFAULT_YEAR_END_THRESHOLDS = (60.0, 100.0)

REVERSE_RULES = ("linear_2t", "ratio")
EXECUTION_RULES = ("linear", "bands")
LIGHTS = ("red", "yellow", "green", "blue")


@dataclass(frozen=True)
class ScoreConfig:
    class_weights: dict[str, float] = field(default_factory=lambda: dict(DEFAULT_CLASS_WEIGHTS))
    execution_weight: float = DEFAULT_EXECUTION_WEIGHT
    satisfaction_fallback: str = "效益指标"
    pool: dict[str, str] = field(default_factory=lambda: {"成本指标": "产出指标"})
    reverse_rule: str = "linear_2t"
    execution_rule: str = "linear"
    execution_bands: list[tuple[float, float]] = field(default_factory=lambda: list(DEFAULT_EXECUTION_BANDS))
    grades: list[tuple[float, str]] = field(default_factory=lambda: list(DEFAULT_GRADES))
    deviation_threshold: float = 0.3
    tolerance: float = 0.1
    # monitoring
    positive: tuple[float, float, float] = DEFAULT_POSITIVE_THRESHOLDS
    budget: tuple[float, float] = DEFAULT_BUDGET_THRESHOLDS
    reason_required: tuple[str, ...] = ("red", "yellow")
    year_end: tuple[float, float] = DEFAULT_YEAR_END_THRESHOLDS  # self-evaluation: % of the points kept
    # second levels coloured by 序时进度; None: every positive indicator (national module). 山西 colours only
    # 数量, 经济/社会/生态效益, 可持续影响 and 满意度 this way, the rest green inside the target, else red (rules.md §4.2)
    proportional_level2: tuple[str, ...] | None = None

    def grade(self, total: float | None) -> str | None:
        if total is None:
            return None
        for floor, name in sorted(self.grades, reverse=True):
            if total >= floor - 1e-9:
                return name
        return sorted(self.grades)[0][1]

    @classmethod
    def resolve(cls, value: ScoreConfig | dict | str | Path | None) -> ScoreConfig:
        """A ScoreConfig from itself, a dict of the `[score]`/`[monitor]` keys, a TOML path or None."""
        if isinstance(value, cls):
            return value
        if value is None:
            return cls()
        if isinstance(value, dict):
            return _from_dict(value, "<配置>")
        return load_config(value)


def load_config(path: str | Path | None) -> ScoreConfig:
    if path is None:
        return ScoreConfig()
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise JixiaoError(f"评分配置无法读取：{exc}", str(path)) from exc
    merged = {**data.get("score", {}), **data.get("monitor", {})}
    return _from_dict(merged, str(path))


def _from_dict(data: dict, where: str) -> ScoreConfig:
    known = {f.name for f in fields(ScoreConfig)}
    unknown = set(data) - known
    if unknown:
        raise JixiaoError(f"评分配置中有未知项：{', '.join(sorted(unknown))}", where)
    kw: dict = {}
    try:
        for key, value in data.items():
            if key in ("class_weights",):
                kw[key] = {str(k): float(v) for k, v in value.items()}
            elif key == "pool":
                kw[key] = {str(k): str(v) for k, v in value.items()}
            elif key in ("execution_weight", "deviation_threshold", "tolerance"):
                kw[key] = float(value)
            elif key == "execution_bands":
                kw[key] = [(float(a), float(b)) for a, b in value]
            elif key == "grades":
                kw[key] = [(float(a), str(b)) for a, b in value]
            elif key == "positive":
                a, b, c = (float(x) for x in value)
                kw[key] = (a, b, c)
            elif key in ("budget", "year_end"):
                a, b = (float(x) for x in value)
                kw[key] = (a, b)
            elif key in ("reason_required", "proportional_level2"):
                kw[key] = tuple(str(x) for x in value)
            else:
                kw[key] = str(value)
    except (TypeError, ValueError, AttributeError) as exc:
        raise JixiaoError(f"评分配置“{key}”的值无效：{value!r}", where) from exc
    cfg = ScoreConfig(**kw)
    if cfg.reverse_rule not in REVERSE_RULES:
        raise JixiaoError(f"评分配置 reverse_rule 无效：{cfg.reverse_rule}（可用 {'、'.join(REVERSE_RULES)}）", where)
    if cfg.execution_rule not in EXECUTION_RULES:
        raise JixiaoError(f"评分配置 execution_rule 无效：{cfg.execution_rule}（可用 {'、'.join(EXECUTION_RULES)}）",
                          where)
    if not 0 <= cfg.year_end[0] <= cfg.year_end[1]:
        raise JixiaoError(f"评分配置 year_end 无效：{list(cfg.year_end)}（应为 [红灯上限, 绿灯下限]，0 ≤ 前者 ≤ 后者）", where)
    bad = [c for c in cfg.reason_required if c not in LIGHTS]
    if bad:
        raise JixiaoError(f"评分配置 reason_required 中的颜色无效：{'、'.join(bad)}（可用 {'、'.join(LIGHTS)}）", where)
    return cfg
