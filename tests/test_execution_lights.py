"""Monitoring lights (rules.md §4.2, §8.1): time-proportional or against the spending plan, direction-aware,
qualitative by wording, budget execution, thresholds from config."""

from __future__ import annotations

import pytest

from jixiao.execution import ScoreConfig, light_document
from jixiao.execution.lights import budget_light, expected_share, indicator_light
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
