"""The stream reader: tables however they were flattened, read by the content of their cells.

Each text here is written for the test in one of the shapes real web pages and document previews give
(see ../shared/corpus/README.md); none is copied from a corpus file."""

from __future__ import annotations

from pathlib import Path

import pytest

from jixiao.errors import JixiaoError
from jixiao.ingest import parse_bytes

DATA = Path(__file__).parent / "data"


def _parse(text: str, name: str = "t.txt"):
    return parse_bytes(text.encode("utf-8"), name)


def _rows(doc):
    items = [i for p in doc.projects for i in p.indicators]
    if doc.overall:
        items += [i for s in doc.overall.sections for i in s.indicators]
    return [(i.level1, i.level2, i.name, i.annual.raw if i.annual else None) for i in items]


def test_cells_glued_without_separators_one_row_per_line():
    doc = _parse(
        "某县水利局项目绩效目标表\n(2023年度)\n项目名称山塘清淤整治\n项目主管部门某县水利局项目执行单位某镇人民政府\n"
        "绩效指标一级指标二级指标指标内容指标值\n产出指标数量指标清淤山塘数量≥12座\n质量指标工程验收合格率100%\n"
        "效益指标可持续影响指标蓄水能力持续提升\n社会公众或服务对象满意度指标受益群众满意度≥90%\n附件:\n")
    p = doc.projects[0]
    assert (p.name, p.department, p.unit) == ("山塘清淤整治", "某县水利局", "某镇人民政府")
    assert doc.year == 2023
    assert _rows(doc) == [
        ("产出指标", "数量指标", "清淤山塘数量", "≥12座"),
        ("产出指标", "质量指标", "工程验收合格率", "100%"),
        # a text value glued to its name cannot be cut: kept whole, marked, no value
        ("效益指标", "可持续影响指标", "蓄水能力持续提升", None),
        ("效益指标", "服务对象满意度指标", "受益群众满意度", "≥90%"),
    ]
    assert doc.projects[0].indicators[2].problem


def test_one_cell_per_line_with_blank_lines_and_wrapped_words():
    cells = ["部门整体支出绩效自评表", "(2022年度)", "一级指标", "二级指标", "三级指标", "年度", "指标值", "实际",
             "完成值", "分值", "得分", "偏差原因", "分析及", "改进措施", "产出指标", "(50)", "数量", "指标",
             "植树面积", "2万亩", "2.1万亩", "10", "10", "补植面积", "500亩", "480亩", "8", "7", "质量",
             "指标", "成活率", "85%", "88%", "10", "10", "效益指标", "30分)", "社会效", "益指标", "护林员岗位",
             "120个", "120个", "10", "10", "满意度"]
    doc = _parse("\n\n".join(cells))
    assert doc.kind == "self_evaluation"
    assert doc.overall is not None and not doc.projects  # a department-wide table
    items = doc.overall.sections[0].indicators
    got = [(i.level1, i.level2, i.name, i.annual.raw, i.actual.raw, i.weight, i.score) for i in items]
    assert got == [
        ("产出指标", "数量指标", "植树面积", "2万亩", "2.1万亩", 10, 10),
        ("产出指标", "数量指标", "补植面积", "500亩", "480亩", 8, 7),
        ("产出指标", "质量指标", "成活率", "85%", "88%", 10, 10),
        ("效益指标", "社会效益指标", "护林员岗位", "120个", "120个", 10, 10),
    ]


def test_pipe_rows_with_merged_cells_left_out_and_a_short_row_marked():
    text = (
        "项目名称 | 村级道路硬化 | ||||||\n"
        "主管部门 | 某县交通局 | 实施单位 | 某乡人民政府 | |||||\n"
        "项目资金 (万元) | 年初预算数 | 全年预算数 | 全年执行数 | 分值 | 执行率 | 得分 | ||\n"
        "年度资金总额 | 200 | 200 | 180 | 10 | 90% | 9 | ||\n"
        "绩 效 指 标 | 一级指标 | 二级指标 | 三级指标 | 年度指标值 | 实际完成值 | 分值 | 得分 | 偏差原因分析及改进措施 |\n"
        "产出指标(50分) | 数量指标 | 硬化道路长度 | ≥5公里 | 5.2公里 | 20 | 20 | ||\n"
        "路面宽度(米) | 4.5 | 15 | 15 | ||||\n"
        "时效指标 | 完工时间 | 2023年10月底前 | 2023年9月 | 15 | 15 | ||\n"
        "合计 | 100 | 95 | |||\n")
    doc = _parse(text)
    p = doc.projects[0]
    assert (p.name, p.department, p.unit) == ("村级道路硬化", "某县交通局", "某乡人民政府")
    assert (p.execution.planned, p.execution.spent, p.execution.rate, p.execution.score) == (200, 180, 90, 9)
    first, short, last = p.indicators
    assert (first.level1, first.level2, first.annual.raw, first.actual.raw, first.weight, first.score) == (
        "产出指标", "数量指标", "≥5公里", "5.2公里", 20, 20)
    # three cells for four value columns: which one is missing cannot be known, so no value is given
    assert short.name == "路面宽度(米)" and short.annual is None and short.weight is None and short.problem
    assert (last.level2, last.annual.kind, last.actual.raw) == ("时效指标", "deadline", "2023年9月")


def test_cells_one_per_line_ending_in_a_pipe_score_before_target():
    lines = ["项目名称 |", "困难群众救助 |", "|", "一级指标 |", "二级指标 |", "三级指标 |", "分值 |", "年度指标值 |",
             "全年实际值 |", "得分 |", "未完成原因及拟采取的改进措施 |", "|", "产出指标(50分) |", "数量指标 |",
             "救助人次(≥**人次) |", "20 |", ">=300人次 |", "320人次 |", "20 |", "|", "|", "|", "|",
             "救助标准(元/人·月) |", "10 |", ">=500元/人*月 |", "480元/人*月 |", "8 |", "标准调整滞后 |", "|"]
    doc = _parse("\n".join(lines))
    a, b = doc.projects[0].indicators
    assert (a.name, a.weight, a.annual.raw, a.actual.raw, a.score) == ("救助人次(≥**人次)", 20, ">=300人次", "320人次", 20)
    assert (b.annual.unit, b.score, b.deviation) == ("元/人*月", 8, "标准调整滞后")


def test_a_whole_table_on_one_line_of_single_spaces():
    doc = _parse("项目支出绩效自评表 (2022年度) 项目名称 档案数字化 主管部门 某区档案馆 绩效指标 一级指标 二级指标 三级指标 "
                 "年度指标值 实际完成值 分值 得分 产出指标(50分) 数量指标 数字化页数 ≥10万页 12万页 20 20 "
                 "质量指标 差错率 ≤0.5% 0.3% 20 20 满意度指标(10分) 服务对象满意度指标 查档群众满意度 ≥90% 95% 10 10 合计")
    assert [(n, a) for _, _, n, a in _rows(doc)] == [("数字化页数", "≥10万页"), ("差错率", "≤0.5%"),
                                                    ("查档群众满意度", "≥90%")]
    assert doc.projects[0].indicators[1].annual.op == "<="


def test_running_text_targets():
    doc = _parse("某镇关于项目绩效目标设定的公示\n项目资金用于村庄亮化。现将绩效目标设定公示如下:\n一、产出指标\n"
                 "数量指标:安装路灯(≥**盏)大于等于120盏,维修旧灯不少于30盏\n二、效益指标\n"
                 "社会效益指标:夜间出行安全提升。\n")
    assert [(l1, l2, n, a) for l1, l2, n, a in _rows(doc)][:2] == [
        ("产出指标", "数量指标", "安装路灯(≥**盏)", "大于等于120盏"),
        ("产出指标", "数量指标", "维修旧灯", "不少于30盏")]


def test_traditional_characters_and_pinyin_glosses():
    doc = _parse("項(xiàng)目名稱(chēng) | 農(nóng)村飲水工程 | |||\n"
                 "一級(jí)指標(biāo) | 二級(jí)指標(biāo) | 三級(jí)指標(biāo) | 指標(biāo)值 | |\n"
                 "產(chǎn)出指標(biāo) | 數(shù)量指標(biāo) | 新建水廠 | 2座 | |\n"
                 "滿意度指標(biāo) | 服務(wù)對象滿意度指標(biāo) | 用水戶滿意度 | ≥90% | |\n")
    assert doc.projects[0].name == "农村饮水工程"
    assert _rows(doc) == [("产出指标", "数量指标", "新建水厂", "2座"),
                          ("满意度指标", "服务对象满意度指标", "用水户满意度", "≥90%")]


def test_a_text_cut_off_mid_row_gives_the_whole_rows_and_says_where_it_stops():
    doc = _parse("项目名称 | 学校改造 | |\n一级指标 | 二级指标 | 三级指标 | 指标值 | |\n"
                 "产出指标 | 数量指标 | 改造校舍面积 | ≥800平方米 | |\n质量指标 | 验收合格率 | 10")
    assert _rows(doc) == [("产出指标", "数量指标", "改造校舍面积", "≥800平方米")]
    assert any("中途结束" in pr.message for pr in doc.problems)


def test_a_table_that_starts_mid_way_takes_its_columns_from_its_rows():
    doc = _parse("讲座知晓率 | = | 100 | % | 98 | 5 | 5 |\n"
                 "满意度指标 | 服务对象满意度指标 | 读者满意度 | ≥ | 90 | % | 93 | 5 | 4 |\n合计 | 100 | 96 |\n"
                 "评价结论 | 完成了年度目标。 |\n")
    a, b = doc.projects[0].indicators
    assert (a.annual.raw, a.actual.raw, a.weight, a.score) == ("=100%", "98", 5, 5)
    assert (b.level1, b.annual.raw, b.annual.op, b.score) == ("满意度指标", "≥90%", ">=", 4)
    assert doc.kind == "self_evaluation" and doc.projects[0].evaluation.conclusion == "完成了年度目标。"
    assert any("中途开始" in pr.message for pr in doc.problems)


def test_nothing_recognizable_is_still_a_clear_error():
    with pytest.raises(JixiaoError):
        _parse("这是一段与绩效目标无关的文字。\n第二行也没有表格。\n")


SHENBAO = [
    ["项目支出名称", "乡村道路养护补助", "乡村道路养护补助", "乡村道路养护补助", "乡村道路养护补助"],
    ["预算部门", "某县交通运输局", "某县交通运输局", "项目负责人及电话", "张三 12345678"],
    ["年度本级预算金额", "120.5", "120.5", "该项目支出上级资金", "30"],
    ["本年度绩效目标", "完成乡村公路日常养护120公里。", "完成乡村公路日常养护120公里。",
     "完成乡村公路日常养护120公里。", "完成乡村公路日常养护120公里。"],
    ["本年度绩效指标", "一级指标", "二级指标", "三级指标", "指标值"],
    ["本年度绩效指标", "产出指标", "数量指标", "日常养护里程", "≥120公里"],
    ["本年度绩效指标", "产出指标", "质量指标", "优良路率", "≥80%"],
    ["本年度绩效指标", "满意度指标", "服务对象满意度指标", "沿线群众满意度", "≥90%"],
]


def _shenbao_html() -> bytes:
    rows = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in r) + "</tr>" for r in SHENBAO)
    return f"<html><body><p>2024年项目支出绩效目标申报表</p><table>{rows}</table></body></html>".encode()


def _shenbao_docx(tmp_path) -> bytes:
    import docx

    d = docx.Document()
    d.add_paragraph("2024年项目支出绩效目标申报表")
    t = d.add_table(rows=len(SHENBAO), cols=5)
    for r, row in enumerate(SHENBAO):
        for c, text in enumerate(row):
            t.cell(r, c).text = text
    t.cell(0, 1).merge(t.cell(0, 4))
    t.cell(3, 1).merge(t.cell(3, 4))
    t.cell(4, 0).merge(t.cell(7, 0))
    t.cell(0, 1).text = SHENBAO[0][1]
    t.cell(3, 1).text = SHENBAO[3][1]
    t.cell(4, 0).text = "本年度绩效指标"
    path = tmp_path / "f.docx"
    d.save(path)
    return path.read_bytes()


def _shenbao_xlsx(tmp_path) -> bytes:
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["2024年项目支出绩效目标申报表"])
    for row in SHENBAO:
        ws.append(row)
    for rng in ("B2:E2", "B5:E5", "A6:A9"):
        ws.merge_cells(rng)
    path = tmp_path / "f.xlsx"
    wb.save(path)
    return path.read_bytes()


@pytest.mark.parametrize("fmt", ["html", "docx", "xlsx"])
def test_the_shenbao_form_in_every_format(fmt, tmp_path):
    data = {"html": _shenbao_html, "docx": lambda: _shenbao_docx(tmp_path),
            "xlsx": lambda: _shenbao_xlsx(tmp_path)}[fmt]()
    doc = parse_bytes(data, f"shenbao.{fmt}")
    p = doc.projects[0]
    assert (p.name, p.department, p.budget.total, p.goal) == (
        "乡村道路养护补助", "某县交通运输局", 120.5, "完成乡村公路日常养护120公里。")
    assert doc.year == 2024
    assert _rows(doc) == [("产出指标", "数量指标", "日常养护里程", "≥120公里"),
                          ("产出指标", "质量指标", "优良路率", "≥80%"),
                          ("满意度指标", "服务对象满意度指标", "沿线群众满意度", "≥90%")]


EXECUTION = Path(__file__).parent / "data" / "execution"


def test_monitoring_table_with_ticked_reason_columns():
    """tests/data/execution/README.md lists what each 136号 fixture states."""
    doc = parse_bytes((EXECUTION / "monitoring_136_pipes.txt").read_bytes(), "m.txt")
    assert (doc.kind, doc.as_of_month) == ("monitoring", 7)
    p = doc.projects[0]
    assert (p.execution.planned, p.execution.spent, p.execution.rate, p.execution.forecast) == (200, 70, 35, 200)
    got = {i.name: (i.actual.raw if i.actual else None, i.forecast.raw if i.forecast else None, i.deviation,
                    i.likelihood) for i in p.indicators}
    assert got["渠道清淤长度"] == ("12公里", "30公里", "其他、汛期暂停施工", "有可能")
    assert got["维修泵站数量"] == ("2座", "5座", "经费保障", "完全不可能")
    assert got["受益农户满意度"] == (None, "≥90%", None, "确定能")


def test_monitoring_table_in_tabs_with_the_national_placeholder():
    doc = parse_bytes((EXECUTION / "monitoring_136_cells.txt").read_bytes(), "m.txt")
    assert (doc.kind, doc.as_of_month) == ("monitoring", 8)
    p = doc.projects[0]
    assert (p.execution.planned, p.execution.spent, p.execution.rate, p.execution.forecast) == (120, 96, 80, 120)
    assert p.result == "累计助餐2.1万人次，服务站全部建成运营。"
    complaints = next(i for i in p.indicators if i.name == "老年人投诉次数")
    assert (complaints.actual.raw, complaints.forecast.raw, complaints.deviation, complaints.likelihood) == (
        "5次", "6次", None, "确定能")


def test_a_table_that_keeps_its_empty_cells_is_read_by_position(tmp_path):
    """An XLSX self-evaluation whose row has no target: the actual stays the actual (no shift, no doubt)."""
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    for row in [["项目支出绩效自评表"], ["项目名称", "渠道维修", "", "", "", "", ""],
                ["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分"],
                ["产出指标", "数量指标", "维修渠道长度", "≥10公里", "12公里", 20, 20],
                ["产出指标", "数量指标", "维修闸门", None, "3座", 10, 8],
                ["产出指标", "质量指标", "验收合格率", "100%", None, 10, None]]:
        ws.append(row)
    path = tmp_path / "s.xlsx"
    wb.save(path)
    doc = parse_bytes(path.read_bytes(), "s.xlsx")
    got = [(i.name, i.annual.raw if i.annual else None, i.actual.raw if i.actual else None, i.weight, i.score,
            i.problem) for i in doc.projects[0].indicators]
    assert got == [("维修渠道长度", "≥10公里", "12公里", 20, 20, None), ("维修闸门", None, "3座", 10, 8, None),
                   ("验收合格率", "100%", None, 10, None, None)]


def test_last_year_and_this_year_columns_with_one_filled():
    doc = _parse("| 项目名称 | 社区服务 | | | |\n"
                 "| 一级指标 | 二级指标 | 三级指标 | 上年实际值 | 本年预期值 |\n"
                 "| 产出指标 | 数量指标 | 服务人次 | 1200人次 | ≥1500人次 |\n"
                 "| 产出指标 | 质量指标 | 服务合格率 | | ≥98% |\n"
                 "| 产出指标 | 时效指标 | 去年完成的检查 | 12次 | |\n")
    got = [(i.name, i.annual.raw if i.annual else None) for i in doc.projects[0].indicators]
    assert got == [("服务人次", "≥1500人次"), ("服务合格率", "≥98%"), ("去年完成的检查", None)]


def test_long_term_and_annual_blocks():
    doc = _parse("| 项目名称 | 河道治理 | | | |\n| 长期绩效指标 | | | | |\n"
                 "| 一级指标 | 二级指标 | 三级指标 | 指标值 | 备注 |\n| 产出指标 | 数量指标 | 治理河道长度 | 30公里 | |\n"
                 "| 年度绩效指标 | | | | |\n| 一级指标 | 二级指标 | 三级指标 | 指标值 | 备注 |\n"
                 "| 产出指标 | 数量指标 | 治理河道长度 | 10公里 | |\n")
    a, b = doc.projects[0].indicators
    assert (a.period.raw, a.annual) == ("30公里", None)
    assert (b.annual.raw, b.period) == ("10公里", None)


def test_funding_row_with_a_blank_cell_keeps_its_columns(tmp_path):
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    for row in [["项目支出绩效自评表"], ["项目名称", "老旧小区改造"],
                ["项目资金（万元）", "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"],
                ["年度资金总额", None, 300, 270, 10, "90%", 9],
                ["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分"],
                ["产出指标", "数量指标", "改造小区数量", "≥5个", "5个", 20, 20]]:
        ws.append(row)
    path = tmp_path / "f.xlsx"
    wb.save(path)
    e = parse_bytes(path.read_bytes(), "f.xlsx").projects[0].execution
    assert (e.planned, e.adjusted, e.spent, e.weight, e.rate, e.score) == (None, 300, 270, 10, 90, 9)


def test_a_header_word_never_seen_takes_its_role_from_its_place():
    doc = _parse("| 项目名称 | 社区图书室 | | | |\n| 一级指标 | 二级指标 | 考核内容 | 目标值 | 完成时限 |\n"
                 "| 产出指标 | 数量指标 | 新增图书册数 | ≥2000册 | 12月 |\n"
                 "| 满意度指标 | 服务对象满意度指标 | 读者满意度 | ≥90% | 12月 |\n")
    assert _rows(doc) == [("产出指标", "数量指标", "新增图书册数", "≥2000册"),
                          ("满意度指标", "服务对象满意度指标", "读者满意度", "≥90%")]


@pytest.mark.parametrize("name", ["018.txt", "007.txt", "041.txt"])
def test_layouts_never_mutate_the_readers_sheet(name):
    """Both readings run on one Sheet: neither may change it (a moved cell column once misled the other)."""
    from conftest import SHARED

    from jixiao.layouts import build_document
    from jixiao.readers import read_path

    sheet = read_path(SHARED / "corpus" / name)
    before = [[(c.text, c.col, c.hspan, c.vspan) for c in r.cells] for r in sheet.rows]
    build_document(sheet)
    assert [[(c.text, c.col, c.hspan, c.vspan) for c in r.cells] for r in sheet.rows] == before


def test_labels_above_their_values_and_totals_under_their_column():
    """A table that kept its empty cells: a blank 实际完成情况 stays blank (the goal is not taken for it), and a
    总分 row with a blank 得分 is not read as 100 points."""
    doc = _parse("某县2023年度项目支出绩效自评表\n"
                 "| 项目名称 | 送戏下乡 | | | | | | |\n"
                 "| 年度总体目标 | 预期目标 | | | | 实际完成情况 | | |\n"
                 "| | 组织送戏下乡120场。 | | | | | | |\n"
                 "| 绩效指标 | 一级指标 | 二级指标 | 三级指标 | 年度指标值 | 实际完成值 | 分值 | 得分 |\n"
                 "| | 产出指标 | 数量指标 | 送戏下乡场次 | ≥120场 | | 90 | |\n"
                 "| 总分 | | | | | | 100 | |\n")
    p = doc.projects[0]
    assert (p.goal, p.result) == ("组织送戏下乡120场。", None)
    assert p.evaluation is None or p.evaluation.score is None
    assert p.indicators[0].weight == 90 and p.indicators[0].actual is None


def test_a_merged_header_over_the_reason_columns(tmp_path):
    """136号 header cells merged down over the row of ticked reason names (XLSX)."""
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["项目支出绩效目标执行监控表（2024年1-7月）"])
    ws.append(["项目名称", "渠道维修"])
    ws.append(["一级指标", "二级指标", "三级指标", "年度指标值", "1-7月执行情况", "全年预计完成情况", "偏差原因分析",
               None, None, None, None, "完成目标可能性"])
    ws.append([None, None, None, None, None, None, "经费保障", "制度保障", "人员保障", "硬件条件保障", "其他", None])
    ws.append(["产出指标", "数量指标", "渠道清淤长度", "≥30公里", "12公里", "30公里", None, None, None, None,
               "√ 汛期停工", "有可能"])
    for rng in ("A3:A4", "B3:B4", "C3:C4", "D3:D4", "E3:E4", "F3:F4", "G3:K3", "L3:L4"):
        ws.merge_cells(rng)
    path = tmp_path / "m.xlsx"
    wb.save(path)
    doc = parse_bytes(path.read_bytes(), "m.xlsx")
    i = doc.projects[0].indicators[0]
    assert (doc.kind, i.name, i.annual.raw, i.actual.raw, i.forecast.raw, i.deviation, i.likelihood) == (
        "monitoring", "渠道清淤长度", "≥30公里", "12公里", "30公里", "其他、汛期停工", "有可能")


def test_a_weight_that_is_text_is_marked_not_guessed():
    doc = _parse("项目支出绩效自评表\n| 项目名称 | 测试 | | | | | |\n"
                 "| 一级指标 | 二级指标 | 三级指标 | 年度指标值 | 实际完成值 | 分值 | 得分 |\n"
                 "| 产出指标 | 数量指标 | 建成站点 | ≥5个 | 5个 | 十 | 8 |\n")
    i = doc.projects[0].indicators[0]
    assert (i.weight, i.score, i.annual.raw) == (None, 8, "≥5个")
    assert i.problem == "分值“十”不是数字，未读取"


def test_a_level_name_read_in_a_value_column_is_never_a_value():
    """One cell per line, the names being bare numbers: the rows fall out of step and a level name lands in
    the value column. It is dropped and the indicator is marked, whichever family read it."""
    text = "\n\n".join(["项目绩效目标表", "项目名称", "集镇基础设施建设", "一级指标", "二级指标", "绩效指标名称",
                        "年度指标值", "产出指标", "数量指标", "88100", "产出指标", "质量指标", "88100",
                        "效益指标", "社会效益指标", "68100"])
    doc = parse_bytes(text.encode(), "flat.txt")
    indicators = [i for p in doc.projects for i in p.indicators]
    assert indicators
    for ind in indicators:
        for attr in ("annual", "period", "actual", "forecast"):
            value = getattr(ind, attr)
            assert value is None or not value.raw.endswith("指标"), (ind.name, attr, value.raw)
    assert any(i.problem and "表头、级别名称或表名" in i.problem for i in indicators)


def test_a_tab_separated_last_row_that_keeps_its_empty_cells_is_whole():
    """A self-evaluation exported with tabs, its actual/weight/score cells still empty: the last line ends
    with its empty cells' tabs, so it is a whole row, not a row the text was cut in."""
    text = "\n".join([
        "某项目绩效自评表",
        "项目名称\t某补助资金",
        "一级指标\t二级指标\t绩效指标名称\t当年预期实现值\t实际完成情况\t分值\t得分",
        "产出指标\t数量指标\t应受助学生数\t100%\t\t\t",
        "产出指标\t数量指标\t免学费学生数\t98%\t\t\t",
    ])
    doc = parse_bytes(text.encode(), "tabs.txt")
    got = [(i.name, i.annual.raw if i.annual else None) for p in doc.projects for i in p.indicators]
    assert got == [("应受助学生数", "100%"), ("免学费学生数", "98%")]
    assert not doc.problems


def test_a_first_level_keeps_the_points_its_label_prints():
    text = "\n".join([
        "某项目绩效自评表",
        "项目名称\t某补助资金",
        "一级指标\t二级指标\t三级指标\t年度指标值\t实际完成值\t分值\t得分",
        "产出指标(50分)\t数量指标\t受助学生数\t≥100人\t120人\t30\t30",
        "\t质量指标\t发放准确率\t100%\t100%\t20\t20",
        "效益指标（30）分\t社会效益指标\t家庭负担减轻\t有效减轻\t有效减轻\t30\t30",
    ])
    doc = parse_bytes(text.encode(), "points.txt")
    got = [(i.level1, i.level1_points) for p in doc.projects for i in p.indicators]
    assert got == [("产出指标", 50.0), ("产出指标", 50.0), ("效益指标", 30.0)]
    assert "level1_points" in doc.to_json_dict()["projects"][0]["indicators"][0]


def test_a_first_level_keeps_its_points_in_a_spreadsheet():
    import io

    import openpyxl

    wb = openpyxl.Workbook()
    for r in [["某项目绩效目标表"], ["项目名称", "某补助资金"], ["一级指标", "二级指标", "三级指标", "指标值"],
              ["产出指标(50分)", "数量指标", "受助学生数", "≥100人"], ["", "质量指标", "发放准确率", "100%"],
              ["效益指标(30分)", "社会效益指标", "家庭负担减轻", "有效减轻"]]:
        wb.active.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    doc = parse_bytes(buf.getvalue(), "points.xlsx")
    assert [(i.level1, i.level1_points) for p in doc.projects for i in p.indicators] == [
        ("产出指标", 50.0), ("产出指标", 50.0), ("效益指标", 30.0)]


def test_space_aligned_grid_below_a_differently_aligned_funding_block():
    """Runs of spaces between cells, the funding block's columns not the grid's: each block is placed under
    its own columns, so continuation rows (no 一级/二级 cell) keep their names and values."""
    doc = parse_bytes((DATA / "spaces_two_blocks.txt").read_bytes(), "spaces_two_blocks.txt")
    got = [(i.level2, i.name, i.annual.raw if i.annual else None) for p in doc.projects for i in p.indicators]
    assert got == [("数量指标", "文化惠民演出场次", "≥200场"), ("数量指标", "公共文化场馆免费开放天数", "≥300天"),
                   ("质量指标", "演出节目合格率", "100%"), ("时效指标", "项目完成时间", "2025年12月底前"),
                   ("社会效益指标", "群众文化生活", "明显改善"), ("服务对象满意度指标", "群众满意度", "≥90%")]
    assert not doc.problems


def test_fused_digits_in_a_funding_row_under_two_columns_are_not_read():
    """`本年财政拨款2020` under 全年预算数(A) and 全年执行数(B): 20 and 20 fused, or 2020 alone. Not read, and
    the document says why."""
    text = ("绩效目标自评表(2022年度)项目名称某县小型水库水标尺制作安装项目负责人及电话张某(办公)主管部门某县水利局"
            "实施单位某县水利局资金情况(万元)全年预算数(A)全年执行数(B)分值执行率(B/A)得分年度资金总额:202010100.00%10"
            "其中:本年财政拨款2020其他资金年度总体目标年初设定目标年度总体目标完成情况综述完成供水计量设施改造,完成改造,"
            "绩效指标一级指标二级指标三级指标分值年度指标值全年实际值得分未完成原因及拟采取的改进措施产出指标(70分)数量指标"
            "安装坡面水标尺10≥266米≥266米10")
    doc = parse_bytes(text.encode(), "fused_budget.txt")
    p = doc.projects[0]
    assert p.budget is None or p.budget.fiscal is None
    assert any("粘连" in pr.message for pr in doc.problems)


def test_a_first_level_keeps_points_printed_without_their_word_or_bracket():
    """`产出指标(50)` and a wrapped `效益指标` / `30分)`: the points are read all the same."""
    from jixiao.layouts.vocab import level_points

    assert [level_points(t) for t in ("产出指标(50)", "效益指标30分)", "满意度指标（10 分）", "成本指标(0-20)分")] == [
        50.0, 30.0, 10.0, None]


def test_a_lone_value_with_an_operator_in_a_short_self_evaluation_row_is_the_target():
    """One cell per line, empty cells dropped: `≤10次` alone after its name, under 年度指标值 | 实际完成值 |
    分值 | 得分, is the target (what happened carries no bound); a bare `8次` alone stays unplaced."""
    cells = ["某项目绩效自评表", "项目名称", "某补助项目", "一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值",
             "分值", "得分", "产出指标", "数量指标", "科目调整次数", "≤10次", "产出指标", "数量指标", "培训场次", "8次",
             "产出指标", "时效指标", "按时发放率", "=100%", "产出指标", "质量指标", "验收合格率", "≥95%", "96%", "10", "10"]
    doc = parse_bytes("\n\n".join(cells).encode(), "blank.txt")
    got = {i.name: (i.annual.raw if i.annual else None, i.problem is not None) for p in doc.projects for i in p.indicators}
    assert got["科目调整次数"] == ("≤10次", False)
    assert got["按时发放率"] == ("=100%", False)
    assert got["培训场次"] == (None, True)


_GLUED_2021 = ("项目名称博物馆免费开放\n年度绩效目标提高服务水平一级指标二级指标三级指标指标目标值产出指标数量指标免费开放天数=300天"
               "成本指标经济成本指标资金使用效率=100百分比效益指标社会效益指标接待观众人数=30000人次"
               "满意度指标服务对象满意度服务对象满意度%=99百分比")


def test_the_last_row_before_a_title_glued_after_a_unit_word_is_kept():
    """`…=99百分比` + `省级部门预算项目支出绩效目标表`: the row is whole and the title begins the next table."""
    doc = _parse(_GLUED_2021 + "省级部门预算项目支出绩效目标表2023年度项目名称博物馆提升改造项目\n")
    last = doc.projects[0].indicators[-1]
    assert (last.name, last.annual.op, last.annual.value, last.annual.unit) == ("服务对象满意度%", "=", 99.0, "百分比")
    assert [p.name for p in doc.projects] == ["博物馆免费开放", "博物馆提升改造项目"]


def test_a_second_level_printed_without_its_suffix_before_the_same_words_is_split_off():
    """`服务对象满意度` (a second level without `指标`) glued before `服务对象满意度%`: the words repeat, so the
    cut is certain; in a table whose first levels include 成本指标 (the 2021 framework) 满意度指标 is a first
    level, not 效益指标's second."""
    doc = _parse(_GLUED_2021 + "\n")
    last = doc.projects[0].indicators[-1]
    assert (last.level1, last.level2, last.name) == ("满意度指标", "服务对象满意度指标", "服务对象满意度%")


def test_without_a_cost_level_a_satisfaction_label_under_benefits_stays_a_second_level():
    doc = _parse("项目名称某项目\n一级指标二级指标三级指标指标目标值产出指标数量指标培训人数=300人次"
                 "效益指标社会效益指标受益人数=3000人满意度指标学员满意度≥90%\n")
    last = doc.projects[0].indicators[-1]
    assert (last.level1, last.level2, last.name) == ("效益指标", "服务对象满意度指标", "学员满意度")


def test_an_amount_with_the_next_label_glued_after_its_unit_is_read():
    """`项目总投资` at a line's end, `174.78万元中央补助安排0` on the next: the amount ends at 万元."""
    doc = _parse("项目名称某项目项目总投资\n174.78万元中央补助安排0\n一级指标二级指标三级指标指标目标值"
                 "产出指标数量指标培训人数=300人次\n")
    assert doc.projects[0].budget.total == 174.78


def test_a_funding_row_with_its_subtotal_cell_is_read():
    """`财政拨款 | 小计 | 80` (one cell per line, corpus 037): the fiscal amount is the subtotal's."""
    from conftest import SHARED

    from jixiao.ingest import parse_path

    budget = parse_path(SHARED / "corpus" / "037.txt").projects[0].budget
    assert (budget.total, budget.fiscal) == (80.0, 80.0)


def test_a_points_total_glued_after_the_indicators_is_not_the_budget():
    """`合计100` after a self-evaluation's rows (corpus 025) is the points' total, never the budget's."""
    from conftest import SHARED

    from jixiao.ingest import parse_path

    project = parse_path(SHARED / "corpus" / "025.txt").projects[0]
    assert project.budget is None and project.evaluation.score == 100.0
