"""`jixiao template`: the pre-filled 10号 self-evaluation and 136号 monitoring XLSX. Written from a parsed target
table, filled in the way a department would (openpyxl), and read back by the parser into the execution fields."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import DATA, SEEDS
from openpyxl import load_workbook
from typer.testing import CliRunner

from jixiao.cli import app
from jixiao.errors import JixiaoError
from jixiao.execution.report import score_documents
from jixiao.export.templates import Options, write_template
from jixiao.ingest import parse_path

FORM = DATA / "form_national.txt"


def _cell(ws, text: str):
    """The (first) cell holding exactly this text."""
    for row in ws.iter_rows():
        for c in row:
            if c.value == text:
                return c
    raise AssertionError(f"no cell {text!r}")


def _ind(doc, name: str):
    return next(i for p in doc.projects for i in p.indicators if i.name == name)


@pytest.fixture(scope="module")
def source():
    return parse_path(FORM)


# ------------------------------------------------------------------------------------------------ layout

def test_self_evaluation_layout(tmp_path, source):
    out = tmp_path / "自评表.xlsx"
    assert write_template(source, out, "self_evaluation") == 1
    ws = load_workbook(out).worksheets[0]
    assert ws.title == "社区居家养老服务补助"
    assert ws["A1"].value == "某市民政局2024年度项目支出绩效自评表"
    assert _cell(ws, "项目名称").offset(column=1).value == "社区居家养老服务补助"
    assert _cell(ws, "实施单位").offset(column=1).value == source.projects[0].unit
    head = _cell(ws, "年初预算数")
    assert [ws.cell(head.row, c).value for c in range(3, 9)] == ["年初预算数", "全年预算数", "全年执行数", "分值",
                                                                  "执行率", "得分"]
    total = _cell(ws, "年度资金总额")
    assert [ws.cell(total.row, c).value for c in range(3, 9)] == [120, None, None, 10, None, None]
    assert _cell(ws, "其中：当年财政拨款").offset(column=1).value == 100
    assert _cell(ws, "其他资金").offset(column=1).value == 20
    grid = _cell(ws, "实际完成值")
    assert [ws.cell(grid.row, c).value for c in range(1, 10)] == [
        "绩效指标", "一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分", "偏差原因分析及改进措施"]
    first = _cell(ws, "服务老人人次")
    # targets filled; the department's columns blank; the class weights of 10号 shared within a first level
    assert [ws.cell(first.row, c).value for c in range(2, 10)] == [
        "产出指标(50分)", "数量指标", "服务老人人次", "≥5000人次", None, 10, None, None]
    assert _cell(ws, "老人生活质量").offset(column=3).value == 30
    assert _cell(ws, "总分").offset(column=6).value == 100
    merged = {str(r) for r in ws.merged_cells.ranges}
    assert f"B{first.row}:B{first.row + 4}" in merged  # 产出指标 over its five rows
    assert f"C{first.row}:C{first.row + 1}" in merged  # 数量指标 over two
    assert f"A{grid.row}:A{grid.row + 7}" in merged  # 绩效指标 beside the grid
    assert ws.freeze_panes == f"A{grid.row + 1}"
    assert ws.column_dimensions["D"].width >= 20
    assert first.border.left.style == "thin" and first.offset(column=5).border.bottom.style == "thin"


def test_monitoring_layout(tmp_path, source):
    out = tmp_path / "监控表.xlsx"
    write_template(source, out, "monitoring", options=Options(month=8))
    ws = load_workbook(out).worksheets[0]
    assert ws["A1"].value == "某市民政局2024年度项目支出绩效目标执行监控表"
    assert ws["A2"].value == "（2024年1-8月）"
    head = _cell(ws, "1-8月执行数")
    assert _cell(ws, "年度资金总额").offset(column=1).value == 120
    assert ws.cell(head.row, 7).value == "1-8月执行率" and ws.cell(head.row, 9).value == "全年预计执行数"
    grid = _cell(ws, "全年预计完成情况")
    assert [ws.cell(grid.row, c).value for c in range(1, 9)] == [
        "绩效指标", "一级指标", "二级指标", "三级指标", "年度指标值", "1-8月执行情况", "全年预计完成情况", "偏差原因分析"]
    assert [ws.cell(grid.row + 1, c).value for c in range(8, 13)] == ["经费保障", "制度保障", "人员保障", "硬件条件保障", "其他"]
    assert ws.cell(grid.row, 13).value == "完成目标可能性" and ws.cell(grid.row, 14).value == "备注"
    row = _cell(ws, "服务老人人次").row
    assert ws.cell(row, 5).value == "≥5000人次"
    assert all(ws.cell(row, c).value is None for c in range(6, 15))
    lists = {str(v.sqref): v.formula1 for v in ws.data_validations.dataValidation}
    assert any("确定能,有可能,完全不可能" in f for f in lists.values())
    assert ws.freeze_panes == f"A{grid.row + 2}"


# ------------------------------------------------------------------------------------------------ round trip

def test_self_evaluation_round_trip(tmp_path, source):
    out = tmp_path / "自评表.xlsx"
    write_template(source, out, "self_evaluation")
    wb = load_workbook(out)
    ws = wb.worksheets[0]
    r = _cell(ws, "年度资金总额").row
    ws.cell(r, 4).value, ws.cell(r, 5).value, ws.cell(r, 7).value, ws.cell(r, 8).value = 118, 110.5, "93.64%", 9.36
    ws.cell(_cell(ws, "实际完成情况").row + 1, 6).value = "为全市失能老人提供上门照护4800人次。"
    r = _cell(ws, "服务老人人次").row
    ws.cell(r, 6).value, ws.cell(r, 8).value, ws.cell(r, 9).value = "4800人次", 9.6, "部分老人入住养老机构"
    r = _cell(ws, "服务合格率").row
    ws.cell(r, 6).value, ws.cell(r, 8).value = "97%", 10
    r = _cell(ws, "人均服务成本").row
    ws.cell(r, 6).value, ws.cell(r, 8).value = "180元/人", 10
    r = _cell(ws, "老人生活质量").row
    ws.cell(r, 6).value, ws.cell(r, 8).value = "达成年度指标", 28
    ws.cell(_cell(ws, "总分").row, 8).value = 95
    wb.save(out)

    back = parse_path(out)
    assert back.kind == "self_evaluation" and back.year == 2024 and back.money_unit == "万元"
    (p,) = back.projects
    src = source.projects[0]
    assert (p.name, p.department, p.unit, p.goal) == (src.name, src.department, src.unit, src.goal)
    assert p.result == "为全市失能老人提供上门照护4800人次。"
    assert p.execution.model_dump() == {"planned": 120, "adjusted": 118, "spent": 110.5, "forecast": None,
                                        "rate": 93.64, "weight": 10, "score": 9.36}
    assert p.evaluation.score == 95
    # every approved indicator comes back with its target
    assert [(i.level1, i.level2, i.name, i.annual.raw) for i in p.indicators] == \
        [(i.level1, i.level2, i.name, i.annual.raw) for i in src.indicators]
    assert [i.weight for i in p.indicators] == [10, 10, 10, 10, 10, 30, 10]
    first = _ind(back, "服务老人人次")
    assert (first.actual.value, first.actual.unit, first.score, first.deviation) == (4800, "人次", 9.6,
                                                                                     "部分老人入住养老机构")
    assert _ind(back, "服务合格率").actual.raw == "97%"
    assert _ind(back, "老人生活质量").actual.raw == "达成年度指标" and _ind(back, "老人生活质量").score == 28
    blank = _ind(back, "每户上门服务次数")
    assert (blank.actual, blank.score, blank.deviation) == (None, None, None)

    # and the scorer recomputes it: 4800 of ≥5000 is 9.6 of 10; a met ≤ target is full points
    (report,) = score_documents([back])
    scores = {x.indicator.name: x for x in report.subjects[0].indicators}
    assert scores["服务老人人次"].recomputed == 9.6
    assert scores["人均服务成本"].recomputed == 10
    assert report.subjects[0].execution.recomputed == 9.36


def test_monitoring_round_trip(tmp_path, source):
    out = tmp_path / "监控表.xlsx"
    write_template(source, out, "monitoring", options=Options(month=8))
    wb = load_workbook(out)
    ws = wb.worksheets[0]
    r = _cell(ws, "年度资金总额").row
    ws.cell(r, 5).value, ws.cell(r, 7).value, ws.cell(r, 9).value = 60, "50%", 118
    ws.cell(_cell(ws, "年初设定目标").row + 1, 7).value = "已服务老人2000人次。"
    r = _cell(ws, "服务老人人次").row
    for c, v in {6: "1500人次", 7: "4800人次", 8: "√", 13: "有可能"}.items():
        ws.cell(r, c).value = v
    r = _cell(ws, "服务合格率").row
    for c, v in {6: "96%", 7: "96%", 13: "确定能"}.items():
        ws.cell(r, c).value = v
    r = _cell(ws, "老人生活质量").row
    for c, v in {6: "部分达成目标并具有一定效果", 7: "达成目标", 12: "√ 冬季上门服务减少", 13: "有可能"}.items():
        ws.cell(r, c).value = v
    wb.save(out)

    back = parse_path(out)
    assert back.kind == "monitoring" and back.as_of_month == 8
    (p,) = back.projects
    assert p.goal == source.projects[0].goal and p.result == "已服务老人2000人次。"
    assert (p.execution.planned, p.execution.spent, p.execution.rate, p.execution.forecast) == (120, 60, 50, 118)
    assert [(i.level1, i.name, i.annual.raw) for i in p.indicators] == \
        [(i.level1, i.name, i.annual.raw) for i in source.projects[0].indicators]
    first = _ind(back, "服务老人人次")
    assert (first.actual.raw, first.forecast.raw, first.deviation, first.likelihood) == (
        "1500人次", "4800人次", "经费保障", "有可能")
    quality = _ind(back, "服务合格率")
    assert (quality.actual.raw, quality.deviation, quality.likelihood) == ("96%", None, "确定能")
    effect = _ind(back, "老人生活质量")
    assert effect.deviation == "其他、冬季上门服务减少" and effect.forecast.raw == "达成目标"
    assert _ind(back, "每户上门服务次数").actual is None

    # and it is lit: month 8 of 12, spent 50% → 75% of the time-proportional share: yellow
    (report,) = score_documents([back])
    (lights,) = report.lights
    assert lights.budget.color == "yellow"
    assert {il.indicator.name: il.light.color for il in lights.indicators}["服务老人人次"] == "red"  # 1500 of 3333: 45%


def test_blank_template_reads_as_its_kind_with_targets_only(tmp_path, source):
    """The template as written, before anyone fills it in: the approved side only, no actual or score."""
    for kind in ("self_evaluation", "monitoring"):
        out = tmp_path / f"{kind}.xlsx"
        write_template(source, out, kind)
        back = parse_path(out)
        assert back.kind == kind
        inds = back.projects[0].indicators
        assert [i.annual.raw for i in inds] == [i.annual.raw for i in source.projects[0].indicators]
        assert all(i.actual is None and i.score is None and i.deviation is None for i in inds)


def test_one_sheet_per_project_with_first_levels_grouped(tmp_path):
    seed = next(s for s in SEEDS if s.name.startswith("002"))
    doc = parse_path(seed)
    out = tmp_path / "自评表.xlsx"
    assert write_template(doc, out, "self_evaluation") == len(doc.projects) > 1
    assert len(load_workbook(out).sheetnames) == len(doc.projects)
    back = parse_path(out)
    assert back.kind == "self_evaluation"
    assert [p.name for p in back.projects] == [p.name for p in doc.projects]
    for a, b in zip(doc.projects, back.projects, strict=True):
        # the annex lists each first level once: a table that interleaves them comes back grouped
        order = list(dict.fromkeys(i.level1 for i in a.indicators))
        grouped = sorted(a.indicators, key=lambda i: order.index(i.level1))
        assert [(i.level1, i.name, i.annual.raw if i.annual else None) for i in b.indicators] == \
            [(i.level1, i.name, i.annual.raw if i.annual else None) for i in grouped]
        assert round(sum(i.weight for i in b.indicators), 2) == 90  # + 10 for budget execution


def test_printed_weights_are_kept_and_no_weights_leaves_them_blank(tmp_path, source):
    p = source.projects[0]
    inds = [i.model_copy(update={"weight": 5.0 + k}) for k, i in enumerate(p.indicators)]
    weighted = source.model_copy(update={"projects": [p.model_copy(update={"indicators": inds})]})
    out = tmp_path / "a.xlsx"
    write_template(weighted, out, "self_evaluation")
    ws = load_workbook(out).worksheets[0]
    assert _cell(ws, "服务老人人次").offset(column=3).value == 5
    write_template(source, out, "self_evaluation", options=Options(weights=False))
    ws = load_workbook(out).worksheets[0]
    assert _cell(ws, "服务老人人次").offset(column=3).value is None
    assert _cell(ws, "服务老人人次").offset(column=-2).value == "产出指标"


def test_class_weights_from_config(tmp_path, source):
    from jixiao.execution import ScoreConfig

    cfg = ScoreConfig(class_weights={"产出指标": 60, "效益指标": 20, "满意度指标": 10})
    out = tmp_path / "a.xlsx"
    write_template(source, out, "self_evaluation", options=Options(config=cfg))
    ws = load_workbook(out).worksheets[0]
    assert _cell(ws, "服务老人人次").offset(column=3).value == 12
    assert _cell(ws, "老人生活质量").offset(column=3).value == 20


def test_writer_errors(tmp_path, source):
    with pytest.raises(JixiaoError, match="模板类型无效"):
        write_template(source, tmp_path / "a.xlsx", "target")
    with pytest.raises(JixiaoError, match="月份无效"):
        write_template(source, tmp_path / "a.xlsx", "monitoring", options=Options(month=13))
    empty = source.model_copy(update={"projects": []})
    with pytest.raises(JixiaoError, match="没有项目"):
        write_template(empty, tmp_path / "a.xlsx", "self_evaluation")


# ------------------------------------------------------------------------------------------------ the command

def test_cli_from_file(tmp_path):
    out = tmp_path / "监控.xlsx"
    result = CliRunner().invoke(app, ["template", "monitoring", "--from", str(FORM), "--out", str(out), "-m", "6"])
    assert result.exit_code == 0, result.output
    assert "1 个项目" in result.output
    back = parse_path(out)
    assert back.kind == "monitoring" and back.as_of_month == 6


def test_cli_from_store(tmp_path):
    db = f"sqlite:///{tmp_path / 'j.db'}"
    runner = CliRunner()
    assert runner.invoke(app, ["ingest", str(FORM), "--db", db]).exit_code == 0
    from sqlalchemy import select

    from jixiao.store import open_engine
    from jixiao.store.schema import DocumentRow, ProjectRow

    with open_engine(db).connect() as conn:
        pid = conn.execute(select(ProjectRow.id)).scalar()
        did = conn.execute(select(DocumentRow.id)).scalar()
    out = tmp_path / "自评.xlsx"
    result = runner.invoke(app, ["template", "self-evaluation", "--db", db, "--project", str(pid), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert [i.name for i in parse_path(out).projects[0].indicators][0] == "服务老人人次"
    result = runner.invoke(app, ["template", "self-evaluation", "--db", db, "--document", str(did), "-o", str(out)])
    assert result.exit_code == 0, result.output
    result = runner.invoke(app, ["template", "self-evaluation", "--db", db, "--project", "999", "-o", str(out)])
    assert result.exit_code == 1 and "没有编号为 999 的项目" in result.output


@pytest.mark.parametrize(("args", "message"), [
    (["--out", "x.xlsx"], "三者选一"),
    (["--from", "FORM", "--out", "x.csv"], "只能写成 .xlsx"),
    (["--from", "missing.txt", "--out", "x.xlsx"], "missing.txt"),
])
def test_cli_bad_input_is_one_chinese_line(tmp_path, args, message):
    args = [str(FORM) if a == "FORM" else str(tmp_path / a) if a.startswith(("x.", "missing")) else a for a in args]
    result = CliRunner().invoke(app, ["template", "self-evaluation", *args])
    assert result.exit_code != 0
    assert message in result.output and "Traceback" not in result.output
    assert len([ln for ln in result.output.splitlines() if ln.strip()]) == 1


def test_unwritable_path_is_a_clear_error(tmp_path, source):
    out = tmp_path / "nested" / "a.xlsx"
    with pytest.raises(JixiaoError, match="无法写入"):
        write_template(source, out, "self_evaluation")
    assert not Path(out).exists()


def test_a_project_without_indicators_still_gets_its_sheet(tmp_path, source):
    p = source.projects[0]
    bare = source.model_copy(update={"projects": [p.model_copy(update={"indicators": [], "budget": None})]})
    for kind in ("self_evaluation", "monitoring"):
        out = tmp_path / f"{kind}.xlsx"
        assert write_template(bare, out, kind) == 1
        ws = load_workbook(out).worksheets[0]
        assert _cell(ws, "项目名称").offset(column=1).value == p.name
        assert _cell(ws, "三级指标") is not None


def test_department_wide_round_trip(tmp_path):
    """A department-wide target table (整体绩效目标) gives the 部门整体支出绩效自评表, read back as `overall`."""
    doc = parse_path(DATA / "department_form.txt")
    assert not doc.projects and doc.overall is not None
    out = tmp_path / "整体自评.xlsx"
    assert write_template(doc, out, "self_evaluation") == 1
    wb = load_workbook(out)
    ws = wb.worksheets[0]
    assert ws["A1"].value == "某区审计局2024年度部门整体支出绩效自评表"
    assert _cell(ws, "部门（单位）名称").offset(column=1).value == "某区审计局"
    r = _cell(ws, "年度资金总额").row
    ws.cell(r, 3).value, ws.cell(r, 4).value, ws.cell(r, 5).value, ws.cell(r, 7).value, ws.cell(r, 8).value = (
        500, 520, 494, "95%", 9.5)
    ws.cell(_cell(ws, "实际完成情况").row + 1, 6).value = "完成审计项目32个。"
    r = _cell(ws, "审计项目数").row
    ws.cell(r, 6).value, ws.cell(r, 8).value = "32个", 50
    r = _cell(ws, "问题整改率").row
    ws.cell(r, 6).value, ws.cell(r, 8).value, ws.cell(r, 9).value = "80%", 35, "部分问题整改周期长"
    ws.cell(_cell(ws, "总分").row, 8).value = 94.5
    wb.save(out)

    back = parse_path(out)
    assert back.kind == "self_evaluation" and not back.projects and back.department == "某区审计局"
    ov = back.overall
    assert ov.result == "完成审计项目32个。"
    assert (ov.execution.planned, ov.execution.adjusted, ov.execution.spent, ov.execution.score) == (500, 520, 494, 9.5)
    assert ov.evaluation.score == 94.5
    inds = [i for s in ov.sections for i in s.indicators]
    assert [(i.name, i.annual.raw, i.actual.raw, i.weight, i.score) for i in inds] == [
        ("审计项目数", "≥30个", "32个", 50, 50), ("问题整改率", "≥90%", "80%", 40, 35)]
    assert inds[1].deviation == "部分问题整改周期长"
