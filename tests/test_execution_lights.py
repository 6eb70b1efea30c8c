"""Monitoring lights (rules.md §4.2, §8.1): time-proportional or against the spending plan, direction-aware,
qualitative by wording, budget execution, thresholds from config."""

from __future__ import annotations

import pytest
from conftest import SHARED

from jixiao.errors import JixiaoError
from jixiao.execution import ScoreConfig, light_document, load_config, score_document
from jixiao.execution.lights import (
    budget_light,
    expected_share,
    indicator_light,
    year_end_budget_light,
    year_end_light,
)
from jixiao.ingest import parse_path
from jixiao.model import Document, Execution, Indicator, SpendingPoint
from jixiao.values import parse_target

CFG = ScoreConfig()


def ind(name: str, target: str, actual: str | None, likelihood: str | None = None) -> Indicator:
    return Indicator(seq=1, level1="产出指标", name=name, annual=parse_target(target),
                     actual=parse_target(actual) if actual else None, likelihood=likelihood)


@pytest.mark.parametrize("actual,color", [
    ("300亩", "red"),      # 300 / (1200 × 7/12) = 43%
    ("500亩", "yellow"),   # 71%
    ("600亩", "green"),    # 86%
    ("900亩", "blue"),     # 129%
])
def test_positive_is_time_proportional(actual, color):
    light = indicator_light(ind("新建农田面积", "≥1200亩", actual), 7 / 12, CFG)
    assert light.color == color and light.progress is not None


def test_met_upper_bound_is_never_red():
    # 7 months in, 120 ≤ 150: the national module's positive formula would call 120/(150·7/12)=137% blue;
    # a `≤` target is judged by whether the actual keeps inside it
    assert indicator_light(ind("单位成本", "≤150元/人", "120元/人"), 7 / 12, CFG).color == "green"
    assert indicator_light(ind("单位成本", "≤150元/人", "160元/人"), 7 / 12, CFG).color == "red"
    assert indicator_light(ind("安全事故", "0起", "0起"), 7 / 12, CFG).color == "green"
    assert indicator_light(ind("安全事故", "0起", "1起"), 7 / 12, CFG).color == "red"


@pytest.mark.parametrize("actual,color", [
    ("达成目标", "green"), ("部分达成目标并具有一定效果", "yellow"), ("未达成目标且效果较差", "red"),
    ("达成年度指标", "green"),
])
def test_qualitative_by_wording(actual, color):
    assert indicator_light(ind("群众获得感", "有效提升", actual), 7 / 12, CFG).color == color


def test_deadline_lights():
    due_passed = indicator_light(ind("完工时间", "2024年6月底前", "主体施工中"), 7 / 12, CFG, month=7, year=2024)
    not_due = indicator_light(ind("完工时间", "2024年10月底前", "主体施工中"), 7 / 12, CFG, month=7, year=2024)
    done = indicator_light(ind("完工时间", "2024年6月底前", "2024年5月"), 7 / 12, CFG, month=7, year=2024)
    assert (due_passed.color, not_due.color, done.color) == ("red", "green", "green")


def test_completely_impossible_is_red():
    assert indicator_light(ind("面积", "≥1200亩", "900亩", "完全不可能"), 7 / 12, CFG).color == "red"


def test_spending_plan_replaces_the_linear_share():
    plan = [SpendingPoint(month=6, cumulative_pct=30), SpendingPoint(month=12, cumulative_pct=100)]
    share, source = expected_share(7, plan)
    assert source == "资金支出计划" and share == pytest.approx((30 + 70 / 6) / 100)
    assert expected_share(7, None) == (pytest.approx(7 / 12), "序时进度")
    # 300 of 1200 by July: red against 7/12 (43%), yellow against a slow plan (41.7% expected: 60%)
    assert indicator_light(ind("面积", "≥1200亩", "300亩"), share, CFG).color == "yellow"


def test_budget_light_and_thresholds_from_config():
    ex = Execution(planned=100, spent=40)
    assert budget_light(ex, 7 / 12, CFG).color == "yellow"  # 40 / 58.3 = 69%
    assert budget_light(ex, 7 / 12, ScoreConfig(budget=(50, 65))).color == "green"
    assert budget_light(Execution(planned=0, spent=0), 7 / 12, CFG).color is None  # zero budget is guarded
    custom = ScoreConfig(positive=(30, 50, 200))  # 43%: yellow instead of red
    assert indicator_light(ind("面积", "≥1200亩", "300亩"), 7 / 12, custom).color == "yellow"


def test_project_light_is_the_worst():
    doc = Document.model_validate({
        "source": {"name": "监控.txt", "sha256": "0" * 64, "format": "text"}, "kind": "monitoring",
        "as_of_month": 7, "year": 2024,
        "projects": [{"name": "农田建设", "execution": {"planned": 100, "spent": 60}, "indicators": [
            ind("面积", "≥1200亩", "900亩").model_dump(), ind("成本", "≤150元/人", "120元/人").model_dump(),
            ind("获得感", "有效提升", "部分达成目标并具有一定效果").model_dump()]}]})
    (pl,) = light_document(doc)
    assert [x.light.color for x in pl.indicators] == ["blue", "green", "yellow"]
    assert pl.color == "yellow" and pl.budget.color == "green"
    assert pl.to_dict()["indicators"][0]["color"] == "blue"


def test_shanxi_variant_colours_only_some_second_levels_by_time():
    cfg = ScoreConfig(proportional_level2=("数量指标",))
    rate = ind("工程验收合格率", "100%", "100%").model_copy(update={"level2": "质量指标"})
    count = ind("渠道清淤长度", "≥30公里", "12公里").model_copy(update={"level2": "数量指标"})
    assert indicator_light(rate, 7 / 12, CFG).color == "blue"  # national: 100/(100·7/12) = 171%
    assert indicator_light(rate, 7 / 12, cfg).color == "green"
    assert indicator_light(count, 7 / 12, cfg).color == "yellow"  # still by time: 69%


def _row(seq, l1, l2, name, target, actual, forecast, deviation=None, likelihood=None) -> dict:
    return {"seq": seq, "level1": l1, "level2": l2, "name": name, "annual": parse_target(target),
            "actual": parse_target(actual) if actual else None, "forecast": parse_target(forecast),
            "deviation": deviation, "likelihood": likelihood}


def test_fixture_expectations():
    """tests/data/execution/README.md: the two 136号 fixtures as the parser should read them, lit and checked."""
    from jixiao.review import review_document

    pipes = Document.model_validate({
        "source": {"name": "monitoring_136_pipes.txt", "sha256": "0" * 64, "format": "text"}, "kind": "monitoring",
        "as_of_month": 7, "year": 2024, "projects": [{"name": "农田水利设施维修养护", "execution": {
            "planned": 200, "spent": 70, "rate": 35, "forecast": 200}, "indicators": [
            _row(1, "产出指标", "数量指标", "渠道清淤长度", "≥30公里", "12公里", "30公里", "其他、汛期暂停施工", "有可能"),
            _row(2, "产出指标", "数量指标", "维修泵站数量", "≥6座", "2座", "5座", "经费保障", "完全不可能"),
            _row(3, "产出指标", "质量指标", "工程验收合格率", "100%", "100%", "100%", None, "确定能"),
            _row(4, "产出指标", "时效指标", "完工时间", "2024年11月底前", "施工中", "2024年11月", None, "确定能"),
            _row(5, "产出指标", "成本指标", "每公里清淤成本", "≤3万元/公里", "2.8万元/公里", "2.9万元/公里", None, "确定能"),
            _row(6, "效益指标", "社会效益指标", "保障灌溉面积", "≥8万亩", "6万亩", "7.5万亩", None, "确定能"),
            _row(7, "效益指标", "生态效益指标", "水土流失治理效果", "有效改善", "部分达成目标并具有一定效果", "达成目标", None,
                 "有可能"),
            _row(8, "满意度指标", "服务对象满意度指标", "受益农户满意度", "≥90%", None, "≥90%", None, "确定能")]}]})
    (pl,) = light_document(pipes)
    assert [x.light.color for x in pl.indicators] == ["yellow", "red", "blue", "green", "green", "blue", "yellow", None]
    assert (pl.color, pl.budget.color) == ("red", "yellow")
    assert sorted((f.rule, f.indicator) for f in review_document(pipes) if f.rule.startswith("JX6")) == [
        ("JX615", "水土流失治理效果"), ("JX616", "保障灌溉面积")]
    cells = Document.model_validate({
        "source": {"name": "monitoring_136_cells.txt", "sha256": "1" * 64, "format": "text"}, "kind": "monitoring",
        "as_of_month": 8, "year": 2024, "projects": [{"name": "社区养老服务补助", "execution": {
            "planned": 120, "spent": 96, "rate": 80, "forecast": 120}, "indicators": [
            _row(1, "产出指标", "数量指标", "助餐服务人次", "≥3万人次", "2.1万人次", "3.1万人次", None, "确定能"),
            _row(4, "效益指标", "社会效益指标", "老年人投诉次数", "≤3次", "5次", "6次", None, "确定能")]}]})
    (pl,) = light_document(cells)
    assert [x.light.color for x in pl.indicators] == ["green", "red"] and pl.budget.color == "green"
    assert sorted(f.rule for f in review_document(cells) if f.rule.startswith("JX6")) == ["JX615", "JX616"]


# ---------------------------------------------------------------- year end (a self-evaluation)


@pytest.mark.parametrize("target,actual,color", [
    ("≥1000亩", "920亩", "yellow"),     # missed at 92%: keeps 92% of its points, not green (10号: a/t × w)
    ("≥1000亩", "1000亩", "green"),     # met: full points
    ("≥1000亩", "1300亩", "blue"),      # met and 30% above: the monitoring's blue cut (120)
    ("≥1000亩", "550亩", "red"),        # 55% of the points: below 60
    ("≤150元/人", "120元/人", "green"),  # a met `≤` target is never red
    ("≤150元/人", "160元/人", "yellow"),  # reverse, linear between t and 2t: 93.3%
    ("≤150元/人", "300元/人", "red"),    # at 2t: nothing kept
    ("0起", "1起", "red"),              # equal to zero, missed: no points
    ("2023年10月底前", "2023年12月", "red"),  # late: no points
    ("2023年10月底前", "2023年9月", "green"),
])
def test_year_end_light_follows_the_points_kept(target, actual, color):
    light = year_end_light(ind("指标", target, actual), CFG, 2023)
    assert light.color == color


def test_year_end_missed_target_at_92_percent_is_not_green_but_at_month_12_it_was():
    missed = ind("新建农田面积", "≥1000亩", "920亩")
    assert indicator_light(missed, 1.0, CFG).color == "green"  # the monitoring bands at month 12: 92% is green
    light = year_end_light(missed, CFG, 2023)
    assert light.color == "yellow" and light.progress == pytest.approx(92.0)


def test_year_end_qualitative_by_wording_and_text_on_a_number_is_not_guessed():
    assert year_end_light(ind("获得感", "有效提升", "达成年度指标"), CFG).color == "green"
    assert year_end_light(ind("获得感", "有效提升", "部分达成年度指标并具有一定效果"), CFG).color == "yellow"
    assert year_end_light(ind("获得感", "有效提升", "未达成年度指标且效果较差"), CFG).color == "red"
    text = year_end_light(ind("合格率", "≥95%", "达成预期指标"), CFG)
    assert text.color is None and "不予推断" in text.note


def test_year_end_thresholds_from_config(tmp_path):
    missed = ind("面积", "≥1000亩", "920亩")
    assert year_end_light(missed, ScoreConfig(year_end=(50, 90)), 2023).color == "green"
    assert year_end_light(missed, ScoreConfig(year_end=(95, 100)), 2023).color == "red"
    path = tmp_path / "score.toml"
    path.write_text("[monitor]\nyear_end = [50, 90]\n", encoding="utf-8")
    assert load_config(path).year_end == (50.0, 90.0)
    path.write_text("[monitor]\nyear_end = [90, 50]\n", encoding="utf-8")
    with pytest.raises(JixiaoError, match="year_end"):
        load_config(path)


def test_year_end_budget_light_by_execution_points():
    assert year_end_budget_light(Execution(planned=100, spent=92, weight=10, score=10), CFG).color == "yellow"
    assert year_end_budget_light(Execution(planned=100, spent=100, weight=10), CFG).color == "green"
    assert year_end_budget_light(Execution(planned=100, spent=50, weight=10), CFG).color == "red"
    bands = ScoreConfig(execution_rule="bands")  # ≥ 90% keeps 0.9 of the points: still points lost
    assert year_end_budget_light(Execution(planned=100, spent=95), bands).progress == pytest.approx(90.0)


def test_self_evaluation_document_is_lit_at_year_end():
    doc = Document.model_validate({
        "source": {"name": "自评.txt", "sha256": "0" * 64, "format": "text"}, "kind": "self_evaluation",
        "year": 2023, "projects": [{"name": "农田建设", "execution": {"planned": 100, "spent": 100, "weight": 10,
                                                                  "score": 10}, "indicators": [
            {**ind("新建农田面积", "≥1000亩", "920亩").model_dump(), "weight": 50, "score": 50},
            {**ind("单位成本", "≤150元/人", "120元/人").model_dump(), "weight": 40, "score": 40}]}]})
    (pl,) = light_document(doc)
    assert [x.light.color for x in pl.indicators] == ["yellow", "green"]
    assert pl.color == "yellow" and pl.budget.color == "green" and pl.share_source == "年末得分"


CORPUS_SELF_EVALUATIONS = ["007", "015", "019", "020", "026", "029", "034", "038", "040", "041"]


def test_no_corpus_self_evaluation_row_losing_points_is_green():
    """On the real self-evaluations: a row is green or blue only where its recomputed score keeps every point."""

    lit = 0
    for n in CORPUS_SELF_EVALUATIONS:
        doc = parse_path(SHARED / "corpus" / f"{n}.txt")
        for pl, s in zip(light_document(doc), score_document(doc), strict=True):
            for il, sc in zip(pl.indicators, s.indicators, strict=True):
                if il.light.color is None:
                    continue
                lit += 1
                if sc.recomputed is not None and sc.weight and sc.direction not in ("qualitative", None):
                    kept = sc.recomputed / sc.weight * 100
                    assert (il.light.color in ("green", "blue")) == (kept >= 100 - 1e-6), (n, il.indicator.name)
    assert lit > 50
