"""The workflow's API, pages and CLI: a table under review with its comments beside its rows, the forms, the
DOCX download, the audit log as JSON, CSV and a page; with accounts on, each role gets what issue 15 says."""

from __future__ import annotations

import csv
import io
import json

import docx
import pytest
from fastapi.testclient import TestClient
from lxml import html
from test_workflow import DEPT, OTHER, make_document, stored
from typer.testing import CliRunner

from jixiao.api.app import create_app
from jixiao.cli import app as cli
from jixiao.review import review_document
from jixiao.workflow.opinions import OPINIONS

runner = CliRunner()


@pytest.fixture
def served(tmp_path):
    url = f"sqlite:///{tmp_path / 'wf.db'}"
    engine, doc = stored(url, "submitted")
    with TestClient(create_app(url)) as client:
        yield client, doc, url


def _row(page: str, row_id: str) -> str:
    (tr,) = html.fromstring(page).xpath(f'//tr[@id="{row_id}"]')
    return tr.text_content()


def test_api_round_of_review(served):
    client, doc, _ = served
    assert [o["code"] for o in client.get("/api/opinions").json()] == list(OPINIONS)
    state = client.get(f"/api/documents/{doc}/workflow").json()
    assert (state["status"], state["status_zh"], state["department"]) == ("submitted", "已报送", DEPT)
    rule = next(f.rule for f in review_document(make_document()) if f.project_index == 0 and f.indicator_seq == 2)
    r = client.post(f"/api/documents/{doc}/comments", json={"project_index": 0, "indicator_seq": 2, "opinion": 2,
                                                            "text": "请量化", "rules": [rule]})
    assert r.status_code == 201 and r.json()["indicator"] == "养护合格率" and r.json()["findings"][0]["rule"] == rule
    bad = client.post(f"/api/documents/{doc}/comments", json={"opinion": 12})
    assert bad.status_code == 422 and "opinion" in bad.json()["error"]
    bad = client.post(f"/api/documents/{doc}/comments", json={"project_index": 0, "indicator_seq": 7, "text": "x"})
    assert bad.status_code == 422 and bad.json()["error"] == "项目“道路养护”中没有序号为 7 的指标"
    assert client.post(f"/api/documents/{doc}/workflow/return", json={}).json()["after"] == "returned"
    refused = client.post(f"/api/documents/{doc}/workflow/approve")
    assert refused.status_code == 409
    assert refused.json()["error"] == f"文档 {doc} 当前状态为“已退回”，不能审核通过（只有“已报送”的表可以审核通过）"
    assert client.post(f"/api/documents/{doc}/workflow/publish").status_code == 422
    assert client.get("/api/documents/999/workflow").status_code == 404
    history = client.get(f"/api/documents/{doc}/workflow").json()["history"]
    assert [h["action"] for h in history] == ["workflow.comment", "workflow.return"]
    assert [c["text"] for c in client.get(f"/api/documents/{doc}/comments").json()] == ["请量化"]
    assert client.get(f"/api/documents/{doc}/comments?round=2").json() == []


def test_the_page_shows_comments_and_findings_beside_the_rows_and_its_forms_work(served):
    client, doc, _ = served
    findings = review_document(make_document())
    r = client.post(f"/documents/{doc}/workflow/comments", data={
        "project_index": "1", "indicator_seq": "2", "opinion": "2", "text": "<script>alert(1)</script>效益要量化",
        "rules": [next(f.rule for f in findings if f.project_index == 1 and f.indicator_seq == 2)]},
        follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == f"/documents/{doc}/workflow#row-1-2"
    page = client.get(f"/documents/{doc}/workflow").text
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;效益要量化" in page
    row = _row(page, "row-1-2")
    assert "<script>alert(1)</script>效益要量化" in row and "2 指标不够细化、量化" in row
    for f in findings:  # every finding of a row is shown in that row
        if f.indicator_seq is not None and f.project_index is not None:
            assert f.message in _row(page, f"row-{f.project_index}-{f.indicator_seq}")
    assert "效益要量化" not in _row(page, "row-0-2")
    assert client.post(f"/documents/{doc}/workflow/return", data={"note": "请按意见修改"},
                       follow_redirects=False).status_code == 303
    page = html.fromstring(client.get(f"/documents/{doc}/workflow").text)
    assert page.get_element_by_id("wf-status").text_content() == "已退回"
    refused = client.post(f"/documents/{doc}/workflow/return", data={}, follow_redirects=False)
    assert refused.status_code == 409 and "不能退回修改" in refused.text and "<html" in refused.text
    listed = client.get("/workflow?status=returned").text
    assert f'href="/documents/{doc}/workflow"' in listed


def test_the_letter_downloads_from_the_page_and_the_api(served):
    client, doc, _ = served
    client.post(f"/api/documents/{doc}/comments", json={"project_index": 1, "opinion": 9, "text": "缺少产出"})
    for url in (f"/documents/{doc}/opinion-letter.docx", f"/api/documents/{doc}/opinion-letter.docx",
                f"/api/departments/{DEPT}/opinion-letter.docx"):
        r = client.get(url)
        assert r.status_code == 200 and r.headers["content-type"].startswith("application/vnd.openxmlformats")
        cells = [c.text for t in docx.Document(io.BytesIO(r.content)).tables for row in t.rows for c in row.cells]
        assert "【9 建议增加明确产出指标】缺少产出" in cells and OPINIONS[9].fix in cells
    assert client.get(f"/api/departments/{OTHER}/opinion-letter.docx").status_code == 404


def test_audit_log_as_json_csv_and_a_page(served):
    client, doc, url = served
    client.post(f"/api/documents/{doc}/comments", json={"text": "<b>整表</b>"})
    client.post(f"/api/documents/{doc}/workflow/approve", json={"note": "同意"})
    page = client.get("/api/audit").json()
    assert page["total"] == 3 and [e["action"] for e in page["entries"]] == [
        "workflow.approve", "workflow.comment", "workflow.comment"]
    assert page["entries"][0]["before"] == {"status": "submitted"} and page["entries"][0]["after"]["status"] == "approved"
    only = client.get("/api/audit", params={"action": "workflow.approve"}).json()
    assert only["total"] == 1
    r = client.get("/api/audit", params={"format": "csv"})
    assert r.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(r.content.decode("utf-8-sig"))))
    assert [x["操作"] for x in rows] == ["workflow.approve", "workflow.comment", "workflow.comment"]
    assert json.loads(rows[0]["操作前"]) == {"status": "submitted"} and json.loads(rows[0]["操作后"])["status"] == "approved"
    assert rows[2]["操作前"] == "" and json.loads(rows[2]["操作后"])["text"] == "<b>整表</b>"
    exported = client.get("/api/audit", params={"format": "json"}).json()
    assert [e["id"] for e in exported] == [e["id"] for e in page["entries"]]
    shown = client.get("/admin/audit").text
    assert "&lt;b&gt;整表&lt;/b&gt;" in shown and "<b>整表</b>" not in shown
    assert html.fromstring(shown).xpath('count(//table[@id="audit"]/tbody/tr)') == 3


def test_cli_moves_comments_and_exports_the_audit_log(tmp_path):
    url = f"sqlite:///{tmp_path / 'wf.db'}"
    _, doc = stored(url, "draft")
    assert runner.invoke(cli, ["workflow", "submit", str(doc), "--db", url, "--actor", "经办甲"]).exit_code == 0
    r = runner.invoke(cli, ["workflow", "comment", str(doc), "-p", "1", "-i", "2", "-o", "4", "-t", "改百分比",
                            "--db", url, "--actor", "审核丙"])
    assert r.exit_code == 0 and "养护合格率" in r.output
    r = runner.invoke(cli, ["workflow", "submit", str(doc), "--db", url])
    assert r.exit_code == 1 and "不能报送" in r.output and "Traceback" not in r.output
    assert runner.invoke(cli, ["workflow", "return", str(doc), "--db", url]).exit_code == 0
    r = runner.invoke(cli, ["workflow", "status", str(doc), "--db", url])
    assert "已退回" in r.output and "经办甲 报送 草稿 → 已报送" in r.output
    out = tmp_path / "audit.csv"
    assert runner.invoke(cli, ["audit", "export", "-o", str(out), "--db", url]).exit_code == 0
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8-sig"))))
    assert [(x["操作人"], x["操作"]) for x in rows][::-1][:2] == [("经办甲", "workflow.submit"), ("审核丙", "workflow.comment")]
    r = runner.invoke(cli, ["audit", "export", "-f", "json", "--action", "workflow.comment", "--db", url])
    assert [e["after"]["text"] for e in json.loads(r.stdout)] == ["改百分比"]
    r = runner.invoke(cli, ["audit", "list", "--since", "not-a-date", "--db", url])
    assert r.exit_code == 2 and "ISO" in r.output


@pytest.fixture
def with_accounts(tmp_path):
    from jixiao.auth.tokens import create_token
    from jixiao.auth.users import add_user

    url = f"sqlite:///{tmp_path / 'wf.db'}"
    engine, doc = stored(url, "draft")
    tokens = {}
    with engine.begin() as conn:
        for name, role, depts in (("管理员", "admin", []), ("审核员", "reviewer", []), ("经办", "officer", [DEPT]),
                                  ("外部门经办", "officer", [OTHER]), ("外部门审核员", "reviewer", [OTHER]),
                                  ("分析员", "analyst", [])):
            add_user(conn, name, role, depts)
            tokens[name] = {"Authorization": f"Bearer {create_token(conn, name)[1]}"}
    with TestClient(create_app(url, auth=True)) as client:
        yield client, doc, tokens


def test_with_accounts_each_role_may_do_its_part_only(with_accounts):
    client, doc, t = with_accounts
    base = f"/api/documents/{doc}"
    assert client.get(f"{base}/workflow").status_code == 401  # a visitor
    assert client.get(f"{base}/workflow", headers=t["外部门经办"]).status_code == 403
    assert client.post(f"{base}/workflow/submit", headers=t["外部门经办"]).status_code == 403
    assert client.post(f"{base}/workflow/submit", headers=t["审核员"]).status_code == 403
    r = client.post(f"{base}/workflow/submit", headers=t["经办"])
    assert r.status_code == 200 and r.json()["after"] == "submitted"
    assert client.post(f"{base}/comments", json={"text": "x"}, headers=t["经办"]).status_code == 403
    assert client.post(f"{base}/comments", json={"text": "x"}, headers=t["外部门审核员"]).status_code == 403
    assert client.post(f"{base}/comments", json={"text": "x"}, headers=t["分析员"]).status_code == 403
    assert client.post(f"{base}/comments", json={"project_index": 0, "opinion": 10},
                       headers=t["审核员"]).status_code == 201
    assert client.post(f"{base}/workflow/approve", headers=t["经办"]).status_code == 403
    assert client.post(f"{base}/workflow/return", headers=t["审核员"]).status_code == 200
    assert [c["opinion"] for c in client.get(f"{base}/comments", headers=t["经办"]).json()] == [10]
    page = client.get(f"/documents/{doc}/workflow", headers=t["经办"])  # the department reads them on its rows
    assert page.status_code == 200 and "10 建议增加满意度指标" in page.text and 'class="wf-form"' not in page.text
    assert f'action="/documents/{doc}/workflow/submit"' in page.text  # its one move: send the revision
    assert client.get(f"/documents/{doc}/workflow", headers=t["外部门经办"]).status_code == 403
    assert client.get(f"{base}/opinion-letter.docx", headers=t["经办"]).status_code == 403
    assert client.get(f"{base}/opinion-letter.docx", headers=t["审核员"]).status_code == 200
    for who in ("经办", "审核员", "分析员"):
        assert client.get("/api/audit", headers=t[who]).status_code == 403
    # the workflow's entries (the accounts made above are in the log too: user.add, token.create)
    entries = client.get("/api/audit", params={"action": "workflow."}, headers=t["管理员"]).json()["entries"]
    assert [(e["actor"], e["actor_role"], e["action"]) for e in entries] == [
        ("审核员", "reviewer", "workflow.return"), ("审核员", "reviewer", "workflow.comment"),
        ("经办", "officer", "workflow.submit")]
    listed = client.get("/workflow", headers=t["外部门经办"]).text
    assert f'href="/documents/{doc}/workflow"' not in listed
    assert f'href="/documents/{doc}/workflow"' in client.get("/workflow", headers=t["经办"]).text


def _token(page: str) -> str:
    return html.fromstring(page).xpath('//input[@name="csrf_token"]/@value')[0]


def test_a_reviewer_logged_in_uses_the_page_forms_with_their_csrf_token(tmp_path):
    from jixiao.auth.users import add_user

    url = f"sqlite:///{tmp_path / 'wf.db'}"
    engine, doc = stored(url, "submitted")
    with engine.begin() as conn:
        _, password = add_user(conn, "审核员", "reviewer", [])
    with TestClient(create_app(url, auth=True)) as client:
        login = client.get("/login").text
        r = client.post("/login", data={"name": "审核员", "password": password, "csrf_token": _token(login)},
                        follow_redirects=False)
        assert r.status_code in (302, 303)
        page = client.get(f"/documents/{doc}/workflow").text
        forms = html.fromstring(page).xpath("//form[@method='post']")
        assert forms and all(f.xpath('.//input[@name="csrf_token"]') for f in forms)
        no_token = client.post(f"/documents/{doc}/workflow/comments", data={"text": "意见"}, follow_redirects=False)
        assert no_token.status_code == 403
        r = client.post(f"/documents/{doc}/workflow/comments", data={"text": "意见", "csrf_token": _token(page)},
                        follow_redirects=False)
        assert r.status_code == 303
        r = client.post(f"/documents/{doc}/workflow/return", data={"csrf_token": _token(page)}, follow_redirects=False)
        assert r.status_code == 303
        assert "已退回" in client.get(f"/documents/{doc}/workflow").text
        entries = client.get("/api/audit").status_code  # a reviewer is no administrator
        assert entries == 403


def test_the_page_and_letter_use_the_servers_review_config(served):
    from jixiao.review import Settings

    client, doc, _ = served
    fired = sorted({f.rule for f in review_document(make_document())})
    client.app.state.review_settings = Settings(disabled={fired[0]})
    page = client.get(f"/documents/{doc}/workflow").text
    assert f'href="/rules#{fired[0]}"' not in page and f'href="/rules#{fired[1]}"' in page
    cells = [c.text for t in docx.Document(io.BytesIO(client.get(f"/documents/{doc}/opinion-letter.docx").content))
             .tables for row in t.rows for c in row.cells]
    assert not any(c.startswith(fired[0] + " ") for c in cells) and any(c.startswith(fired[1] + " ") for c in cells)


def test_a_comment_is_taken_back_from_the_page_and_the_api(served):
    client, doc, _ = served
    first = client.post(f"/api/documents/{doc}/comments", json={"text": "第一条"}).json()
    second = client.post(f"/api/documents/{doc}/comments", json={"text": "第二条"}).json()
    page = client.get(f"/documents/{doc}/workflow").text
    assert f'action="/documents/{doc}/workflow/comments/{first["id"]}/delete"' in page
    r = client.post(f"/documents/{doc}/workflow/comments/{first['id']}/delete", follow_redirects=False)
    assert r.status_code == 303
    assert client.delete(f"/api/documents/{doc}/comments/{second['id']}").json()["text"] == "第二条"
    assert client.get(f"/api/documents/{doc}/comments").json() == []
    assert client.delete(f"/api/documents/{doc}/comments/{second['id']}").status_code == 404
    deleted = client.get("/api/audit", params={"action": "workflow.comment.delete"}).json()["entries"]
    assert [e["before"]["text"] for e in deleted] == ["第二条", "第一条"]


def test_the_audit_page_filters_by_day_and_exports_the_same(served):
    from datetime import UTC, datetime, timedelta

    client, doc, _ = served
    client.post(f"/api/documents/{doc}/comments", json={"text": "今天"})
    today = datetime.now(UTC).date()
    tomorrow = today + timedelta(days=1)
    count = 'count(//table[@id="audit"]/tbody/tr[count(td) > 1])'
    assert html.fromstring(client.get(f"/admin/audit?since={today}&until={today}").text).xpath(count) == 1
    page = client.get(f"/admin/audit?since={tomorrow}&until=").text
    assert html.fromstring(page).xpath(count) == 0 and "没有记录" in page
    (csv_link,) = html.fromstring(page).xpath('//a[@id="audit-csv"]/@href')
    rows = list(csv.DictReader(io.StringIO(client.get(csv_link).content.decode("utf-8-sig"))))
    assert rows == []
    (csv_link,) = html.fromstring(client.get(f"/admin/audit?until={today}").text).xpath('//a[@id="audit-csv"]/@href')
    assert len(list(csv.DictReader(io.StringIO(client.get(csv_link).content.decode("utf-8-sig"))))) == 1
    bad = client.get("/admin/audit?since=2026-13-01")
    assert bad.status_code == 400 and "起始日期无效" in bad.text
