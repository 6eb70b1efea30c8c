"""What keeping the library up to date costs (issue 15): the library's share of each stored document, how long
a writer holds the library lock, a full rebuild, building the suggester, and the reads, on PostgreSQL; and
the `jixiao ingest` path on SQLite with the library counted per document, per batch, or not at all.

    .venv/bin/python bench/library_live.py [--documents 300]

Documents come from bench/store.py's generator (the seeds copied under new departments and years: every
document touches the most used entries, a worst case for the library). PostgreSQL is tests/pg.py's."""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "bench"))


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms"


def postgresql(documents: int) -> None:
    from pg import Server
    from sqlalchemy import event, text
    from store import corpus

    import jixiao.service.ingest as service_ingest
    from jixiao import library_sync, service
    from jixiao.library import Suggester
    from jixiao.store import open_engine

    server = Server()
    try:
        engine = open_engine(server.create_database("library_live"))
        spent: list[float] = []
        real = service_ingest.sync_library

        def timed(conn, ids=None):
            start = time.perf_counter()
            try:
                return real(conn, ids)
            finally:
                spent.append(time.perf_counter() - start)

        service_ingest.sync_library = timed
        held: list[float] = []
        lock = library_sync._lock
        since: dict[str, float] = {}

        def take(conn) -> None:
            lock(conn)
            since["t"] = time.perf_counter()

        library_sync._lock = take

        @event.listens_for(engine, "commit")
        def _commit(_conn) -> None:
            if "t" in since:
                held.append(time.perf_counter() - since.pop("t"))

        docs = corpus(10**9)
        start = time.perf_counter()
        for _, doc in zip(range(documents), docs, strict=False):
            service.store_parsed(engine, doc, flush=False)
        total = time.perf_counter() - start
        service_ingest.sync_library = real
        with engine.connect() as conn:
            n = conn.execute(text("SELECT count(*) FROM indicators")).scalar()
            entries = conn.execute(text("SELECT count(*) FROM library_entries")).scalar()
        print(f"PostgreSQL: {documents} documents stored one by one (service.store_parsed) in {total:.1f} s; "
              f"{n} indicators, {entries} entries")
        last = spent[-50:]
        print(f"  library update per document: median {ms(statistics.median(spent))}, p95 "
              f"{ms(sorted(spent)[int(0.95 * len(spent))])}; last 50 median {ms(statistics.median(last))}")
        print(f"  library lock held to commit: median {ms(statistics.median(held))}, max {ms(max(held))}")
        start = time.perf_counter()
        with engine.begin() as conn:
            library_sync.rebuild(conn)
        print(f"  full rebuild: {time.perf_counter() - start:.2f} s")
        for _ in range(2):
            start = time.perf_counter()
            with engine.connect() as conn:
                built = Suggester.from_store(conn)
            print(f"  Suggester.from_store: {time.perf_counter() - start:.2f} s ({len(built.records)} projects)")
        for label in ("suggest, first (builds the cached suggester)", "suggest, cached", "suggest, cached"):
            start = time.perf_counter()
            service.suggest(engine, "信息系统运维服务项目")
            print(f"  {label}: {ms(time.perf_counter() - start)}")
        for q in ("满意度", "设备", "不存在的词语"):
            start = time.perf_counter()
            service.library_page(engine, q, None)
            print(f"  library page ?q={q}: {ms(time.perf_counter() - start)}")
        with engine.begin() as conn:
            last_doc = conn.execute(text("SELECT max(id) FROM documents")).scalar()
            start = time.perf_counter()
            conn.execute(text("DELETE FROM documents WHERE id = :d"), {"d": last_doc})
            library_sync.sync(conn, [])
        print(f"  delete and library update: {ms(time.perf_counter() - start)}")
        with engine.begin() as conn:
            start = time.perf_counter()
            library_sync.sync(conn, [])
        print(f"  a write with nothing for the library: {ms(time.perf_counter() - start)}")
    finally:
        server.stop()


def sqlite(documents: int) -> None:
    from store import corpus

    import jixiao.service.ingest as service_ingest
    from jixiao import library_sync
    from jixiao.service.findings import review_for_store
    from jixiao.store import open_engine

    docs = [doc for _, doc in zip(range(documents), corpus(10**9), strict=False)]
    found = [review_for_store(d, None) for d in docs]
    real = service_ingest.sync_library
    with tempfile.TemporaryDirectory() as tmp:
        for mode in ("without the library", "library per document", "library per batch"):
            engine = open_engine(os.path.join(tmp, f"{len(mode)}.db"))
            service_ingest.sync_library = (lambda conn, ids=None: False) if mode == "without the library" else real
            items = list(zip(docs, found, strict=True))
            start = time.perf_counter()
            for doc, findings in library_sync.batched(engine, items) if mode == "library per batch" else items:
                with engine.begin() as conn:
                    service_ingest.store_reviewed(conn, doc, findings=findings)
            print(f"SQLite, {documents} documents through store_reviewed, {mode}: {time.perf_counter() - start:.1f} s")
            engine.dispose()
    service_ingest.sync_library = real


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--documents", type=int, default=300)
    args = ap.parse_args()
    postgresql(args.documents)
    sqlite(args.documents)
    print(f"machine load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")


if __name__ == "__main__":
    main()
