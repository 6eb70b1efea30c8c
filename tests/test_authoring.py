"""Authoring without a browser: the skeleton, the national save checks, the whole path through the JSON API
(skeleton → suggested indicator → placeholder found and fixed → submit → XLSX parsed back), optimistic
locking, revisions (diff, restore), delete and replace from the API, the web forms and the CLI, bad input,
and migration 0007 over a store of the previous schema. The path and locking run on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from conftest import ROOT, SEEDS
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from jixiao.api.app import create_app
from jixiao.authoring.checks import all_findings, national_checks
from jixiao.authoring.content import Content, Fields, Row
from jixiao.authoring.skeleton import guess_kind, skeleton_rows
from jixiao.ingest import parse_bytes
from jixiao.taxonomy import LEVEL2_BY_LEVEL1
from jixiao.values import parse_target

EXAMPLES = ROOT / "examples"


def _files(*paths):
    return [("files", (p.name, p.read_bytes(), "text/plain")) for p in paths]


@pytest.fixture
def client(store_url):
    with TestClient(create_app(store_url)) as c:
        assert c.post("/api/documents", files=_files(*SEEDS)).status_code == 200
        yield c


@pytest.fixture(scope="module")
def sqlite_client(tmp_path_factory):
    with TestClient(create_app(str(tmp_path_factory.mktemp("authoring") / "a.db"))) as c:
        assert c.post("/api/documents", files=_files(*SEEDS)).status_code == 200
        yield c


def _new(client, name="办公设备购置", kind="purchase", **fields) -> dict:
    body = {"fields": {"name": name, "year": 2025, "department": "甲局", "goal": "购置办公设备，保障日常办公。",
                       "content": "购置计算机、打印机等办公设备", **fields}, "kind": kind}
    r = client.post("/api/drafts", json=body)
    assert r.status_code == 201, r.text
    return r.json()


def _fill(content: dict, slot: str, **row) -> int:
    """Put a row into the first empty skeleton slot of the 二级 `slot` (the editor's one-click placement), or
    after the rows."""
    rows = content["rows"]
    for n, r in enumerate(rows):
        if r["level2"] == slot and not r["name"] and not r["value"]:
            r.update(row)
            return n
    level1 = row.pop("level1", None) or next(l1 for l1, l2s in LEVEL2_BY_LEVEL1.items() if slot in l2s)
    rows.append({"level1": level1, "level2": slot, "name": "", "op": "≥", "value": "", "unit": "", "basis": "",
                 "description": "", "period": None, **{k: v for k, v in row.items() if k != "level2"}})
    return len(rows) - 1


# ---------------------------------------------------------------- skeleton and checks

def test_skeleton_has_cost_rows_only_where_101_requires_them():
    for kind in ("works", "repair", "purchase"):
        rows = skeleton_rows(kind)
        assert (rows[0].level1, rows[0].level2) == ("成本指标", "经济成本指标")
    for kind in ("service", "subsidy", "other"):
        assert all(r.level1 != "成本指标" for r in skeleton_rows(kind))
    pairs = {(r.level1, r.level2) for r in skeleton_rows("service")}
    assert {("产出指标", "数量指标"), ("产出指标", "质量指标"), ("产出指标", "时效指标")} <= pairs
    assert any(l1 == "效益指标" for l1, _ in pairs)
    assert all(r.is_empty() for r in skeleton_rows("works"))


def test_kind_guessed_from_name_and_content():
    assert guess_kind("办公楼维修改造") == "repair"
    assert guess_kind("执法车辆购置") == "purchase"
    assert guess_kind("道路新建工程") == "works"
    assert guess_kind("困难群众生活补助") == "subsidy"
    assert guess_kind("某某专项", "购置设备") == "purchase"
    assert guess_kind("某某专项") == "other"


def _codes(rows: list[Row], **fields) -> list[tuple[str, str, int | None]]:
    content = Content(fields=Fields(**{"name": "测试项目", "goal": "目标", **fields}), rows=rows)
    return [(f["rule"], f["severity"], f["row"]) for f in national_checks(content)]


def _row(**kw) -> Row:
    return Row(level1="产出指标", level2="数量指标", **kw)


@pytest.mark.parametrize("value", ["**", "1_0", "90-95", "≥**", "－"])
def test_placeholders_in_the_value_are_errors(value):
    assert ("NS1", "error", 0) in _codes([_row(name="培训人次", op="≥", value=value, unit="人次")])


def test_national_checks_units_names_and_lengths():
    assert ("NS2", "error", 0) in _codes([_row(name="培训人次", op="≥", value="100")])
    assert _codes([_row(name="培训人次", op="≥", value="100", unit="人次")]) == []
    assert _codes([_row(name="培训质量", op="定性", value="达到省级标准")]) == []  # 定性: no unit
    assert ("NS3", "error", 0) in _codes([_row(name="培训人次", op="≥", value="很多", unit="人次")])
    assert ("NS4", "error", 0) in _codes([_row(name="名" * 101, op="≥", value="1", unit="个")])
    assert ("NS5", "warning", 0) in _codes([_row(name="名" * 31, op="≥", value="1", unit="个")])
    assert ("NS5", "error", 0) in _codes([_row(name="培训内容", op="定性", value="字" * 61)])
    assert ("NS5", "error", None) in _codes([_row(name="培训人次", op="≥", value="1", unit="人")], goal="目" * 2001)
    assert ("NS6", "error", 0) in _codes([_row(name="培训人次", op="≥", value="", unit="人")])
    assert ("NS6", "error", None) in _codes(skeleton_rows("other"))
    assert ("NS7", "error", 0) in _codes([_row(name="培训人次", op="约", value="1", unit="人")])


def test_review_findings_name_their_grid_row():
    rows = skeleton_rows("service")
    rows[0] = _row(name="故障率", op="≥", value="99", unit="%")
    found = all_findings(Content(fields=Fields(name="运维服务", goal="保障系统运行"), rows=rows))
    assert any(f["rule"] == "JX301" and f["row"] == 0 for f in found)  # a reverse indicator with ≥
    assert any(f["rule"] == "JX102" and f["row"] is None for f in found)  # no benefit indicator: the project


# ---------------------------------------------------------------- the whole path, on both backends

def test_the_whole_path_through_the_api(client):
    draft = _new(client)
    assert draft["status"] == "draft" and draft["version"] == 1
    assert draft["content"]["rows"][0]["level1"] == "成本指标"  # a purchase project opens with cost rows
    content = draft["content"]

    # a suggested indicator goes in with its most common target
    suggested = client.post("/api/drafts/suggest", json=content).json()
    assert suggested, "the library suggests indicators for a project like the seeds' ones"
    pick = next(s for s in suggested if s["target"] and s["level2"])
    at = _fill(content, pick["level2"], **pick["row"])
    row = Row(**content["rows"][at])
    assert row.name == pick["name"]
    typical, placed = parse_target(pick["target"]), parse_target(row.raw())
    assert (placed.kind, placed.op, placed.value, placed.unit) == (typical.kind, typical.op, typical.value, typical.unit)

    # a placeholder value: the finding names the row; the draft still saves; submitting is refused
    at = _fill(content, "数量指标", name="办公设备购置数量", op="≥", value="**", unit="台")
    found = client.post("/api/drafts/check", json=content).json()["findings"]
    assert any(f["rule"] == "NS1" and f["row"] == at and f["field"] == "value" for f in found)
    saved = client.put(f"/api/drafts/{draft['id']}", json={"content": content, "version": 1})
    assert saved.status_code == 200 and saved.json()["draft"]["version"] == 2
    assert any(f["rule"] == "NS1" for f in saved.json()["draft"]["findings"])
    refused = client.post(f"/api/drafts/{draft['id']}/submit", json={"version": 2})
    assert refused.status_code == 422 and "不能提交" in refused.json()["error"] and "占位符" in refused.json()["error"]

    # fixed, and the table completed: no error left, submitted
    content["rows"][at]["value"] = "20"
    assert not any(f["row"] == at and f["rule"] == "NS1"
                   for f in client.post("/api/drafts/check", json=content).json()["findings"])
    content["rows"] = [r for r in content["rows"] if r["name"] or r["value"]]  # unused skeleton slots may go
    _fill(content, "经济成本指标", name="单台设备采购成本", op="≤", value="0.8", unit="万元", basis="预算支出标准")
    _fill(content, "质量指标", name="设备验收合格率", op="=", value="100", unit="%")
    _fill(content, "时效指标", name="采购完成时间", op="定性", value="2025年6月底前完成")
    _fill(content, "社会效益指标", name="办公保障能力", op="定性", value="设备故障导致停工次数为0")
    _fill(content, "服务对象满意度指标", name="使用人员满意度", op="≥", value="90", unit="%")
    content["fields"].update(budget_total=16, budget_fiscal=16, unit="甲局机关", code="P2025-01")
    check = client.post("/api/drafts/check", json=content).json()
    assert check["errors"] == 0, [f["message"] for f in check["findings"] if f["severity"] == "error"]
    saved = client.put(f"/api/drafts/{draft['id']}", json={"content": content, "version": 2}).json()
    submitted = client.post(f"/api/drafts/{draft['id']}/submit", json={"version": 3})
    assert submitted.status_code == 200 and submitted.json()["status"] == "submitted"
    locked = client.put(f"/api/drafts/{draft['id']}", json={"content": content, "version": 3})
    assert locked.status_code == 409 and "已提交" in locked.json()["error"]

    # the stored document carries the status and the content
    doc_id = saved["draft"]["document_id"]
    assert doc_id == draft["document_id"]  # rewritten in place on every save: comments keyed by it stay
    hits = client.get("/api/search", params={"q": "设备验收"}).json()["indicators"]
    assert [i["name"] for i in hits if i["document"] == "办公设备购置（在线编写）"] == ["设备验收合格率"]  # no stale rows
    stored = client.get(f"/api/documents/{doc_id}").json()
    names = [r["name"] for r in content["rows"] if r["name"]]
    assert [i["name"] for i in stored["projects"][0]["indicators"]] == names

    # exported to XLSX and parsed back: the same project, indicators, levels and targets
    xlsx = client.get(f"/api/drafts/{draft['id']}/export.xlsx")
    assert xlsx.status_code == 200
    back = parse_bytes(xlsx.content, "export.xlsx")
    assert [p.name for p in back.projects] == ["办公设备购置"]
    got = [(i.level1, i.level2, i.name, i.annual.raw if i.annual else None) for i in back.projects[0].indicators]
    want = [(r["level1"], r["level2"], r["name"], Row(**r).raw()) for r in content["rows"] if r["name"]]
    assert got == want
    assert back.projects[0].goal == content["fields"]["goal"] and back.year == 2025
    assert (back.projects[0].budget.total, back.projects[0].budget.fiscal) == (16, 16)


def test_the_second_of_two_concurrent_saves_is_refused_and_kept(client):
    draft = _new(client, name="执法装备购置")
    mine, theirs = draft["content"], {**draft["content"], "rows": [dict(r) for r in draft["content"]["rows"]]}
    _fill(theirs, "数量指标", name="执法记录仪购置数量", op="≥", value="30", unit="台")
    _fill(mine, "数量指标", name="执法车辆购置数量", op="≥", value="2", unit="辆")
    first = client.put(f"/api/drafts/{draft['id']}", json={"content": theirs, "version": 1})
    assert first.status_code == 200
    second = client.put(f"/api/drafts/{draft['id']}", json={"content": mine, "version": 1})
    assert second.status_code == 409
    body = second.json()
    assert "保存被拒绝" in body["error"] and "执法记录仪购置数量" in body["error"]  # the other's change, shown
    assert [t["number"] for t in body["theirs"]] == [2]
    assert any(c["change"] == "added" and c["b"]["name"] == "执法记录仪购置数量" for c in body["theirs"][0]["changes"])
    assert body["current"]["version"] == 2
    # nothing is lost: the first save is the draft, the refused one is kept as a conflict revision
    current = client.get(f"/api/drafts/{draft['id']}").json()
    assert any(r["name"] == "执法记录仪购置数量" for r in current["content"]["rows"])
    kept = client.get(f"/api/drafts/{draft['id']}/revisions/{body['kept_revision']}").json()
    assert kept["action"] == "conflict" and kept["content"] == Content.model_validate(mine).model_dump(mode="json")


def test_saves_racing_in_threads_leave_one_winner_and_keep_the_others(store_url):
    """Eight saves on version 1 at the same moment: one becomes version 2, seven are refused and kept."""
    from concurrent.futures import ThreadPoolExecutor
    from threading import Barrier

    from jixiao.authoring import store
    from jixiao.store import open_engine

    engine = open_engine(store_url)
    draft = store.new_from_skeleton(engine, Fields(name="并发测试", department="甲局", year=2025), "service", "甲")
    start = Barrier(8)

    def save(k: int) -> str:
        content = Content.model_validate(draft["content"])
        content.rows[0].name, content.rows[0].value, content.rows[0].unit = f"指标{k}", str(k), "个"
        start.wait()
        try:
            store.save_draft(engine, draft["id"], content, 1, f"用户{k}")
            return "saved"
        except store.Conflict:
            return "refused"

    with ThreadPoolExecutor(8) as pool:
        outcomes = list(pool.map(save, range(8)))
    assert sorted(outcomes) == ["refused"] * 7 + ["saved"]
    with engine.connect() as conn:
        now = store.get_draft(conn, draft["id"])
        kept = {store.get_revision(conn, draft["id"], r["id"])["content"]["rows"][0]["name"]
                for r in store.list_revisions(conn, draft["id"]) if r["action"] == "conflict"}
    assert now["version"] == 2
    winner = now["content"]["rows"][0]["name"]
    assert kept | {winner} == {f"指标{k}" for k in range(8)} and winner not in kept  # nothing lost
    engine.dispose()


def test_a_returned_table_shows_the_reviewers_comments_beside_its_rows(sqlite_client):
    """The workflow returns a submitted draft with a comment on one indicator: the editor places it on that
    row, the draft is editable again and goes back in as the same document (round 2)."""
    from jixiao.auth.permissions import LOCAL
    from jixiao.workflow.comments import add_comment
    from jixiao.workflow.transitions import return_

    c = sqlite_client
    draft = _new(c, name="档案数字化服务", kind="service")
    content = draft["content"]
    _fill(content, "数量指标", name="档案数字化页数", op="≥", value="100", unit="万页")
    _fill(content, "质量指标", name="数字化差错率", op="≤", value="1", unit="%")
    _fill(content, "社会效益指标", name="档案查阅便利程度", op="定性", value="查阅平均等待时间不超过1天")
    saved = c.put(f"/api/drafts/{draft['id']}", json={"content": content, "version": 1}).json()
    assert c.post(f"/api/drafts/{draft['id']}/submit", json={"version": 2}).status_code == 200
    doc_id = saved["draft"]["document_id"]
    with c.app.state.engine.begin() as conn:
        add_comment(conn, LOCAL, doc_id, project_index=0, indicator_seq=2, opinion_code=2, text="差错率请写明口径")
        return_(conn, LOCAL, doc_id)
    got = c.get(f"/api/drafts/{draft['id']}").json()
    assert got["status"] == "returned"
    [comment] = got["comments"]
    row = [r["name"] for r in content["rows"]].index("数字化差错率")
    assert comment["row"] == row and "差错率请写明口径" in comment["message"]
    assert "差错率请写明口径" in c.get(f"/drafts/{draft['id']}").text  # in the editor's setup
    content["rows"][row]["name"] = "数字化差错率（按页计）"
    resaved = c.put(f"/api/drafts/{draft['id']}", json={"content": content, "version": 2})
    assert resaved.status_code == 200 and resaved.json()["draft"]["document_id"] == doc_id
    again = c.post(f"/api/drafts/{draft['id']}/submit", json={"version": 3})
    assert again.status_code == 200 and again.json()["status"] == "submitted"


# ---------------------------------------------------------------- revisions

def test_every_save_is_a_revision_that_can_be_diffed_and_restored(sqlite_client):
    c = sqlite_client
    draft = _new(c, name="培训服务", kind="service")
    v1 = draft["content"]
    v2 = {**v1, "rows": [dict(r) for r in v1["rows"]]}
    _fill(v2, "数量指标", name="培训人次", op="≥", value="500", unit="人次")
    assert c.put(f"/api/drafts/{draft['id']}", json={"content": v2, "version": 1}).status_code == 200
    v3 = {**v2, "rows": [dict(r) for r in v2["rows"]], "fields": {**v2["fields"], "goal": "培训基层干部。"}}
    v3["rows"][[r["name"] for r in v3["rows"]].index("培训人次")]["value"] = "300"
    saved = c.put(f"/api/drafts/{draft['id']}", json={"content": v3, "version": 2}).json()
    assert "目标降低“培训人次”" in saved["summary"] and "修改绩效目标" in saved["summary"]

    revs = c.get(f"/api/drafts/{draft['id']}/revisions").json()
    assert [(r["number"], r["action"]) for r in revs] == [(3, "save"), (2, "save"), (1, "create")]
    assert all(r["author"] and r["created_at"] for r in revs)
    diff = c.get(f"/api/drafts/{draft['id']}/diff", params={"a": revs[2]["id"], "b": revs[0]["id"]}).json()
    assert [(x["change"], x["b"]["name"]) for x in diff["indicators"]] == [("added", "培训人次")]
    assert any(x["change"] == "field" and x["field"] == "goal" for x in diff["changes"])
    diff = c.get(f"/api/drafts/{draft['id']}/diff", params={"a": revs[1]["id"], "b": revs[0]["id"]}).json()
    assert [x["change"] for x in diff["indicators"]] == ["lowered"]
    page = c.get(f"/drafts/{draft['id']}/diff", params={"a": revs[1]["id"], "b": revs[0]["id"]})
    assert page.status_code == 200 and "培训人次" in page.text and "≥500人次" in page.text

    restored = c.post(f"/api/drafts/{draft['id']}/restore", json={"revision": revs[1]["id"], "version": 3})
    assert restored.status_code == 200
    now = c.get(f"/api/drafts/{draft['id']}").json()
    assert now["version"] == 4 and now["content"] == Content.model_validate(v2).model_dump(mode="json")
    latest = c.get(f"/api/drafts/{draft['id']}/revisions").json()[0]
    assert latest["action"] == "restore" and latest["summary"].startswith("恢复到第 2 版")


def test_a_copy_of_last_years_table(sqlite_client):
    c = sqlite_client
    items = c.get("/api/projects", params={"limit": 50}).json()["items"]
    source = next(p for p in items if p["year"] and p["indicators"] >= 3)
    found = c.get("/api/drafts/previous", params={"name": source["name"], "year": source["year"] + 1}).json()
    assert source["id"] in [f["project_id"] for f in found]
    copied = c.post("/api/drafts/copy", json={"project_id": source["id"], "year": source["year"] + 1})
    assert copied.status_code == 201
    draft = copied.json()
    original = c.get(f"/api/projects/{source['id']}").json()
    indicators = original["project"]["indicators"]
    assert [r["name"] for r in draft["content"]["rows"]] == [i["name"] for i in indicators]
    assert draft["content"]["fields"]["year"] == source["year"] + 1
    assert draft["content"]["fields"]["name"] == source["name"]


# ---------------------------------------------------------------- bad input

def test_bad_edits_get_one_chinese_line(sqlite_client):
    c = sqlite_client
    draft = _new(c, name="坏输入测试")
    content = draft["content"]
    wrong_level = {**content, "rows": [{**content["rows"][0], "level1": "投入指标"}]}
    r = c.put(f"/api/drafts/{draft['id']}", json={"content": wrong_level, "version": 1})
    assert r.status_code == 422 and "一级指标“投入指标”" in r.json()["error"]
    r = c.put(f"/api/drafts/{draft['id']}", json={"content": {**content, "fields": {**content["fields"], "year": 3000}},
                                                   "version": 1})
    assert r.status_code == 422 and "年度" in r.json()["error"]
    r = c.put(f"/api/drafts/{draft['id']}", json={"content": content})
    assert r.status_code == 422 and "version" in r.json()["error"] and "缺少" in r.json()["error"]
    r = c.put(f"/api/drafts/{draft['id']}", content=b"{not json", headers={"Content-Type": "application/json"})
    assert r.status_code == 422 and r.json()["error"].startswith("请求参数无效")
    r = c.put(f"/api/drafts/{draft['id']}", json={"content": {**content, "rows": "x"}, "version": 1})
    assert r.status_code == 422
    assert c.get("/api/drafts/999999").json()["error"] == "没有编号为 999999 的草稿"
    assert c.get(f"/api/drafts/{draft['id']}").json()["version"] == 1  # nothing was saved
    r = c.post("/api/drafts", json={"fields": {"name": "x"}, "kind": "castle"})
    assert r.status_code == 422 and "项目类型无效" in r.json()["error"]


# ---------------------------------------------------------------- delete and replace

def test_delete_and_replace_from_the_api(tmp_path):
    with TestClient(create_app(str(tmp_path / "d.db"))) as c:
        assert c.post("/api/documents", files=_files(SEEDS[0])).json()[0]["status"] == "stored"
        doc_id = c.get("/api/documents").json()["items"][0]["id"]
        replacement = EXAMPLES / "overall.txt"
        r = c.put(f"/api/documents/{doc_id}", files={"file": (replacement.name, replacement.read_bytes(), "text/plain")})
        assert r.status_code == 200, r.text
        assert r.json()["after"]["id"] == doc_id and r.json()["after"]["source_name"] == "overall.txt"
        assert c.get(f"/api/documents/{doc_id}").json()["source"]["name"] == "overall.txt"
        bad = c.put(f"/api/documents/{doc_id}", files={"file": ("x.txt", b"", "text/plain")})
        assert bad.status_code == 400 and "x.txt" in bad.json()["error"]
        assert c.delete(f"/api/documents/{doc_id}").status_code == 200
        assert c.get(f"/api/documents/{doc_id}").status_code == 404
        assert c.delete(f"/api/documents/{doc_id}").json()["error"] == f"没有编号为 {doc_id} 的文档"
        with c.app.state.engine.connect() as conn:  # both land in the audit log, after the upload's entry
            from sqlalchemy import text

            actions = conn.execute(text("SELECT action FROM audit_log WHERE target = :t ORDER BY id"),
                                   {"t": f"document:{doc_id}"}).scalars().all()
        assert actions == ["document.ingest", "document.replace", "document.delete"]
        # an authored document takes its draft with it
        draft = _new(c, name="删除测试")
        assert c.delete(f"/api/documents/{draft['document_id']}").status_code == 200
        assert c.get(f"/api/drafts/{draft['id']}").status_code == 404


def test_web_forms_create_and_delete_with_confirmation(tmp_path):
    with TestClient(create_app(str(tmp_path / "w.db"))) as c:
        r = c.post("/drafts", data={"name": "会议室维修改造", "year": "2025", "department": "乙局"},
                   follow_redirects=False)
        assert r.status_code == 303
        page = c.get(r.headers["location"])
        assert page.status_code == 200 and "会议室维修改造" in page.text and "/static/editor.js" in page.text
        draft_id = int(r.headers["location"].rsplit("/", 1)[1])
        draft = c.get(f"/api/drafts/{draft_id}").json()
        assert draft["content"]["kind"] == "repair" and draft["content"]["rows"][0]["level1"] == "成本指标"
        doc = draft["document_id"]
        assert "请输入文档编号" in c.get(f"/documents/{doc}/delete").text
        refused = c.post(f"/documents/{doc}/delete", data={"confirm": "1234567"})
        assert refused.status_code == 400 and f"请输入文档编号 {doc} 以确认删除" in refused.text
        assert c.get(f"/api/drafts/{draft_id}").status_code == 200  # still there
        done = c.post(f"/documents/{doc}/delete", data={"confirm": str(doc)})
        assert done.status_code == 200 and "已从库中删除" in done.text
        assert c.get(f"/api/drafts/{draft_id}").status_code == 404
        assert c.get("/drafts").status_code == 200


def test_web_form_replaces_with_confirmation(tmp_path):
    with TestClient(create_app(str(tmp_path / "r.db"))) as c:
        assert c.post("/api/documents", files=_files(SEEDS[0])).json()[0]["status"] == "stored"
        doc_id = c.get("/api/documents").json()["items"][0]["id"]
        assert "请输入文档编号" in c.get(f"/documents/{doc_id}/replace").text
        new = EXAMPLES / "overall.txt"
        upload = {"file": (new.name, new.read_bytes(), "text/plain")}
        refused = c.post(f"/documents/{doc_id}/replace", data={"confirm": ""}, files=upload)
        assert refused.status_code == 400 and "以确认替换" in refused.text
        assert c.get(f"/api/documents/{doc_id}").json()["source"]["name"] == SEEDS[0].name
        done = c.post(f"/documents/{doc_id}/replace", data={"confirm": str(doc_id)}, files=upload,
                      follow_redirects=False)
        assert done.status_code == 303 and done.headers["location"] == f"/documents/{doc_id}"
        assert c.get(f"/api/documents/{doc_id}").json()["source"]["name"] == "overall.txt"
        bad = c.post(f"/documents/{doc_id}/replace", data={"confirm": str(doc_id)},
                     files={"file": ("坏.docx", b"not a docx", "application/octet-stream")})
        assert bad.status_code == 400 and "坏.docx" in bad.text


def test_cli_deletes_and_replaces(tmp_path):
    from jixiao.cli import app

    db = str(tmp_path / "c.db")
    runner = CliRunner()
    assert runner.invoke(app, ["ingest", str(SEEDS[0]), str(SEEDS[1]), "--db", db, "--workers", "1"]).exit_code == 0
    replaced = runner.invoke(app, ["docs", "replace", "1", str(EXAMPLES / "overall.txt"), "--db", db, "--yes"])
    assert replaced.exit_code == 0, replaced.output
    assert "已替换" in replaced.output and "overall.txt" in replaced.output
    same = runner.invoke(app, ["docs", "replace", "1", str(SEEDS[1]), "--db", db, "--yes"])
    assert same.exit_code == 1 and "同一文件已作为文档 2 入库" in same.output
    kept = runner.invoke(app, ["docs", "delete", "2", "--db", db], input="n\n")
    assert kept.exit_code == 0 and "已跳过文档 2" in kept.output
    gone = runner.invoke(app, ["docs", "delete", "2", "99", "--db", db, "--yes"])
    assert gone.exit_code == 1 and "已删除文档 2" in gone.output and "没有编号为 99 的文档" in gone.output
    assert "Traceback" not in gone.output


# ---------------------------------------------------------------- migration 0007

def test_a_store_of_the_previous_schema_gets_statuses_and_the_new_tables(store_url):
    from sqlalchemy import create_engine, inspect, text

    from jixiao.store.db import resolve_url, upgrade
    from jixiao.store.writer import store_document

    url = resolve_url(store_url)
    old = create_engine(url)
    upgrade(old, "0006")
    doc = parse_bytes(SEEDS[0].read_bytes(), SEEDS[0].name)
    with old.begin() as conn:
        store_document(conn, doc)
    upgrade(old, "head")
    with old.connect() as conn:
        assert conn.execute(text("SELECT status FROM documents")).scalars().all() == ["published"]  # a stored file: read from a published source
        n = conn.execute(text("SELECT count(*) FROM indicators")).scalar()
    assert n == sum(len(p.indicators) for p in doc.projects)
    assert {"drafts", "revisions"} <= set(inspect(old).get_table_names())
    old.dispose()
