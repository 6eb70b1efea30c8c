"""The web pages through FastAPI's test client: what each page holds (the browser tests see it drawn)."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from conftest import ROOT, SEEDS
from fastapi.testclient import TestClient

from jixiao.api.app import create_app

EXAMPLES = ROOT / "examples"


def _files(*paths: Path):
    return [("files", (p.name, p.read_bytes(), "text/plain")) for p in paths]


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    app = create_app(str(tmp_path_factory.mktemp("web") / "web.db"))
    with TestClient(app) as c:
        files = [*SEEDS, EXAMPLES / "overall.txt", EXAMPLES / "indicator_grid.txt", EXAMPLES / "inline_list.txt"]
        assert c.post("/api/documents", files=_files(*files)).status_code == 200
        yield c


def test_docs_page_loads_swagger_from_this_server(client):
    page = client.get("/docs").text
    assets = re.findall(r'(?:src|href)="([^"]+)"', page)
    assert assets and all(a.startswith("/") for a in assets), assets
    for a in assets:
        assert client.get(a).status_code == 200, a
    assert 'href="/docs"' in client.get("/").text  # linked from the UI


@pytest.mark.parametrize(("url", "status", "text"), [
    ("/projects/999999", 404, "没有编号为 999999 的项目"), ("/projects/abc", 400, "参数无效"),
    ("/no/such/page", 404, "没有这个页面"), ("/departments/没有这个部门", 404, "没有部门")])
def test_unknown_pages_get_the_site_error_page(client, url, status, text):
    response = client.get(url)
    assert response.status_code == status
    assert response.headers["content-type"].startswith("text/html")
    assert text in response.text and 'class="top"' in response.text and f"{status} ·" in response.text


def test_api_errors_stay_json_and_chinese(client):
    assert client.get("/api/nothing").json() == {"error": "没有这个页面"}
    assert client.get("/api/projects/abc").json()["error"] == "请求参数无效：project_id: 应为整数"
    assert client.get("/api/projects", params={"limit": 0}).json()["error"] == "请求参数无效：limit: 应不小于 1"
    assert "应为 'error', 'warning', 'info' 之一" in client.get("/api/review", params={"severity": "x"}).json()["error"]


def test_documents_without_department_are_their_own_groups(client):
    index = client.get("/").text
    assert "（未注明部门）</a>" not in index
    groups = re.findall(r'<a href="/documents/(\d+)">([^<]+)</a>', index)
    assert len(groups) >= 2 and len({name for _, name in groups}) == len(groups)
    for doc_id, name in groups:
        page = client.get(f"/documents/{doc_id}").text
        assert f"<h1>{name}</h1>" in page


def test_department_page_shows_overall_targets(client):
    index = client.get("/").text
    overall = [d for d, name in re.findall(r'<a href="/documents/(\d+)">([^<]+)</a>', index)
               if "overall.txt" in client.get(f"/documents/{d}").text]
    assert overall, "the overall-targets document is listed"
    page = client.get(f"/documents/{overall[0]}").text
    assert "部门整体绩效目标" in page and "预算执行审计" in page and "审计项目完成率" in page and "≥95%" in page


def test_review_pages_fifty_rows_with_fix_column(client):
    first = client.get("/review").text
    total = int(re.search(r"共 (\d+) 条", first).group(1))
    assert total > 50
    assert first.count('<tr class="') == 50 and "<th>修改建议</th>" in first
    pages = -(-total // 50)
    last = client.get(f"/review?page={pages}").text
    assert last.count('<tr class="') == total - 50 * (pages - 1)
    assert 'rel="prev"' in last and 'rel="next"' not in last
    beyond = client.get(f"/review?page={pages + 7}").text  # past the end: the last page, not an empty one
    assert beyond.count('<tr class="') == total - 50 * (pages - 1) and 'rel="next"' not in beyond
    only_errors = client.get("/review?severity=error&page=1").text
    assert "page=2&" not in only_errors or "severity=error" in only_errors


def test_rule_catalog_is_a_page(client):
    review = client.get("/review").text
    assert 'href="/rules"' in review
    page = client.get("/rules")
    assert page.headers["content-type"].startswith("text/html")
    assert 'id="JX101"' in page.text and "修改建议" in page.text and "依据" in page.text


def test_department_export_is_formatted_findings(client):
    from openpyxl import load_workbook

    index = client.get("/").text
    dept = re.findall(r'<a href="(/departments/[^"]+)">', index)[0]
    page = client.get(dept).text
    link = re.search(r'<a href="([^"]+)" id="export">', page).group(1)
    response = client.get(link)
    assert response.status_code == 200
    ws = load_workbook(io.BytesIO(response.content))["审核意见"]
    headers = [c.value for c in ws[1]]
    assert headers[:3] == ["严重程度", "规则", "规则名称"] and "修改建议" in headers
    assert ws.freeze_panes == "A2" and ws.auto_filter.ref.startswith("A1:")
    assert ws.column_dimensions["I"].width >= 30 and ws.max_row > 1
    assert {c.value for c in ws["A"][1:]} <= {"错误", "警告", "提示"}


def test_upload_fills_missing_department_and_year_and_names_a_twin(tmp_path):
    with TestClient(create_app(str(tmp_path / "twin.db"))) as c:
        first = c.post("/api/documents", files=_files(EXAMPLES / "indicator_grid.txt"),
                       data={"department": "某区卫生健康局", "year": "2031"}).json()[0]
        assert first["status"] == "stored" and "部门按所填" in first["message"] and first["duplicate_of"] is None
        doc = c.get(f"/api/documents/{first['document_id']}").json()
        assert doc["department"] == "某区卫生健康局" and doc["year"] == 2025  # the document's own year is kept
        twin = c.post("/api/documents", files=[("files", ("indicator_grid.xlsx",
                                                          (EXAMPLES / "indicator_grid.xlsx").read_bytes(),
                                                          "application/octet-stream"))]).json()[0]
        assert twin["status"] == "stored" and twin["duplicate_of"] == "indicator_grid.txt"
        assert "同一张表" in twin["message"]


def test_run_sh_stores_each_example_table_once(tmp_path):
    """run.sh's ingest line, run as written: no table is stored twice in two formats."""
    import glob
    import shlex

    from typer.testing import CliRunner

    from jixiao.api import service
    from jixiao.cli import app
    from jixiao.store import load_document, open_engine

    line = next(x for x in (ROOT / "run.sh").read_text().splitlines() if x.startswith(".venv/bin/jixiao ingest"))
    args = shlex.split(line.split("||")[0])[2:]
    db = tmp_path / "run.db"
    paths = [p for a in args[:args.index("--db")] for p in sorted(glob.glob(str(ROOT / a)))]
    assert CliRunner().invoke(app, ["ingest", *paths, "--db", str(db), "--workers", "1"]).exit_code == 0
    with open_engine(str(db)).connect() as conn:
        from sqlalchemy import select

        from jixiao.store.schema import DocumentRow

        ids = list(conn.execute(select(DocumentRow.id)).scalars())
        assert len(ids) >= 4
        twins = [(i, service.same_table(conn, load_document(conn, i), i)) for i in ids]
        assert [t for t in twins if t[1]] == []


def test_compare_defaults_to_two_latest_years_and_lists_unmatched(client):
    page = client.get("/compare?department=广州市财政局").text
    summary = re.search(r'<p id="summary">(\d+) 年 ⇄ (\d+) 年：配对 (\d+) 个项目', page)
    assert summary and summary.group(1, 2) == ("2022", "2023") and int(summary.group(3)) > 0
    only_a = re.search(r'<section id="only-a">.*?</section>', page, re.S).group(0)
    only_b = re.search(r'<section id="only-b">.*?</section>', page, re.S).group(0)
    n_a = int(re.search(r"仅 A（2022 年）有的项目（(\d+)）", only_a).group(1))
    assert only_a.count("<tr><td>") == n_a and "合计" in only_a and "仅 B（2023 年）" in only_b
    assert "class=\"budget-change\">预算" in page and "配对得分怎么算" in page and "配对得分 " in page
    single = client.get("/compare?department=某市交通运输局").text
    assert "至少需要两个年度" in single


def test_library_landing_is_a_tree_and_suggestions_name_departments(client):
    page = client.get("/library").text
    tops = re.findall(r"<summary><b>(.*?)</b> <span class=\"muted\">（(\d+) 条 · (\d+) 次）", page)
    assert [t[0] for t in tops][:3] == ["产出指标", "效益指标", "满意度指标"] and all(int(t[1]) > 0 for t in tops)
    sug = client.get("/library", params={"project": "信息化运维服务项目"}).text
    cell = re.findall(r'<td class="sources">(.*?)</td>', sug, re.S)[0]
    assert re.search(r'<a href="/projects/\d+">', cell) and "（广州市" in cell


def test_search_finds_projects_through_their_indicators(client):
    page = client.get("/search", params={"q": "满意"}).text
    projects = int(re.search(r"<h2>项目（(\d+)）</h2>", page).group(1))
    indicators = int(re.search(r"<h2>指标（(\d+)）</h2>", page).group(1))
    api = client.get("/api/indicators", params={"q": "满意", "limit": 1000}).json()["items"]
    assert indicators == len(api)
    assert projects >= len({i["project_id"] for i in api if i["project_id"]}) > 1


def test_search_pages_hold_every_matching_project_once(client):
    first = client.get("/search", params={"q": "满意"}).text
    total = int(re.search(r"<h2>项目（(\d+)）</h2>", first).group(1))
    pages = int(re.search(r"第 1 / (\d+) 页", first).group(1))
    assert pages == -(-total // 50) > 1
    seen = []
    for n in range(1, pages + 1):
        page = client.get("/search", params={"q": "满意", "page": n}).text
        seen += [int(i) for i in re.findall(r'<tr><td><a href="/projects/(\d+)">', page)]
    direct = {p["id"] for p in client.get("/api/projects", params={"q": "满意", "limit": 1000}).json()["items"]}
    via = {i["project_id"] for i in client.get("/api/indicators", params={"q": "满意", "limit": 1000}).json()["items"]
           if i["project_id"]}
    assert len(seen) == len(set(seen)) == total  # each once
    assert set(seen) == direct | via
    assert seen[:len(direct)] == sorted(direct)  # name or goal matches first
    last = client.get("/search", params={"q": "满意", "page": 10_000}).text  # past the end: the last page
    assert f"第 {pages} / {pages} 页" in last
