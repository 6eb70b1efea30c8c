"""Layout variants the seeds only hint at, written by hand in tests/data/."""

from __future__ import annotations

from conftest import DATA

from jixiao.ingest import parse_path


def _targets(ind):
    return (ind.annual.raw if ind.annual else None, ind.period.raw if ind.period else None)


def test_national_form_header_fields_and_score_levels():
    doc = parse_path(DATA / "form_national.txt")
    assert doc.year == 2024 and doc.department == "某市民政局"
    [p] = doc.projects
    assert (p.name, p.unit, p.unit_code) == ("社区居家养老服务补助", "某市养老服务指导中心", "101003")
    assert (p.budget.total, p.budget.fiscal, p.budget.other) == (120.0, 100.0, 20.0)
    assert p.goal.startswith("为全市60岁以上失能老人")  # the 年度 goal, not the 中长期 one
    assert [i.level1 for i in p.indicators] == ["产出指标"] * 5 + ["效益指标", "满意度指标"]
    assert p.indicators[1].level2 == "数量指标"  # a blank 二级 cell continues the one above
    assert p.indicators[1].annual.op == ">=" and p.indicators[1].annual.value == 2


def test_operator_and_unit_columns_are_joined_and_extra_columns_ignored():
    doc = parse_path(DATA / "grid_columns.txt")
    assert [p.name for p in doc.projects] == ["校园安保服务", "学生营养餐补助"]
    assert [p.unit for p in doc.projects] == ["某区第一中学", "某区第二小学"]
    first = doc.projects[0].indicators
    assert _targets(first[0]) == ("≥40人", "≥40人")
    assert first[0].basis == "计划标准"
    assert _targets(first[3]) == ("明显提升", "明显提升")  # 定性 is not an operator
    assert first[1].annual.unit == "次/日"
    second = doc.projects[1].indicators
    assert second[1].annual.kind == "deadline"
    assert (second[2].level1, second[2].level2) == ("成本指标", "经济成本指标")
    assert all("10" not in (i.annual.raw if i.annual else "") for i in first)  # 分值 never leaks


def test_self_evaluation_table_in_pipes_reads_the_target_side():
    doc = parse_path(DATA / "selfeval_pipes.txt")
    [p] = doc.projects
    assert p.name == "高标准农田建设" and p.unit == "某县农田建设中心"
    assert [i.annual.raw for i in p.indicators] == ["≥2000亩", "100%", "2023年12月底前", "≥50公斤", "≥15年", "≥90%"]
    assert p.indicators[4].level2 == "可持续影响指标"


def test_space_aligned_columns_keep_blank_cells():
    doc = parse_path(DATA / "form_spaces.txt")
    [p] = doc.projects
    assert p.name == "城市道路照明维护"
    assert [(i.level1, i.level2) for i in p.indicators][:3] == [("产出指标", "数量指标"), ("产出指标", "质量指标"),
                                                              ("产出指标", "时效指标")]
    assert _targets(p.indicators[2]) == ("24小时内", "24小时内")
    assert p.indicators[2].annual.op == "<="


def test_one_cell_per_line_with_wrapped_level_name():
    doc = parse_path(DATA / "form_cell_per_line.txt")
    [p] = doc.projects
    assert p.name == "图书馆数字资源采购" and p.unit == "某市图书馆"
    assert [(i.level1, i.level2, i.name, i.annual.raw) for i in p.indicators] == [
        ("产出指标", "数量指标", "采购数据库数量", "≥8个"),
        ("产出指标", "质量指标", "资源可用率", "≥99%"),
        ("效益指标", "社会效益指标", "数字资源访问量", "≥50万人次"),
        ("满意度指标", "服务对象满意度指标", "读者满意度", "≥90%"),
    ]


def test_header_split_over_two_rows():
    doc = parse_path(DATA / "two_row_header.txt")
    [p] = doc.projects
    assert p.code == "P001"
    assert [_targets(i) for i in p.indicators] == [("≥10场", "≥20场"), ("有效", "显著")]


def test_broken_running_text_item_is_kept_raw_and_marked(tmp_path):
    f = tmp_path / "broken.txt"
    f.write_text("项目名称\t绩效目标\t绩效指标\n某项目\t目标。\t1、产出指标: 培训人次。2、满意度指标: 满意度, 年度指标值: ≥90%。\n",
                 encoding="utf-8")
    [p] = parse_path(f).projects
    assert p.indicators[0].name == "培训人次" and p.indicators[0].annual is None
    assert p.indicators[0].problem
    assert p.indicators[1].annual.raw == "≥90%" and p.indicators[1].problem is None


def test_flat_export_repeats_project_cells_on_every_indicator_row():
    doc = parse_path(DATA / "grid_flat.txt")
    assert doc.department == "某市科技局"
    assert [(p.name, p.budget.total, len(p.indicators)) for p in doc.projects] == [("科技创新券", 100.0, 3),
                                                                                 ("专利资助", 50.0, 2)]
    assert doc.projects[1].goal == "鼓励发明专利申请。"


def test_running_text_without_value_labels():
    from jixiao.layouts.indicator_text import parse_indicator_text

    items = parse_indicator_text("（1）产出指标-数量指标-培训人数≥100人；（2）满意度指标：学员满意度：≥90%。")
    assert [(i.seq, i.level1, i.level2, i.name, i.annual.raw) for i in items] == [
        (1, "产出指标", "数量指标", "培训人数", "≥100人"), (2, "满意度指标", None, "学员满意度", "≥90%")]
    # a comma before a vague word is not taken as a value: kept raw and marked
    [kept] = parse_indicator_text("1、效益指标：技能提升，有效提升。")
    assert kept.annual is None and kept.problem


def test_running_text_without_numbers_split_by_semicolons_or_lines():
    from jixiao.layouts.indicator_text import parse_indicator_text

    items = parse_indicator_text("产出指标：培训人次≥800人次；效益指标：就业率，≥90%；满意度指标：学员满意度≥95%")
    assert [(i.level1, i.name, i.annual.raw) for i in items] == [
        ("产出指标", "培训人次", "≥800人次"), ("效益指标", "就业率", "≥90%"), ("满意度指标", "学员满意度", "≥95%")]
    lines = parse_indicator_text("产出指标：培训人次≥800人次\n效益指标：技能水平：明显提升")
    assert [(i.seq, i.name, i.annual.raw) for i in lines] == [(1, "培训人次", "≥800人次"), (2, "技能水平", "明显提升")]


def test_department_label_variants():
    from jixiao.layouts.common import department_in

    assert department_in("部门（单位）名称：某市卫生健康委员会") == "某市卫生健康委员会"
    assert department_in("主管部门：[015001]武汉市青山区教育局") == "武汉市青山区教育局"
    assert department_in("编制单位：某市财政局") is None


def test_subtotal_row_and_heading_year():
    doc = parse_path(DATA / "list_with_subtotal.txt")
    assert doc.year == 2024 and doc.title is None  # a heading without 表 gives the year, not a title
    assert [u.name for u in doc.units] == ["甲单位"] and doc.units[0].budget.total == 100
    assert [p.name for p in doc.projects] == ["培训项目"]  # 小计 is not a project or a unit


def test_headers_with_notes_in_brackets_and_a_bare_unit_column(tmp_path):
    form = tmp_path / "form.txt"
    form.write_text("项目名称\t社区养老服务\n绩效指标\t一级指标\t二级指标\t三级指标\t指标值（包含数字及文字描述）\n"
                    "\t产出指标\t数量指标\t服务人次\t≥5000人次\n", encoding="utf-8")
    [p] = parse_path(form).projects
    assert [(i.name, i.annual.raw) for i in p.indicators] == [("服务人次", "≥5000人次")]
    table = tmp_path / "list.txt"
    table.write_text("单位\t项目名称\t绩效目标\t绩效指标\n甲单位\t培训项目\t开展培训。\t"
                     "1、产出指标: 培训人次, 年度指标值: ≥100人次。\n", encoding="utf-8")
    [p] = parse_path(table).projects
    assert (p.unit, p.indicators[0].annual.raw) == ("甲单位", "≥100人次")


def test_department_level_form_goes_to_overall():
    doc = parse_path(DATA / "department_form.txt")
    assert doc.projects == [] and doc.department == "某区审计局" and doc.year == 2024
    [section] = doc.overall.sections
    assert doc.overall.goal == "完成年度审计计划，推动问题整改。"
    assert [(i.level1, i.name, i.annual.raw) for i in section.indicators] == [
        ("产出指标", "审计项目数", "≥30个"), ("效益指标", "问题整改率", "≥90%")]


def test_csv_export_with_quoted_cells(tmp_path):
    import csv
    import io

    from conftest import SEEDS

    seed = next(p for p in SEEDS if p.name.startswith("002"))
    buf = io.StringIO()
    writer = csv.writer(buf)
    for line in seed.read_text(encoding="utf-8").split("\n"):
        writer.writerow(line.split("\t"))
    path = tmp_path / "export.csv"
    path.write_text(buf.getvalue(), encoding="utf-8")
    got, want = parse_path(path).to_json_dict(), parse_path(seed).to_json_dict()
    for d in (got, want):
        for p in d["projects"]:
            p.pop("loc", None)
            for i in p["indicators"]:
                i.pop("loc", None)
    assert got["projects"] == want["projects"] and got["total"] == want["total"]


def test_national_template_and_direction_column_headers(tmp_path):
    """财预〔2021〕101号's grid (指标性质, 度量单位, 权重（分值）, 指标值设定依据及数据来源) and a grid whose
    operator sits in a 指标方向 column that sometimes holds 正向/反向 instead."""
    national = tmp_path / "national.txt"
    national.write_text("项目名称\t职业技能培训\n"
                        "一级指标\t二级指标\t三级指标\t指标性质\t指标值\t度量单位\t权重（分值）\t指标值设定依据及数据来源\n"
                        "产出指标\t数量指标\t培训人次\t≥\t500\t人次\t10\t年度培训计划\n", encoding="utf-8")
    [p] = parse_path(national).projects
    [ind] = p.indicators
    assert (ind.name, ind.annual.raw, ind.annual.op, ind.annual.value, ind.annual.unit, ind.basis) == (
        "培训人次", "≥500人次", ">=", 500, "人次", "年度培训计划")
    direction = tmp_path / "direction.txt"
    direction.write_text("项目名称\t道路养护\n"
                         "一级指标\t二级指标\t三级指标\t指标方向\t本年度目标值\t计量单位\n"
                         "产出指标\t质量指标\t路面破损率\t≤\t5\t%\n"
                         "效益指标\t社会效益指标\t交通事故起数\t反向\t3\t起\n", encoding="utf-8")
    [p] = parse_path(direction).projects
    assert [(i.name, i.annual.raw) for i in p.indicators] == [("路面破损率", "≤5%"), ("交通事故起数", "3起")]
