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
from sqlalchemy import func, select
from typer.testing import CliRunner

from jixiao.cli import app
from jixiao.ingest import ingest, parse_path
from jixiao.store import (
    Filters,
    document_ids,
    load_document,
    open_engine,
    query_indicators,
    query_projects,
    search,
)
from jixiao.store.schema import DocumentRow, IndicatorRow, ProjectRow, TargetRow

runner = CliRunner()


def _count(engine, table) -> int:
    with engine.connect() as c:
        return c.execute(select(func.count()).select_from(table)).scalar()


def test_round_trip_every_field(store_url):
    engine = open_engine(store_url)
    summary = ingest(engine, SEEDS + [DATA / "form_national.txt"], workers=1)
    assert summary.count("stored") == 6 and not summary.failed
    with engine.connect() as conn:
        for doc_id in document_ids(conn, Filters()):
            back = load_document(conn, doc_id)
            source = next(p for p in SEEDS + [DATA / "form_national.txt"] if p.name == back.source.name)
            assert back.to_json_dict() == parse_path(source).to_json_dict()


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

        from jixiao.store.schema import Base

        def search_only(d) -> bool:
            name = getattr(d[1], "name", None) or (d[3] if d[0] == "remove_column" else "")
            return str(name).startswith(("search_fts", "ix_search_index_tsv")) or (
                d[0] == "remove_column" and d[3].name == "tsv")
        assert [d for d in compare_metadata(context, Base.metadata) if not search_only(d)] == []
    assert _count(engine, TargetRow) == 0


def test_bad_database_url_is_a_clear_error(tmp_path):
    result = runner.invoke(app, ["projects", "--db", "postgresql://nobody@127.0.0.1:1/none"])
    assert result.exit_code == 2 and "无法连接数据库" in result.output and "Traceback" not in result.output
    result = runner.invoke(app, ["projects", "--db", "mysql://x/y"])
    assert result.exit_code == 2


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
