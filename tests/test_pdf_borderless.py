"""Tables printed without ruling lines, cells wrapping over several lines: read from the characters'
geometry (readers/pdf_borderless.py) to the same document as the ruled PDF of the same table.

The fixtures in tests/data/formats/borderless are the DOCX fixtures with their borders removed, printed by
LibreOffice (tests/fixtures/make_pdf_borderless.py); `_tight` ones without row padding, where a wrapped
line and a new row stand the same distance apart; `_centre` ones with every cell centred in its row."""

from __future__ import annotations

from pathlib import Path

import pytest

from jixiao.ingest import parse_path
from jixiao.readers import pdf_borderless as pb
from jixiao.readers.pdf_geometry import Char
from jixiao.slots import score, silent_errors

FORMATS = Path(__file__).parent / "data" / "formats"
BORDERLESS = sorted((FORMATS / "borderless").glob("*.pdf"))




@pytest.mark.parametrize("path", BORDERLESS, ids=[p.stem for p in BORDERLESS])
def test_borderless_pdf_reads_as_the_ruled_one(path):
    ruled = parse_path(FORMATS / f"{path.stem.removesuffix('_tight').removesuffix('_centre')}.pdf")
    got = parse_path(path)
    s = score(got.to_json_dict(), ruled.to_json_dict())
    assert s.f1 >= 0.95, (s.precision, s.recall)
    # a value is right or marked: an indicator without a problem states nothing the ruled table does not
    assert not silent_errors(got, ruled)
    problems = {i.problem for p in got.projects for i in p.indicators if i.problem}
    if not path.stem.endswith(("_tight", "_centre")):
        assert not problems  # rows padded apart, cells at their tops: nothing is left open
    if path.stem.endswith("_centre"):
        assert problems <= {pb.UNSURE_MERGE}  # only whether a centred merged cell covers a free row


def test_wrapped_cells_join_their_row():
    got = parse_path(FORMATS / "borderless" / "000.pdf")
    ruled = parse_path(FORMATS / "000.pdf")
    assert [p.goal for p in got.projects] == [p.goal for p in ruled.projects]
    assert len(got.projects[1].goal) > 150  # a goal wrapped over ten lines is one goal


# --- geometry built by hand ------------------------------------------------------------------------------

W = 7.5  # a CJK glyph's advance
H = 7.7


def _text(s: str, x: float, top: float) -> list[Char]:
    out = []
    for ch in s:
        w = W if ord(ch) > 0x2E80 else 4.2
        out.append(Char(ch, x, top, x + w, top + H))
        x += w
    return out


def _page(lines: list[tuple[float, list[tuple[float, str]]]]) -> list[Char]:
    return [c for top, cells in lines for x, s in cells for c in _text(s, x, top)]


def _read(chars: list[Char]):
    reader = pb.BorderlessReader()
    reader.add_page(1, chars, 842.0, 595.0)
    return reader.rows()


def test_rows_padded_apart_start_even_where_every_column_goes_on():
    # merged 一级/二级 cells print once: the second indicator row writes only in columns that the first
    # row's last line wrote in too; the padding between rows still starts it
    chars = _page([
        (40, [(40, "一级指标"), (140, "三级指标"), (240, "指标值")]),
        (60, [(40, "产出指标"), (140, "服务老人人次"), (240, "≥5000人次")]),
        (80, [(140, "每户上门服务次数"), (240, "每月不少于2次")]),
        (100, [(140, "合格率"), (240, "≥95%")]),
    ])
    rows, problems = _read(chars)
    assert [r.texts for r in rows] == [["一级指标", "三级指标", "指标值"],
                                       ["产出指标", "服务老人人次", "≥5000人次"],
                                       ["", "每户上门服务次数", "每月不少于2次"],
                                       ["", "合格率", "≥95%"]]
    assert not problems


def test_wrapped_lines_join_the_cell_above_and_a_spanning_cell_keeps_the_columns():
    chars = _page([
        (40, [(40, "项目名称"), (140, "某项目"), (240, "项目编码"), (340, "P001")]),
        (60, [(40, "绩效目标"), (140, "提高服务覆盖面，保障困难群众基本生活需要，改善老人生活质量")]),  # spans three
        (80, [(40, "项目名称"), (140, "绩效指标描述"), (240, "指标值"), (340, "依据")]),
        (100, [(40, "服务项目"), (140, "第一项服务内容按照合同"), (240, "≥95%"), (340, "年初计划")]),
        (110, [(140, "约定完成并通过验收")]),
        (130, [(40, "满意度"), (140, "服务对象满意度"), (240, "≥90%"), (340, "问卷")]),
    ])
    rows, problems = _read(chars)
    assert len(rows) == 5 and all(len(r.cells) == 4 for r in rows)
    goal = rows[1]
    assert goal.cells[1].text == "提高服务覆盖面，保障困难群众基本生活需要，改善老人生活质量"
    assert goal.cells[2].hspan and goal.cells[3].hspan
    assert rows[3].texts == ["服务项目", "第一项服务内容按照合同约定完成并通过验收", "≥95%", "年初计划"]
    assert not problems


def test_tight_rows_are_told_apart_by_where_lines_break_and_an_open_case_is_marked():
    # no padding: every line 10 points below the last. The name column breaks its lines at 40 + 13
    # glyphs; the value column never wraps.
    chars = _page([
        (40, [(40, "三级指标"), (160, "指标值")]),
        (50, [(40, "第一项服务内容按照合同约定"), (160, "≥95%")]),  # runs to the column's edge
        (60, [(40, "完成并通过验收")]),  # the next word would not have fitted above: the name goes on
        (70, [(40, "第二项服务内容按照合同约定"), (160, "≥90%")]),  # name and value above were done: new row
        (80, [(40, "完成并通过验收")]),
        (90, [(40, "服务对象满意度"), (160, "≥90%")]),
        (100, [(40, "老人满意度")]),  # the name above ended short and nothing else goes on: open
    ])
    rows, problems = _read(chars)
    assert [r.texts for r in rows] == [["三级指标", "指标值"],
                                       ["第一项服务内容按照合同约定完成并通过验收", "≥95%"],
                                       ["第二项服务内容按照合同约定完成并通过验收", "≥90%"],
                                       ["服务对象满意度老人满意度", "≥90%"]]
    assert list(problems) == [(1, 1, 4)]  # kept with the row above, and marked


def test_unsure_row_reaches_its_indicator_as_a_problem():
    got = parse_path(FORMATS / "borderless" / "004_tight.pdf")
    marked = [i for p in got.projects for i in p.indicators if i.problem]
    assert marked and all("无框线表格" in i.problem for i in marked)


def test_a_number_alone_on_a_line_inside_a_table_is_a_cell_line_not_a_page_number():
    chars = _page([
        (100, [(40, "项目编码"), (140, "13020823P0002161000"), (240, "项目名称"), (340, "防疫物资")]),
        (110, [(140, "13")]),  # the code's last digits, wrapped
        (130, [(40, "预算数"), (140, "10000.00"), (240, "其他资金"), (340, "0")]),
        (570, [(400, "3")]),  # the page number, in the bottom margin
    ])
    rows, _ = _read(chars)
    assert rows[0].cells[1].text == "13020823P000216100013"
    assert all("3" != r.text for r in rows)


def test_a_centred_merged_cell_is_given_to_every_row_it_covers():
    # cells centred in their rows (rows padded apart); 产出指标 is merged over the first two indicator rows
    # and printed once, between them; 效益指标 covers one row of three lines
    chars = _page([
        (40, [(40, "一级指标"), (140, "三级指标"), (240, "指标值")]),
        (60, [(140, "服务老人人次")]),
        (65, [(240, "≥5000人次")]),
        (70, [(140, "（含上门服务）")]),
        (80, [(40, "产出指标")]),
        (90, [(140, "服务合格率")]),
        (95, [(240, "≥95%")]),
        (100, [(140, "（抽查）")]),
        (120, [(140, "第一项服务内容按照合同")]),
        (130, [(40, "效益指标"), (140, "约定完成并通过验收"), (240, "有效")]),
        (140, [(140, "并通过复核")]),
    ])
    rows, problems = _read(chars)
    assert [r.texts for r in rows] == [["一级指标", "三级指标", "指标值"],
                                       ["产出指标", "服务老人人次（含上门服务）", "≥5000人次"],
                                       ["产出指标", "服务合格率（抽查）", "≥95%"],
                                       ["效益指标", "第一项服务内容按照合同约定完成并通过验收并通过复核", "有效"]]
    assert [r.cells[0].vspan for r in rows] == [False, False, True, False]
    assert not problems
