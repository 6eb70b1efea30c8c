"""`jixiao score` and `jixiao track` end to end on interchange documents built from the model, and the
execution findings in `jixiao review`."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from jixiao.cli import app
from jixiao.model import Document
from jixiao.review.rules.execution import _ex, _i, _mon, _p, _t


def _write(path, doc: dict) -> str:
    d = Document.model_validate({"source": {"name": path.name, "sha256": "0" * 64, "format": "text"}, **doc})
    path.write_text(json.dumps(d.to_json_dict(), ensure_ascii=False), encoding="utf-8")
    return str(path)


@pytest.fixture
def files(tmp_path):
    self_eval = _write(tmp_path / "自评.json", {"kind": "self_evaluation", "year": 2023, "projects": [_p(
        [_i(1, "产出指标", "新建农田面积", "≥2000亩", "1800亩", 50, 50),
         _i(2, "效益指标", "投诉率", "≤5%", "7%", 30, 30, "宣传不足"),
         _i(3, "满意度指标", "受益农户满意度", "≥90%", "93%", 10, 10)],
        _ex(spent=95, rate=100, score=10), {"score": 100, "grade": "优"}, code="P001")]})
    monitoring = _write(tmp_path / "监控.json", _mon(
        [_i(1, "产出指标", "新建农田面积", "≥2000亩", "300亩", likelihood="确定能", forecast=_t("1800亩")),
         _i(2, "效益指标", "投诉率", "≤5%", "2%")], execution={"planned": 100, "spent": 30}))
    target = _write(tmp_path / "目标.json", {"year": 2023, "projects": [{"name": "农田建设（2023）", "code": "P001",
                                                                        "indicators": [
        _i(1, "产出指标", "新建农田面积", "≥2500亩", None), _i(2, "效益指标", "投诉率", "≤5%", None),
        _i(3, "效益指标", "亩均增产", "≥50公斤", None)]}]})
    return {"self": self_eval, "monitoring": monitoring, "target": target, "dir": tmp_path}


def test_score_json_printed_beside_recomputed(files):
    result = CliRunner().invoke(app, ["score", files["self"], files["monitoring"], "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    se, mon = data["documents"]
    p = se["projects"][0]
    assert p["execution"]["rate_computed"] == 95 and p["execution"]["recomputed"] == 9.5
    rows = {r["name"]: r for r in p["indicators"]}
    assert rows["新建农田面积"]["printed"] == 50 and rows["新建农田面积"]["recomputed"] == 45
    assert rows["投诉率"]["direction"] == "reverse" and rows["投诉率"]["recomputed"] == 18
    assert p["total"] == {"printed": 100, "sum_printed": 100, "recomputed": 82.5, "complete": True}
    assert p["grade"]["recomputed"] == "良"
    assert {f["rule"] for f in se["findings"]} == {"JX604", "JX605", "JX607", "JX609"}
    m = mon["projects"][0]
    assert m["light"] == "red" and m["budget_light"]["color"] == "red" and "total" not in m
    assert [r["light"] for r in m["indicators"]] == ["red", "green"]
    assert {f["rule"] for f in mon["findings"]} == {"JX615", "JX616"}
    f = se["findings"][0]
    assert {"rule", "severity", "document", "unit", "project", "indicator_seq", "message", "evidence", "fix",
            "loc"} <= set(f)


def test_score_text_xlsx_html(files, tmp_path):
    from openpyxl import load_workbook

    result = CliRunner().invoke(app, ["score", str(files["dir"] / "自评.json")])
    assert result.exit_code == 0 and "82.5" in result.stdout and "JX607" in result.stdout
    xlsx, html = tmp_path / "s.xlsx", tmp_path / "s.html"
    assert CliRunner().invoke(app, ["score", files["self"], "-f", "xlsx", "-o", str(xlsx)]).exit_code == 0
    rows = list(load_workbook(xlsx)["指标得分"].iter_rows(values_only=True))
    assert rows[0][10:12] == ("得分（表）", "得分（复算）") and rows[1][10:12] == (50, 45)
    assert CliRunner().invoke(app, ["score", files["monitoring"], "-f", "html", "-o", str(html)]).exit_code == 0
    page = html.read_text(encoding="utf-8")
    assert "新建农田面积" in page and 'class="light red"' in page


def test_score_config_changes_the_rules_and_the_findings(files, tmp_path):
    cfg = tmp_path / "score.toml"
    cfg.write_text('[score]\nreverse_rule = "ratio"\nexecution_rule = "bands"\n', encoding="utf-8")
    result = CliRunner().invoke(app, ["score", files["self"], "-f", "json", "--config", str(cfg)])
    p = json.loads(result.stdout)["documents"][0]["projects"][0]
    assert {r["name"]: r["recomputed"] for r in p["indicators"]}["投诉率"] == pytest.approx(21.43)  # 5/7 × 30
    assert p["execution"]["recomputed"] == 9  # 95% falls in the ≥90% band
    config = json.loads(result.stdout)["config"]
    assert config["reverse_rule"] == "ratio" and config["class_weights"]["产出指标"] == 50
    bad = tmp_path / "bad.toml"
    bad.write_text('[score]\nexecution_rule = "half"\n', encoding="utf-8")
    result = CliRunner().invoke(app, ["score", files["self"], "--config", str(bad)])
    assert result.exit_code == 2 and "execution_rule" in result.output and "Traceback" not in result.output


def test_score_bad_input_is_one_line(files, tmp_path):
    runner = CliRunner()
    result = runner.invoke(app, ["score", files["target"]])
    assert result.exit_code == 1 and "不是自评表或监控表" in result.output and "目标.json" in result.output
    blind = _write(tmp_path / "无目标.json", {"kind": "self_evaluation", "projects": [_p(
        [_i(1, "产出指标", "新建农田面积", None, "1800亩", 50, 50), _i(2, "产出指标", "面积", None, "3亩", 40, 40)])]})
    result = runner.invoke(app, ["score", blind])
    assert result.exit_code == 1 and "目标一侧无法读取" in result.output
    junk = tmp_path / "x.json"
    junk.write_text('{"a": 1}', encoding="utf-8")
    result = runner.invoke(app, ["score", str(junk)])
    assert result.exit_code == 1 and "jixiao.document/1" in result.output and "Traceback" not in result.output
    result = runner.invoke(app, ["score", files["self"], "-f", "xlsx"])
    assert result.exit_code == 2 and "--out" in result.output


def test_execution_findings_appear_in_review(files):
    """`jixiao review` runs every catalog rule through review_document: the execution family is among them."""
    from jixiao.review import review_document

    doc = Document.model_validate(json.loads(open(files["self"], encoding="utf-8").read()))
    assert {"JX604", "JX605", "JX607"} <= {f.rule for f in review_document(doc)}
    listed = json.loads(CliRunner().invoke(app, ["rules", "--format", "json"]).stdout)
    assert sum(1 for r in listed if r["family"] == "execution") >= 12


def test_track_links_by_code_and_flags_changes(files):
    result = CliRunner().invoke(app, ["track", files["self"], "--approved", files["target"], "-f", "json"])
    assert result.exit_code == 0, result.output
    (t,) = json.loads(result.stdout)
    assert t["approved_project"] == "农田建设（2023）" and t["match"] == "项目编码相同"
    rows = {r["name"]: r for r in t["indicators"]}
    assert rows["新建农田面积"]["change"] == "lowered" and rows["新建农田面积"]["approved_target"] == "≥2500亩"
    assert rows["新建农田面积"]["printed"] == 50 and rows["新建农田面积"]["recomputed"] == 45
    assert rows["亩均增产"]["change"] == "removed" and rows["受益农户满意度"]["change"] == "added"
    assert t["summary"] == {"lowered": 1, "added": 1, "dropped": 1}
    text = CliRunner().invoke(app, ["track", files["self"], "--approved", files["target"]])
    assert text.exit_code == 0 and "降低" in text.stdout


def test_track_links_by_name_without_code(files, tmp_path):
    target = _write(tmp_path / "t2.json", {"projects": [
        {"name": "其他项目", "indicators": [_i(1, "产出指标", "x", "≥1个", None)]},
        {"name": "农田建设", "indicators": [_i(1, "产出指标", "新建农田面积", "≥2000亩", None)]}]})
    result = CliRunner().invoke(app, ["track", files["monitoring"], "--approved", target, "-f", "json"])
    (t,) = json.loads(result.stdout)
    assert t["approved_project"] == "农田建设" and t["light"] == "red"
    assert t["indicators"][0]["change"] == "unchanged" and t["indicators"][0]["light"] == "red"


def test_track_a_department_wide_self_evaluation(tmp_path):
    from jixiao.execution.link import track_documents

    def doc(name, **data):
        return Document.model_validate({"source": {"name": name, "sha256": "0" * 64, "format": "text"}, **data})

    approved = doc("部门目标.txt", department="某区林业局", year=2021, overall={"sections": [{"title": "履职", "indicators": [
        _i(1, "产出指标", "造林面积", "≥1.5万亩", None), _i(2, "效益指标", "林产品收入", "≥2.6亿元", None)]}]})
    self_eval = doc("部门自评.txt", kind="self_evaluation", department="某区林业局", year=2021, overall={"sections": [
        {"title": "履职", "indicators": [_i(1, "产出指标", "造林面积", "≥1.2万亩", "1.2万亩", 50, 50),
                                       _i(2, "效益指标", "林产品收入", "≥2.6亿元", "2.45亿元", 40, 37.69)]}],
        "execution": _ex(), "evaluation": {"score": 97.19, "grade": "优"}})
    (t,) = track_documents([self_eval], [approved])
    assert t.approved_document == "部门目标.txt" and t.match == "部门名称相同"
    assert [r["change"] for r in t.rows] == ["lowered", "unchanged"]
    assert t.rows[1]["recomputed"] == pytest.approx(37.69)


def test_a_directory_skips_its_target_tables(files):
    result = CliRunner().invoke(app, ["score", str(files["dir"]), "-f", "json"])
    assert result.exit_code == 0, result.output
    assert [d["document"] for d in json.loads(result.stdout)["documents"]] == ["监控.json", "自评.json"]
    assert "跳过 1 个目标表" in result.stderr


def test_track_prefers_the_approved_table_of_the_same_year():
    from jixiao.execution.link import track_documents

    def doc(name, year, target):
        return Document.model_validate({"source": {"name": name, "sha256": "0" * 64, "format": "text"}, "year": year,
                                        "projects": [{"name": f"农田建设（{year}）", "indicators": [
                                            _i(1, "产出指标", "新建农田面积", target, None)]}]})

    self_eval = Document.model_validate({"source": {"name": "自评.txt", "sha256": "1" * 64, "format": "text"},
                                         "kind": "self_evaluation", "year": 2023, "projects": [_p(
                                             [_i(1, "产出指标", "新建农田面积", "≥2000亩", "2100亩", 90, 90)])]})
    (t,) = track_documents([self_eval], [doc("2022.txt", 2022, "≥1800亩"), doc("2023.txt", 2023, "≥2000亩")])
    assert t.approved_document == "2023.txt" and t.rows[0]["change"] == "unchanged"


def test_track_lights_a_self_evaluation_at_year_end(files):
    result = CliRunner().invoke(app, ["track", files["self"], "--approved", files["target"], "-f", "json"])
    rows = {r["name"]: r for r in json.loads(result.stdout)[0]["indicators"]}
    # year end lights by the points kept: 1800 of ≥2000 keeps 90% of them, yellow (the monitoring bands at month
    # 12 would call it green); 7% against ≤5% keeps 60% (linear to 2t), yellow; the dropped row has no light
    assert (rows["新建农田面积"]["light"], rows["投诉率"]["light"], rows["亩均增产"]["light"]) == ("yellow", "yellow", None)


def test_a_weight_printed_as_text_is_named_with_the_file(tmp_path):
    """Bad input: a 分值 cell in words is not read (the parser marks the row); `score` says so in one line
    naming the file and the row, and the row's note carries the reason."""
    path = tmp_path / "文字分值.txt"
    path.write_text("项目支出绩效自评表\n| 项目名称 | 测试 | | | | | |\n"
                    "| 一级指标 | 二级指标 | 三级指标 | 年度指标值 | 实际完成值 | 分值 | 得分 |\n"
                    "| 产出指标 | 数量指标 | 建成站点 | ≥5个 | 5个 | 十 | 8 |\n"
                    "| 产出指标 | 数量指标 | 培训人次 | ≥100人次 | 120人次 | 10 | 10 |\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["score", str(path), "-f", "json"])
    assert result.exit_code == 0
    warnings = [line for line in result.stderr.splitlines() if "提示" in line]
    assert len(warnings) == 1 and "文字分值.txt" in warnings[0] and "分值“十”不是数字" in warnings[0]
    rows = json.loads(result.stdout)["documents"][0]["projects"][0]["indicators"]
    assert rows[0]["weight"] is None and rows[0]["recomputed"] is None and "不是数字" in rows[0]["note"]
    assert rows[1]["recomputed"] == 10
