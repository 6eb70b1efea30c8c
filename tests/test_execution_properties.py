"""Properties of the scorer and the lights over any target and actual text: no exception, a recomputed score
between 0 and the weight, full points exactly when the target is met, and a met upper bound never red."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from jixiao.execution import ScoreConfig
from jixiao.execution.lights import indicator_light
from jixiao.execution.scoring import score_indicator
from jixiao.model import Indicator
from jixiao.values import parse_target

OPS = ["≥", "≤", "＜", "＞", "", "不少于", "不超过"]
UNITS = ["%", "人次", "万元", "元", "天", "个", "", "亩", "起"]
WORDS = ["完成", "达成年度指标", "部分达成年度指标并具有一定效果", "未达成年度指标且效果较差", "有效提升", "是", "否",
         "2023年12月底前", "2023年11月", "12月底", "无", "—", "80%-90%", "≥3万笔；≤5次"]

number = st.builds(lambda op, v, u: f"{op}{v:.6g}{u}".replace("e+", "").replace("e-", ""), st.sampled_from(OPS),
                   st.floats(min_value=0, max_value=1e6, allow_nan=False), st.sampled_from(UNITS))
value_text = st.one_of(number, st.sampled_from(WORDS), st.text(max_size=12))


@settings(max_examples=400, deadline=None)
@given(target=value_text, actual=value_text, weight=st.floats(min_value=0, max_value=100, allow_nan=False),
       name=st.sampled_from(["培训人次", "投诉率", "完工时间", "满意度", "安全事故"]),
       reverse_rule=st.sampled_from(["linear_2t", "ratio"]))
def test_any_text_scores_within_the_weight(target, actual, weight, name, reverse_rule):
    t, a = parse_target(target), parse_target(actual)
    if t is None or a is None:
        return
    ind = Indicator(seq=1, level1="产出指标", name=name, annual=t, actual=a, weight=weight)
    s = score_indicator(ind, weight, ScoreConfig(reverse_rule=reverse_rule), year=2023)
    assert s.rule
    if s.recomputed is not None:
        assert -1e-9 <= s.recomputed <= weight + 0.01
        if s.status == "met" and s.direction != "qualitative":
            assert abs(s.recomputed - round(weight, 2)) <= 0.01
    light = indicator_light(ind, 7 / 12, ScoreConfig(), month=7, year=2023)
    assert light.color in (None, "red", "yellow", "green", "blue")


@settings(max_examples=200, deadline=None)
@given(target=st.floats(min_value=0.01, max_value=1e5, allow_nan=False),
       actual=st.floats(min_value=0, max_value=2e5, allow_nan=False), share=st.floats(min_value=0.01, max_value=1))
def test_a_met_upper_bound_is_never_red(target, actual, share):
    t, a = f"{target:.2f}", f"{actual:.2f}"
    ind = Indicator(seq=1, name="单位成本", annual=parse_target(f"≤{t}元"), actual=parse_target(f"{a}元"))
    light = indicator_light(ind, share, ScoreConfig())
    met = float(a) <= float(t)
    assert (light.color == "green") == met and (light.color == "red") == (not met)
