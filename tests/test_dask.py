"""`jixiao ingest --executor dask://…`: the parse runs on a Dask cluster (here a LocalCluster of two worker
processes), the documents are written by this process to the test PostgreSQL, and a worker killed in the
middle of the batch neither loses nor doubles a file."""

from __future__ import annotations

import os
import signal

import pytest
from conftest import DATA, SEEDS
from sqlalchemy import func, select

from jixiao.ingest import ingest
from jixiao.store import open_engine
from jixiao.store.schema import DocumentRow

pytest.importorskip("distributed", reason="the dask extra is installed by scripts/setup.sh")

# scans first: they take seconds each, so both workers are busy when one of them is killed
FILES = [DATA / "formats" / n for n in ("form_national_scan150.pdf", "form_national_scan_rotated.pdf",
                                        "form_national_scan300.pdf", "form_national_scan_stamp.pdf")]
FILES += SEEDS + sorted(DATA.glob("*.txt"))


@pytest.fixture()
def cluster():
    from distributed import Client, LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None,
                      env={"JIXIAO_OCR_THREADS": "1"}) as c, Client(c) as client:
        yield c, client


def test_ingest_on_a_cluster_survives_a_killed_worker(cluster, pg_server):
    c, client = cluster
    url = pg_server.create_database("jixiao_dask")
    engine = open_engine(url)
    pids = client.run(os.getpid)
    killed: list[int] = []

    in_flight: list = []

    def on_result(result) -> None:
        if not killed:  # the first result is in: kill the busiest worker while the rest of the batch runs
            processing = client.processing()
            addr = max(pids, key=lambda a: len(processing.get(a, ())))
            in_flight.extend(processing.get(addr, ()))
            os.kill(pids[addr], signal.SIGKILL)
            killed.append(pids[addr])

    address = c.scheduler_address.replace("tcp://", "dask://")
    summary = ingest(engine, FILES, replace=False, on_result=on_result, executor=address)
    assert killed and killed[0] not in client.run(os.getpid).values()  # the worker did die
    assert in_flight  # ... with parse tasks assigned to it, which had to run again elsewhere
    assert sorted(r.path for r in summary.results) == sorted(str(p) for p in FILES)  # every file once
    assert not summary.failed, summary.failed
    with engine.connect() as conn:
        stored = conn.execute(select(DocumentRow.sha256, func.count()).group_by(DocumentRow.sha256)).all()
    assert len(stored) == summary.count("stored") == len(FILES)  # nothing lost
    assert all(n == 1 for _, n in stored)  # nothing doubled
    again = ingest(engine, FILES, executor=address)  # idempotent: the second run stores nothing
    assert again.count("unchanged") == len(FILES)
