"""The service layer the CLI, the API and the pages share: stored findings, paging in SQL, one ingest, one
error policy, one folder walker, the permission hook, literal substring filters, the review config."""

from __future__ import annotations

import errno
import json
import re
from collections import Counter
from pathlib import Path

import pytest
from conftest import ROOT, SEEDS
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError, SQLAlchemyError
from typer.testing import CliRunner

from jixiao import service
from jixiao.errors import JixiaoError, NotFound, describe
from jixiao.ingest import parse_path
from jixiao.review import Settings, review_document
from jixiao.store import open_engine
from jixiao.store.schema import DocumentRow, FindingRow, ReviewRow

runner = CliRunner()


def _count(engine, table, *where) -> int:
    with engine.connect() as c:
        return c.execute(select(func.count()).select_from(table).where(*where)).scalar()


def _expected(settings: Settings | None = None) -> Counter:
    """(rule, document) of every finding a fresh review of the seed files gives."""
    return Counter((f.rule, f.document) for p in SEEDS for f in review_document(parse_path(p), settings))


@pytest.fixture
def engine(store_url):
    engine = open_engine(store_url)
    summary = service.ingest_files(engine, SEEDS, workers=1)
    assert summary.count("stored") == len(SEEDS)
    return engine


def test_ingest_stores_every_documents_findings(engine):
    key = service.settings_key(None)
    assert _count(engine, ReviewRow, ReviewRow.settings_key == key) == len(SEEDS)
    total, rows = service.findings_page(engine, limit=None)
    assert Counter((r["rule"], r["document"]) for r in rows) == _expected()
    assert total == len(rows) == _count(engine, FindingRow)
    severities = [r["severity"] for r in rows]
    assert severities == sorted(severities, key=["error", "warning", "info"].index)  # worst first


def test_pages_are_slices_of_one_order_and_filters_are_sql(engine, monkeypatch):
    import jixiao.review.engine as review_engine

    calls = []
    real = review_engine._review
    monkeypatch.setattr(review_engine, "_review", lambda *a: calls.append(1) or real(*a))
    total, everything = service.findings_page(engine, limit=None)
    pages = [service.findings_page(engine, limit=7, offset=o)[1] for o in range(0, total, 7)]
    assert [r for p in pages for r in p] == everything
    rule = Counter(r["rule"] for r in everything).most_common(1)[0][0]
    n, some = service.findings_page(engine, rule=rule, severity=None, limit=3)
    assert n == sum(1 for r in everything if r["rule"] == rule) and all(r["rule"] == rule for r in some)
    dept = next(r["department"] for r in everything if r["department"])
    n, _ = service.findings_page(engine, department=dept, limit=1)
    assert n == sum(1 for r in everything if r["department"] == dept)
    assert set(service.finding_rules(engine)) == {r["rule"] for r in everything}
    detail = service.department_detail(engine, dept)
    assert detail["projects"] and calls == []  # pages read stored findings: nothing was reviewed again


def test_a_document_and_its_findings_are_stored_together_or_not_at_all(store_url, monkeypatch):
    import jixiao.store.findings as stored

    engine = open_engine(store_url)

    def failing(conn, doc_id, key, findings):
        raise SQLAlchemyError("simulated failure")

    monkeypatch.setattr(stored, "write_findings", failing)
    summary = service.ingest_files(engine, SEEDS[:2], workers=1)
    assert [r.status for r in summary.results] == ["failed", "failed"]
    assert "写入数据库失败" in summary.results[0].message
    assert _count(engine, DocumentRow) == 0 and _count(engine, FindingRow) == 0


def test_other_settings_review_again_and_refresh_rebuilds(engine):
    everything = service.findings_page(engine, limit=None)[1]
    rule = Counter(r["rule"] for r in everything).most_common(1)[0][0]
    quiet = Settings(disabled={rule})
    total, rows = service.findings_page(engine, quiet, limit=None)
    assert rule not in {r["rule"] for r in rows}
    assert Counter((r["rule"], r["document"]) for r in rows) == _expected(quiet)
    assert service.findings_page(engine, limit=None)[0] == len(everything)  # the default's findings remain
    assert service.refresh(engine, quiet) == len(SEEDS)
    assert _count(engine, ReviewRow) == len(SEEDS)  # refresh forgets the other settings' reviews
    assert _count(engine, FindingRow) == total


def test_findings_of_older_rules_are_not_served(engine):
    from jixiao.store import findings as stored

    stale = "0ld000000000:" + service.settings_key(None).split(":")[1]  # as if stored by other rules' code
    with engine.begin() as c:
        ids = list(c.execute(select(DocumentRow.id)).scalars())
        stored.forget(c)
        for i in ids:
            stored.write_findings(c, i, stale, [])
    assert service.findings_page(engine, limit=None)[0] == sum(_expected().values())
    with engine.connect() as c:
        assert set(c.execute(select(ReviewRow.settings_key)).scalars()) == {service.settings_key(None)}


def test_an_old_store_is_carried_over_and_reviewed_on_first_use(store_url):
    """A store written at revision 0004 (before stored findings) keeps its rows through the upgrade and its
    documents are reviewed on first use, as a fresh review of the same document would."""
    from sqlalchemy import create_engine, text

    from jixiao.store import load_document
    from jixiao.store.db import resolve_url, upgrade

    old = create_engine(resolve_url(store_url))
    upgrade(old, "0004")
    with old.begin() as c:
        doc_id = c.execute(text(
            "INSERT INTO documents (sha256, source_name, format, has_overall, n_projects, n_indicators, has_budget, "
            "department, year) VALUES (:sha, 'old.txt', 'text', false, 1, 1, false, '某区民政局', 2023) RETURNING id"),
            {"sha": "b" * 64}).scalar()
        project_id = c.execute(text("INSERT INTO projects (document_id, position, name, has_plan, has_budget) "
                                    "VALUES (:d, 0, '旧项目', false, false) RETURNING id"), {"d": doc_id}).scalar()
        c.execute(text("INSERT INTO indicators (document_id, project_id, position, seq, name, level1) "
                       "VALUES (:d, :p, 0, 1, '服务对象满意度', '满意度指标')"), {"d": doc_id, "p": project_id})
    old.dispose()
    engine = open_engine(store_url)  # migrates to the newest revision
    assert _count(engine, DocumentRow) == 1 and _count(engine, FindingRow) == 0
    with engine.connect() as c:
        expected = review_document(load_document(c, doc_id))
    assert expected  # one indicator and no target: there is something to find
    total, rows = service.findings_page(engine, limit=None)
    assert total == len(expected) and Counter(r["rule"] for r in rows) == Counter(f.rule for f in expected)
    assert all(r["project_id"] == project_id for r in rows if r["project"] == "旧项目")
    assert _count(engine, ReviewRow) == 1


def _store_with_department(engine, name: str, seed: Path, tag: str):
    doc = parse_path(seed)
    doc = doc.model_copy(update={"department": name, "projects": [p.model_copy(update={"department": None})
                                                                   for p in doc.projects],
                                 "source": doc.source.model_copy(update={"sha256": tag * 64, "name": f"{tag}.txt"})})
    return service.store_parsed(engine, doc)


def test_document_list_takes_percent_underscore_and_backslash_literally(tmp_path):
    engine = open_engine(str(tmp_path / "like.db"))
    names = {"a": "50%_本级", "b": "500本级", "c": "50%x本级", "d": "路径\\分局", "e": "路径分局"}
    for tag, name in names.items():
        assert _store_with_department(engine, name, SEEDS[0], tag).status == "stored"

    def listed(text: str) -> set[str]:
        return {r["department"] for r in service.list_documents(engine, department=text, limit=None)[1]}

    assert listed("%_") == {"50%_本级"}
    assert listed("0%") == {"50%_本级", "50%x本级"}
    assert listed("_") == {"50%_本级"}
    assert listed("\\") == {"路径\\分局"}
    assert listed("本级") == {"50%_本级", "500本级", "50%x本级"}
    with TestClient(_app(tmp_path / "like.db")) as client:
        body = client.get("/api/documents", params={"department": "%_"}).json()
    assert body["total"] == 1 and body["items"][0]["department"] == "50%_本级"


def _app(db, settings: Settings | None = None):
    from jixiao.api.app import create_app

    app = create_app(str(db))
    if settings is not None:
        app.state.review_settings = settings
    return app


def test_api_and_pages_honour_the_servers_review_config(tmp_path):
    db = tmp_path / "cfg.db"
    assert runner.invoke(_cli(), ["ingest", *map(str, SEEDS), "--db", str(db), "--workers", "1"]).exit_code == 0
    engine = open_engine(str(db))
    rule = Counter(r["rule"] for r in service.findings_page(engine, limit=None)[1]).most_common(1)[0][0]
    config = tmp_path / "review.toml"
    config.write_text(f'[review]\ndisable = ["{rule}"]\n', encoding="utf-8")
    cli = json.loads(runner.invoke(_cli(), ["review", "--db", str(db), "-c", str(config), "-f", "json"]).stdout)
    with TestClient(_app(db, Settings.load(config))) as client:
        api = client.get("/api/review", params={"limit": 1000}).json()
        page = client.get("/review").text
        project = client.get("/api/projects/1").json()
    assert api["total"] == len(cli["findings"]) and rule not in {r["rule"] for r in api["items"]}
    assert Counter(r["rule"] for r in api["items"]) == Counter(f["rule"] for f in cli["findings"])
    assert f">{rule}<" not in page and f'value="{rule}"' not in page
    assert rule not in {f["rule"] for f in project["findings"]}
    with TestClient(_app(db)) as client:  # the same store under the default settings still shows it
        assert rule in {r["rule"] for r in client.get("/api/review", params={"limit": 1000}).json()["items"]}


def test_serve_config_reaches_worker_processes(tmp_path, monkeypatch):
    from jixiao.api import context
    from jixiao.cli import _serve_settings

    config = tmp_path / "review.toml"
    config.write_text('[review]\ndisable = ["JX103"]\n', encoding="utf-8")
    monkeypatch.setenv("JIXIAO_REVIEW_CONFIG", "")  # restored (unset) after the test
    assert _serve_settings(config).disabled == {"JX103"}

    class State:
        pass

    class Request:
        app = type("App", (), {"state": State()})

    assert context.review_settings(Request()).disabled == {"JX103"}  # a worker: read from the environment
    bad = tmp_path / "bad.toml"
    bad.write_text('[review]\ndisable = ["JX999"]\n', encoding="utf-8")
    result = runner.invoke(_cli(), ["serve", "--db", str(tmp_path / "x.db"), "--config", str(bad), "--no-auth"])
    assert result.exit_code == 2 and "JX999" in result.stderr


def test_review_refresh_from_the_cli(tmp_path):
    db = tmp_path / "r.db"
    assert runner.invoke(_cli(), ["ingest", *map(str, SEEDS[:2]), "--db", str(db), "--workers", "1"]).exit_code == 0
    result = runner.invoke(_cli(), ["review", "--db", str(db), "--refresh", "-f", "json"])
    assert result.exit_code == 0 and "已重新审核 2 个文档" in result.stderr
    assert len(json.loads(result.stdout)["findings"]) == sum(len(review_document(parse_path(p))) for p in SEEDS[:2])


def test_the_permission_hook_is_asked_by_every_face(engine):
    from jixiao.service import access

    dept = service.department_names(engine)[0]
    asked = []

    def policy(principal, action, department):
        asked.append((action, department))
        return department != dept

    before = access.current_policy()
    access.set_policy(policy)
    try:
        with pytest.raises(JixiaoError) as denied:
            service.department_detail(engine, dept)
        assert denied.value.status == 403 and dept in denied.value.message
        with pytest.raises(JixiaoError):
            service.findings_page(engine, department=dept)
        assert service.findings_page(engine, limit=1)[0] > 0  # not tied to the department: allowed
        with TestClient(_app(engine.url.render_as_string(hide_password=False))) as client:
            response = client.get("/api/review", params={"department": dept})
            assert response.status_code == 403 and "没有权限" in response.json()["error"]
            assert client.get(f"/departments/{dept}").status_code == 403
    finally:
        access.set_policy(before)
    assert ("read", dept) in asked
    assert service.allowed(service.LOCAL, "admin")


def test_one_error_policy():
    missing = describe(FileNotFoundError(errno.ENOENT, "No such file or directory", "a.txt"))
    assert (missing.message, missing.path) == ("文件或目录不存在", "a.txt")
    assert describe(NotFound("没有编号为 9 的文档")).status == 404
    db = OperationalError("SELECT secret FROM t", {}, Exception("disk I/O error"))
    assert describe(db).status == 503 and "disk I/O error" in describe(db).message
    assert "secret" not in describe(db, public=True).message and "disk" not in describe(db, public=True).message
    assert describe(RuntimeError("x")).message == "内部错误（RuntimeError: x）"
    assert "\n" not in describe(JixiaoError("坏文件：No such file or directory", "b.txt")).line


def test_one_folder_walker(tmp_path):
    from jixiao import cli
    from jixiao.ingest import expand_paths

    (tmp_path / "sub").mkdir()
    (tmp_path / ".hidden").mkdir()
    for name in ("b.txt", "sub/a.txt", ".hidden/c.txt", ".d.txt"):
        (tmp_path / name).write_text("x", encoding="utf-8")
    assert cli._expand is expand_paths
    assert [p.relative_to(tmp_path).as_posix() for p in expand_paths([tmp_path])] == ["b.txt", "sub/a.txt"]


def test_no_route_writes_sql_or_reimplements_ingest():
    routes = sorted((ROOT / "src" / "jixiao" / "api").glob("routes_*.py"))
    mine = [p for p in routes if p.stem in ("routes_api", "routes_web", "routes_execution", "routes_paste")]
    assert len(mine) == 4
    for path in mine:
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"\b(select|execute|text)\(", text), path.name
        assert "store_document" not in text and "DocumentRow" not in text, path.name


def test_upload_and_paste_store_findings_with_the_document(tmp_path):
    with TestClient(_app(tmp_path / "up.db")) as client:
        files = [("files", (p.name, p.read_bytes(), "text/plain")) for p in SEEDS[:2]]
        results = client.post("/api/documents", files=files).json()
        pasted = client.post("/api/paste", json={"text": SEEDS[2].read_text(encoding="utf-8"), "store": True}).json()
    engine = open_engine(str(tmp_path / "up.db"))
    ids = [r["document_id"] for r in results] + [pasted["document_id"]]
    for doc_id, seed in zip(ids, SEEDS[:3], strict=True):
        assert _count(engine, FindingRow, FindingRow.document_id == doc_id) == len(review_document(parse_path(seed)))
        assert _count(engine, ReviewRow, ReviewRow.document_id == doc_id) == 1


def _cli():
    from jixiao.cli import app

    return app


def test_review_of_a_store_it_cannot_write_still_answers(tmp_path, monkeypatch):
    """`jixiao review --db` on a store it cannot write (findings not stored yet) reviews in memory. The write
    refusal is simulated: the tests run as root, which a read-only file does not stop."""
    import sqlite3

    import jixiao.store.findings as stored

    db = tmp_path / "ro.db"
    assert runner.invoke(_cli(), ["ingest", str(SEEDS[0]), "--db", str(db), "--workers", "1"]).exit_code == 0
    with sqlite3.connect(db) as c:  # as if stored before findings were
        c.execute("DELETE FROM findings")
        c.execute("DELETE FROM reviews")

    def refused(*args, **kw):
        raise OperationalError("INSERT INTO reviews", {}, sqlite3.OperationalError("attempt to write a readonly database"))

    monkeypatch.setattr(stored, "write_findings", refused)
    result = runner.invoke(_cli(), ["review", "--db", str(db), "-f", "json"])
    assert result.exit_code == 0, result.output
    assert len(json.loads(result.stdout)["findings"]) == len(review_document(parse_path(SEEDS[0])))


def test_lists_narrow_to_the_departments_a_principal_may_read(engine):
    from jixiao.service import access
    from jixiao.store import Filters

    names = service.department_names(engine)
    assert len(names) > 1 and names == [d["department"] for d in service.department_list(engine) if d["named"]]
    mine = frozenset(names[:1])
    who = service.Principal("科员", role="officer", departments=mine)
    before = access.current_scope()  # whatever this process installed (the accounts module's), put back after
    access.set_scope(lambda p: p.departments)  # a principal sees its own departments
    try:
        assert service.visible_departments(who) == mine and service.visible_departments(service.LOCAL) is None
        projects = service.projects(engine, Filters(limit=None), who)
        assert projects and {p["department"] for p in projects} == set(mine)
        assert len(projects) < len(service.projects(engine, Filters(limit=None)))
        everything = service.findings_page(engine, limit=None)[1]
        assert {r["department"] for r in service.findings_page(engine, limit=None, principal=who)[1]} == set(mine)
        word = next(r["indicator"] for r in everything if r["indicator"] and r["department"] not in mine)[:2]
        found = service.search(engine, word, limit=1000, principal=who)
        assert all(p["department"] in mine for p in found["projects"] + found["indicators"])
        assert service.department_names(engine, who) == sorted(mine)
    finally:
        access.set_scope(before)


def test_a_stored_file_is_published_unless_a_department_officer_hands_it_in(tmp_path):
    """`jixiao ingest` and an administrator's upload store tables read from published sources (public,
    outside the workflow); a department officer's upload enters review as `submitted`."""
    from jixiao.service.access import Principal

    engine = open_engine(f"sqlite:///{tmp_path / 's.db'}")
    local = service.ingest_bytes(engine, SEEDS[0].read_bytes(), SEEDS[0].name)
    officer = Principal("经办甲", role="officer", departments=None)
    handed_in = service.ingest_bytes(engine, SEEDS[2].read_bytes(), SEEDS[2].name, principal=officer)
    with engine.connect() as conn:
        status = dict(conn.execute(select(DocumentRow.id, DocumentRow.status)).all())
    assert (status[local.document_id], status[handed_in.document_id]) == ("published", "submitted")
