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
    assert "请求参数无效" in client.get("/api/projects/abc").json()["error"]


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
