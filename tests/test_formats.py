"""The same table as HTML, DOCX, XLSX, XLS and PDF parses to the same Document as its text form.

The fixtures in tests/data/formats/ are made from the text examples by tests/fixtures/make_formats.py
(merged cells, repeated header rows, landscape PDF pages through LibreOffice)."""

from __future__ import annotations

import re

import pytest
from conftest import DATA, SEEDS

from jixiao.ingest import parse_path

FORMATS = DATA / "formats"
TEXTS = {p.name[:3]: p for p in SEEDS} | {"form_national": DATA / "form_national.txt",
                                          "two_row_header": DATA / "two_row_header.txt",
                                          "form_long_row": DATA / "form_long_row.txt"}
# seeds 001 and 003 have rows that a page break splits: the part on the next page is rejoined
PDF_OK = ["000", "001", "002", "003", "004", "form_national", "two_row_header", "form_long_row"]


def _strip(obj, squash_space: bool = False):
    if isinstance(obj, dict):
        return {k: _strip(v, squash_space) for k, v in obj.items() if k not in ("loc", "source", "problems")}
    if isinstance(obj, list):
        return [_strip(v, squash_space) for v in obj]
    if squash_space and isinstance(obj, str):
        return re.sub(r"\s+", "", obj)
    return obj


@pytest.mark.parametrize("stem", sorted(TEXTS))
@pytest.mark.parametrize("ext", ["html", "docx", "xlsx", "xls"])
def test_same_document_as_text(stem, ext):
    expected = _strip(parse_path(TEXTS[stem]).to_json_dict())
    doc = parse_path(FORMATS / f"{stem}.{ext}")
    assert doc.source.format == ("xlsx" if ext in ("xlsx", "xls") else ext)
    assert _strip(doc.to_json_dict()) == expected


@pytest.mark.parametrize("stem", PDF_OK)
def test_pdf_same_document_as_text(stem):
    # a PDF loses the space at a line wrap, so text is compared without whitespace
    expected = _strip(parse_path(TEXTS[stem]).to_json_dict(), squash_space=True)
    doc = parse_path(FORMATS / f"{stem}.pdf")
    assert _strip(doc.to_json_dict(), squash_space=True) == expected


def test_pdf_locations_carry_page_and_bbox():
    doc = parse_path(FORMATS / "004.pdf")
    ind = doc.projects[-1].indicators[0]
    assert ind.loc.page >= 2 and ind.loc.bbox and len(ind.loc.bbox) == 4
    assert doc.projects[0].loc.page is not None


def test_docx_and_xlsx_locations():
    doc = parse_path(FORMATS / "004.docx")
    loc = doc.projects[0].indicators[0].loc
    assert loc.table == 1 and loc.row >= 8 and loc.col == 3
    xdoc = parse_path(FORMATS / "001.xlsx")
    assert xdoc.projects[0].loc.page == 1 and xdoc.projects[0].loc.row is not None


def test_content_sniffing_ignores_the_extension(tmp_path):
    data = (FORMATS / "002.docx").read_bytes()
    wrong = tmp_path / "table.pdf"
    wrong.write_bytes(data)
    assert parse_path(wrong).source.format == "docx"
    html = tmp_path / "page.txt"
    html.write_bytes((FORMATS / "002.html").read_bytes())
    assert parse_path(html).source.format == "html"


def test_percent_formatted_spreadsheet_cell_is_not_read_as_a_fraction(tmp_path):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["项目名称", "一级指标", "二级指标", "三级指标", "指标值"])
    ws.append(["某项目", "产出指标", "质量指标", "合格率", 0.95])
    ws["E2"].number_format = "0%"
    ws.append(["", "满意度指标", "服务对象满意度指标", "满意度", 90])
    path = tmp_path / "pct.xlsx"
    wb.save(path)
    [p] = parse_path(path).projects
    assert p.indicators[0].annual.raw == "95%" and p.indicators[0].annual.value == 95
    assert p.indicators[1].annual.raw == "90"


def test_xlsx_with_one_sheet_per_unit():
    expected = _strip(parse_path(TEXTS["001"]).to_json_dict())
    doc = parse_path(FORMATS / "001_units.xlsx")
    assert _strip(doc.to_json_dict()) == expected
    assert len({p.loc.page for p in doc.projects}) == 2  # the sheet is the page of a location


def test_pdf_table_over_several_pages_with_repeated_header():
    from jixiao.readers import read_path

    sheet = read_path(FORMATS / "000.pdf")
    assert sheet.pages == 3
    tables = {r.table for r in sheet.rows if not r.is_text}
    assert tables == {1}  # one table joined across the three pages
    headers = [r for r in sheet.rows if not r.is_text and r.cells[0].text == "主管部门"]
    assert [r.page for r in headers] == [1, 2, 3]
    doc = parse_path(FORMATS / "000.pdf")
    assert len(doc.projects) == 14 and not any(p.name == "项目名称" for p in doc.projects)


@pytest.mark.parametrize("name,message", [("encrypted.pdf", "密码"), ("encrypted.docx", "密码")])
def test_password_protected(name, message):
    from jixiao.errors import ReadError

    with pytest.raises(ReadError, match=message):
        parse_path(FORMATS / name)


def test_merged_cells_are_marked_by_readers():
    from jixiao.readers import read_path

    for ext in ("docx", "xlsx", "html", "pdf"):
        sheet = read_path(FORMATS / f"004.{ext}")
        grid_rows = [r for r in sheet.rows if not r.is_text and r.cells and r.cells[0].text == "产出指标"]
        assert any(r.cells[0].vspan for r in grid_rows), ext  # 一级指标 merged down
        goal_rows = [r for r in sheet.rows if not r.is_text and r.cells[0].text == "绩效目标"]
        assert goal_rows and goal_rows[0].cells[-1].hspan, ext  # the goal spans the rest of its row
        assert "\n" in goal_rows[0].cells[1].text, ext  # a cell with a line break keeps it


def test_pdf_table_without_ruling_lines_is_read_from_its_layout():
    expected = _strip(parse_path(TEXTS["form_national"]).to_json_dict(), squash_space=True)
    doc = parse_path(FORMATS / "form_national_borderless.pdf")
    assert _strip(doc.to_json_dict(), squash_space=True) == expected


def test_xlsx_literal_percent_format_is_not_scaled(tmp_path):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["项目名称", "一级指标", "二级指标", "三级指标", "指标值"])
    ws.append(["某项目", "产出指标", "质量指标", "合格率", 95])
    ws["E2"].number_format = '0"%"'
    path = tmp_path / "literal.xlsx"
    wb.save(path)
    assert parse_path(path).projects[0].indicators[0].annual.raw == "95%"


def test_html_layout_table_around_the_data_table():
    inner = (FORMATS / "002.html").read_bytes().decode("gb18030")
    body = inner.split("<body>")[1].split("</body>")[0]
    page = (f'<html><head><meta charset="utf-8"></head><body><table width="100%"><tr><td>导航</td></tr>'
            f"<tr><td>{body}</td></tr></table></body></html>").encode()
    from jixiao.ingest import parse_bytes

    doc = parse_bytes(page, "layout.html")
    assert _strip(doc.to_json_dict()) == _strip(parse_path(TEXTS["002"]).to_json_dict())


def test_docx_tables_inside_content_controls(tmp_path):
    from docx import Document as Docx
    from docx.oxml import OxmlElement

    d = Docx(FORMATS / "form_national.docx")
    sdt, content = OxmlElement("w:sdt"), OxmlElement("w:sdtContent")
    sdt.append(content)
    tables = [t._tbl for t in d.tables]
    tables[0].addprevious(sdt)
    for t in tables:
        content.append(t)
    path = tmp_path / "sdt.docx"
    d.save(path)
    assert _strip(parse_path(path).to_json_dict()) == _strip(parse_path(TEXTS["form_national"]).to_json_dict())


def test_pdf_running_header_and_footer_are_kept_once():
    doc = parse_path(FORMATS / "form_long_row_headed.pdf")
    assert doc.title == "某市民政局2024年项目支出绩效目标表" and doc.year == 2024
    [project] = doc.projects  # the header repeated on page 2 does not start a second form
    expected = parse_path(TEXTS["form_long_row"]).projects[0]
    assert [i.name for i in project.indicators] == [i.name for i in expected.indicators]
