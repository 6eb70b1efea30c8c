"""Security of a shared server (accounts on): every API route from the OpenAPI spec refuses a visitor (401)
and keeps a department officer out of another department's data (403, or a list without its rows); forms
without their CSRF token are refused; a planted session never becomes a login; stored `<script>` names are
escaped on every page reachable from the overview; schemathesis finds no 5xx with accounts on."""

from __future__ import annotations

import re
import tempfile
from html.parser import HTMLParser
from urllib.parse import quote, urljoin, urlsplit

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

from jixiao.api.app import create_app
from jixiao.auth.setup import COOKIE, first_admin
from jixiao.auth.tokens import create_token
from jixiao.auth.users import add_user

DEPT_A = "东区测试局"
DEPT_B = "西区测试局"
DEPT_X = "<script>alert('dept')</script>北区局"
MARK_B = "西区专属巡护"  # in B's project name only: any response that shows it leaked B's data
SCRIPT = "<script>alert("


def _table(project: str, goal: str, indicator: str) -> bytes:
    # entities decode to markup after tags are stripped: the stored name really holds `<script>`
    return (f"项目名称\t绩效目标\t绩效指标\n{project}\t{goal}\t"
            f"1、产出指标: {indicator}, 年度指标值: ≥5台。\n").encode()


def _upload(client: TestClient, token: str, name: str, data: bytes, department: str) -> int:
    response = client.post("/api/documents", headers={"Authorization": f"Bearer {token}"},
                           files=[("files", (name, data, "text/plain"))], data={"department": department})
    assert response.status_code == 200, response.text
    [result] = response.json()
    assert result["status"] == "stored", result
    return result["document_id"]


class Server:
    """One store with three departments, four accounts (and their API tokens), served with accounts on."""

    def __init__(self, public_read: bool = False) -> None:
        self.app = create_app(f"{tempfile.mkdtemp()}/security.db", auth=True, public_read=public_read)
        engine = self.app.state.engine
        _, self.admin_password = first_admin(engine)
        self.passwords, self.tokens = {}, {}
        with engine.begin() as conn:
            for name, role, depts in (("officer_a", "officer", [DEPT_A]), ("reviewer_b", "reviewer", [DEPT_B]),
                                      ("analyst", "analyst", []), ("officer_b", "officer", [DEPT_B]),
                                      ("reviewer_a", "reviewer", [DEPT_A])):
                _, self.passwords[name] = add_user(conn, name, role, depts)
            for name in ("admin", "officer_a", "reviewer_b", "analyst", "officer_b", "reviewer_a"):
                self.tokens[name] = create_token(conn, name, "tests")[1]
        self.passwords["admin"] = self.admin_password
        client = TestClient(self.app)
        admin = self.tokens["admin"]
        self.doc_a = _upload(client, admin, "a.txt", _table("东区路灯维护", "路灯完好", "维护路灯数量"), DEPT_A)
        self.doc_b = _upload(client, admin, "b.txt", _table(
            f"&lt;script&gt;alert('b')&lt;/script&gt;{MARK_B}", "&lt;script&gt;alert('goal')&lt;/script&gt;巡护到位",
            "&lt;script&gt;alert('ind')&lt;/script&gt;巡护次数"), DEPT_B)
        self.doc_x = _upload(client, admin, "x.txt", _table("北区绿化养护", "绿化达标", "养护面积"), DEPT_X)
        self.project_b = self._projects(client, self.doc_b)[0]
        self.project_a = self._projects(client, self.doc_a)[0]
        self.draft_a = self._draft(client, "officer_a", "东区新项目草稿", DEPT_A)
        self.draft_b = self._draft(client, "officer_b", f"{MARK_B}草稿", DEPT_B)

    def _draft(self, client: TestClient, user: str, name: str, department: str) -> int:
        response = client.post("/api/drafts", headers=self.bearer(user),
                               json={"fields": {"name": name, "department": department}})
        assert response.status_code in (200, 201), response.text
        return response.json()["id"]

    def _projects(self, client: TestClient, doc_id: int) -> list[int]:
        doc = client.get(f"/api/documents/{doc_id}", headers=self.bearer("admin")).json()
        names = {p["name"] for p in doc["projects"]}
        items = client.get("/api/projects", params={"limit": 1000}, headers=self.bearer("admin")).json()["items"]
        return [p["id"] for p in items if p["name"] in names]

    def bearer(self, user: str) -> dict:
        return {"Authorization": f"Bearer {self.tokens[user]}"}

    def login(self, user: str) -> TestClient:
        client = TestClient(self.app)
        login(client, user, self.passwords[user])
        return client


def session_cookie(client: TestClient):
    return next(c for c in client.cookies.jar if c.name == COOKIE)


def plant(client: TestClient, cookie) -> None:
    """Put another browser's session cookie into this client (replacing its own)."""
    client.cookies.clear()
    client.cookies.set(cookie.name, cookie.value, domain=cookie.domain, path=cookie.path)


def form_token(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html) or re.search(
        r'name="csrf-token" content="([^"]+)"', html)
    assert found, "no CSRF token on the page"
    return found.group(1)


def login(client: TestClient, user: str, password: str):
    token = form_token(client.get("/login").text)
    response = client.post("/login", data={"name": user, "password": password, "csrf_token": token},
                           follow_redirects=False)
    assert response.status_code == 303, response.text
    return response


@pytest.fixture(scope="module")
def server() -> Server:
    return Server()


# --- every API route, from the OpenAPI spec ---------------------------------------------------------------

_SPEC_APP = create_app(f"{tempfile.mkdtemp()}/spec.db", auth=True)
SPEC = _SPEC_APP.openapi()
OPERATIONS = [(method.upper(), path) for path, ops in SPEC["paths"].items() for method in ops
              if method in ("get", "post", "put", "patch", "delete")]


def _resolve(schema: dict) -> dict:
    while "$ref" in schema:
        schema = SPEC["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return schema


def example(schema: dict):
    """A small value that satisfies `schema` (required fields only), so a request reaches its handler."""
    schema = _resolve(schema)
    if "anyOf" in schema or "oneOf" in schema:
        options = [_resolve(s) for s in schema.get("anyOf") or schema.get("oneOf")]
        options = [s for s in options if s.get("type") != "null"] or options
        return example(options[0])
    if "enum" in schema:
        return schema["enum"][0]
    if "const" in schema:
        return schema["const"]
    if "default" in schema and schema["default"] is not None:
        return schema["default"]
    kind = schema.get("type")
    if kind == "object" or "properties" in schema:
        return {k: example(v) for k, v in schema.get("properties", {}).items() if k in schema.get("required", [])}
    if kind == "array":
        return [example(schema["items"])] * max(1, schema.get("minItems", 0)) if "items" in schema else []
    if kind == "integer":
        return max(1, int(schema.get("minimum", 1)))
    if kind == "number":
        return float(schema.get("minimum", 1))
    if kind == "boolean":
        return False
    return "巡护" if schema.get("minLength", 0) <= 2 else "巡护" * schema["minLength"]


def request_for(server: Server, method: str, path: str, target: str) -> dict:
    """Keyword arguments for the test client: path and query parameters pointing at `target`'s department
    (A or B) where the spec has them, a valid body where it takes one."""
    op = SPEC["paths"][path][method.lower()]
    doc, project, draft, dept = ((server.doc_b, server.project_b, server.draft_b, DEPT_B) if target == "B"
                                 else (server.doc_a, server.project_a, server.draft_a, DEPT_A))
    url, params, aimed = path, {}, None
    for p in op.get("parameters", []):
        schema = _resolve(p.get("schema", {}))
        name = p["name"]
        if p["in"] == "path":
            if "doc" in name:
                value, aimed = doc, "path"
            elif "project" in name:
                value, aimed = project, "path"
            elif "draft" in name:
                value, aimed = draft, "path"
            elif name in ("name", "department"):
                value, aimed = quote(dept, safe=""), "path"
            else:
                value = example(schema)
            url = url.replace("{" + name + "}", str(value))
        elif name == "department":
            params[name], aimed = dept, aimed or "query"
        elif p.get("required"):
            params[name] = example(schema)
    kwargs: dict = {"url": url, "params": params, "aimed": aimed}
    body = op.get("requestBody")
    if body:
        content = body["content"]
        if "application/json" in content:
            kwargs["json"] = example(content["application/json"]["schema"])
        else:
            form = _resolve(next(iter(content.values()))["schema"])
            upload = ("t.txt", _table("表单项目", "目标", "指标"), "text/plain")
            kwargs["files"] = [(k, upload) for k, v in form.get("properties", {}).items()
                               if "binary" in str(v) or "octet-stream" in str(v)]
            kwargs["data"] = {"department": dept} if "department" in form.get("properties", {}) else {}
    return kwargs


@pytest.mark.parametrize("method,path", OPERATIONS, ids=[f"{m} {p}" for m, p in OPERATIONS])
def test_a_visitor_gets_401_on_every_api_route(server, method, path):
    kwargs = request_for(server, method, path, "B")
    kwargs.pop("aimed")
    response = TestClient(server.app).request(method, **kwargs)
    assert response.status_code == 401, (response.status_code, response.text[:200])
    assert response.json()["error"]


# draft routes that, on 2026-12-01 17:45, still answered another department's officer (200 with the
# revisions) or looked up the revision or validated the body before checking the department (404/422):
# AUTHORING's to fix. strict: once a route refuses with 403 the mark fails and must go.
KNOWN_DRAFT_LEAKS: set[tuple[str, str]] = set()  # (method, path) of a route that still leaks; none left

AIMED_CASES = [pytest.param(m, p, id=f"{m} {p}", marks=pytest.mark.xfail(
    strict=True, reason="draft route checks the department after the lookup, or not at all (AUTHORING)"))
    if (m, p) in KNOWN_DRAFT_LEAKS else pytest.param(m, p, id=f"{m} {p}") for m, p in OPERATIONS]


@pytest.mark.parametrize("method,path", AIMED_CASES)
def test_an_officer_never_reaches_another_departments_data(server, method, path):
    """Aimed at department B's document, project, draft or name in the path: officer A gets 403. A list filtered by
    `department=B`, or a route not aimed at a department: a 403, or an answer that never holds B's rows."""
    kwargs = request_for(server, method, path, "B")
    aimed = kwargs.pop("aimed")
    response = TestClient(server.app).request(method, headers=server.bearer("officer_a"), **kwargs)
    assert response.status_code < 500, (response.status_code, response.text[:300])
    if aimed == "path":
        assert response.status_code == 403, (response.status_code, response.text[:300])
    else:
        assert MARK_B not in response.content.decode("utf-8", "replace"), response.text[:300]


@pytest.mark.parametrize("method,path", [(m, p) for m, p in OPERATIONS if m == "GET"],
                         ids=[f"{m} {p}" for m, p in OPERATIONS if m == "GET"])
def test_department_checks_are_not_blanket_refusals(server, method, path):
    """The other side of the 403: the same read aimed at department A is open to A's people (its officer, or
    a reviewer assigned to A, as the route's role allows)."""
    kwargs = request_for(server, method, path, "A")
    if kwargs.pop("aimed") != "path":
        return
    codes = [TestClient(server.app).request(method, headers=server.bearer(user), **kwargs).status_code
             for user in ("officer_a", "reviewer_a")]
    assert all(c < 500 for c in codes) and any(c not in (401, 403) for c in codes), codes


def test_pages_of_another_department_are_refused(server):
    officer = server.login("officer_a")
    for url in (f"/documents/{server.doc_b}", f"/projects/{server.project_b}", f"/departments/{quote(DEPT_B)}",
                f"/departments/{quote(DEPT_B)}/findings.xlsx", f"/documents/{server.doc_b}/findings.xlsx"):
        response = officer.get(url)
        assert response.status_code == 403, url
        assert MARK_B not in response.text
    assert officer.get(f"/documents/{server.doc_a}").status_code == 200
    for url in ("/", "/review", "/search?q=巡护", f"/review?department={quote(DEPT_B)}"):
        response = officer.get(url)
        assert response.status_code in (200, 403), url
        assert MARK_B not in response.text, url


def test_a_visitor_is_sent_to_login_on_pages(server):
    client = TestClient(server.app)
    for url in ("/", f"/documents/{server.doc_a}", "/review", "/paste"):
        response = client.get(url, follow_redirects=False)
        assert response.status_code == 303 and response.headers["location"].startswith("/login?next="), url
    assert client.get("/login").status_code == 200
    assert client.get("/openapi.json").status_code == 200


def test_reviewer_sees_assigned_departments_only(server):
    me = TestClient(server.app).get("/api/me", headers=server.bearer("reviewer_b")).json()
    assert me["role"] == "reviewer" and me["departments"] == [DEPT_B]
    client = TestClient(server.app)
    assert client.get(f"/api/documents/{server.doc_b}", headers=server.bearer("reviewer_b")).status_code == 200
    assert client.get(f"/api/documents/{server.doc_a}", headers=server.bearer("reviewer_b")).status_code == 403


def test_analyst_is_read_only(server):
    client = TestClient(server.app)
    headers = server.bearer("analyst")
    assert client.get("/api/rules", headers=headers).status_code == 200
    response = client.post("/api/documents", headers=headers,
                           files=[("files", ("n.txt", _table("分析新项目", "目标", "指标"), "text/plain"))])
    assert response.status_code == 403
    assert client.delete(f"/api/documents/{server.doc_a}", headers=headers).status_code == 403


# --- CSRF, sessions, login ----------------------------------------------------------------------------------

def test_a_form_post_without_its_csrf_token_is_refused(server):
    client = server.login("officer_a")
    page = client.get("/paste")
    token = form_token(page.text)
    text = "项目名称\t绩效目标\t绩效指标\n东区保洁\t保洁到位\t1、产出指标: 保洁面积, 年度指标值: ≥5台。\n"
    refused = client.post("/paste", data={"text": text})
    assert refused.status_code == 403 and "CSRF" in refused.text
    wrong = client.post("/paste", data={"text": text, "csrf_token": token[::-1]})
    assert wrong.status_code == 403
    accepted = client.post("/paste", data={"text": text, "csrf_token": token})
    assert accepted.status_code == 200 and "东区保洁" in accepted.text
    # the upload script's XHR carries the token as a header; without it the cookie alone is not enough
    files = [("files", ("c.txt", _table("东区新项目", "目标", "指标"), "text/plain"))]
    assert client.post("/api/documents", files=files, data={"department": DEPT_A}).status_code == 403
    assert client.post("/api/documents", files=files, data={"department": DEPT_A},
                       headers={"X-CSRF-Token": token}).status_code == 200
    # logging out is a state change too
    assert client.post("/logout", follow_redirects=False).status_code == 403
    assert client.get("/api/me").json()["name"] == "officer_a"


def test_every_post_form_on_the_pages_carries_the_token(server):
    """Every `<form method="post">` on every page reachable from the overview (and the editor and workflow
    lists) carries the session's token, and every page gives the scripts theirs in a meta tag."""
    client = server.login("admin")
    pages = crawl(client, ["/", "/drafts", "/workflow", "/login", "/logout", f"/documents/{server.doc_a}/workflow"])
    assert len(pages) >= 10
    for url, html in pages.items():
        for form in re.findall(r"<form[^>]*>.*?</form>", html, flags=re.S | re.I):
            opening = form[:form.index(">") + 1]
            if re.search(r"method=[\"']?post", opening, re.I):
                assert 'name="csrf_token"' in form, (url, opening)
        assert 'name="csrf-token"' in html, url


def test_login_form_itself_needs_the_token(server):
    client = TestClient(server.app)
    client.get("/login")
    response = client.post("/login", data={"name": "admin", "password": server.admin_password},
                           follow_redirects=False)
    assert response.status_code == 403


def test_session_fixation_does_not_work(server):
    """An attacker plants their own cookie (from the login page, or their own logged-in session) in the
    victim's browser; after the victim logs in, the attacker's cookie is not the victim's session."""
    attacker = TestClient(server.app)
    attacker.get("/login")
    planted = session_cookie(attacker)
    victim = TestClient(server.app)
    plant(victim, planted)
    login(victim, "admin", server.admin_password)
    assert victim.get("/api/me").json()["name"] == "admin"
    assert session_cookie(victim).value != planted.value
    assert attacker.get("/api/me").status_code == 401

    # the attacker's own logged-in session planted in the victim's browser stays the attacker's
    mallory = server.login("analyst")
    victim = TestClient(server.app)
    plant(victim, session_cookie(mallory))
    login(victim, "reviewer_b", server.passwords["reviewer_b"])
    assert victim.get("/api/me").json()["name"] == "reviewer_b"
    assert mallory.get("/api/me").json()["name"] == "analyst"


def test_logout_ends_the_session_everywhere(server):
    client = server.login("officer_a")
    stolen = session_cookie(client)
    token = form_token(client.get("/logout").text)
    assert client.post("/logout", data={"csrf_token": token}, follow_redirects=False).status_code == 303
    replay = TestClient(server.app)
    plant(replay, stolen)
    assert replay.get("/api/me").status_code == 401


def test_a_forged_cookie_is_ignored(server):
    client = TestClient(server.app)
    client.cookies.set(COOKIE, "eyJzaWQiOiAieCJ9.forged.signature")
    assert client.get("/api/me").status_code == 401


def test_wrong_password_then_rate_limit(server, caplog):
    client = TestClient(server.app)
    secret = "not-the-password-123"
    with caplog.at_level("WARNING", logger="jixiao.auth"):
        for _ in range(5):
            token = form_token(client.get("/login").text)
            response = client.post("/login", data={"name": "officer_b", "password": secret, "csrf_token": token})
            assert response.status_code == 401 and "用户名或密码不正确" in response.text
    assert "officer_b" in caplog.text and secret not in caplog.text
    token = form_token(client.get("/login").text)
    blocked = client.post("/login", data={"name": "officer_b", "password": server.passwords["officer_b"],
                                          "csrf_token": token})
    assert blocked.status_code == 429 and "秒后再试" in blocked.text
    # another account from the same address is not blocked
    login(client, "reviewer_b", server.passwords["reviewer_b"])


def test_an_outside_next_is_not_followed(server):
    client = TestClient(server.app)
    token = form_token(client.get("/login").text)
    response = client.post("/login", data={"name": "analyst", "password": server.passwords["analyst"],
                                           "csrf_token": token, "next": "//evil.example/x"},
                           follow_redirects=False)
    assert response.headers["location"] == "/"


def test_tokens_are_shown_once_and_revocable(server):
    client = server.login("reviewer_a")
    csrf = form_token(client.get("/").text)
    made = client.post("/api/tokens", json={"name": "nightly"}, headers={"X-CSRF-Token": csrf}).json()
    token = made["token"]
    assert token.startswith("jx_")
    listed = client.get("/api/tokens").json()
    assert all(t["token"] is None for t in listed) and made["id"] in [t["id"] for t in listed]
    script = TestClient(server.app)
    assert script.get("/api/me", headers={"Authorization": f"Bearer {token}"}).json()["name"] == "reviewer_a"
    assert client.delete(f"/api/tokens/{made['id']}", headers={"X-CSRF-Token": csrf}).status_code == 204
    assert script.get("/api/me", headers={"Authorization": f"Bearer {token}"}).status_code == 401


def test_a_disabled_user_is_out_at_once(tmp_path):
    from jixiao.auth.users import set_active

    app = create_app(str(tmp_path / "d.db"), auth=True)
    first_admin(app.state.engine)
    with app.state.engine.begin() as conn:
        _, password = add_user(conn, "temp", "analyst")
        token = create_token(conn, "temp")[1]
    client = TestClient(app)
    login(client, "temp", password)
    assert client.get("/api/me").json()["name"] == "temp"
    with app.state.engine.begin() as conn:
        set_active(conn, "temp", False)
    assert client.get("/api/me").status_code == 401
    assert TestClient(app).get("/api/me", headers={"Authorization": f"Bearer {token}"}).status_code == 401


def test_public_read_shows_published_tables_read_only(tmp_path):
    app = create_app(str(tmp_path / "p.db"), auth=True, public_read=True)
    first_admin(app.state.engine)
    visitor = TestClient(app)
    assert visitor.get("/").status_code == 200
    assert visitor.get("/api/rules").status_code == 200
    assert visitor.get("/api/me").json()["logged_in"] is False
    files = [("files", ("v.txt", _table("访客上传", "目标", "指标"), "text/plain"))]
    assert visitor.post("/api/documents", files=files).status_code == 401


# --- escaping: every page reachable from the overview -------------------------------------------------------

class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            self.links += [v for k, v in attrs if k == "href" and v]


def crawl(client: TestClient, start: list[str], limit: int = 300) -> dict[str, str]:
    """The HTML of every page reachable by links from `start` on this server (downloads and the API aside)."""
    pages: dict[str, str] = {}
    seen, queue = set(), list(start)
    while queue and len(seen) < limit:
        url = queue.pop(0)
        if url in seen:
            continue
        seen.add(url)
        response = client.get(url)
        if "text/html" not in response.headers.get("content-type", ""):
            continue
        pages[url] = response.text
        parser = _Links()
        parser.feed(response.text)
        for link in parser.links:
            parts = urlsplit(urljoin("http://testserver" + url, link))
            if parts.netloc != "testserver" or parts.path.startswith(("/static", "/docs", "/redoc", "/api")):
                continue
            if parts.path.endswith((".xlsx", ".docx", ".csv", ".json", ".js")):
                continue
            queue.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    return pages


def test_stored_script_names_are_escaped_on_every_page(server):
    """Crawl every page linked from the overview (as the administrator, who sees all): no page holds a
    stored `<script>` as markup, and the pages that show those names show them escaped."""
    client = server.login("admin")
    pages = crawl(client, ["/", f"/departments/{quote(DEPT_X, safe='')}", "/search?q=巡护", "/library?q=巡护次数"])
    for url, html in pages.items():
        assert SCRIPT not in html, url
    shown = sum("&lt;script&gt;alert(" in html for html in pages.values())
    assert len(pages) >= 8 and shown >= 3, (len(pages), shown)


# --- schemathesis with accounts on --------------------------------------------------------------------------

def _schema_server() -> tuple[object, dict]:
    s = Server()
    return s.app, s.bearer("officer_a")


_SCHEMA_APP, _OFFICER = _schema_server()
# revoking its own token would leave the run logged out: schemathesis keeps to everything else
schema = schemathesis.openapi.from_asgi("/openapi.json", _SCHEMA_APP).exclude(
    path="/api/tokens/{token_id}", method="DELETE")


@schema.parametrize()
@settings(max_examples=10, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
def test_no_server_errors_with_accounts_on(case):
    """schemathesis as a department officer with an API token: whatever it sends, never a 5xx."""
    case.call_and_validate(headers=_OFFICER, checks=[not_a_server_error])


def test_a_server_without_accounts_refuses_cross_site_posts(tmp_path):
    """`jixiao serve --no-auth`: a page on another site cannot post to the local server."""
    client = TestClient(create_app(str(tmp_path / "local.db")))
    text = "项目名称\t绩效目标\t绩效指标\n本机项目\t目标\t1、产出指标: 数量, 年度指标值: ≥5台。\n"
    assert client.post("/paste", data={"text": text}, headers={"Origin": "http://evil.example"}).status_code == 403
    assert client.post("/paste", data={"text": text}, headers={"Referer": "http://evil.example/x"}).status_code == 403
    assert client.post("/paste", data={"text": text}, headers={"Origin": "http://testserver"}).status_code == 200
    assert client.post("/paste", data={"text": text}).status_code == 200  # scripts send no Origin
    assert client.get("/", headers={"Origin": "http://evil.example"}).status_code == 200  # reads are not refused


def test_an_analyst_lists_published_tables_only(server):
    """Drafts (and tables handed in but not approved) are not published: an analyst's lists leave them out,
    while an administrator's show them."""
    def names(user: str) -> set[str]:
        items = TestClient(server.app).get("/api/projects", params={"limit": 1000},
                                           headers=server.bearer(user)).json()["items"]
        return {p["name"] for p in items}

    drafts = {"东区新项目草稿", f"{MARK_B}草稿"}
    assert drafts <= names("admin")
    seen = names("analyst")
    assert not drafts & seen and "北区绿化养护" in seen
    def documents(user: str) -> set[int]:
        docs = TestClient(server.app).get("/api/documents", headers=server.bearer(user)).json()
        return {d["id"] for d in (docs["items"] if isinstance(docs, dict) else docs)}

    assert documents("analyst") == {server.doc_a, server.doc_b, server.doc_x} < documents("admin")
