"""Two `jixiao ingest` runs started at once on a fresh store: the migrations run once, under a lock (an
exclusive transaction on SQLite, an advisory lock on PostgreSQL); the other run waits and goes on."""

from __future__ import annotations

import subprocess
import sys
import time

from conftest import ROOT, SEEDS
from sqlalchemy import func, select

from jixiao.store import open_engine
from jixiao.store.db import migrate
from jixiao.store.schema import DocumentRow

# each child waits for the go file, so both open the fresh store at nearly the same moment
CHILD = """
import os, sys, time
import alembic.command, alembic.config
from jixiao.cli import main
go = sys.argv[1]
while not os.path.exists(go):
    time.sleep(0.0005)
sys.argv = ["jixiao", "ingest", *sys.argv[2:]]
main()
"""


def _ingest(url: str, go, path) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", CHILD, str(go), str(path), "--db", url, "--workers", "1"],
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _documents(url: str) -> int:
    with open_engine(url).connect() as conn:
        return conn.execute(select(func.count()).select_from(DocumentRow)).scalar()


def test_two_ingests_started_at_once(store_url, tmp_path):
    go = tmp_path / "go"
    procs = [_ingest(store_url, go, f) for f in SEEDS[:2]]
    time.sleep(2.0)  # both children have imported jixiao and poll for the go file
    go.touch()
    for p in procs:
        out, err = p.communicate(timeout=180)
        assert p.returncode == 0, err
    assert _documents(store_url) == 2


def test_an_ingest_waits_for_migrations_in_progress(store_url, tmp_path):
    """Deterministic: this test migrates a fresh store and, half-way (the documents table made, the projects
    table not yet), starts an ingest and lets it run for a while. It must wait for the lock, then find the
    schema current and store its file. Without the lock, on SQLite (whose DDL commits statement by
    statement) it saw the half-made schema and failed with "table documents already exists"."""
    from sqlalchemy import event

    go = tmp_path / "go"
    go.touch()
    engine = open_engine(store_url, migrate=False)
    started: list[subprocess.Popen] = []
    waiting: list[bool] = []

    @event.listens_for(engine, "before_cursor_execute")
    def half_way(conn, cursor, statement, parameters, context, executemany):
        if not started and statement.lstrip().upper().startswith("CREATE TABLE PROJECTS"):
            started.append(_ingest(store_url, go, SEEDS[0]))
            time.sleep(5.0)  # long enough for the child to reach the migrations
            waiting.append(started[0].poll() is None)

    with engine.begin() as conn:
        migrate(conn)
    assert started, "the migration creates the projects table"
    out, err = started[0].communicate(timeout=180)
    assert started[0].returncode == 0, err
    assert "already exists" not in err
    assert waiting == [True]  # it was still waiting when the migration was half done
    assert _documents(store_url) == 1
