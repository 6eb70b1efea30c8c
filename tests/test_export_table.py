"""`jixiao export-table`: the published target table (XLSX, DOCX) and the national import sheet.

Round trip: every seed and every corpus document, written in the standard form and parsed back by the same
parser, gives the same document on every modelled field. The layout tests check what a person sees in the
file (merged levels, borders, widths, repeated header rows, A4 landscape); the import-sheet tests check
the national system's load rules (shared/rules.md §8.3)."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

import pytest
from conftest import DATA, SEEDS, SHARED
from openpyxl import load_workbook
from typer.testing import CliRunner

from jixiao.cli import app
from jixiao.errors import JixiaoError
from jixiao.export.import_sheet import INDICATOR_COLUMNS, LIMITS, import_rows
from jixiao.export.standard_export import write_tables
from jixiao.export.standard_layout import framework_document, map_indicator, standard_tables
from jixiao.ingest import parse_path
from jixiao.model import Document, Indicator, Project, Source
from jixiao.values import parse_target

CORPUS = sorted(p for p in (SHARED / "corpus").glob("*.txt"))
DOCS = SEEDS + CORPUS
IND_FIELDS = ("level1", "level1_points", "level2", "name", "description", "annual", "period", "basis", "actual", "forecast", "weight",
              "score", "deviation", "likelihood")
PROJECT_FIELDS = ("name", "department", "unit", "unit_code", "code", "content", "budget", "spending_plan", "goal",
                  "execution", "result", "evaluation")

# Where the parser, not the export, loses a field on the way back (reported to the lead). Not strict: the
# parser is changing under these marks; an XPASS in the summary says a mark can go.
PARSER_GAPS: dict[str, str] = {}  # file name → the parser gap that keeps it from round-tripping (none left)


@cache
def parsed(path: Path) -> Document:
    return parse_path(path)


def _empty(obj) -> bool:
    """An object all of whose fields are null or empty carries nothing: it reads the same as null."""
    return isinstance(obj, dict) and all(v in (None, [], {}) for v in obj.values())


def modelled(doc: Document) -> dict:
    """The modelled fields of a document: every project's fields, budget, goal and execution side, every
    indicator's levels, name, values, basis and execution fields, the department-wide goal and sections."""
    j = doc.to_json_dict()

    def ind(i: dict) -> dict:
        return {k: i.get(k) for k in IND_FIELDS}

    def norm(v):
        return None if _empty(v) else v

    out: dict = {"projects": [{**{k: norm(p.get(k)) for k in PROJECT_FIELDS},
                               "indicators": [ind(i) for i in p["indicators"]]} for p in j["projects"]]}
    ov = j.get("overall")
    out["overall"] = None if ov is None or _empty({k: ov.get(k) for k in ("goal", "result", "sections")}) else {
        "goal": ov.get("goal"), "result": ov.get("result"),
        "sections": [{"title": s["title"], "goal": s.get("goal"), "indicators": [ind(i) for i in s["indicators"]]}
                     for s in ov["sections"]]}
    return out


def differences(a, b, path: str = "") -> list[str]:
    if isinstance(a, dict) and isinstance(b, dict):
        return [d for k in a for d in differences(a[k], b.get(k), f"{path}.{k}")]
    if isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        return [d for n, (x, y) in enumerate(zip(a, b, strict=True)) for d in differences(x, y, f"{path}[{n}]")]
    if a != b:
        return [f"{path}: {json.dumps(a, ensure_ascii=False)[:160]} → {json.dumps(b, ensure_ascii=False)[:160]}"]
    return []


def round_trip(path: Path, fmt: str, tmp_path: Path, framework: str = "keep") -> list[str]:
    doc = parsed(path)
    out = tmp_path / f"{path.stem}.{fmt}"
    write_tables([(doc, None)], fmt, out, framework)
    back = parse_path(out)
    return differences(modelled(framework_document(doc, framework)), modelled(back))


def _cases():
    for path in DOCS:
        for fmt in ("xlsx", "docx"):
            marks = [pytest.mark.xfail(strict=False, reason=PARSER_GAPS[path.name])] if path.name in PARSER_GAPS else []
            yield pytest.param(path, fmt, id=f"{path.parent.name}/{path.name}-{fmt}", marks=marks)


@pytest.mark.parametrize(("path", "fmt"), list(_cases()))
def test_round_trip(path, fmt, tmp_path):
    diffs = round_trip(path, fmt, tmp_path)
    assert not diffs, "\n".join(diffs[:10])


@pytest.mark.parametrize("framework", ["2021", "old"])
@pytest.mark.parametrize(("name", "fmt"), [("003_23b8967a22161806.txt", "xlsx"), ("004_23c08299ad075e9a.txt", "xlsx"),
                                           ("008.txt", "xlsx"), ("031.txt", "xlsx"), ("001.txt", "docx"),
                                           ("031.txt", "docx")])
def test_round_trip_in_a_framework(name, fmt, framework, tmp_path):
    """Written in a framework, the table reads back as the mapped document (levels moved, rows grouped)."""
    path = next(p for p in DOCS if p.name == name)
    diffs = round_trip(path, fmt, tmp_path, framework)
    assert not diffs, "\n".join(diffs[:10])
    levels = {(i.level1, i.level2) for p in parse_path(tmp_path / f"{path.stem}.{fmt}").projects for i in p.indicators}
    if framework == "2021":
        assert ("产出指标", "成本指标") not in levels
        assert ("效益指标", "服务对象满意度指标") not in levels
    else:
        assert not any(l1 == "成本指标" for l1, _ in levels)


def _ind(l1, l2, name="指标", raw="≥1个") -> Indicator:
    return Indicator(seq=1, level1=l1, level2=l2, name=name, annual=parse_target(raw))


def test_framework_mapping():
    """rules.md §1.2: old 产出/成本 → 2021 一级 成本 (经济成本 unless about social or environmental harm); the
    other way all three cost kinds become 产出/成本指标; `keep` changes nothing."""
    assert (lambda i: (i.level1, i.level2))(map_indicator(_ind("产出指标", "成本指标", "人均培训成本"), "2021")) == (
        "成本指标", "经济成本指标")
    assert map_indicator(_ind("产出指标", "成本指标", "施工扬尘污染控制"), "2021").level2 == "生态环境成本指标"
    assert map_indicator(_ind("效益指标", "服务对象满意度指标"), "2021").level1 == "满意度指标"
    for kind in ("经济成本指标", "社会成本指标", "生态环境成本指标"):
        m = map_indicator(_ind("成本指标", kind), "old")
        assert (m.level1, m.level2) == ("产出指标", "成本指标")
    same = _ind("产出指标", "成本指标")
    assert map_indicator(same, "keep") is same
    with pytest.raises(JixiaoError, match="指标框架无效"):
        map_indicator(same, "1999")


# ------------------------------------------------------------------------------------------------ layout

@pytest.fixture(scope="module")
def national():
    return parse_path(DATA / "form_national.txt")


def _cell(ws, text: str):
    for row in ws.iter_rows():
        for c in row:
            if c.value == text:
                return c
    raise AssertionError(f"no cell {text!r}")


def test_xlsx_published_form(tmp_path, national):
    out = tmp_path / "表.xlsx"
    write_tables([(national, None)], "xlsx", out)
    ws = load_workbook(out).worksheets[0]
    assert ws.title == "社区居家养老服务补助"
    assert ws["A1"].value == "项目支出绩效目标申报表"
    assert _cell(ws, "项目名称").offset(column=1).value == "社区居家养老服务补助"
    assert _cell(ws, "实施单位").offset(column=1).value == "[101003]某市养老服务指导中心"
    assert _cell(ws, "年度资金总额").offset(column=1).value == 120
    assert _cell(ws, "其中：财政拨款").offset(column=1).value == 100
    assert _cell(ws, "其他资金").offset(column=1).value == 20
    assert _cell(ws, "年度绩效目标").offset(column=1).value.startswith("为全市60岁以上失能老人")
    head = _cell(ws, "三级指标")
    assert [ws.cell(head.row, c).value for c in range(1, 6)] == ["绩效指标", "一级指标", "二级指标", "三级指标",
                                                                 "年度指标值"]
    first = _cell(ws, "服务老人人次")
    merged = {str(r) for r in ws.merged_cells.ranges}
    assert f"B{first.row}:B{first.row + 4}" in merged  # 产出指标 over its five rows
    assert f"C{first.row}:C{first.row + 1}" in merged  # 数量指标 over two
    assert first.border.left.style == "thin" and first.offset(column=1).border.bottom.style == "thin"
    assert ws.column_dimensions["D"].width >= 20
    assert ws.print_title_rows == f"${head.row}:${head.row}"  # the grid header on every printed page
    assert ws.page_setup.orientation == "landscape" and int(ws.page_setup.paperSize) == 9  # A4
    assert ws.page_setup.fitToWidth == 1 and ws.sheet_properties.pageSetUpPr.fitToPage


def test_docx_published_form(tmp_path, national):
    from docx import Document as open_docx
    from docx.enum.section import WD_ORIENT
    from docx.oxml.ns import qn

    out = tmp_path / "表.docx"
    write_tables([(national, None)], "docx", out)
    d = open_docx(str(out))
    sec = d.sections[0]
    assert sec.orientation == WD_ORIENT.LANDSCAPE and sec.page_width > sec.page_height
    assert abs(sec.page_width.mm - 297) < 1 and abs(sec.page_height.mm - 210) < 1
    assert d.paragraphs[0].text == "项目支出绩效目标申报表"
    fields, grid = d.tables
    assert fields.style.name == "Table Grid" and grid.style.name == "Table Grid"  # borders on every cell
    assert [c.text for c in grid.rows[0].cells][:5] == ["绩效指标", "一级指标", "二级指标", "三级指标", "年度指标值"]
    tr_pr = grid.rows[0]._tr.trPr
    assert tr_pr is not None and tr_pr.find(qn("w:tblHeader")) is not None  # repeated on every page
    # 产出指标 is one cell merged over its five rows
    col = [grid.cell(r, 1) for r in range(1, 6)]
    assert all(c._tc is col[0]._tc for c in col) and col[0].text == "产出指标(50分)"  # with its printed points
    assert grid.cell(6, 1)._tc is not col[0]._tc


def test_one_table_per_project(tmp_path):
    doc = parsed(SEEDS[2])
    out = tmp_path / "部门.xlsx"
    written = write_tables([(doc, None)], "xlsx", out)
    wb = load_workbook(out)
    assert written.tables == len(doc.projects) == len(wb.worksheets)
    assert [ws.title for ws in wb.worksheets][:2] == [p.name[:28] for p in doc.projects[:2]]
    for ws in wb.worksheets:  # every sheet prints on A4 landscape with its grid header on each page
        assert ws.page_setup.orientation == "landscape" and ws.print_title_rows


def test_department_with_its_own_targets(tmp_path):
    """A document with projects and department-wide targets: a sheet per project and one for the department;
    DOCX: each table starts a new page."""
    from docx import Document as open_docx

    doc = parsed(SEEDS[4])
    out = tmp_path / "部门.xlsx"
    assert write_tables([(doc, None)], "xlsx", out).tables == len(doc.projects) + 1
    last = load_workbook(out).worksheets[-1]
    assert last["A2"].value == "一、部门整体绩效目标" and last.page_setup.orientation == "landscape"
    write_tables([(doc, None)], "docx", tmp_path / "部门.docx")
    d = open_docx(str(tmp_path / "部门.docx"))
    breaks = [p for p in d.paragraphs if 'w:type="page"' in p._p.xml]
    assert len(breaks) == len(doc.projects)  # between the tables
    assert len(d.tables) == 2 * len(doc.projects)  # header fields and grid per project; the department as text


def test_value_too_long_for_a_cell(tmp_path):
    """Excel keeps 32,767 characters in a cell: a longer value is refused, naming project, row and field."""
    doc = Document(source=Source(name="x.txt", sha256="0", format="text"), projects=[
        Project(name="某项目", goal="很长" * 20000, indicators=[_ind("产出指标", "数量指标")])])
    with pytest.raises(JixiaoError, match=r"项目“某项目”第 \d+ 行“年度绩效目标”：内容过长（40000 字，单元格最多 32767 字）"):
        standard_tables(doc)
    long_basis = _ind("产出指标", "数量指标").model_copy(update={"basis": "依" * 40000})
    doc = doc.model_copy(update={"projects": [Project(name="某项目", indicators=[long_basis])]})
    with pytest.raises(JixiaoError, match=r"第 \d+ 行“指标值确定依据”：内容过长"):
        standard_tables(doc)
    src = tmp_path / "长.json"
    src.write_text(json.dumps(doc.to_json_dict(), ensure_ascii=False), encoding="utf-8")
    r = CliRunner().invoke(app, ["export-table", str(src), "-f", "xlsx", "-o", str(tmp_path / "长.xlsx")])
    assert r.exit_code == 2 and "指标值确定依据”：内容过长" in r.output and "Traceback" not in r.output
    assert not (tmp_path / "长.xlsx").exists()


# ------------------------------------------------------------------------------------------------ import sheet

def _project(*inds: Indicator, goal: str = "目标。") -> tuple[Document, list[Project]]:
    doc = Document(source=Source(name="x.txt", sha256="0", format="text"), department="某局")
    p = Project(name="某项目", code="P001", goal=goal, indicators=list(inds))
    return doc, [p]


def test_import_rows_split_the_target():
    res = import_rows([_project(_ind("产出指标", "数量指标", "培训人次", "≥800人次"),
                                _ind("效益指标", "社会效益指标", "服务水平", "有效提升"))])
    assert not res.rejected
    cols = [c for c, _ in INDICATOR_COLUMNS]
    first, second = (dict(zip(cols, r, strict=True)) for r in res.indicator_rows)
    assert (first["指标性质/计算符号"], first["指标值"], first["度量单位"]) == ("≥", "800", "人次")
    assert (second["指标性质/计算符号"], second["指标值"], second["度量单位"]) == ("定性", "有效提升", "")
    assert res.project_rows[0][:2] == ["P001", "某项目"]


def test_import_rows_that_would_not_load_are_listed():
    long_name = "指" * (LIMITS["三级指标"] + 1)
    res = import_rows([_project(_ind("产出指标", "数量指标", "合格", "≥95%"),
                                _ind("产出指标", "数量指标", long_name, "≥1个"),
                                _ind("产出指标", "数量指标", "占位", "≥**人"),
                                _ind("产出指标", "质量指标", "区间", "90-95%"),
                                _ind("产出指标", "数量指标", "无单位", "≥800"),
                                _ind("产出指标", None, "无二级", "≥1次"),
                                goal="长" * 2001)])
    assert len(res.indicator_rows) == 1 and res.indicator_rows[0][4] == "合格"
    assert res.project_rows == []
    text = "\n".join(res.rejected)
    assert "项目“某项目”第 2 行" in text and f"三级指标超长（{LIMITS['三级指标'] + 1} 字，上限 100 字）" in text
    assert "项目“某项目”第 3 行（占位）：指标值含有 *" in text
    assert "项目“某项目”第 4 行（区间）：指标值含有 -" in text
    assert "项目“某项目”第 5 行（无单位）：定量指标缺少度量单位" in text
    assert "项目“某项目”第 6 行（无二级）：二级指标为空" in text
    assert "项目“某项目”：年度绩效目标超长（2001 字，上限 2000 字）" in text


def test_import_sheet_keeps_values_as_text(tmp_path):
    doc, projects = _project(_ind("效益指标", "社会效益指标", "=开头的说明", "有效提升"))
    projects[0].indicators[0].description = "=SUM(A1)"
    out = tmp_path / "导入.xlsx"
    write_tables([(doc, projects)], "import", out)
    ws = load_workbook(out)["绩效指标"]
    assert ws.cell(2, 6).value == "=SUM(A1)" and ws.cell(2, 6).data_type == "s"


def test_import_sheet_file(tmp_path):
    out = tmp_path / "导入.xlsx"
    written = write_tables([(parsed(SEEDS[3]), None)], "import", out, "2021")
    wb = load_workbook(out)
    ws = wb["绩效指标"]
    assert [c.value for c in ws[1]] == [c for c, _ in INDICATOR_COLUMNS]
    assert ws.max_row - 1 == written.tables > 0
    level1 = {r[2] for r in ws.iter_rows(min_row=2, values_only=True)}
    assert level1 <= {"产出指标", "效益指标", "满意度指标", "成本指标"}
    for row in ws.iter_rows(min_row=2, values_only=True):
        assert not any(ch in str(row[7]) for ch in "*_-") and len(str(row[4])) <= 100


# ------------------------------------------------------------------------------------------------ CLI

def test_cli_files_and_rejected_rows(tmp_path):
    runner = CliRunner()
    out = tmp_path / "a.xlsx"
    r = runner.invoke(app, ["export-table", str(SEEDS[2]), "--format", "docx", "--out", str(tmp_path / "a.docx")])
    assert r.exit_code == 0, r.output
    assert "已导出 10 个项目（10 张表）" in r.output
    r = runner.invoke(app, ["export-table", str(SEEDS[0]), "--format", "import", "--out", str(out)])
    assert r.exit_code == 1  # written, with rows that would not load listed
    assert out.exists() and "未导出" in r.output and "二级指标为空" in r.output
    bad = tmp_path / "坏.txt"
    bad.write_text("这不是一张表", encoding="utf-8")
    r = runner.invoke(app, ["export-table", str(bad), str(SEEDS[2]), "-f", "xlsx", "-o", str(out)])
    assert r.exit_code == 1 and "坏.txt" in r.output and "Traceback" not in r.output
    assert len(load_workbook(out).worksheets) == 10  # the good file still written


def test_cli_from_the_store(tmp_path):
    runner = CliRunner()
    db = str(tmp_path / "t.db")
    assert runner.invoke(app, ["ingest", "--db", db, str(SEEDS[2]), str(SEEDS[3])]).exit_code == 0
    out = tmp_path / "p.xlsx"
    r = runner.invoke(app, ["export-table", "--db", db, "--project", "1", "-f", "xlsx", "-o", str(out)])
    assert r.exit_code == 0, r.output
    assert len(load_workbook(out).worksheets) == 1
    dept = parsed(SEEDS[2]).department
    r = runner.invoke(app, ["export-table", "--db", db, "--department", dept, "-f", "docx", "-o",
                            str(tmp_path / "d.docx")])
    assert r.exit_code == 0 and "已导出 10 个项目" in r.output
    back = parse_path(tmp_path / "d.docx")
    assert [p.name for p in back.projects] == [p.name for p in parsed(SEEDS[2]).projects]
    r = runner.invoke(app, ["export-table", "--db", db, "--project", "9999", "-f", "xlsx", "-o", str(out)])
    assert r.exit_code == 2 and "项目不存在：9999" in r.output


# ------------------------------------------------------------------------------------------------ API and web

@pytest.fixture(scope="module")
def client(tmp_path_factory):
    from fastapi.testclient import TestClient

    from jixiao.api.app import create_app

    db = str(tmp_path_factory.mktemp("export_api") / "api.db")
    assert CliRunner().invoke(app, ["ingest", "--db", db, str(SEEDS[0]), str(SEEDS[2])]).exit_code == 0
    with TestClient(create_app(db)) as c:
        yield c


def test_api_project_download_reads_back(client, tmp_path):
    r = client.get("/api/projects/1/standard-table", params={"format": "xlsx"})
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("application/vnd.openxmlformats-officedocument.spreadsheetml")
    assert "attachment" in r.headers["content-disposition"]
    out = tmp_path / "p.xlsx"
    out.write_bytes(r.content)
    back = parse_path(out).projects
    assert [p.name for p in back] == [parsed(SEEDS[0]).projects[0].name]
    assert [i.name for i in back[0].indicators] == [i.name for i in parsed(SEEDS[0]).projects[0].indicators]
    r = client.get("/api/projects/1/standard-table", params={"format": "docx", "framework": "2021"})
    assert r.status_code == 200 and r.headers["content-type"].endswith("wordprocessingml.document")
    assert client.get("/api/projects/99999/standard-table").status_code == 404


def test_api_import_sheet_lists_rows_that_would_not_load(client):
    r = client.get("/api/projects/1/standard-table", params={"format": "import"})
    assert r.status_code == 422
    body = r.json()
    assert body["rejected"] and all(line.startswith("项目“") for line in body["rejected"])
    assert "二级指标为空" in body["rejected"][0]
    r = client.get("/api/projects/1/standard-table", params={"format": "import", "partial": "true"})
    assert r.status_code == 200 and int(r.headers["x-jixiao-rejected-rows"]) == len(body["rejected"])


def test_api_department_download(client, tmp_path):
    dept = parsed(SEEDS[2]).department
    r = client.get("/api/standard-table", params={"department": dept, "format": "xlsx"})
    assert r.status_code == 200, r.text
    out = tmp_path / "d.xlsx"
    out.write_bytes(r.content)
    assert len(load_workbook(out).worksheets) == len(parsed(SEEDS[2]).projects)
    assert client.get("/api/standard-table").status_code == 422
    assert client.get("/api/standard-table", params={"department": "没有这个部门"}).status_code == 404


def test_web_pages_link_the_downloads(client):
    page = client.get("/projects/1").text
    assert 'href="/api/projects/1/standard-table?format=xlsx"' in page
    assert 'href="/api/projects/1/standard-table?format=docx"' in page
    dept = parsed(SEEDS[2]).department
    from urllib.parse import quote

    page = client.get(f"/departments/{quote(dept)}").text
    assert "/api/standard-table?department=" in page and 'id="standard-xlsx"' in page


def test_api_downloads_respect_the_read_permission(client):
    """A project the caller may not read is refused (403); a department selection leaves such projects out."""
    from jixiao.service import access

    hidden = parsed(SEEDS[0]).department
    before = access._policy  # whatever policy this process has installed, put back afterwards
    access.set_policy(lambda principal, action, department: department != hidden)
    try:
        assert client.get("/api/projects/1/standard-table").status_code == 403
        assert client.get("/api/standard-table", params={"department": hidden}).status_code == 404
        assert client.get("/api/standard-table", params={"department": parsed(SEEDS[2]).department}).status_code == 200
    finally:
        access.set_policy(before)
    assert client.get("/api/projects/1/standard-table").status_code == 200


@pytest.mark.parametrize("fmt", ["xlsx", "docx", "import"])
def test_control_characters_in_stored_text_are_left_out_of_the_export(fmt, tmp_path):
    """Neither XLSX nor DOCX can carry a control character; a name holding one is still exported, without it."""
    from jixiao.export.standard_export import write_tables

    doc = parse_path(SEEDS[2])
    doc.projects[0].name = "某\x0b项\x01目"
    doc.projects[0].indicators[0].name = "指\x0c标"
    out = tmp_path / f"t.{fmt}"
    written = write_tables([(doc, [doc.projects[0]])], fmt, out)
    assert written.projects == 1 and out.stat().st_size > 0
    assert doc.projects[0].name == "某\x0b项\x01目"  # the caller's document is not changed
    if fmt == "xlsx":
        import openpyxl

        texts = {c.value for ws in openpyxl.load_workbook(out) for row in ws.iter_rows() for c in row}
        assert "某项目" in texts


def test_a_draft_export_leaves_control_characters_out():
    """The editor's XLSX download goes through the same entry point (schemathesis found a draft whose
    field held a control character)."""
    import io

    import openpyxl

    from jixiao.authoring.export import xlsx_bytes

    doc = parse_path(SEEDS[2])
    doc.projects[0].name = "单位：\x0bj"
    data, writer = xlsx_bytes(doc)
    texts = {c.value for ws in openpyxl.load_workbook(io.BytesIO(data)) for row in ws.iter_rows() for c in row}
    assert writer == "standard" and "单位：j" in texts
