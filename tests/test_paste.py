"""Paste a table (issue 11): the API endpoint and the page parse copied text, show problems, store on request."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from jixiao.api.app import create_app

PASTED = ("项目名称\t街巷路灯改造\n主管部门\t某区城管局\n一级指标\t二级指标\t三级指标\t年度指标值\t实际完成值\t分值\t得分\n"
          "产出指标\t数量指标\t改造路灯数量\t≥300盏\t320盏\t20\t20\n"
          "产出指标\t质量指标\t亮灯率\t≥98%\t99%\t10\n"
          "满意度指标\t服务对象满意度指标\t居民满意度\t≥90%\t93%\t10\t10\n"
          "效益指标\t社会效益指标\t夜间出行")  # copied short: the last row is cut off


@pytest.fixture()
def client(tmp_path):
    with TestClient(create_app(str(tmp_path / "paste.db"))) as c:
        yield c


def test_api_parses_without_storing_then_stores(client):
    r = client.post("/api/paste", json={"text": PASTED})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["stored"] is None and body["document_id"] is None
    doc = body["document"]
    assert doc["kind"] == "self_evaluation"
    names = [(i["name"], (i["annual"] or {}).get("raw"), i.get("problem")) for i in doc["projects"][0]["indicators"]]
    assert names == [("改造路灯数量", "≥300盏", None), ("亮灯率", "≥98%", None), ("居民满意度", "≥90%", None)]
    assert doc["projects"][0]["indicators"][1].get("score") is None  # tabs keep the columns: the blank one stays blank
    assert any("中途结束" in p["message"] for p in doc["problems"])
    assert client.get("/api/documents").json()["total"] == 0

    r = client.post("/api/paste", json={"text": PASTED, "store": True, "year": 2024})
    assert r.json()["stored"] == "stored" and r.json()["document"]["year"] == 2024
    assert client.get("/api/documents").json()["total"] == 1
    assert client.post("/api/paste", json={"text": PASTED, "store": True}).json()["stored"] == "unchanged"


@pytest.mark.parametrize("text, words", [("", "空的"), ("   \n ", "空的"), ("今天天气很好。\n没有表格。", "没有从粘贴的内容中识别出")])
def test_empty_or_unrecognized_paste_gets_a_chinese_message(client, text, words):
    r = client.post("/api/paste", json={"text": text})
    assert r.status_code == 422 and words in r.json()["error"]
    page = client.post("/paste", data={"text": text})
    assert page.status_code == 422 and words in page.text


def test_page_shows_the_table_with_problems_and_stores(client):
    page = client.get("/paste")
    assert page.status_code == 200 and "<textarea" in page.text
    page = client.post("/paste", data={"text": PASTED})
    assert page.status_code == 200
    assert "改造路灯数量" in page.text and "≥300盏" in page.text and "中途结束" in page.text
    assert client.get("/api/documents").json()["total"] == 0
    page = client.post("/paste", data={"text": PASTED, "action": "store", "department": "某区城管局"})
    assert "已入库" in page.text and client.get("/api/documents").json()["total"] == 1


def test_pasted_text_is_escaped(client):
    page = client.post("/paste", data={"text": PASTED.replace("街巷路灯改造", "<script>alert(1)</script>")})
    assert "<script>alert(1)</script>" not in page.text and "&lt;script&gt;" in page.text
