"""The JSON API with FastAPI's test client, and schemathesis over its OpenAPI spec."""

from __future__ import annotations

import pytest
import schemathesis
from conftest import SEEDS
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

from jixiao.api.app import create_app


def _files(*paths):
    return [("files", (p.name, p.read_bytes(), "text/plain")) for p in paths]


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    app = create_app(str(tmp_path_factory.mktemp("api") / "api.db"), max_upload_bytes=2 * 1024 * 1024)
    with TestClient(app) as c:
        response = c.post("/api/documents", files=_files(*SEEDS))
        assert response.status_code == 200
        yield c


def test_upload_reports_each_file(client):
    bad = ("files", ("empty.txt", b"", "text/plain"))
    response = client.post("/api/documents", files=[*_files(SEEDS[0]), bad])
    assert response.status_code == 200
    results = response.json()
    assert [r["status"] for r in results] == ["unchanged", "failed"]
    assert "文件为空" in results[1]["message"]


def test_an_upload_is_searchable_at_once(tmp_path):
    """The SQLite search index is filled after each upload, not only at the end of a CLI ingest."""
    form = tmp_path / "upload_form.txt"
    form.write_text("项目名称\t湿地鸟类监测\n一级指标\t二级指标\t三级指标\t指标值\n"
                    "产出指标\t数量指标\t候鸟栖息地巡护次数\t≥48次\n", encoding="utf-8")
    with TestClient(create_app(str(tmp_path / "upload.db"))) as client:
        assert client.get("/api/search", params={"q": "巡护"}).json()["indicators"] == []
        assert client.post("/api/documents", files=_files(form)).json()[0]["status"] == "stored"
        found = client.get("/api/search", params={"q": "巡护"}).json()
        assert [i["name"] for i in found["indicators"]] == ["候鸟栖息地巡护次数"]
        projects = client.get("/api/search", params={"q": "鸟类"}).json()["projects"]
        assert [p["name"] for p in projects] == ["湿地鸟类监测"]


def test_upload_of_only_bad_files_is_a_400(client):
    response = client.post("/api/documents", files=[("files", ("x.bin", bytes(range(256)) * 10, "application/octet-stream"))])
    assert response.status_code == 400 and "二进制" in response.json()["error"]


def test_huge_upload_is_refused(client):
    big = ("files", ("big.txt", b"a" * (3 * 1024 * 1024), "text/plain"))
    response = client.post("/api/documents", files=[big, *_files(SEEDS[0])])
    assert response.status_code == 200
    assert response.json()[0]["status"] == "failed" and "过大" in response.json()[0]["message"]


def test_lists_are_paginated(client):
    page = client.get("/api/documents", params={"limit": 2}).json()
    assert page["total"] == 5 and len(page["items"]) == 2 and page["limit"] == 2
    nxt = client.get("/api/documents", params={"limit": 2, "offset": 2}).json()
    assert {d["id"] for d in page["items"]}.isdisjoint(d["id"] for d in nxt["items"])
    projects = client.get("/api/projects", params={"year": 2023, "limit": 5}).json()["items"]
    assert len(projects) == 5 and all(p["year"] == 2023 for p in projects)
    indicators = client.get("/api/indicators", params={"q": "满意", "limit": 100}).json()["items"]
    assert indicators and all("满意" in i["name"] for i in indicators)


def test_document_project_and_findings(client):
    doc = client.get("/api/documents", params={"limit": 1}).json()["items"][0]
    full = client.get(f"/api/documents/{doc['id']}").json()
    assert full["schema"] == "jixiao.document/1" and full["source"]["name"] == doc["source_name"]
    pid = client.get("/api/projects", params={"q": "一体化平台网络租赁", "limit": 1}).json()["items"][0]["id"]
    detail = client.get(f"/api/projects/{pid}").json()
    assert detail["project"]["name"] == "财政一体化平台网络租赁费"
    assert any(f["rule"] == "JX307" and f["indicator_seq"] == 3 for f in detail["findings"])


def test_review_compare_library_suggest_export_rules(client):
    errors = client.get("/api/review", params={"severity": "error", "limit": 500}).json()
    assert errors["total"] > 0 and all(f["severity"] == "error" for f in errors["items"])
    diff = client.get("/api/compare", params={"a_year": 2022, "b_year": 2023}).json()
    assert diff["summary"]["matched"] == 9
    lib = client.get("/api/library/search", params={"q": "正常运行率"}).json()["items"]
    assert any(e["name"] == "系统正常运行率" for e in lib)
    entry = client.get(f"/api/library/{lib[0]['id']}").json()
    assert entry["variants"] and entry["projects"]
    suggestions = client.get("/api/suggest", params={"q": "信息系统运维服务"}).json()["items"]
    assert suggestions and suggestions[0]["from_projects"]
    csv_export = client.get("/api/export", params={"format": "csv", "year": 2023})
    assert csv_export.status_code == 200 and "attachment" in csv_export.headers["content-disposition"]
    assert csv_export.content.decode("utf-8-sig").count("\n") == 140 + 1
    assert any(r["code"] == "JX301" for r in client.get("/api/rules").json())


@pytest.mark.parametrize("url,status", [
    ("/api/documents/999999", 404), ("/api/projects/999999", 404), ("/api/library/999999", 404),
    ("/api/documents?limit=0", 422), ("/api/projects?year=abc", 422), ("/api/indicators?kind=bogus", 422),
    ("/api/compare", 400), ("/api/search", 422), ("/api/export?format=pdf", 422),
])
def test_bad_input_gets_a_4xx_json_error(client, url, status):
    response = client.get(url)
    assert response.status_code == status
    assert response.json()["error"] and "Traceback" not in response.text


def test_document_text_is_escaped_in_pages(client):
    # entities decode to markup after tags are stripped: the parsed name really holds `<script>`
    hostile = "项目名称\t绩效目标\t绩效指标\n&lt;script&gt;alert(1)&lt;/script&gt;办公经费\t&lt;img src=x onerror=alert(2)&gt;\t" \
              "1、产出指标: 办公设备数量, 年度指标值: ≥5台。\n"
    [result] = client.post("/api/documents", files=[("files", ("xss.txt", hostile.encode(), "text/plain"))]).json()
    assert result["status"] == "stored"
    [project] = [p for p in client.get("/api/projects", params={"q": "办公经费", "limit": 100}).json()["items"]
                 if p["name"].startswith("<script>")]
    page = client.get(f"/projects/{project['id']}").text
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;" in page
    assert "<img src=x" not in page


def test_pages_render(client):
    for url in ("/", "/review", "/review?severity=error", "/compare?a=2022&b=2023", "/library?q=满意&project=办公设备购置",
                "/search?q=故障"):
        response = client.get(url)
        assert response.status_code == 200 and "jixiao" in response.text, url
    assert client.get("/static/plotly.min.js").headers["content-type"].startswith("application/javascript")
    assert client.get("/departments/不存在的部门").status_code == 404


def _schema_app(tmp_path_factory=None):
    import tempfile

    app = create_app(f"{tempfile.mkdtemp()}/schema.db", max_upload_bytes=256 * 1024)
    with TestClient(app) as c:
        c.post("/api/documents", files=_files(*SEEDS[:2]))
    return app


schema = schemathesis.openapi.from_asgi("/openapi.json", _schema_app())


@schema.parametrize()
@settings(deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))  # the same cases every run
def test_no_server_errors(case):
    """schemathesis: whatever it sends, the API never answers 5xx."""
    case.call_and_validate(checks=[not_a_server_error])
