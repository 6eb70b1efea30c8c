"""Audit log coverage (issue 15: "every action lands in an audit log"): every state-changing API route, taken
from the OpenAPI spec rather than listed by hand, and every state-changing page form, taken from the app's
routing table, called successfully by a user allowed to, adds an entry naming that user and the action; the
routes that change nothing are an explicit allow-list, and are checked to add nothing. Logins (also failed
and rate-limited ones, never with the password), logouts, the `jixiao user` commands, `jixiao ingest`,
`jixiao docs delete|replace`, `jixiao library build` and `jixiao review --refresh` are recorded too; a change
that rolls back leaves no entry, and an entry that cannot be written fails its change."""

from __future__ import annotations

import getpass
import itertools
import json
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from typer.testing import CliRunner

from jixiao.api.app import create_app
from jixiao.auth.setup import first_admin
from jixiao.auth.tokens import create_token
from jixiao.auth.users import add_user
from jixiao.cli import app as cli
from jixiao.store.schema import DocumentRow
from jixiao.workflow import audit
from jixiao.workflow.audit import AuditFilter

DEPT_A = "东区审计局"
DEPT_B = "西区审计局"
_serial = itertools.count(1)


def table(project: str | None = None, department: str | None = None) -> bytes:
    """A small target table; every call holds a new project name, so its bytes (and SHA-256) are new."""
    project = project or f"路灯维护{next(_serial)}号"
    head = f"主管部门：{department}\n" if department else ""
    return (f"{head}项目名称\t绩效目标\t绩效指标\n{project}\t路灯完好\t"
            f"1、产出指标: 维护路灯数量, 年度指标值: ≥5台。\n").encode()


def _row(level1, level2, name, op, value, unit="", basis="") -> dict:
    return {"level1": level1, "level2": level2, "name": name, "op": op, "value": value, "unit": unit, "basis": basis}


def valid_content(name: str, department: str = DEPT_A) -> dict:
    """A draft's content with no error-severity finding left, so it may be submitted."""
    return {"fields": {"name": name, "year": 2025, "department": department, "goal": "购置办公设备，保障日常办公。",
                       "content": "购置计算机、打印机等办公设备", "budget_total": 16, "budget_fiscal": 16,
                       "unit": f"{department}机关", "code": "P2025-01"},
            "kind": "purchase",
            "rows": [_row("成本指标", "经济成本指标", "单台设备采购成本", "≤", "0.8", "万元", "预算支出标准"),
                     _row("产出指标", "数量指标", "办公设备购置数量", "≥", "20", "台"),
                     _row("产出指标", "质量指标", "设备验收合格率", "=", "100", "%"),
                     _row("产出指标", "时效指标", "采购完成时间", "定性", "2025年6月底前完成"),
                     _row("效益指标", "社会效益指标", "办公保障能力", "定性", "设备故障导致停工次数为0"),
                     _row("满意度指标", "服务对象满意度指标", "使用人员满意度", "≥", "90", "%")]}


class World:
    """One store served with accounts on: an administrator, an officer and a reviewer of department A, an
    analyst; each with an API token. Each route's recipe makes the fresh objects it acts on."""

    def __init__(self) -> None:
        self.app = create_app(f"{tempfile.mkdtemp()}/audit.db", auth=True)
        self.engine = self.app.state.engine
        _, self.admin_password = first_admin(self.engine)
        self.passwords, self.tokens = {"admin": self.admin_password}, {}
        with self.engine.begin() as conn:
            for name, role, depts in (("officer_a", "officer", [DEPT_A]), ("reviewer_a", "reviewer", [DEPT_A]),
                                      ("analyst", "analyst", [])):
                _, self.passwords[name] = add_user(conn, name, role, depts)
            for name in ("admin", "officer_a", "reviewer_a", "analyst"):
                self.tokens[name] = create_token(conn, name, "tests")[1]
        self.client = TestClient(self.app)

    def bearer(self, user: str) -> dict:
        return {"Authorization": f"Bearer {self.tokens[user]}"}

    def call(self, user: str, method: str, url: str, **kwargs):
        response = self.client.request(method, url, headers=self.bearer(user), **kwargs)
        assert response.status_code < 400, (method, url, response.status_code, response.text[:300])
        return response

    def upload(self, user: str = "admin", department: str = DEPT_A) -> int:
        """A new document of `department`: published when the administrator uploads it, submitted (handed in
        for review) when the department's officer does."""
        r = self.call(user, "POST", "/api/documents", files=[("files", ("t.txt", table(), "text/plain"))],
                      data={"department": department})
        [result] = r.json()
        assert result["status"] == "stored", result
        return result["document_id"]

    def draft(self, content: dict | None = None) -> dict:
        """A new draft of department A by its officer (version 1, or 2 when `content` is saved on it)."""
        body = {"fields": {"name": f"办公设备购置{next(_serial)}", "department": DEPT_A}, "kind": "purchase"}
        draft = self.call("officer_a", "POST", "/api/drafts", json=body).json()
        if content is not None:
            draft = self.call("officer_a", "PUT", f"/api/drafts/{draft['id']}",
                              json={"content": content, "version": draft["version"]}).json()["draft"]
        return draft

    def project_of(self, doc_id: int) -> int:
        name = self.call("admin", "GET", f"/api/documents/{doc_id}").json()["projects"][0]["name"]
        items = self.call("admin", "GET", "/api/projects", params={"limit": 1000}).json()["items"]
        return next(p["id"] for p in items if p["name"] == name)

    def last_id(self) -> int:
        with self.engine.connect() as conn:
            found = audit.entries(conn, AuditFilter(limit=1))
        return found[0]["id"] if found else 0

    def since(self, last: int) -> list[dict]:
        with self.engine.connect() as conn:
            return [e for e in audit.entries(conn, AuditFilter(limit=None)) if e["id"] > last]


@pytest.fixture(scope="module")
def world() -> World:
    return World()


# --- every state-changing API route, from the OpenAPI spec ---------------------------------------------------

SPEC = create_app(f"{tempfile.mkdtemp()}/spec.db", auth=True).openapi()
MUTATING = ("post", "put", "patch", "delete")


def _variants(path: str, op: dict) -> list[str | None]:
    """One case per value of an enumerated path parameter (submit, return, approve), else one case."""
    for p in op.get("parameters", []):
        if p["in"] == "path" and "enum" in p.get("schema", {}):
            return list(p["schema"]["enum"])
    return [None]


CASES = [(method.upper(), path, variant) for path, ops in SPEC["paths"].items() for method, op in ops.items()
         if method in MUTATING for variant in _variants(path, op)]

# Routes that legitimately change nothing: a call succeeds and the audit log must not grow.
NO_CHANGE = {
    # the editor's live check of unsaved content (national save checks and review rules); nothing is stored
    ("POST", "/api/drafts/check"): "检查未保存的内容，不入库",
    # indicator suggestions for unsaved content, read from the library; nothing is stored
    ("POST", "/api/drafts/suggest"): "为未保存的内容推荐指标，不入库",
}


@dataclass
class Call:
    """A successful request of a route: who sends it, what it is, and the audit action it must leave."""

    user: str
    url: str
    action: str
    kwargs: dict = field(default_factory=dict)


def _upload(w: World, _v) -> Call:
    files = [("files", ("new.txt", table(), "text/plain"))]
    return Call("officer_a", "/api/documents", "document.ingest", {"files": files, "data": {"department": DEPT_A}})


def _delete_document(w: World, _v) -> Call:
    return Call("admin", f"/api/documents/{w.upload()}", "document.delete")


def _replace_document(w: World, _v) -> Call:
    files = {"file": ("corrected.txt", table(), "text/plain")}
    return Call("admin", f"/api/documents/{w.upload()}", "document.replace", {"files": files})


def _paste(w: World, _v) -> Call:
    body = {"text": table().decode(), "store": True, "department": DEPT_A}
    return Call("admin", "/api/paste", "document.ingest", {"json": body})


def _workflow(w: World, action: str) -> Call:
    if action == "submit":  # the officer hands in a draft of their department
        doc = w.draft(valid_content(f"报送测试{next(_serial)}"))["document_id"]
        return Call("officer_a", f"/api/documents/{doc}/workflow/submit", "workflow.submit", {"json": {}})
    doc = w.upload("officer_a")  # handed in: the reviewer returns or approves it
    return Call("reviewer_a", f"/api/documents/{doc}/workflow/{action}", f"workflow.{action}",
                {"json": {"note": "审核意见"}})


def _comment(w: World, _v) -> Call:
    doc = w.upload("officer_a")
    return Call("reviewer_a", f"/api/documents/{doc}/comments", "workflow.comment", {"json": {"text": "请补充依据"}})


def _delete_comment(w: World, _v) -> Call:
    doc = w.upload("officer_a")
    made = w.call("reviewer_a", "POST", f"/api/documents/{doc}/comments", json={"text": "待删除的意见"}).json()
    return Call("reviewer_a", f"/api/documents/{doc}/comments/{made['id']}", "workflow.comment.delete")


def _new_draft(w: World, _v) -> Call:
    body = {"fields": {"name": f"新建草稿{next(_serial)}", "department": DEPT_A}, "kind": "purchase"}
    return Call("officer_a", "/api/drafts", "draft.create", {"json": body})


def _copy_draft(w: World, _v) -> Call:
    project = w.project_of(w.upload())
    return Call("officer_a", "/api/drafts/copy", "draft.create", {"json": {"project_id": project, "year": 2026}})


def _save_draft(w: World, _v) -> Call:
    draft = w.draft()
    content = {**draft["content"], "fields": {**draft["content"]["fields"], "goal": "改过的目标"}}
    return Call("officer_a", f"/api/drafts/{draft['id']}", "draft.save",
                {"json": {"content": content, "version": draft["version"]}})


def _delete_draft(w: World, _v) -> Call:
    return Call("officer_a", f"/api/drafts/{w.draft()['id']}", "draft.delete")


def _submit_draft(w: World, _v) -> Call:
    draft = w.draft(valid_content(f"提交测试{next(_serial)}"))
    return Call("officer_a", f"/api/drafts/{draft['id']}/submit", "workflow.submit",
                {"json": {"version": draft["version"]}})


def _restore_draft(w: World, _v) -> Call:
    draft = w.draft(valid_content(f"恢复测试{next(_serial)}"))
    first = min(r["id"] for r in w.call("officer_a", "GET", f"/api/drafts/{draft['id']}/revisions").json())
    return Call("officer_a", f"/api/drafts/{draft['id']}/restore", "draft.restore",
                {"json": {"revision": first, "version": draft["version"]}})


def _new_token(w: World, _v) -> Call:
    return Call("reviewer_a", "/api/tokens", "token.create", {"json": {"name": "nightly"}})


def _revoke_token(w: World, _v) -> Call:
    made = w.call("reviewer_a", "POST", "/api/tokens", json={"name": "to-revoke"}).json()
    return Call("reviewer_a", f"/api/tokens/{made['id']}", "token.revoke")


def _no_change(body: dict) -> Callable[[World, object], Call]:
    return lambda w, _v: Call("officer_a", "", "", {"json": body})


# How to make each route succeed (fresh objects for it to act on). The list of routes is the spec's: a new
# state-changing route without a recipe here (or a reason in NO_CHANGE) fails the test below.
RECIPES: dict[tuple[str, str], Callable[[World, object], Call]] = {
    ("POST", "/api/documents"): _upload,
    ("DELETE", "/api/documents/{doc_id}"): _delete_document,
    ("PUT", "/api/documents/{doc_id}"): _replace_document,
    ("POST", "/api/paste"): _paste,
    ("POST", "/api/documents/{doc_id}/workflow/{action}"): _workflow,
    ("POST", "/api/documents/{doc_id}/comments"): _comment,
    ("DELETE", "/api/documents/{doc_id}/comments/{comment_id}"): _delete_comment,
    ("POST", "/api/drafts"): _new_draft,
    ("POST", "/api/drafts/copy"): _copy_draft,
    ("PUT", "/api/drafts/{draft_id}"): _save_draft,
    ("DELETE", "/api/drafts/{draft_id}"): _delete_draft,
    ("POST", "/api/drafts/{draft_id}/submit"): _submit_draft,
    ("POST", "/api/drafts/{draft_id}/restore"): _restore_draft,
    ("POST", "/api/tokens"): _new_token,
    ("DELETE", "/api/tokens/{token_id}"): _revoke_token,
    ("POST", "/api/drafts/check"): _no_change(valid_content("检查")),
    ("POST", "/api/drafts/suggest"): _no_change(valid_content("推荐")),
}


def test_the_spec_has_state_changing_routes():
    assert len(CASES) >= 15 and set(NO_CHANGE) <= {(m, p) for m, p, _ in CASES}


@pytest.mark.parametrize("method,path,variant", CASES,
                         ids=[f"{m} {p}" + (f" {v}" if v else "") for m, p, v in CASES])
def test_every_state_changing_route_leaves_an_audit_entry(world, method, path, variant):
    recipe = RECIPES.get((method, path))
    assert recipe is not None, f"{method} {path}: no recipe in RECIPES and no reason in NO_CHANGE"
    call = recipe(world, variant)
    url = call.url or path
    last = world.last_id()
    world.call(call.user, method, url, **call.kwargs)
    new = world.since(last)
    if (method, path) in NO_CHANGE:
        assert new == [], new
        return
    mine = [e for e in new if e["action"] == call.action and e["actor"] == call.user]
    assert mine, (call.action, call.user, [(e["action"], e["actor"]) for e in new])
    assert all(e["at"] and e["actor_role"] for e in mine)


# --- every state-changing page route (forms, outside the OpenAPI spec), from the app's routing table ----------

def _routes(routes):
    """Every endpoint route of the app, through included routers and mounts."""
    for r in routes:
        if hasattr(r, "methods") and hasattr(r, "path"):
            yield r
        elif hasattr(r, "original_router"):
            yield from _routes(r.original_router.routes)
        elif hasattr(r, "routes"):
            yield from _routes(r.routes)


def _literal_values(route) -> list[str | None]:
    """One case per value of a path parameter typed as a Literal (submit, return, approve), else one case."""
    import inspect
    import typing

    for name, param in inspect.signature(route.endpoint).parameters.items():
        if "{" + name + "}" in route.path:
            kind = param.annotation
            kind = typing.get_type_hints(route.endpoint, include_extras=False).get(name, kind)
            if typing.get_origin(kind) is typing.Literal:
                return list(typing.get_args(kind))
    return [None]


_PAGE_APP = create_app(f"{tempfile.mkdtemp()}/pages.db", auth=True)
PAGE_CASES = [(method, r.path, v) for r in _routes(_PAGE_APP.router.routes) if not getattr(r, "include_in_schema", True)
              for method in sorted(r.methods & {"POST", "PUT", "PATCH", "DELETE"}) for v in _literal_values(r)]


def _csrf(client: TestClient) -> str:
    import re

    return re.search(r'name="csrf-token" content="([^"]+)"', client.get("/login").text).group(1)


def _browser(w: World, user: str) -> TestClient:
    client = TestClient(w.app)
    assert _login(client, user, w.passwords[user]).status_code == 303
    return client


def _page_paste(w: World, _v) -> Call:
    data = {"text": table().decode(), "action": "store", "department": DEPT_A}
    return Call("admin", "/paste", "document.ingest", {"data": data})


def _page_comment(w: World, _v) -> Call:
    return Call("reviewer_a", f"/documents/{w.upload('officer_a')}/workflow/comments", "workflow.comment",
                {"data": {"text": "表单意见", "opinion": "4"}})


def _page_uncomment(w: World, _v) -> Call:
    doc = w.upload("officer_a")
    made = w.call("reviewer_a", "POST", f"/api/documents/{doc}/comments", json={"text": "待删除"}).json()
    return Call("reviewer_a", f"/documents/{doc}/workflow/comments/{made['id']}/delete", "workflow.comment.delete")


def _page_move(w: World, action: str) -> Call:
    api = _workflow(w, action)
    return Call(api.user, api.url.removeprefix("/api"), api.action, {"data": {"note": "表单"}})


def _page_new_draft(w: World, _v) -> Call:
    return Call("officer_a", "/drafts", "draft.create",
                {"data": {"name": f"表单草稿{next(_serial)}", "department": DEPT_A, "kind": "purchase"}})


def _page_copy(w: World, _v) -> Call:
    return Call("officer_a", "/drafts/copy", "draft.create", {"data": {"project_id": str(w.project_of(w.upload()))}})


def _page_delete(w: World, _v) -> Call:
    doc = w.upload()
    return Call("admin", f"/documents/{doc}/delete", "document.delete", {"data": {"confirm": str(doc)}})


def _page_replace(w: World, _v) -> Call:
    doc = w.upload()
    return Call("admin", f"/documents/{doc}/replace", "document.replace",
                {"data": {"confirm": str(doc)}, "files": {"file": ("更正.txt", table(), "text/plain")}})


def _page_login(w: World, _v) -> Call:
    return Call("reviewer_a", "/login", "auth.login",
                {"data": {"name": "reviewer_a", "password": w.passwords["reviewer_a"]}, "fresh": "visitor"})


def _page_logout(w: World, _v) -> Call:
    return Call("reviewer_a", "/logout", "auth.logout", {"data": {}, "fresh": "reviewer_a"})


PAGE_RECIPES: dict[tuple[str, str], Callable[[World, object], Call]] = {
    ("POST", "/paste"): _page_paste,
    ("POST", "/documents/{doc_id}/workflow/comments"): _page_comment,
    ("POST", "/documents/{doc_id}/workflow/comments/{comment_id}/delete"): _page_uncomment,
    ("POST", "/documents/{doc_id}/workflow/{action}"): _page_move,
    ("POST", "/drafts"): _page_new_draft,
    ("POST", "/drafts/copy"): _page_copy,
    ("POST", "/documents/{doc_id}/delete"): _page_delete,
    ("POST", "/documents/{doc_id}/replace"): _page_replace,
    ("POST", "/login"): _page_login,
    ("POST", "/logout"): _page_logout,
}


def test_the_pages_have_state_changing_forms():
    assert len(PAGE_CASES) >= 10 and {("POST", "/login"), ("POST", "/logout")} <= {(m, p) for m, p, _ in PAGE_CASES}


@pytest.mark.parametrize("method,path,variant", PAGE_CASES,
                         ids=[f"{m} {p}" + (f" {v}" if v else "") for m, p, v in PAGE_CASES])
def test_every_state_changing_form_leaves_an_audit_entry(world, method, path, variant):
    recipe = PAGE_RECIPES.get((method, path))
    assert recipe is not None, f"{method} {path}: no recipe in PAGE_RECIPES"
    call = recipe(world, variant)
    fresh = call.kwargs.pop("fresh", None)
    client = TestClient(world.app) if fresh == "visitor" else _browser(world, fresh or call.user)
    data = {**call.kwargs.pop("data", {}), "csrf_token": _csrf(client)}
    last = world.last_id()
    response = client.request(method, call.url, data=data, follow_redirects=False, **call.kwargs)
    assert response.status_code < 400, (call.url, response.status_code, response.text[:300])
    mine = [e for e in world.since(last) if e["action"] == call.action and e["actor"] == call.user]
    assert mine, (call.action, call.user, [(e["action"], e["actor"]) for e in world.since(last)])


def test_paste_without_store_changes_nothing(world):
    last = world.last_id()
    world.call("admin", "POST", "/api/paste", json={"text": table().decode(), "store": False})
    assert world.since(last) == []


def test_an_upload_entry_names_the_file_its_hash_and_the_outcome(world):
    import hashlib

    data = table()
    last = world.last_id()
    for _ in range(2):  # stored, then the same bytes again: unchanged
        world.call("officer_a", "POST", "/api/documents", files=[("files", ("路灯.txt", data, "text/plain"))],
                   data={"department": DEPT_A})
    first, second = sorted((e for e in world.since(last) if e["action"] == "document.ingest"), key=lambda e: e["id"])
    assert first["after"]["file"] == "路灯.txt" and first["after"]["sha256"] == hashlib.sha256(data).hexdigest()
    assert (first["after"]["status"], second["after"]["status"]) == ("stored", "unchanged")
    assert first["department"] == DEPT_A and first["actor"] == "officer_a" and first["actor_role"] == "officer"
    assert first["target"] == second["target"]


# --- logins and logouts ---------------------------------------------------------------------------------------

def _form_token(html: str) -> str:
    import re

    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def _login(client: TestClient, name: str, password: str):
    return client.post("/login", data={"name": name, "password": password,
                                       "csrf_token": _form_token(client.get("/login").text)}, follow_redirects=False)


def test_login_logout_and_failed_logins_are_recorded_without_the_password(world):
    client = TestClient(world.app)
    secret = "wrong-password-987"
    last = world.last_id()
    assert _login(client, "reviewer_a", secret).status_code == 401
    assert _login(client, "nobody_here", secret).status_code == 401
    assert _login(client, "reviewer_a", world.passwords["reviewer_a"]).status_code == 303
    page = client.get("/logout").text
    assert client.post("/logout", data={"csrf_token": _form_token(page)}, follow_redirects=False).status_code == 303
    new = sorted(world.since(last), key=lambda e: e["id"])
    assert [(e["action"], e["target"]) for e in new] == [
        ("auth.login.failed", "user:reviewer_a"), ("auth.login.failed", "user:nobody_here"),
        ("auth.login", "user:reviewer_a"), ("auth.logout", "user:reviewer_a")]
    failed = new[0]
    assert failed["after"]["client"] == "testclient" and failed["after"]["reason"] == "wrong password"
    assert new[1]["after"]["reason"] == "no such user"
    assert new[2]["actor"] == "reviewer_a" and new[2]["actor_role"] == "reviewer"
    assert new[3]["actor"] == "reviewer_a"
    assert all(secret not in json.dumps(e, ensure_ascii=False) for e in new)
    assert all(world.passwords["reviewer_a"] not in json.dumps(e, ensure_ascii=False) for e in new)


def test_a_rate_limited_login_is_recorded(world):
    with world.engine.begin() as conn:  # an account of its own: the limiter is the process's, kept 5 minutes
        _, password = add_user(conn, "audit_limited", "analyst")
    client = TestClient(world.app)
    for _ in range(5):
        assert _login(client, "audit_limited", "not-it-123456").status_code == 401
    last = world.last_id()
    assert _login(client, "audit_limited", password).status_code == 429
    [blocked] = world.since(last)
    assert blocked["action"] == "auth.login.blocked" and blocked["target"] == "user:audit_limited"
    assert blocked["after"]["client"] == "testclient" and password not in json.dumps(blocked)
    for _ in range(20):  # hammering the locked name: refused each time, recorded once per lockout
        assert _login(client, "audit_limited", password).status_code == 429
    assert world.since(last) == [blocked]


# --- the audit log itself: administrators only ---------------------------------------------------------------

def test_only_an_administrator_views_and_exports_the_audit_log(world):
    for user in ("officer_a", "reviewer_a", "analyst"):
        for url in ("/api/audit", "/api/audit?format=csv", "/api/audit?format=json"):
            r = world.client.get(url, headers=world.bearer(user))
            assert r.status_code == 403, (user, url, r.status_code)
    for user in ("officer_a", "reviewer_a"):  # the page, as a logged-in browser
        browser = TestClient(world.app)
        _login(browser, user, world.passwords[user])
        assert browser.get("/admin/audit").status_code == 403
    visitor = TestClient(world.app)
    assert visitor.get("/api/audit").status_code == 401
    assert visitor.get("/admin/audit", follow_redirects=False).status_code == 303  # to the login page

    listed = world.call("admin", "GET", "/api/audit", params={"action": "document.", "limit": 5}).json()
    assert listed["total"] >= 1 and all(e["action"].startswith("document.") for e in listed["entries"])
    csv = world.call("admin", "GET", "/api/audit", params={"format": "csv"})
    assert csv.content.decode("utf-8").startswith("\ufeff编号,时间（UTC）,操作人")
    assert "document.ingest" in csv.text and "attachment" in csv.headers["content-disposition"]
    admin = TestClient(world.app)
    _login(admin, "admin", world.admin_password)
    page = admin.get("/admin/audit")
    assert page.status_code == 200 and "document.ingest" in page.text and 'id="audit-csv"' in page.text


# --- rollback: the change and its entry together, or neither -------------------------------------------------

def _count(engine, table) -> int:
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(table)).scalar_one()


def test_a_change_that_rolls_back_leaves_no_entry(world, monkeypatch):
    """The entry is written, then the change fails later in its transaction: neither is kept."""
    from jixiao.service import ingest as service_ingest

    real = audit.record

    def written_then_failing(*args, **kwargs):
        real(*args, **kwargs)
        raise RuntimeError("磁盘已满")

    docs, last = _count(world.engine, DocumentRow), world.last_id()
    monkeypatch.setattr(audit, "record", written_then_failing)
    from jixiao.ingest import parse_bytes

    with pytest.raises(RuntimeError):
        service_ingest.store_parsed(world.engine, parse_bytes(table(department=DEPT_A), "回滚.txt"))
    with pytest.raises(RuntimeError), world.engine.begin() as conn:
        add_user(conn, "rolled_back", "analyst")
    monkeypatch.undo()
    assert _count(world.engine, DocumentRow) == docs and world.since(last) == []
    with world.engine.connect() as conn:
        from jixiao.auth.users import get_user

        assert get_user(conn, "rolled_back") is None


def test_an_entry_that_cannot_be_written_fails_the_change(world, monkeypatch):
    """The audit write itself fails: the upload fails (the server says so) and nothing is stored."""
    from sqlalchemy.exc import OperationalError

    def failing(*args, **kwargs):
        raise OperationalError("INSERT INTO audit_log", {}, Exception("database is locked"))

    draft = world.draft()
    docs, last = _count(world.engine, DocumentRow), world.last_id()
    monkeypatch.setattr(audit, "record", failing)
    client = TestClient(world.app, raise_server_exceptions=False)
    r = client.post("/api/documents", headers=world.bearer("admin"),
                    files=[("files", ("t.txt", table(), "text/plain"))], data={"department": DEPT_A})
    assert r.status_code >= 500 and r.json()["error"]
    assert client.delete(f"/api/drafts/{draft['id']}", headers=world.bearer("officer_a")).status_code >= 500
    monkeypatch.undo()
    assert _count(world.engine, DocumentRow) == docs  # neither the upload nor the deletion happened
    assert world.call("officer_a", "GET", f"/api/drafts/{draft['id']}").json()["id"] == draft["id"]
    assert world.since(last) == []


# --- the command line -----------------------------------------------------------------------------------------

runner = CliRunner()


def _cli(*args: str) -> str:
    result = runner.invoke(cli, list(args))
    assert result.exit_code == 0, result.output
    return result.output


def _entries(db: str, **kw) -> list[dict]:
    from jixiao.store.db import open_engine

    engine = open_engine(db)
    try:
        with engine.connect() as conn:
            return sorted(audit.entries(conn, AuditFilter(limit=None, **kw)), key=lambda e: e["id"])
    finally:
        engine.dispose()


def _me() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "本机用户"


def test_user_commands_are_recorded(tmp_path):
    db = str(tmp_path / "users.db")
    _cli("ingest", "--db", db, str(_write(tmp_path, "seed.txt")))  # makes the store
    _cli("user", "add", "li", "--role", "officer", "--department", DEPT_A, "--db", db)
    _cli("user", "set-role", "li", "reviewer", "--department", DEPT_B, "--db", db)
    _cli("user", "disable", "li", "--db", db)
    _cli("user", "enable", "li", "--db", db)
    out = _cli("user", "password", "li", "--db", db)
    password = out.rsplit("：", 1)[1].strip()
    out = _cli("user", "token", "li", "--name", "nightly", "--db", db)
    token_id, token = out.split("#", 1)[1].split("（", 1)[0], out.rsplit("：", 1)[1].strip()
    _cli("user", "revoke", token_id, "--db", db)
    found = _entries(db, target="user:li") + _entries(db, action="token.")
    assert [e["action"] for e in found] == ["user.add", "user.set_role", "user.disable", "user.enable",
                                            "user.password", "token.create", "token.revoke"]
    assert all(e["actor"] == _me() and e["actor_role"] == "administrator" for e in found)
    assert found[0]["after"] == {"role": "officer", "departments": [DEPT_A]}
    assert found[1]["before"]["role"] == "officer" and found[1]["after"] == {"role": "reviewer", "departments": [DEPT_B]}
    assert (found[2]["after"], found[3]["after"]) == ({"active": False}, {"active": True})
    text = json.dumps(found, ensure_ascii=False)
    assert password not in text and token not in text and found[5]["after"]["user"] == "li"
    # a refused command (the user exists) changes nothing and leaves no entry
    assert runner.invoke(cli, ["user", "add", "li", "--role", "analyst", "--db", db]).exit_code == 1
    assert len(_entries(db, target="user:li")) == 5


def _write(tmp_path, name: str, data: bytes | None = None):
    path = tmp_path / name
    path.write_bytes(data or table(department=DEPT_A))
    return path


def test_ingest_delete_replace_and_library_build_on_the_command_line(tmp_path):
    db = str(tmp_path / "cli.db")
    folder = tmp_path / "in"
    folder.mkdir()
    names = [f"表{n}.txt" for n in range(4)]
    for name in names:
        _write(folder, name)
    _cli("ingest", "--db", db, str(folder))
    _cli("ingest", "--db", db, str(folder))  # nothing new: the second run stores nothing
    stored = _entries(db, action="document.ingest")
    assert sorted(e["after"]["file"] for e in stored) == sorted(names)
    assert all(e["after"]["status"] == "stored" and len(e["after"]["sha256"]) == 64 and e["actor"] == _me()
               and e["department"] == DEPT_A for e in stored)
    first, second = (int(e["target"].split(":")[1]) for e in stored[:2])
    _cli("docs", "delete", str(first), "--yes", "--db", db)
    _cli("docs", "replace", str(second), str(_write(tmp_path, "更正.txt")), "--yes", "--db", db)
    _cli("library", "build", "--db", db)
    _cli("review", "--refresh", "--format", "json", "--db", db)
    later = [(e["action"], e["target"], e["actor"]) for e in _entries(db) if e["action"] != "document.ingest"]
    assert later == [("document.delete", f"document:{first}", _me()), ("document.replace", f"document:{second}", _me()),
                     ("library.rebuild", "library", _me()), ("review.refresh", "reviews", _me())]
