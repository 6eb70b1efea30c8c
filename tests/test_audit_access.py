"""Access edge cases of issue 15, on the API and the pages:
- a document that names no department is nobody's department: an officer cannot open it by id, a reviewer
  or an administrator can, an analyst only when it is published;
- a department whose name holds "/" has a working page, findings export and links;
- an officer's upload with no department given takes the file's own department when that is theirs, and a
  file of another department is refused in one Chinese line."""

from __future__ import annotations

import re
import tempfile
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient

from jixiao.api.app import create_app
from jixiao.auth.setup import first_admin
from jixiao.auth.tokens import create_token
from jixiao.auth.users import add_user

DEPT_A = "东区访问局"
DEPT_B = "西区访问局"
SLASHED = "教育局/基础教育科"
UNOWNED = "无主路灯巡查"  # the project of the document that names no department


def table(project: str, department: str | None = None) -> bytes:
    head = f"主管部门：{department}\n" if department else ""
    return (f"{head}项目名称\t绩效目标\t绩效指标\n{project}\t路灯完好\t"
            f"1、产出指标: 巡查路灯数量, 年度指标值: ≥5台。\n").encode()


class Site:
    def __init__(self) -> None:
        self.app = create_app(f"{tempfile.mkdtemp()}/access.db", auth=True)
        engine = self.app.state.engine
        _, self.admin_password = first_admin(engine)
        self.passwords = {"admin": self.admin_password}
        self.tokens = {}
        with engine.begin() as conn:
            for name, role, depts in (("officer_a", "officer", [DEPT_A]), ("reviewer_a", "reviewer", [DEPT_A]),
                                      ("analyst", "analyst", []), ("officer_slash", "officer", [SLASHED])):
                _, self.passwords[name] = add_user(conn, name, role, depts)
            for name in ("admin", "officer_a", "reviewer_a", "analyst", "officer_slash"):
                self.tokens[name] = create_token(conn, name, "tests")[1]
        self.client = TestClient(self.app)
        self.unowned = self.upload("admin", "n.txt", table(UNOWNED))
        self.unowned_project = self.project_named(UNOWNED)
        # an administrator's draft with no department: a document nobody owns, not published
        draft = self.api("admin", "POST", "/api/drafts", json={"fields": {"name": "无主草稿项目"}, "kind": "other"})
        assert draft.status_code == 201, draft.text
        self.unowned_draft = draft.json()["document_id"]
        self.slashed = self.upload("admin", "s.txt", table("基础教育质量监测"), department=SLASHED)

    def api(self, user: str, method: str, url: str, **kwargs):
        return self.client.request(method, url, headers={"Authorization": f"Bearer {self.tokens[user]}"}, **kwargs)

    def upload(self, user: str, name: str, data: bytes, department: str | None = None):
        form = {"department": department} if department is not None else {}
        r = self.api(user, "POST", "/api/documents", files=[("files", (name, data, "text/plain"))], data=form)
        assert r.status_code == 200, r.text
        return r.json()[0]["document_id"]

    def project_named(self, name: str) -> int:
        items = self.api("admin", "GET", "/api/projects", params={"limit": 1000}).json()["items"]
        return next(p["id"] for p in items if p["name"] == name)

    def browser(self, user: str) -> TestClient:
        client = TestClient(self.app)
        page = client.get("/login").text
        token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        r = client.post("/login", data={"name": user, "password": self.passwords[user], "csrf_token": token},
                        follow_redirects=False)
        assert r.status_code == 303
        return client


@pytest.fixture(scope="module")
def site() -> Site:
    return Site()


# --- a document that names no department ----------------------------------------------------------------------

def test_an_officer_cannot_open_a_document_of_no_department(site):
    doc, project = site.unowned, site.unowned_project
    for url in (f"/api/documents/{doc}", f"/api/projects/{project}", f"/api/documents/{site.unowned_draft}",
                f"/api/projects/{project}/template", f"/api/documents/{doc}/template"):
        r = site.api("officer_a", "GET", url)
        assert r.status_code == 403 and UNOWNED not in r.text, (url, r.status_code)
        assert "未注明部门" in r.json()["error"] or "没有权限" in r.json()["error"]
    officer = site.browser("officer_a")
    for url in (f"/documents/{doc}", f"/projects/{project}", f"/documents/{doc}/findings.xlsx"):
        r = officer.get(url)
        assert r.status_code == 403 and UNOWNED not in r.text, (url, r.status_code)
    listed = site.api("officer_a", "GET", "/api/documents").json()["items"]
    assert doc not in {d["id"] for d in listed}


def test_reviewers_and_administrators_open_it(site):
    for user in ("admin", "reviewer_a"):  # reviewer_a is assigned department A only: it is nobody's
        for url in (f"/api/documents/{site.unowned}", f"/api/projects/{site.unowned_project}",
                    f"/api/documents/{site.unowned_draft}"):
            assert site.api(user, "GET", url).status_code == 200, (user, url)
        page = site.browser(user).get(f"/documents/{site.unowned}")
        assert page.status_code == 200 and UNOWNED in page.text


def test_an_analyst_opens_it_only_when_published(site):
    assert site.api("analyst", "GET", f"/api/documents/{site.unowned}").json()["projects"][0]["name"] == UNOWNED
    assert site.api("analyst", "GET", f"/api/projects/{site.unowned_project}").status_code == 200
    analyst = site.browser("analyst")
    assert analyst.get(f"/documents/{site.unowned}").status_code == 200
    # the unpublished one (a draft) is refused, as in the lists, on the API and the page
    assert site.api("analyst", "GET", f"/api/documents/{site.unowned_draft}").status_code == 403
    assert analyst.get(f"/documents/{site.unowned_draft}").status_code == 403


def test_a_visitor_of_a_public_server_sees_published_ones_only(tmp_path):
    app = create_app(str(tmp_path / "public.db"), auth=True, public_read=True)
    first_admin(app.state.engine)
    with app.state.engine.begin() as conn:
        token = create_token(conn, "admin")[1]
    admin = {"Authorization": f"Bearer {token}"}
    client = TestClient(app)
    r = client.post("/api/documents", headers=admin, files=[("files", ("n.txt", table(UNOWNED), "text/plain"))])
    published = r.json()[0]["document_id"]
    draft = client.post("/api/drafts", headers=admin, json={"fields": {"name": "访客不可见草稿"}}).json()["document_id"]
    visitor = TestClient(app)
    assert visitor.get(f"/api/documents/{published}").status_code == 200
    assert visitor.get(f"/documents/{published}").status_code == 200
    assert visitor.get(f"/api/documents/{draft}").status_code == 401
    assert visitor.get(f"/documents/{draft}").status_code in (401, 403)


# --- a department whose name holds "/" -------------------------------------------------------------------------

def test_a_department_named_with_a_slash_has_its_page(site):
    admin = site.browser("admin")
    overview = admin.get("/").text
    links = re.findall(r'href="(/departments/[^"]+)"', overview)
    link = next(u for u in links if "%E6%95%99%E8%82%B2%E5%B1%80" in u or "教育局" in u)
    page = admin.get(link)
    assert page.status_code == 200 and "基础教育质量监测" in page.text and SLASHED in page.text
    export = re.search(r'href="([^"]*findings\.xlsx)"', page.text).group(1)
    xlsx = admin.get(export.replace("&amp;", "&"))
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    # the name as a plain path, and percent-encoded whole, both reach the page
    for url in (f"/departments/{quote(SLASHED, safe='/')}", f"/departments/{quote(SLASHED, safe='')}"):
        assert admin.get(url).status_code == 200, url
    # the project page's crumb leads back to it
    project = admin.get(f"/projects/{site.project_named('基础教育质量监测')}").text
    crumb = re.search(r'<p class="crumbs"><a href="([^"]+)"', project).group(1)
    assert admin.get(crumb).status_code == 200 and SLASHED in admin.get(crumb).text
    # its own officer reads it; another department's does not
    assert site.browser("officer_slash").get(link).status_code == 200
    assert site.browser("officer_a").get(link).status_code == 403
    assert admin.get("/departments/" + quote("教育局/没有的科", safe="")).status_code == 404
    letter = site.api("admin", "GET", f"/api/departments/{quote(SLASHED, safe='/')}/opinion-letter.docx")
    assert letter.status_code == 200 and letter.content[:2] == b"PK"


# --- an officer's upload and the file's own department ------------------------------------------------------

def test_an_officer_upload_without_a_department_takes_the_files_own(site):
    r = site.api("officer_a", "POST", "/api/documents", data={"department": ""},
                 files=[("files", ("own.txt", table("东区路灯自查", DEPT_A), "text/plain"))])
    assert r.status_code == 200, r.text
    [result] = r.json()
    assert result["status"] == "stored"
    doc = site.api("officer_a", "GET", f"/api/documents/{result['document_id']}").json()
    assert doc["department"] == DEPT_A
    # the same without the field at all
    r = site.api("officer_a", "POST", "/api/documents",
                 files=[("files", ("own2.txt", table("东区路灯复查", DEPT_A), "text/plain"))])
    assert r.status_code == 200 and r.json()[0]["status"] == "stored", r.text


def test_an_officer_upload_of_another_departments_file_is_refused(site):
    before = site.api("admin", "GET", "/api/documents").json()["total"]
    for form in ({"department": ""}, {"department": DEPT_A}, {}):
        r = site.api("officer_a", "POST", "/api/documents", data=form,
                     files=[("files", ("other.txt", table("西区路灯巡查", DEPT_B), "text/plain"))])
        assert r.status_code == 403, (form, r.status_code, r.text)
        message = r.json()["error"]
        assert f"部门“{DEPT_B}”" in message and "上传" in message and "\n" not in message
    # a file naming no department, with no department given: refused, saying what to fill in
    r = site.api("officer_a", "POST", "/api/documents", data={"department": ""},
                 files=[("files", ("none.txt", table("无部门路灯巡查"), "text/plain"))])
    assert r.status_code == 403 and "请在“部门”一栏填写本部门" in r.json()["error"]
    assert site.api("admin", "GET", "/api/documents").json()["total"] == before


def test_an_officer_batch_with_another_departments_file_stores_the_others(site):
    """One refused file is that file's failure: the files before and after it are still stored."""
    files = [("files", ("mine1.txt", table("东区路灯巡查一", DEPT_A), "text/plain")),
             ("files", ("theirs.txt", table("西区路灯巡查二", DEPT_B), "text/plain")),
             ("files", ("mine2.txt", table("东区路灯巡查三", DEPT_A), "text/plain"))]
    r = site.api("officer_a", "POST", "/api/documents", files=files)
    assert r.status_code == 200, r.text
    status = {x["file"]: x for x in r.json()}
    assert status["mine1.txt"]["status"] == status["mine2.txt"]["status"] == "stored"
    assert status["theirs.txt"]["status"] == "failed" and f"部门“{DEPT_B}”" in status["theirs.txt"]["message"]
    names = {p["name"] for p in site.api("admin", "GET", "/api/projects", params={"limit": 1000}).json()["items"]}
    assert {"东区路灯巡查一", "东区路灯巡查三"} <= names and "西区路灯巡查二" not in names
