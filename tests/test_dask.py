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


def _flaky_parse(marker_dir: str, fail_times: int):
    """A task that raises on the cluster (as a lost result or a killed worker does) its first `fail_times`
    runs for the first file, counting runs in files so the count holds whichever worker runs it."""
    from pathlib import Path

    from jixiao.dask_executor import _parse_remote as real

    def flaky(args, known):
        if args[0] == str(FILES[4]):
            runs = Path(marker_dir)
            n = len(list(runs.iterdir()))
            if n < fail_times:
                (runs / f"run{n}").touch()
                raise RuntimeError("result lost with its worker")
        return real(args, known)

    return flaky


@pytest.mark.parametrize("fail_times", [2, 5])
def test_a_task_the_cluster_fails_is_run_again_a_bounded_number_of_times(tmp_path, monkeypatch, fail_times):
    from distributed import LocalCluster

    from jixiao import dask_executor

    runs = tmp_path / "runs"
    runs.mkdir()
    monkeypatch.setattr(dask_executor, "_parse_remote", _flaky_parse(str(runs), fail_times))
    tasks = [(str(p), 10**8, False) for p in FILES[4:7]]
    with LocalCluster(n_workers=1, processes=False, protocol="tcp", dashboard_address=None) as c:
        got = {r[0]: r for r in dask_executor.parse_on_dask(c.scheduler_address.replace("tcp://", "dask://"),
                                                             tasks, set())}
    assert sorted(got) == sorted(t[0] for t in tasks)  # each file once
    assert all(got[t[0]][1] is not None for t in tasks[1:])
    flaky = got[tasks[0][0]]
    if fail_times == 2:  # failed twice (a lost result, then a killed worker): the third run reads it
        assert flaky[1] is not None and flaky[3] is None
        assert len(list(runs.iterdir())) == fail_times
    else:  # failed on every try: reported, not retried for ever
        assert flaky[1] is None and "集群上解析失败" in flaky[3] and "result lost" in flaky[3]
        assert len(list(runs.iterdir())) == dask_executor.MAX_TRIES
