"""The execution endpoints (scores, lights, tracks, templates) with FastAPI's test client, on a store holding a
target table, a self-evaluation filled in from its template, and the monitoring and self-evaluation fixtures."""

from __future__ import annotations

import io

import pytest
from conftest import DATA
from fastapi.testclient import TestClient
from openpyxl import load_workbook

from jixiao.api.app import create_app
from jixiao.export.templates import write_template
from jixiao.ingest import parse_path

FORM = DATA / "form_national.txt"
MONITORING = DATA / "execution" / "monitoring_136_pipes.txt"
FAULTS = DATA / "execution" / "selfeval_10hao_faults.txt"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _cell(ws, text: str):
    return next(c for row in ws.iter_rows() for c in row if c.value == text)


def _filled_self_evaluation(path):
    """The target table's self-evaluation template, filled in; one target lowered on the way (≥5000 → ≥4500)."""
    write_template(parse_path(FORM), path, "self_evaluation")
    wb = load_workbook(path)
    ws = wb.worksheets[0]
    r = _cell(ws, "年度资金总额").row
    ws.cell(r, 4).value, ws.cell(r, 5).value, ws.cell(r, 7).value, ws.cell(r, 8).value = 120, 108, "90%", 9
    ws.cell(_cell(ws, "实际完成情况").row + 1, 6).value = "完成上门照护4600人次。"
    r = _cell(ws, "服务老人人次").row
    ws.cell(r, 5).value = "≥4500人次"
    ws.cell(r, 6).value, ws.cell(r, 8).value = "4600人次", 10
    r = _cell(ws, "服务合格率").row
    ws.cell(r, 6).value, ws.cell(r, 8).value, ws.cell(r, 9).value = "90%", 10, ""
    ws.cell(_cell(ws, "总分").row, 8).value = 97
    wb.save(path)
    return path


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("api_execution")
    filled = _filled_self_evaluation(tmp / "社区居家养老服务补助自评表.xlsx")
    app = create_app(str(tmp / "api.db"))
    with TestClient(app) as client:
        files = [("files", (p.name, p.read_bytes(), "application/octet-stream"))
                 for p in (FORM, filled, MONITORING, FAULTS)]
        results = client.post("/api/documents", files=files).json()
        assert [r["status"] for r in results] == ["stored"] * 4, results
        ids = dict(zip(("target", "self", "monitoring", "faults"), (r["document_id"] for r in results), strict=True))
        yield client, ids


def test_score_of_a_self_evaluation(store):
    client, ids = store
    response = client.get(f"/api/documents/{ids['self']}/score")
    assert response.status_code == 200
    data = response.json()
    assert data["id"] == ids["self"] and data["kind"] == "self_evaluation"
    (project,) = data["projects"]
    assert project["project"] == "社区居家养老服务补助"
    rows = {r["name"]: r for r in project["indicators"]}
    # 90% of ≥95% with 10 of 10 printed: recomputed 90/95 × 10
    assert rows["服务合格率"]["printed"] == 10 and rows["服务合格率"]["recomputed"] == pytest.approx(9.47, abs=0.01)
    assert rows["服务老人人次"]["recomputed"] == 10
    assert project["total"]["printed"] == 97
    assert {f["rule"] for f in data["findings"]} >= {"JX607"}  # a missed target with full points
    assert data["config"]["class_weights"]["产出指标"] == 50


def test_score_findings_of_the_faults_fixture(store):
    client, ids = store
    data = client.get(f"/api/documents/{ids['faults']}/score").json()
    found = {(f["rule"], f.get("indicator")) for f in data["findings"]}
    assert ("JX601", "群众参与人次") in found  # 18 points of 15
    assert any(rule == "JX611" for rule, _ in found)  # 年度资金总额 0 under 本年财政拨款 80


def test_lights_of_a_monitoring_table(store):
    client, ids = store
    response = client.get(f"/api/documents/{ids['monitoring']}/lights")
    assert response.status_code == 200
    data = response.json()
    assert data["kind"] == "monitoring" and data["as_of_month"] == 7
    (project,) = data["projects"]
    assert project["color"] == "red"
    assert project["budget"]["color"] == "yellow"  # 35% spent against 58.3% of the year
    colors = {i["name"]: i["color"] for i in project["indicators"]}
    assert colors["渠道清淤长度"] == "yellow" and colors["维修泵站数量"] == "red"
    assert colors["每公里清淤成本"] == "green" and colors["受益农户满意度"] is None


def test_score_of_a_monitoring_table_carries_its_lights(store):
    client, ids = store
    (project,) = client.get(f"/api/documents/{ids['monitoring']}/score").json()["projects"]
    assert project["light"] == "red" and "total" not in project
    assert {r["name"]: r["light"] for r in project["indicators"]}["保障灌溉面积"] == "blue"


def test_track_against_the_approved_table(store):
    client, ids = store
    response = client.get(f"/api/documents/{ids['self']}/track")
    assert response.status_code == 200
    data = response.json()
    assert ids["target"] in data["approved_documents"]
    (project,) = data["projects"]
    assert project["approved_project"] == "社区居家养老服务补助"
    rows = {r["name"]: r for r in project["indicators"]}
    assert rows["服务老人人次"]["approved_target"] == "≥5000人次" and rows["服务老人人次"]["target"] == "≥4500人次"
    assert rows["服务老人人次"]["change"] == "lowered"
    assert project["summary"]["lowered"] == 1


def test_track_without_an_approved_table(store):
    client, ids = store
    (project,) = client.get(f"/api/documents/{ids['monitoring']}/track").json()["projects"]
    assert project["approved_project"] is None and project["match"]


@pytest.mark.parametrize("what", ["score", "lights", "track"])
def test_unknown_and_unscorable_documents(store, what):
    client, ids = store
    response = client.get(f"/api/documents/999999/{what}")
    assert response.status_code == 404
    assert response.json() == {"error": "没有编号为 999999 的文档"}
    response = client.get(f"/api/documents/{ids['target']}/{what}")
    assert response.status_code == 422
    assert "不是自评表或监控表" in response.json()["error"]
    assert client.get(f"/api/documents/0/{what}").status_code == 422


def test_template_of_a_stored_project(store):
    client, ids = store
    project_id = client.get("/api/projects", params={"q": "社区居家养老"}).json()["items"][0]["id"]
    response = client.get(f"/api/projects/{project_id}/template", params={"kind": "monitoring", "month": 8})
    assert response.status_code == 200
    assert response.headers["content-type"] == XLSX
    assert "attachment" in response.headers["content-disposition"]
    ws = load_workbook(io.BytesIO(response.content)).worksheets[0]
    assert _cell(ws, "1-8月执行情况") is not None
    assert _cell(ws, "服务老人人次").offset(column=1).value in ("≥5000人次", "≥4500人次")
    response = client.get(f"/api/documents/{ids['target']}/template")
    assert response.status_code == 200
    ws = load_workbook(io.BytesIO(response.content)).worksheets[0]
    assert _cell(ws, "服务老人人次").offset(column=1).value == "≥5000人次"
    assert _cell(ws, "实际完成值") is not None


def test_template_errors(store):
    client, ids = store
    response = client.get("/api/projects/999999/template")
    assert response.status_code == 404 and response.json() == {"error": "没有编号为 999999 的项目"}
    assert client.get("/api/documents/999999/template").status_code == 404
    response = client.get(f"/api/documents/{ids['target']}/template", params={"kind": "target"})
    assert response.status_code == 422 and "kind" in response.json()["error"]
    response = client.get(f"/api/documents/{ids['target']}/template", params={"month": 13})
    assert response.status_code == 422 and "month" in response.json()["error"]


def test_endpoints_are_in_the_openapi_page(store):
    client, _ = store
    paths = client.get("/openapi.json").json()["paths"]
    for p in ("/api/documents/{doc_id}/score", "/api/documents/{doc_id}/lights", "/api/documents/{doc_id}/track",
              "/api/projects/{project_id}/template", "/api/documents/{doc_id}/template"):
        assert p in paths
