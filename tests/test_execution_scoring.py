"""Self-evaluation scoring: each direction, budget execution points, derived weights, roll-up, grade, config."""

from __future__ import annotations

import pytest

from jixiao.errors import JixiaoError
from jixiao.execution import ScoreConfig, load_config, score_document, score_indicator
from jixiao.execution.measure import date_of, qualitative_grade
from jixiao.execution.scoring import derive_weights
from jixiao.model import Document, Indicator, Source
from jixiao.values import parse_target


def ind(name: str, target: str | None, actual: str | None, weight: float | None = 10, score: float | None = None,
        level1: str = "产出指标", seq: int = 1, deviation: str | None = None) -> Indicator:
    return Indicator(seq=seq, level1=level1, name=name, annual=parse_target(target) if target else None,
                     actual=parse_target(actual) if actual else None, weight=weight, score=score,
                     deviation=deviation)


def doc(projects: list[dict], **kw) -> Document:
    return Document.model_validate({"source": Source(name="自评.txt", sha256="0" * 64, format="text"),
                                    "kind": "self_evaluation", "year": 2023, "projects": projects, **kw})


CFG = ScoreConfig()


@pytest.mark.parametrize("target,actual,expected,status", [
    ("≥2000亩", "2100亩", 10, "met"),
    ("≥2000亩", "1800亩", 9, "missed"),          # 10号: 完成值/指标值 × 分值
    ("≥2000亩", "1800", 9, "missed"),            # a bare actual takes the target's unit
    ("100%", "95%", 9.5, "missed"),              # `=` with t ≠ 0 is positive
    ("≤5%", "4%", 10, "met"),                    # reverse, inside
    ("≤5%", "7.5%", 5, "missed"),                # reverse, linear between t and 2t
    ("≤5%", "12%", 0, "missed"),                 # reverse, ≥ 2t
    ("0起", "0起", 10, "met"),                    # equal to zero
    ("0起", "1起", 0, "missed"),
    ("≤150万元", "1200000元", 10, "met"),         # 元 converted to 万元
    ("≤150万元", "180万元", 8, "missed"),
    ("80%-90%", "70%", 8.75, "missed"),          # range: below the low end
])
def test_numeric_directions(target, actual, expected, status):
    s = score_indicator(ind("指标", target, actual), 10, CFG)
    assert s.status == status
    assert s.recomputed == pytest.approx(expected)
    assert s.rule


def test_reverse_by_name_with_a_bare_target():
    s = score_indicator(ind("群众投诉率", "5%", "6%"), 10, CFG)
    assert s.direction == "reverse" and s.status == "missed" and s.recomputed == pytest.approx(8)


def test_reverse_ratio_rule_from_config():
    s = score_indicator(ind("投诉率", "≤5%", "10%"), 10, ScoreConfig(reverse_rule="ratio"))
    assert s.recomputed == pytest.approx(5) and "目标/实际" in s.rule


@pytest.mark.parametrize("target,actual,status,points", [
    ("2023年12月底前", "2023年11月", "met", 10),
    ("2023年10月底前", "2023年12月", "missed", 0),
    ("12月底前", "已按期完成", "met", 10),
    ("年底前完成", "延期至次年3月", "missed", 0),
])
def test_deadline(target, actual, status, points):
    s = score_indicator(ind("完成时间", target, actual), 10, CFG, year=2023)
    assert s.direction == "deadline" and s.status == status and s.recomputed == points


@pytest.mark.parametrize("actual,printed,grade,expected", [
    ("达成年度指标", 9, "met", 9),                            # inside 80%–100%
    ("部分达成年度指标并具有一定效果", 9, "partial", 8),        # above the band: its nearest edge
    ("未达成年度指标且效果较差", None, "missed", 6),            # no printed score: top of the band
    ("部分达成目标并具有一定效果", 7, "partial", 7),            # the monitoring spelling
])
def test_qualitative_bands(actual, printed, grade, expected):
    s = score_indicator(ind("群众获得感", "有效提升", actual, score=printed), 10, CFG)
    assert s.direction == "qualitative" and s.status == grade and s.recomputed == expected


def test_text_actual_on_numeric_target_is_not_guessed():
    s = score_indicator(ind("培训人次", "≥100人次", "完成"), 10, CFG)
    assert s.recomputed is None and "不予推断" in s.note


def test_unconvertible_unit_is_not_scored():
    s = score_indicator(ind("培训人次", "≥100人次", "3批"), 10, CFG)
    assert s.recomputed is None and "无法换算" in s.note


def test_missing_target_or_actual():
    assert score_indicator(ind("a", None, "5人"), 10, CFG).recomputed is None
    assert score_indicator(ind("a", "≥5人", None), 10, CFG).recomputed is None


def _project(**kw) -> dict:
    inds = [ind("新建农田面积", "≥2000亩", "1800亩", 50, 50, "产出指标", 1),
            ind("亩均增产", "≥50公斤", "55公斤", 30, 30, "效益指标", 2),
            ind("受益农户满意度", "≥90%", "93%", 10, 10, "满意度指标", 3)]
    return {"name": "农田建设", "indicators": [i.model_dump() for i in inds],
            "execution": {"planned": 100, "adjusted": 90, "spent": 81, "rate": 90, "weight": 10, "score": 9},
            "evaluation": {"score": 99, "grade": "优"}, **kw}


def test_project_roll_up_total_and_grade():
    (s,) = score_document(doc([_project()]))
    assert s.execution.rate_computed == pytest.approx(90)  # 81 ÷ 90 (全年预算数, not 年初)
    assert s.execution.recomputed == pytest.approx(9)
    levels = {lv.level1: lv for lv in s.levels}
    assert levels["产出指标"].printed == 50 and levels["产出指标"].recomputed == pytest.approx(45)
    assert s.sum_printed == pytest.approx(99) and s.total_printed == 99
    assert s.total_recomputed == pytest.approx(94) and s.complete
    assert s.grade_recomputed == "优" and s.grade_of_printed_total == "优"
    data = s.to_dict()
    assert data["indicators"][0]["printed"] == 50 and data["indicators"][0]["recomputed"] == 45


def test_execution_bands_rule():
    cfg = ScoreConfig(execution_rule="bands")
    (s,) = score_document(doc([_project(execution={"planned": 100, "spent": 85, "weight": 10})]), cfg)
    assert s.execution.recomputed == pytest.approx(8)  # ≥80% → 0.8


def test_grade_bands():
    assert [CFG.grade(x) for x in (100, 90, 89.99, 80, 79.5, 60, 59.9)] == ["优", "优", "良", "良", "中", "中", "差"]


def test_derived_weights_follow_the_class_weights():
    inds = [ind("a", "≥1个", "1个", None, level1="产出指标"), ind("b", "≥1个", "1个", None, level1="产出指标"),
            ind("c", "≥1个", "1个", None, level1="效益指标"), ind("d", "≤1万元", "1万元", None, level1="成本指标")]
    w = derive_weights(inds, CFG, 10)
    # no satisfaction indicator: its 10 go to 效益 (40); 成本 pools with 产出 (50 over three)
    assert [round(w[k], 2) for k in range(4)] == [16.67, 16.67, 40.0, 16.67]
    assert sum(w.values()) == pytest.approx(90)


def test_table_without_weights_is_scored_with_derived_weights():
    p = {"name": "培训", "indicators": [ind("人次", "≥100人次", "120人次", None).model_dump(),
                                      ind("满意度", "≥90%", "95%", None, level1="满意度指标").model_dump()],
         "execution": {"planned": 10, "spent": 10}}
    (s,) = score_document(doc([p]))
    assert all(x.weight_derived for x in s.indicators)
    assert s.total_recomputed == pytest.approx(100)


def test_department_wide_overall_is_scored():
    d = doc([], department="某局", overall={"sections": [{"title": "履职", "indicators": [
        ind("办件量", "≥100件", "100件", 90, 90).model_dump()]}],
        "execution": {"planned": 10, "spent": 10, "weight": 10, "score": 10}, "evaluation": {"score": 100}})
    (s,) = score_document(d)
    assert s.project is None and s.name == "某局部门整体" and s.total_recomputed == pytest.approx(100)


def test_config_file_and_bad_config(tmp_path):
    good = tmp_path / "s.toml"
    good.write_text('[score]\nreverse_rule = "ratio"\nclass_weights = { "产出指标" = 60, "效益指标" = 30 }\n'
                    '[monitor]\npositive = [50, 75, 130]\n', encoding="utf-8")
    cfg = load_config(good)
    assert cfg.reverse_rule == "ratio" and cfg.class_weights["产出指标"] == 60 and cfg.positive == (50, 75, 130)
    bad = tmp_path / "b.toml"
    bad.write_text('[score]\nreverse_rule = "half"\n', encoding="utf-8")
    with pytest.raises(JixiaoError, match="reverse_rule"):
        load_config(bad)
    bad.write_text('[score]\nclass_weights = { "产出指标" = "五十" }\n', encoding="utf-8")
    with pytest.raises(JixiaoError, match="class_weights"):
        load_config(bad)
    bad.write_text('[score]\nunknown = 1\n', encoding="utf-8")
    with pytest.raises(JixiaoError, match="unknown"):
        load_config(bad)


def test_wording_and_dates():
    assert qualitative_grade("达成年度指标") == "met"
    assert qualitative_grade("部分达成年度指标并具有一定效果") == "partial"
    assert qualitative_grade("未达成年度指标且效果较差") == "missed"
    assert qualitative_grade("详见附件") is None
    assert date_of("2023年底完成") == (2023, 12, 31)
    assert date_of("12月底前", 2024) == (2024, 12, 31)
    assert date_of("2023.10.15") == (2023, 10, 15)


def test_a_bare_share_against_a_percent_target_is_not_guessed():
    s = score_indicator(ind("验收合格率", "≥95%", "0.97"), 10, CFG)
    assert s.recomputed is None and "无法确定" in s.note
    assert score_indicator(ind("验收合格率", "≥95%", "97"), 10, CFG).recomputed == 10  # a bare 97 is 97%


def test_a_yearless_deadline_takes_the_actual_year():
    assert score_indicator(ind("完工时间", "12月底前", "2023年11月"), 10, CFG, year=None).status == "met"
    assert score_indicator(ind("完工时间", "10月底前", "2023年11月"), 10, CFG, year=None).status == "missed"


def test_a_month_count_actual_against_a_month_target():
    s = score_indicator(ind("建设周期", "≤12月", "11月"), 10, CFG)
    assert s.status == "met" and s.recomputed == 10


def test_a_rate_unit_converts_over_the_same_denominator():
    s = score_indicator(ind("每场演出补助", "≤8000元/场", "0.75万元/场"), 10, CFG)
    assert s.status == "met" and s.recomputed == 10 and "7500元/场" in s.note
    assert score_indicator(ind("补助", "≤8000元/场", "0.75万元/人"), 10, CFG).recomputed is None
