"""Store benchmark: a synthetic corpus shaped like the seeds (default 1,000,000 indicators), ingested into
SQLite and PostgreSQL; ingest throughput, database size, and p50/p95 latency of typical queries and
searches.

    .venv/bin/python bench/store.py [--indicators 1000000] [--backends sqlite,postgresql]

PostgreSQL is the test suite's real server (tests/pg.py: installed with apt-get if missing, started on a
free port). Documents are parsed once from the seeds, then copied with new names, departments, years and
values, so every copy is a distinct document."""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

from rich.progress import Progress

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from jixiao.ingest import parse_path  # noqa: E402
from jixiao.model import Document  # noqa: E402
from jixiao.store import (  # noqa: E402
    Filters,
    load_document,
    open_engine,
    query_indicators,
    query_projects,
    search,
)
from jixiao.store.db import refresh_statistics  # noqa: E402
from jixiao.store.writer import store_document  # noqa: E402

SEEDS = sorted((ROOT.parent / "shared" / "seeds").glob("*.txt"))
PLACES = ["广州", "深圳", "唐山", "武汉", "成都", "杭州", "南京", "西安", "长沙", "郑州", "济南", "合肥"]
OFFICES = ["财政局", "教育局", "民政局", "交通运输局", "卫生健康委员会", "政务服务数据管理局", "农业农村局", "审计局"]


def corpus(target: int, seed: int = 7):
    """Yield distinct documents until `target` indicators."""
    rnd = random.Random(seed)
    bases = [parse_path(p) for p in SEEDS]
    made = n = 0
    while made < target:
        base: Document = bases[n % len(bases)]
        dept = f"{rnd.choice(PLACES)}市{rnd.choice(OFFICES)}{n // 97}"
        year = rnd.randint(2020, 2025)
        doc = base.model_copy(deep=True)
        doc.source.sha256 = f"{n:064x}"
        doc.source.name = f"synthetic_{n:06d}.txt"
        doc.department, doc.year = dept, year
        for k, p in enumerate(doc.projects):
            p.department = dept
            p.name = f"{p.name}（{year}-{k}）"
            for ind in p.indicators:
                if ind.annual is not None and ind.annual.value is not None:
                    ind.annual.value = round(ind.annual.value * rnd.uniform(0.9, 1.1), 2)
        made += sum(len(p.indicators) for p in doc.projects)
        if doc.overall:
            made += sum(len(s.indicators) for s in doc.overall.sections)
        n += 1
        yield doc


def timed(fn, runs: int) -> tuple[float, float]:
    times = []
    for i in range(runs):
        start = time.perf_counter()
        fn(i)
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    return statistics.median(times), times[int(len(times) * 0.95) - 1]


def bench(url: str, label: str, target: int, runs: int) -> None:
    """Documents are made one at a time and dropped once stored, as `jixiao ingest` streams them: holding a
    million indicators of pydantic objects in memory would make the garbage collector, not the store, the
    figure. Counted: storing each document in its own transaction, and what `jixiao ingest` does at the end
    of a batch (the SQLite search index, PostgreSQL statistics); not counted: making the documents."""
    engine = open_engine(url)
    n_ind = n_docs = 0
    depts: list[str] = []
    elapsed = 0.0
    with Progress() as progress:
        task = progress.add_task(f"{label} 入库", total=target)
        for d in corpus(target):
            search.indexed.cache_clear()  # the copies repeat the seeds' names: no flattering cache hits
            start = time.perf_counter()
            with engine.begin() as conn:
                store_document(conn, d)
            elapsed += time.perf_counter() - start
            k = sum(len(p.indicators) for p in d.projects) + (
                sum(len(s.indicators) for s in d.overall.sections) if d.overall else 0)
            n_ind += k
            n_docs += 1
            depts.append(d.department)
            progress.advance(task, k)
        start = time.perf_counter()
        search.flush(engine)  # what `jixiao ingest` does at the end of a batch
        refresh_statistics(engine)
        elapsed += time.perf_counter() - start
    settle = ""
    if engine.dialect.name == "postgresql":
        # the insert-triggered autovacuum would otherwise run during the queries below
        start = time.perf_counter()
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("VACUUM ANALYZE")
        settle = f"; then VACUUM ANALYZE, as autovacuum would do: {time.perf_counter() - start:.1f} s"
    if engine.dialect.name == "sqlite":
        with engine.begin() as conn:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        size = Path(engine.url.database).stat().st_size
    else:
        with engine.connect() as conn:
            size = conn.exec_driver_sql("SELECT pg_database_size(current_database())").scalar()
    print(f"\n## {label}: {n_docs:,} documents, {n_ind:,} indicators")
    print(f"ingest: {elapsed:.1f} s, {n_ind / elapsed:,.0f} indicators/s, {n_docs / elapsed:,.0f} documents/s{settle}")
    print(f"database size: {size / 1048576:,.0f} MB")
    rnd = random.Random(3)
    two = ["满意", "故障", "投诉", "运维", "合格", "采购"]
    longer = ["系统正常运行率", "满意度", "故障响应率", "验收合格率", "服务对象满意度"]
    with engine.connect() as conn:
        cases = {
            "projects of a department": lambda i: query_projects(conn, Filters(department=rnd.choice(depts), limit=200)),
            "indicators by level1 + year (page of 200)": lambda i: query_indicators(
                conn, Filters(level1="成本指标", year=2020 + i % 6, limit=200)),
            "indicators by value kind (page of 200)": lambda i: query_indicators(
                conn, Filters(kind="deadline", limit=200, offset=200 * (i % 5))),
            "search, 2-character term (page of 50)": lambda i: query_indicators(
                conn, Filters(text=two[i % len(two)], limit=50)),
            "search, longer term (page of 50)": lambda i: query_indicators(
                conn, Filters(text=longer[i % len(longer)], limit=50)),
            "search projects by name/goal (page of 50)": lambda i: query_projects(
                conn, Filters(text=two[i % len(two)], limit=50)),
            "load one whole document": lambda i: load_document(conn, 1 + (i * 7919) % n_docs),
        }
        print("| query | p50 ms | p95 ms |\n|---|---|---|")
        for name, fn in cases.items():
            fn(0)  # warm the cache as a running server would be
            p50, p95 = timed(fn, runs)
            print(f"| {name} | {p50:.1f} | {p95:.1f} |")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--indicators", type=int, default=1_000_000)
    ap.add_argument("--backends", default="sqlite,postgresql")
    ap.add_argument("--runs", type=int, default=40)
    args = ap.parse_args()
    for backend in args.backends.split(","):
        if backend == "sqlite":
            with tempfile.TemporaryDirectory() as tmp:
                bench(f"sqlite:///{tmp}/bench.db", "SQLite", args.indicators, args.runs)
        else:
            from pg import Server

            server = Server()
            try:
                bench(server.create_database("bench"), "PostgreSQL", args.indicators, args.runs)
            finally:
                server.stop()


if __name__ == "__main__":
    main()
