"""The target-value grammar: a table of real-looking values and a property test."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jixiao.values import OP_SPELLINGS, parse_target

# raw, kind, op, value, high, unit
CASES = [
    ("≥95%", "number", ">=", 95, None, "%"),
    ("100%", "number", "=", 100, None, "%"),
    (">80%", "number", ">", 80, None, "%"),
    ("≤3%", "number", "<=", 3, None, "%"),
    ("<3%", "number", "<", 3, None, "%"),
    ("≥9亿元", "number", ">=", 9, None, "亿元"),
    ("≥200亿", "number", ">=", 200, None, "亿"),
    ("≥3000家", "number", ">=", 3000, None, "家"),
    ("达到95%以上", "number", ">=", 95, None, "%"),
    ("90%以上", "number", ">=", 90, None, "%"),
    ("≥1份", "number", ">=", 1, None, "份"),
    ("≥3场次", "number", ">=", 3, None, "场次"),
    ("≥60课时", "number", ">=", 60, None, "课时"),
    ("2", "number", "=", 2, None, None),
    ("21", "number", "=", 21, None, None),
    ("0", "number", "=", 0, None, None),
    ("<5", "number", "<", 5, None, None),
    ("2次或以上", "number", ">=", 2, None, "次"),
    (">2次", "number", ">", 2, None, "次"),
    (">40%", "number", ">", 40, None, "%"),
    ("≥800", "number", ">=", 800, None, None),
    ("<=96小时", "number", "<=", 96, None, "小时"),
    ("≥180亿元", "number", ">=", 180, None, "亿元"),
    ("≤2次", "number", "<=", 2, None, "次"),
    (">95%", "number", ">", 95, None, "%"),
    ("不少于1次", "number", ">=", 1, None, "次"),
    ("不低于90%", "number", ">=", 90, None, "%"),
    ("每年不超过6次", "number", "<=", 6, None, "次"),
    ("每人超过4件", "number", ">", 4, None, "件"),
    ("超过80%", "number", ">", 80, None, "%"),
    ("≥5", "number", ">=", 5, None, None),
    ("3份", "number", "=", 3, None, "份"),
    ("12次", "number", "=", 12, None, "次"),
    ("80%", "number", "=", 80, None, "%"),
    ("满意度95%以上", "number", ">=", 95, None, "%"),
    ("退文率5%以下", "number", "<=", 5, None, "%"),
    ("开展调研50次以上", "number", ">=", 50, None, "次"),
    ("大于等于95%", "number", ">=", 95, None, "%"),
    ("小于等于1%", "number", "<=", 1, None, "%"),
    ("<30分钟", "number", "<", 30, None, "分钟"),
    ("&lt;30分钟", "number", "<", 30, None, "分钟"),
    ("小于2小时", "number", "<", 2, None, "小时"),
    ("大于等于150小时", "number", ">=", 150, None, "小时"),
    ("4小时内到场处置故障", "number", "<=", 4, None, "小时"),
    ("18个月内", "number", "<=", 18, None, "个月"),
    ("250张", "number", "=", 250, None, "张"),
    ("100G/每月", "number", "=", 100, None, "G/每月"),
    ("每天不少于2次清洁打扫", "number", ">=", 2, None, "次"),
    ("≥21个", "number", ">=", 21, None, "个"),
    ("≥100000个", "number", ">=", 100000, None, "个"),
    ("≤500元/个", "number", "<=", 500, None, "元/个"),
    ("≤0.24万元/个", "number", "<=", 0.24, None, "万元/个"),
    ("≤0.45万元/台", "number", "<=", 0.45, None, "万元/台"),
    ("≥1000平米", "number", ">=", 1000, None, "平米"),
    ("≤1.2元/平米", "number", "<=", 1.2, None, "元/平米"),
    ("≤3万元/房间", "number", "<=", 3, None, "万元/房间"),
    ("≥5年", "number", ">=", 5, None, "年"),
    ("≥50台", "number", ">=", 50, None, "台"),
    ("≥50次", "number", ">=", 50, None, "次"),
    ("≤0.3万元", "number", "<=", 0.3, None, "万元"),
    ("严格按照预算标准1000元/人给补助对象兑付补助", "number", "=", 1000, None, "元/人"),
    ("第三方绩效评价结果网上公示率100%", "number", "=", 100, None, "%"),
    ("预算经费支付率≤100%", "number", "<=", 100, None, "%"),
    ("≥12000盏", "number", ">=", 12000, None, "盏"),
    ("95%（含）以上", "number", ">=", 95, None, "%"),
    ("3,000", "number", "=", 3000, None, None),
    ("≥-5%", "number", ">=", -5, None, "%"),
    ("≥95％", "number", ">=", 95, None, "%"),  # a full-width percent sign is read as %
    ("不少于两次", "number", ">=", 2, None, "次"),
    ("2-3小时", "range", None, 2, 3, "小时"),
    ("80%-90%", "range", None, 80, 90, "%"),
    ("80%至90%", "range", None, 80, 90, "%"),
    ("85%~95%", "range", None, 85, 95, "%"),
    ("每隔2-3小时巡查一次", "range", None, 2, 3, "小时"),
    ("是", "bool", None, None, None, None),
    ("否", "bool", None, None, None, None),
    ("2023年底完成", "deadline", None, None, None, None),
    ("年底前完成", "deadline", None, None, None, None),
    ("2022年年底完成", "deadline", None, None, None, None),
    ("12月底前", "deadline", None, None, None, None),
    ("12月底到位", "deadline", None, None, None, None),
    ("2025年12月", "deadline", None, None, None, None),
    ("2024年9月底前", "deadline", None, None, None, None),
    ("2023年12月31日前", "deadline", None, None, None, None),
    ("2023.07-2024.01", "text", None, None, None, None),
    ("2021年1月-12月", "text", None, None, None, None),
    ("优", "text", None, None, None, None),
    ("有效提升", "text", None, None, None, None),
    ("规范", "text", None, None, None, None),
    ("小于等于预算批复金额", "text", None, None, None, None),
    ("按期完成", "text", None, None, None, None),
    ("时间进度完成", "text", None, None, None, None),
    ("AAA", "text", None, None, None, None),
    ("通过上级部门审核", "text", None, None, None, None),
    ("按当年采购计划及时完成采购", "text", None, None, None, None),
    ("5G网络覆盖率≥95%", "number", ">=", 95, None, "%"),
]

COMPOUND = [
    ("直接支付≥3万笔; 授权支付≥60万笔", [("直接支付", ">=", 3, "万笔"), ("授权支付", ">=", 60, "万笔")]),
    ("直接支付 ≥3万笔;授权支付 ≥50万笔", [("直接支付", ">=", 3, "万笔"), ("授权支付", ">=", 50, "万笔")]),
    ("全年共发行不超过38期，每期3524份", [("全年共发行", "<=", 38, "期"), ("每期", "=", 3524, "份")]),
    ("紧急公文在2小时内发出，非紧急公文在8小时内发出",
     [("紧急公文在", "<=", 2, "小时"), ("非紧急公文在", "<=", 8, "小时")]),
    ("每隔2-3小时巡查一次，每年不少于1次消防演练", [("每隔", None, 2, "小时"), ("每年", ">=", 1, "次")]),
    ("≥95%且≤100%", [(None, ">=", 95, "%"), (None, "<=", 100, "%")]),
]


def test_table_is_large_enough():
    assert len(CASES) + len(COMPOUND) >= 80


@pytest.mark.parametrize("raw,kind,op,value,high,unit", CASES, ids=[c[0] for c in CASES])
def test_value(raw, kind, op, value, high, unit):
    t = parse_target(raw)
    assert (t.kind, t.op, t.value, t.high, t.unit) == (kind, op, value, high, unit)
    assert t.raw == raw.replace("&lt;", "<")
    assert t.parts is None


@pytest.mark.parametrize("raw,parts", COMPOUND, ids=[c[0] for c in COMPOUND])
def test_compound(raw, parts):
    t = parse_target(raw)
    assert t.kind == "compound" and t.op is None and t.value is None
    assert [(p.label, p.op, p.value, p.unit) for p in t.parts] == parts


def test_blank_is_none_and_trailing_punctuation_is_dropped():
    assert parse_target("") is None and parse_target("   ") is None
    assert parse_target("≥95%。").raw == "≥95%"


UNITS = ["%", "个", "次", "万元", "元/人", "小时", "人次", "亿元", "天", "万元/台", "家", "件"]
SPELLING = [(op, s) for op, spellings in OP_SPELLINGS.items() for s in spellings]


@given(
    spelling=st.sampled_from(SPELLING),
    number=st.one_of(st.integers(min_value=0, max_value=10_000_000),
                     st.decimals(min_value=0, max_value=100000, places=2).map(float)),
    unit=st.one_of(st.none(), st.sampled_from(UNITS)),
    label=st.sampled_from(["", "满意度", "每年", "完成率", "全年"]),
)
def test_any_operator_spelling_round_trips(spelling, number, unit, label):
    op, word = spelling
    text_number = f"{number:g}" if isinstance(number, float) else str(number)
    raw = f"{label}{word}{text_number}{unit or ''}"
    t = parse_target(raw)
    assert t.kind == "number", raw
    assert (t.op, t.value, t.unit) == (op, float(text_number), unit), raw


@given(st.text(max_size=60))
def test_never_raises(text):
    t = parse_target(text)
    assert t is None or t.kind in ("number", "range", "compound", "bool", "deadline", "text")
