"""The execution rule family beyond its bad/good examples (those run in test_review.py): the cases the issue
names, a department-wide table, thresholds from options, and silence on target tables."""

from __future__ import annotations

from collections import Counter

from conftest import SEEDS

from jixiao.ingest import parse_path
from jixiao.model import Document, Indicator
from jixiao.review import Settings, review_document
from jixiao.review.rules.execution import LEVEL_POINTS, _ex, _full, _i, _mon, _p, printed_level_points


def _doc(**data) -> Document:
    return Document.model_validate({"source": {"name": "自评.txt", "sha256": "0" * 64, "format": "text"},
                                    "kind": "self_evaluation", **data})


def _rules(doc: Document, settings: Settings | None = None) -> Counter:
    return Counter(f.rule for f in review_document(doc, settings) if f.rule.startswith("JX6"))


def test_a_consistent_self_evaluation_has_no_execution_finding():
    assert _rules(_doc(projects=[_full()])) == Counter()


def test_fund_total_row_of_zeros_under_a_funded_fiscal_row():
    """The real fault rules.md §8.2 quotes: 年度资金总额 0 while 本年财政拨款 reads 90 / 89.974."""
    p = _p([], _ex(planned=0.0, adjusted=0.0, spent=0.0, rate=None, score=None), budget={"total": 0.0, "fiscal": 90.0})
    (f,) = [f for f in review_document(_doc(projects=[p])) if f.rule == "JX611"]
    assert "小于其中分项之和 90" in f.message and f.project == "农田建设"


def test_missed_deadline_with_full_points():
    p = _p([_i(1, "产出指标", "完工时间", "2023年10月底前", "2023年12月", 10, 10)])
    found = review_document(_doc(year=2023, projects=[p]))
    assert [f.rule for f in found if f.rule == "JX607"] == ["JX607"]
    assert any(f.rule == "JX609" and "未达到目标" in f.message for f in found)  # late and unexplained (10号)


def test_over_performance_needs_a_reason_and_the_threshold_is_an_option():
    p = _p([_i(1, "产出指标", "培训人次", "≥100人次", "135人次", 10, 10)])
    assert _rules(_doc(projects=[p]))["JX609"] == 1
    loose = Settings(options={"JX609": {"deviation_threshold": 0.5}})
    assert _rules(_doc(projects=[p]), loose)["JX609"] == 0


def test_grade_legacy_words_and_total_fallback():
    assert _rules(_doc(projects=[_full(grade="好")]))["JX610"] == 0  # 好 = 优 (rules.md §8.2)
    assert _rules(_doc(projects=[_full(grade="较好")]))["JX610"] == 1


def test_department_wide_overall_is_checked():
    doc = _doc(department="某局", overall={"sections": [{"title": "履职", "indicators": [
        _i(1, "产出指标", "办件量", "≥100件", "80件", 90, 90)]}],
        "execution": _ex(), "evaluation": {"score": 99.5, "grade": "优"}})
    found = [f for f in review_document(doc) if f.rule == "JX607"]
    assert len(found) == 1 and found[0].project is None and found[0].indicator == "办件量"


def test_monitoring_reason_colors_are_an_option():
    doc = Document.model_validate({"source": {"name": "监控.txt", "sha256": "0" * 64, "format": "text"}, **_mon([
        _i(1, "产出指标", "新建农田面积", "≥2000亩", "850亩")])})  # 73%: yellow
    assert _rules(doc)["JX615"] == 1
    assert _rules(doc, Settings(options={"JX615": {"reason_required": ["red"]}}))["JX615"] == 0


def test_monitoring_rows_are_not_held_to_self_evaluation_rules():
    doc = Document.model_validate({"source": {"name": "监控.txt", "sha256": "0" * 64, "format": "text"}, **_mon([
        _i(1, "产出指标", "新建农田面积", "≥2000亩", "1200亩")])})
    assert _rules(doc) == Counter()  # on schedule at month 7; not "missed" as a year-end table would be


def test_target_tables_never_trigger_an_execution_rule():
    for path in SEEDS[:6]:
        assert _rules(parse_path(path)) == Counter(), path.name


def test_sums_are_not_checked_on_a_cut_off_document():
    short = _full(total=95)  # a total that is not the sum; weights 50 + 30 + 10 + 10
    short["indicators"] = short["indicators"][:2]  # the satisfaction row lost: weights now 90
    assert {"JX602", "JX603"} <= set(_rules(_doc(projects=[short])))
    cut = _doc(projects=[short], problems=[{"message": "文本在表格中途结束，最后一行不完整，未读取"}])
    assert not {"JX602", "JX603"} & set(_rules(cut))


def test_self_evaluation_fixture_expectations():
    """tests/data/execution/README.md: selfeval_10hao_faults.txt as a parser should read it, and its findings."""
    from jixiao.values import parse_target

    def row(seq, l1, l2, name, target, actual, weight, score):
        return {"seq": seq, "level1": l1, "level2": l2, "name": name, "annual": parse_target(target),
                "actual": parse_target(actual), "weight": weight, "score": score}

    doc = _doc(year=2023, projects=[{
        "name": "乡村文化活动补助", "budget": {"total": 0, "fiscal": 80},
        "execution": {"planned": 0, "adjusted": 0, "spent": 0, "rate": 100, "weight": 10, "score": 10},
        "evaluation": {"score": 98, "grade": "优"}, "indicators": [
            row(1, "产出指标", "数量指标", "送戏下乡场次", "≥120场", "110场", 20, 20),
            row(2, "产出指标", "数量指标", "群众文化培训期数", "≥40期", "40期", 10, 8),
            row(3, "产出指标", "质量指标", "演出节目审查合格率", "100%", "完成", 10, 10),
            row(4, "产出指标", "时效指标", "活动完成时间", "2023年11月底前", "2023年12月", 5, 5),
            row(5, "产出指标", "成本指标", "每场演出补助", "≤8000元/场", "0.75万元/场", 5, 5),
            row(6, "效益指标", "社会效益指标", "群众参与人次", "≥3万人次", "2.4万人次", 15, 18),
            row(7, "效益指标", "社会效益指标", "安全责任事故", "0起", "0起", 15, 15),
            row(8, "满意度指标", "服务对象满意度指标", "群众满意度", "≥90%", "96%", 10, 10)]}])
    found = sorted((f.rule, f.indicator or "") for f in review_document(doc) if f.rule.startswith("JX6"))
    assert found == sorted([
        ("JX611", ""), ("JX601", "群众参与人次"), ("JX602", ""), ("JX607", "送戏下乡场次"), ("JX607", "活动完成时间"),
        ("JX606", "群众文化培训期数"), ("JX609", "送戏下乡场次"), ("JX609", "群众文化培训期数"),
        ("JX609", "活动完成时间"), ("JX609", "群众参与人次"), ("JX613", "演出节目审查合格率")])


def test_self_evaluation_fixture_end_to_end():
    """The same fixture read by the parser gives the same execution findings as its model twin."""
    from conftest import DATA

    doc = parse_path(DATA / "execution" / "selfeval_10hao_faults.txt")
    assert doc.kind == "self_evaluation"
    p = doc.projects[0]
    assert (p.execution.planned, p.execution.spent, p.execution.weight, p.execution.score) == (0, 0, 10, 10)
    assert p.budget.fiscal == 80 and [i.score for i in p.indicators] == [20, 8, 10, 5, 5, 18, 15, 10]
    found = sorted((f.rule, f.indicator or "") for f in review_document(doc) if f.rule.startswith("JX6"))
    assert found == sorted([
        ("JX611", ""), ("JX601", "群众参与人次"), ("JX602", ""), ("JX607", "送戏下乡场次"), ("JX607", "活动完成时间"),
        ("JX606", "群众文化培训期数"), ("JX609", "送戏下乡场次"), ("JX609", "群众文化培训期数"),
        ("JX609", "活动完成时间"), ("JX609", "群众参与人次"), ("JX613", "演出节目审查合格率")])


# ---------------------------------------------------------------- points printed on a first level

def _printed(doc: Document, points: dict[str, float]) -> Document:
    """The indicators as the parser reads a table whose first-level labels print points (`产出指标(50分)` →
    `level1_points` 50 on every indicator under it), through the JSON form a stored document takes."""
    data = doc.to_json_dict()
    for p in data["projects"]:
        for i in p["indicators"]:
            if i.get("level1") in points:
                i["level1_points"] = points[i["level1"]]
    return Document.model_validate(data)


def _jx603(doc: Document) -> list[str]:
    return [f.message for f in review_document(doc) if f.rule == "JX603"]


def test_level_points_field_name():
    assert LEVEL_POINTS in Indicator.model_fields  # the parser's field (model.Indicator)
    doc = _printed(_doc(projects=[_full()]), {"产出指标": 50, "效益指标": 30})
    assert printed_level_points(doc.projects[0].indicators) == {"产出指标": 50.0, "效益指标": 30.0}


def test_weights_not_adding_up_to_the_printed_level_points():
    """Bad: 产出指标(60分) over indicators weighing 50 (the whole still makes 100, so only the label is wrong)."""
    bad = _printed(_doc(projects=[_full()]), {"产出指标": 60, "效益指标": 30, "满意度指标": 10})
    assert _jx603(bad) == ["产出指标标注 60 分，其下指标分值合计 50"]


def test_weights_adding_up_to_the_printed_level_points():
    """Good: 产出指标(50分)、效益指标(30分)、满意度指标(10分) over weights 50, 30, 10."""
    good = _printed(_doc(projects=[_full()]), {"产出指标": 50, "效益指标": 30, "满意度指标": 10})
    assert _jx603(good) == []


def test_level_points_with_several_indicators_and_the_whole_checked_apart():
    """A level of three indicators (20 + 20 + 10 under 产出指标(50分)) adds up; 效益指标(20分) over 20 adds up too,
    but 50 + 20 + 10 + 10 is 90: the 100 check still speaks, once."""
    p = _p([_i(1, "产出指标", "新建农田面积", "≥2000亩", "2100亩", 20, 20), _i(2, "产出指标", "验收合格率", "100%", "100%", 20, 20),
            _i(3, "产出指标", "完工时间", "2023年11月底前", "2023年10月", 10, 10), _i(4, "效益指标", "亩均增产", "≥50公斤", "55公斤", 20, 20),
            _i(5, "满意度指标", "受益农户满意度", "≥90%", "93%", 10, 10)], _ex(score=9.5), {"score": 89.5, "grade": "良"})
    doc = _printed(_doc(year=2023, projects=[p]), {"产出指标": 50, "效益指标": 20, "满意度指标": 10})
    assert _jx603(doc) == ["分值合计 90，不等于 100"]


def test_level_points_skip_a_level_with_an_unreadable_weight_and_a_cut_off_table():
    p = _full()
    p["indicators"][0] = {k: v for k, v in p["indicators"][0].items() if k != "weight"}
    doc = _printed(_doc(projects=[p]), {"产出指标": 60, "效益指标": 40})
    assert _jx603(doc) == ["效益指标标注 40 分，其下指标分值合计 30"]  # 产出 has no readable weight
    cut = _printed(_doc(projects=[_full()], problems=[{"message": "文本在表格中途结束，最后一行不完整，未读取"}]),
                   {"产出指标": 60})
    assert _jx603(cut) == []


def test_level_points_count_a_pooled_first_level_without_points():
    """产出指标(50分) printed, then 成本指标 as a first level of its own without points (101号): the template pools
    its 10 into 产出 (config `pool`), so 40 + 10 under 产出指标(50分) is not a finding."""
    p = _p([_i(1, "产出指标", "新建农田面积", "≥2000亩", "2100亩", 40, 40), _i(2, "成本指标", "亩均成本", "≤1500元/亩", "1400元/亩", 10, 10),
            _i(3, "效益指标", "亩均增产", "≥50公斤", "55公斤", 30, 30), _i(4, "满意度指标", "受益农户满意度", "≥90%", "93%", 10, 10)],
           _ex(score=9.5), {"score": 99.5, "grade": "优"})
    doc = _printed(_doc(projects=[p]), {"产出指标": 50, "效益指标": 30, "满意度指标": 10})
    assert _jx603(doc) == []
    doc = _printed(_doc(projects=[p]), {"产出指标": 50, "成本指标": 20, "效益指标": 30})
    assert _jx603(doc) == ["产出指标标注 50 分，其下指标分值合计 40", "成本指标标注 20 分，其下指标分值合计 10"]


def test_level_points_read_from_a_table_end_to_end(tmp_path):
    """The parser keeps `产出指标(60分)` and `效益指标（30分）` as level1_points; JX603 finds the 产出 label at odds
    with its weights (30 + 20), and `jixiao review` shows it."""
    from typer.testing import CliRunner

    from jixiao.cli import app

    path = tmp_path / "标注分值.txt"
    path.write_text("项目支出绩效自评表\n| 项目名称 | 测试站点建设 | | | | | |\n"
                    "| 一级指标 | 二级指标 | 三级指标 | 年度指标值 | 实际完成值 | 分值 | 得分 |\n"
                    "| 产出指标(60分) | 数量指标 | 建成站点 | ≥5个 | 5个 | 30 | 30 |\n"
                    "| 产出指标(60分) | 质量指标 | 验收合格率 | 100% | 100% | 20 | 20 |\n"
                    "| 效益指标（30分） | 社会效益指标 | 受益人数 | ≥100人 | 120人 | 30 | 30 |\n"
                    "| 满意度指标(10分) | 服务对象满意度指标 | 受益群众满意度 | ≥90% | 95% | 10 | 10 |\n", encoding="utf-8")
    doc = parse_path(path)
    assert printed_level_points(doc.projects[0].indicators) == {"产出指标": 60, "效益指标": 30, "满意度指标": 10}
    assert _jx603(doc) == ["产出指标标注 60 分，其下指标分值合计 50"]
    result = CliRunner().invoke(app, ["review", str(path)])
    assert "JX603" in result.stdout and "产出指标标注 60 分" in result.stdout
