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
    """Deterministic: this test holds the lock in the middle of its own migration (tables created, not yet
    committed); an ingest started meanwhile waits for it, then finds the schema current and stores its file.
    Without the lock it would run the migrations too and fail with "table ... already exists"."""
    go = tmp_path / "go"
    go.touch()
    engine = open_engine(store_url, migrate=False)
    with engine.begin() as conn:
        migrate(conn)
        proc = _ingest(store_url, go, SEEDS[0])
        time.sleep(4.0)  # long enough for the child to reach the lock
        still_waiting = proc.poll() is None
    out, err = proc.communicate(timeout=180)
    assert still_waiting, err
    assert proc.returncode == 0, err
    assert "already exists" not in err
    assert _documents(store_url) == 1
