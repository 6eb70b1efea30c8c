"""The corpus store on SQLite and on a real PostgreSQL server."""

from __future__ import annotations

import csv
import io
import json
import os
import signal
import subprocess
import sys
import time

import pytest
from conftest import DATA, ROOT, SEEDS
from sqlalchemy import func, select, text, update
from typer.testing import CliRunner

from jixiao.cli import app
from jixiao.ingest import ingest, parse_path
from jixiao.model import Loc, Problem
from jixiao.store import (
    Filters,
    document_ids,
    load_document,
    open_engine,
    query_indicators,
    query_projects,
    search,
)
from jixiao.store.reader import load_documents_shared, load_project_document
from jixiao.store.schema import DocumentRow, IndicatorRow, ProjectRow, TargetRow
from jixiao.store.writer import store_document

runner = CliRunner()


def _count(engine, table) -> int:
    with engine.connect() as c:
        return c.execute(select(func.count()).select_from(table)).scalar()


def test_round_trip_every_field(store_url):
    engine = open_engine(store_url)
    files = SEEDS + [DATA / "form_national.txt", DATA / "formats" / "form_national.pdf"]  # the PDF has boxes
    summary = ingest(engine, files, workers=1)
    assert summary.count("stored") == len(files) and not summary.failed
    with engine.connect() as conn:
        for doc_id in document_ids(conn, Filters()):
            back = load_document(conn, doc_id)
            source = next(p for p in files if p.name == back.source.name)
            assert back.to_json_dict() == parse_path(source).to_json_dict()
            for position, project in enumerate(back.projects):  # a project page reads only its project
                narrow = load_project_document(conn, doc_id, position)
                assert [p.model_dump() for p in narrow.projects] == [project.model_dump()]
                assert narrow.model_dump(exclude={"projects", "overall"}) == back.model_dump(
                    exclude={"projects", "overall"}) and narrow.overall is None
    # document-level problems, with and without a place
    doc = parse_path(SEEDS[0])
    doc.source.sha256 = "f" * 64
    doc.problems = [Problem(message="无法识别的行", raw="？？", loc=Loc(page=2, row=7, bbox=[1.5, 2.0, 30.25, 40.0])),
                    Problem(message="编码错误")]
    with engine.begin() as conn:
        store_document(conn, doc)
    with engine.connect() as conn:
        (doc_id,) = conn.execute(select(DocumentRow.id).where(DocumentRow.sha256 == "f" * 64)).scalars()
        assert load_document(conn, doc_id).to_json_dict() == doc.to_json_dict()


def test_ingest_is_idempotent_and_replace_reparses(store_url):
    engine = open_engine(store_url)
    first = ingest(engine, SEEDS[:2], workers=1)
    again = ingest(engine, SEEDS[:2], workers=1)
    assert (first.count("stored"), again.count("unchanged")) == (2, 2)
    assert _count(engine, DocumentRow) == 2
    replaced = ingest(engine, SEEDS[:1], workers=1, replace=True)
    assert replaced.count("replaced") == 1 and _count(engine, DocumentRow) == 2
    assert _count(engine, IndicatorRow) == sum(len(p.indicators) for s in SEEDS[:2] for p in parse_path(s).projects)


def test_search_follows_replaced_documents(store_url):
    """Replacing the newest document deletes the rows at the end of the tables; on SQLite their ids must
    not come back below the full-text mark, or the new rows would never be searchable."""
    engine = open_engine(store_url)
    ingest(engine, SEEDS[:2], workers=1)
    expected = sum(1 for s in SEEDS[:2] for p in parse_path(s).projects for i in p.indicators if "满意" in i.name)
    for _ in range(3):
        assert ingest(engine, SEEDS[1:2], workers=1, replace=True).count("replaced") == 1
        with engine.connect() as c:
            assert search.pending(c) == 0
            hits = query_indicators(c, Filters(text="满意"))
            assert len(hits) == expected and all("满意" in r["name"] for r in hits)
    if engine.dialect.name == "sqlite":
        with engine.begin() as c:  # FTS5 raises if its index and the content table disagree
            c.exec_driver_sql("INSERT INTO search_fts(search_fts, rank) VALUES ('integrity-check', 1)")


def test_a_failure_stores_nothing_of_that_document_and_the_batch_goes_on(store_url, tmp_path, monkeypatch):
    import jixiao.store.writer as writer

    engine = open_engine(store_url)
    real = writer.store_document

    def failing(conn, doc, replace=False):
        if doc.source.name.startswith("001"):
            real(conn, doc, replace)  # write everything, then fail before commit
            raise writer.SQLAlchemyError("simulated failure") if hasattr(writer, "SQLAlchemyError") else \
                __import__("sqlalchemy").exc.SQLAlchemyError("simulated failure")
        return real(conn, doc, replace)

    monkeypatch.setattr(writer, "store_document", failing)
    bad = tmp_path / "empty.txt"
    bad.write_bytes(b"")
    summary = ingest(engine, [SEEDS[0], SEEDS[1], bad, SEEDS[2]], workers=1)
    assert [r.status for r in summary.results] == ["stored", "failed", "failed", "stored"]
    with engine.connect() as c:
        names = set(c.execute(select(DocumentRow.source_name)).scalars())
        orphans = c.execute(select(func.count()).select_from(ProjectRow)
                            .where(ProjectRow.document_id.not_in(select(DocumentRow.id)))).scalar()
    assert names == {SEEDS[0].name, SEEDS[2].name} and orphans == 0


def test_killed_mid_batch_keeps_what_was_committed_and_rerun_finishes(tmp_path):
    files = []
    for n in range(40):  # distinct bytes so each is a new document
        f = tmp_path / "in" / f"doc{n:02d}.txt"
        f.parent.mkdir(exist_ok=True)
        f.write_bytes(SEEDS[1].read_bytes() + f"\n{n}".encode())
        files.append(f)
    db = tmp_path / "kill.db"
    cmd = [sys.executable, "-m", "jixiao.cli", "ingest", str(tmp_path / "in"), "--db", str(db), "--workers", "1"]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT)
    engine = None
    deadline = time.time() + 60
    while time.time() < deadline:
        if db.exists():
            try:
                engine = engine or open_engine(str(db), migrate=False)
                if _count(engine, DocumentRow) >= 3:
                    break
            except Exception:  # noqa: BLE001 - the schema may not exist yet
                pass
        time.sleep(0.05)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    engine = open_engine(str(db))  # opening the store indexes what the killed ingest left unsearchable
    committed = _count(engine, DocumentRow)
    assert 3 <= committed < 40
    per_doc = sum(1 for p in parse_path(SEEDS[1]).projects for i in p.indicators if "满意" in i.name)
    with engine.connect() as c:
        assert search.pending(c) == 0
        assert len(query_indicators(c, Filters(text="满意"))) == committed * per_doc > 0
    summary = ingest(engine, [tmp_path / "in"], workers=2)
    assert summary.count("unchanged") == committed and summary.count("stored") == 40 - committed
    assert _count(engine, DocumentRow) == 40


def test_filters_and_two_character_search(store_url):
    engine = open_engine(store_url)
    ingest(engine, SEEDS, workers=1)
    with engine.connect() as c:
        assert {r["document"] for r in query_projects(c, Filters(year=2023))} == {SEEDS[1].name}
        units = {r["unit"] for r in query_projects(c, Filters(unit="预算评审保障中心"))}
        assert units == {"广州市预算评审保障中心"}
        cost = query_indicators(c, Filters(level1="成本指标"))
        assert cost and all(r["level1"] == "成本指标" for r in cost)
        deadlines = query_indicators(c, Filters(kind="deadline"))
        assert deadlines and all(r["kind"] == "deadline" for r in deadlines)
        quality = query_indicators(c, Filters(level2="质量指标", department="越秀"))
        assert quality and all(r["level2"] == "质量指标" for r in quality)
        docs = [parse_path(s) for s in SEEDS]
        for value in ("财政局", "越秀", "办公厅", "%", "_"):
            def of(doc, p, value=value):
                return value in (p.department or "") or value in (doc.department or "")
            projects = [p for d in docs for p in d.projects if of(d, p)]
            found = query_projects(c, Filters(department=value))
            assert sorted(r["name"] for r in found) == sorted(p.name for p in projects), value
            sections = sum(len(s.indicators) for d in docs if d.overall and value in (d.department or "")
                           for s in d.overall.sections)
            assert len(query_indicators(c, Filters(department=value))) == sum(
                len(p.indicators) for p in projects) + sections, value
        for term in ("满意", "故障", "系统正常运行率"):
            hits = query_indicators(c, Filters(text=term))
            assert hits and all(term in r["name"] for r in hits), term
            expected = sum(1 for s in SEEDS for p in parse_path(s).projects for i in p.indicators if term in i.name)
            expected += sum(1 for s in SEEDS if (d := parse_path(s)).overall
                            for sec in d.overall.sections for i in sec.indicators if term in i.name)
            assert len(hits) == expected, term
        goal_hits = query_projects(c, Filters(text="办公环境"))
        assert goal_hits and all("办公环境" in (r["goal"] or "") + r["name"] for r in goal_hits)
        every = query_projects(c, Filters(text="经费"))
        pages = [r for k in range(0, len(every) + 5, 5) for r in query_projects(c, Filters(text="经费", limit=5, offset=k))]
        assert len(every) > 10 and [r["id"] for r in pages] == [r["id"] for r in every]
        all_hits = query_indicators(c, Filters(text="满意"))
        paged = [r for k in range(0, len(all_hits) + 7, 7) for r in query_indicators(c, Filters(text="满意", limit=7, offset=k))]
        assert [r["id"] for r in paged] == [r["id"] for r in all_hits]
        page1 = query_indicators(c, Filters(limit=10))
        page2 = query_indicators(c, Filters(limit=10, offset=10))
        assert len(page1) == len(page2) == 10 and not {r["id"] for r in page1} & {r["id"] for r in page2}


def test_cli_queries_and_exports(store_url, tmp_path):
    assert runner.invoke(app, ["ingest", *map(str, SEEDS), "--db", store_url, "--workers", "1"]).exit_code == 0
    result = runner.invoke(app, ["indicators", "--db", store_url, "-s", "满意", "-f", "json", "--limit", "0"])
    rows = json.loads(result.stdout)
    assert rows and all("满意" in r["name"] for r in rows)
    result = runner.invoke(app, ["projects", "--db", store_url, "--year", "2022", "-f", "csv"])
    parsed = list(csv.DictReader(io.StringIO(result.stdout)))
    assert len(parsed) == 14 and parsed[0]["document"] == SEEDS[0].name
    out = {fmt: tmp_path / f"all.{fmt}" for fmt in ("json", "csv", "xlsx", "parquet")}
    for fmt, path in out.items():
        assert runner.invoke(app, ["export", "--db", store_url, "-o", str(path)]).exit_code == 0, fmt
    docs = json.loads(out["json"].read_text(encoding="utf-8"))
    assert len(docs) == 5 and docs[0] == parse_path(SEEDS[0]).to_json_dict()
    n_ind = sum(len(p.indicators) for s in SEEDS for p in parse_path(s).projects) + 41  # + overall sections
    with out["csv"].open(encoding="utf-8-sig") as fh:
        csv_rows = list(csv.DictReader(fh))
    assert len(csv_rows) == n_ind
    import pyarrow.parquet as pq
    from openpyxl import load_workbook

    table = pq.read_table(out["parquet"])
    assert table.num_rows == n_ind and table.schema.field("annual_value").type == "double"
    assert sum(1 for _ in load_workbook(out["xlsx"], read_only=True)["指标"].iter_rows()) == n_ind + 1
    filtered = tmp_path / "2023.csv"
    assert runner.invoke(app, ["export", "--db", store_url, "-o", str(filtered), "--year", "2023"]).exit_code == 0
    with filtered.open(encoding="utf-8-sig") as fh:
        assert {r["document"] for r in csv.DictReader(fh)} == {SEEDS[1].name}


def test_schema_is_at_the_newest_migration(store_url):
    from importlib import resources

    from alembic.config import Config
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    engine = open_engine(store_url)
    cfg = Config()
    cfg.set_main_option("script_location", str(resources.files("jixiao.store") / "migrations"))
    with engine.connect() as c:
        context = MigrationContext.configure(c)
        assert context.get_current_revision() == ScriptDirectory.from_config(cfg).get_current_head()
        # the migrations build what the models say; full-text search structures are the migrations' own
        from alembic.autogenerate import compare_metadata

        from jixiao.auth.tables import metadata as accounts  # the account tables keep their own metadata
        from jixiao.store.schema import Base

        def search_only(d) -> bool:
            name = getattr(d[1], "name", None) or (d[3] if d[0] == "remove_column" else "")
            return str(name).startswith(("search_fts", "ix_search_index_tsv")) or (
                d[0] == "remove_column" and d[3].name == "tsv")
        assert [d for d in compare_metadata(context, [Base.metadata, accounts]) if not search_only(d)] == []
    assert _count(engine, TargetRow) == 0


def test_a_store_of_the_previous_schema_is_upgraded_with_its_data(store_url):
    """Revision 0003 turns loc and problems from JSON into columns and a table, and (SQLite) moves the
    search index to batch filling: a store written before it keeps every value and stays searchable."""
    from sqlalchemy import create_engine

    from jixiao.store.db import resolve_url, upgrade

    url = resolve_url(store_url)
    old = create_engine(url)
    upgrade(old, "0002")
    loc = '{"page": 3, "row": 9, "bbox": [1.5, 2.0, 30.25, 40.0]}'
    problems = '[{"message": "无法识别的行", "raw": "？？", "loc": {"line": 12}}, {"message": "编码错误"}]'
    with old.begin() as c:
        doc_id = c.execute(text(
            "INSERT INTO documents (sha256, source_name, format, has_overall, problems, n_projects, n_indicators, "
            "has_budget) VALUES (:sha, 'old.txt', 'text', false, :problems, 1, 1, false) RETURNING id"),
            {"sha": "a" * 64, "problems": problems}).scalar()
        project_id = c.execute(text("INSERT INTO projects (document_id, position, name, has_plan, loc, has_budget) "
                                    "VALUES (:d, 0, '旧项目', false, :loc, false) RETURNING id"),
                               {"d": doc_id, "loc": loc}).scalar()
        indicator_id = c.execute(text("INSERT INTO indicators (document_id, project_id, position, seq, name, loc) "
                                      "VALUES (:d, :p, 0, 1, '服务对象满意度', :loc) RETURNING id"),
                                 {"d": doc_id, "p": project_id, "loc": '{"line": 4}'}).scalar()
        c.execute(text("INSERT INTO search_index (document_id, kind, ref_id, text) "
                       "VALUES (:d, 'indicator_name', :i, '服务 务对 对象 象满 满意 意度')"),
                  {"d": doc_id, "i": indicator_id})
    old.dispose()
    engine = open_engine(store_url)
    with engine.connect() as c:
        doc = load_document(c, doc_id)
        hits = query_indicators(c, Filters(text="满意"))
    assert doc.projects[0].loc.model_dump(exclude_none=True) == {"page": 3, "row": 9, "bbox": [1.5, 2.0, 30.25, 40.0]}
    assert doc.projects[0].indicators[0].loc.line == 4
    assert [(p.message, p.raw, p.loc.line if p.loc else None) for p in doc.problems] == [
        ("无法识别的行", "？？", 12), ("编码错误", None, None)]
    assert [h["name"] for h in hits] == ["服务对象满意度"]
    ingest(engine, SEEDS[:1], workers=1)  # and new documents are stored and searchable beside the old one
    with engine.connect() as c:
        assert len(query_indicators(c, Filters(text="满意"))) == 1 + sum(
            1 for p in parse_path(SEEDS[0]).projects for i in p.indicators if "满意" in i.name)


def test_bad_database_url_is_a_clear_error(tmp_path):
    result = runner.invoke(app, ["projects", "--db", "postgresql://nobody@127.0.0.1:1/none"])
    assert result.exit_code == 2 and "无法连接数据库" in result.output and "Traceback" not in result.output
    result = runner.invoke(app, ["projects", "--db", "mysql://x/y"])
    assert result.exit_code == 2
    not_a_store = tmp_path / "notes.txt"
    not_a_store.write_text("这不是数据库\n" * 100, encoding="utf-8")
    result = runner.invoke(app, ["ingest", str(SEEDS[0]), "--db", str(not_a_store)])
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert result.output.strip().splitlines() == [f"错误 无法打开数据库 sqlite:///{not_a_store}：文件不是 SQLite 数据库"]


@pytest.mark.parametrize("term", ["满意", "故障"])
def test_search_finds_the_same_on_both_backends(term, pg_server, tmp_path):
    counts = []
    for url in (f"sqlite:///{tmp_path / 'a.db'}", pg_server.create_database(f"same_{term.encode().hex()}")):
        engine = open_engine(url)
        ingest(engine, SEEDS, workers=1)
        with engine.connect() as c:
            counts.append(len(query_indicators(c, Filters(text=term))))
    assert counts[0] == counts[1] > 0


def test_review_from_the_store_matches_review_of_the_files(store_url):
    assert runner.invoke(app, ["ingest", *map(str, SEEDS), "--db", store_url, "--workers", "1"]).exit_code == 0
    from_store = json.loads(runner.invoke(app, ["review", "--db", store_url, "-f", "json"]).stdout)["findings"]
    from_files = json.loads(runner.invoke(app, ["review", *map(str, SEEDS), "-f", "json"]).stdout)["findings"]
    assert sorted(map(json.dumps, from_store)) == sorted(map(json.dumps, from_files))
    only_2023 = json.loads(runner.invoke(app, ["review", "--db", store_url, "--year", "2023", "-f", "json"]).stdout)
    assert {f["document"] for f in only_2023["findings"]} == {SEEDS[1].name}


def test_shared_documents_are_the_stored_ones_and_never_stale(store_url):
    engine = open_engine(store_url)
    ingest(engine, SEEDS[:3], workers=1)
    with engine.connect() as conn:
        ids = document_ids(conn, Filters())
        shared = load_documents_shared(conn, ids)
        assert {i: d.to_json_dict() for i, d in shared.items()} == {i: load_document(conn, i).to_json_dict()
                                                                    for i in ids}
        again = load_documents_shared(conn, ids)
        assert all(again[i] is shared[i] for i in ids)  # read once, then shared
    with engine.begin() as conn:  # the row changes (an upload filling a department, an edit): read afresh
        conn.execute(update(DocumentRow).where(DocumentRow.id == ids[0]).values(department="另一个部门"))
    with engine.connect() as conn:
        fresh = load_documents_shared(conn, ids)
    assert fresh[ids[0]].department == "另一个部门" and fresh[ids[1]] is shared[ids[1]]
