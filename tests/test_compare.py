"""Comparing projects across years and places."""

from __future__ import annotations

import json

from conftest import SEEDS
from typer.testing import CliRunner

from jixiao.cli import app
from jixiao.compare import classify, compare_documents, match_projects, project_key
from jixiao.ingest import parse_path
from jixiao.model import Budget, Document, Indicator, Project, Source
from jixiao.values import parse_target


def _ind(seq, name, raw, level1="产出指标", level2=None):
    return Indicator(seq=seq, level1=level1, level2=level2, name=name, annual=parse_target(raw))


def _doc(name, projects):
    return Document(source=Source(name=name, sha256="0" * 64, format="text"), projects=projects)


def test_project_names_with_changed_years_match():
    assert project_key("广州市财政局2022年-2023年信息化基础设施及信息系统运维服务项目（2022）") == \
        project_key("广州市财政局2023年-2024年信息化基础设施及信息系统运维服务项目(2023)")
    assert project_key("广州市财政局2021年电子政务外网设备购置及安全加固项目") == project_key(
        "广州市财政局2022年电子政务外网设备购置及安全加固项目")
    a = [Project(name="某局2022年信息化运维服务项目（2022）", unit="某局")]
    b = [Project(name="某局2023年信息化运维服务项目（2023）", unit="某局"), Project(name="办公设备购置", unit="某局")]
    [m, only_b] = match_projects(a, b)
    assert m.status == "matched" and m.b is b[0] and "去掉年份" in m.reason
    assert only_b.status == "only_b"


def test_ambiguous_match_is_reported_not_picked():
    a = [Project(name="专项工作经费")]
    b = [Project(name="专项工作经费", unit="甲单位"), Project(name="专项工作经费", unit="乙单位")]
    m = match_projects(a, b)[0]
    assert m.status == "ambiguous" and m.b is None and len(m.candidates) == 2


def test_target_changes_are_direction_aware():
    assert classify(parse_target("≥95%"), parse_target("≥90%"), reverse=False)[0] == "lowered"
    assert classify(parse_target("≥90%"), parse_target("≥95%"), reverse=False)[0] == "raised"
    # a complaint rate: a larger ceiling is lower ambition
    assert classify(parse_target("≤3%"), parse_target("≤5%"), reverse=True)[0] == "lowered"
    assert classify(parse_target("≤5%"), parse_target("≤3%"), reverse=True)[0] == "raised"
    assert classify(parse_target("≥95%"), parse_target("有效提升"), reverse=False)[0] == "kind_changed"
    assert classify(parse_target("≥95%"), parse_target("≥95%"), reverse=False)[0] == "unchanged"


def test_compound_targets_compare_part_by_part():
    verdict, detail = classify(parse_target("直接支付≥3万笔; 授权支付≥60万笔"),
                               parse_target("直接支付 ≥3万笔;授权支付 ≥50万笔"), reverse=False)
    assert verdict == "lowered" and "授权支付" in detail


def test_indicator_diff_and_budget_up_targets_down():
    a = _doc("2022.txt", [Project(name="热线服务（2022）", budget=Budget(total=100), indicators=[
        _ind(1, "来电接通率", "≥95%"), _ind(2, "投诉率", "≤3%", "满意度指标"), _ind(3, "系统正常运行率", "≥98%"),
        _ind(4, "培训场次", "≥10场"), _ind(5, "工单办结率", "≥90%", "产出指标", "质量指标")])])
    b = _doc("2023.txt", [Project(name="热线服务（2023）", budget=Budget(total=120), indicators=[
        _ind(1, "来电接通率", "≥90%"), _ind(2, "投诉率", "≤5%", "满意度指标"), _ind(3, "系统正常运行率1", "≥98%"),
        _ind(4, "工单办结率", "≥90%", "效益指标", "社会效益指标"), _ind(5, "回访满意度", "≥90%", "满意度指标")])])
    result = compare_documents([a], [b])
    [pair] = [p for p in result["projects"] if p["status"] == "matched"]
    changes = {(c["a"] or c["b"])["name"]: c["change"] for c in pair["indicators"]}
    assert changes == {"来电接通率": "lowered", "投诉率": "lowered", "系统正常运行率": "unchanged",
                       "培训场次": "removed", "工单办结率": "moved", "回访满意度": "added"}
    assert pair["budget_change"] == 20 and pair["budget_up_targets_down"] is True
    assert result["projects"][0] is pair  # budget up while targets fell comes first


def test_renamed_indicator_is_matched_fuzzily():
    a = _doc("a", [Project(name="p", indicators=[_ind(1, "驻场服务时长达标率", "≥90%")])])
    b = _doc("b", [Project(name="p", indicators=[_ind(1, "驻场服务时长达标率（运行保障类）", "≥90%")])])
    [pair] = compare_documents([a], [b])["projects"]
    assert [c["change"] for c in pair["indicators"]] in (["unchanged"], ["renamed"])


def test_cli_compare_json_and_xlsx(tmp_path):
    runner = CliRunner()
    result = runner.invoke(app, ["compare", str(SEEDS[0]), str(SEEDS[1]), "-f", "json"])
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    pair = next(p for p in data["projects"] if p["a"] and p["a"]["name"] == "财政票据印制费")
    change = next(c for c in pair["indicators"] if c["a"] and c["a"]["name"] == "用票单位满意度")
    assert change["change"] == "lowered" and change["target_a"]["raw"] == "≥98%" and change["target_b"]["raw"] == "≥90%"
    assert {"change", "a", "b", "target_a", "target_b"} <= set(change)
    out = tmp_path / "diff.xlsx"
    assert runner.invoke(app, ["compare", str(SEEDS[0]), str(SEEDS[1]), "-f", "xlsx", "-o", str(out)]).exit_code == 0
    from openpyxl import load_workbook

    rows = list(load_workbook(out)["指标变化"].iter_rows(values_only=True))
    assert any(r[7] == "降低" and r[8] == "用票单位满意度" for r in rows)


def test_cli_compare_two_years_from_the_store(tmp_path):
    runner = CliRunner()
    db = str(tmp_path / "c.db")
    assert runner.invoke(app, ["ingest", str(SEEDS[0]), str(SEEDS[1]), "--db", db, "-w", "1"]).exit_code == 0
    result = runner.invoke(app, ["compare", "--db", db, "--year-a", "2022", "--year-b", "2023", "-f", "json"])
    assert result.exit_code == 0
    assert json.loads(result.stdout)["summary"]["matched"] == 9
    assert parse_path(SEEDS[0]).year == 2022
