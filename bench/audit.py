"""Audit benchmark: what one `document.ingest` entry per stored file costs a batch ingest.

    .venv/bin/python bench/audit.py [--files 500] [--rounds 3] [--workers 2]

Makes `--files` distinct files from the seeds (each seed with a numbered note appended, so every file is a new
document), then ingests them into a new SQLite store through `service.ingest_files` (what `jixiao ingest`
runs), alternating rounds with the audit entry written and with it replaced by a no-op. Prints the wall time
of each round, the time spent inside `audit.stored_file` (measured around each call), the rows written and
the audit table's share of the store file."""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from sqlalchemy import text

from jixiao import service
from jixiao.store import open_engine
from jixiao.workflow import audit

ROOT = Path(__file__).resolve().parent.parent
SEEDS = sorted((ROOT.parent / "shared" / "seeds").glob("*.txt"))


def make_files(folder: Path, n: int) -> list[Path]:
    paths = []
    for i in range(n):
        seed = SEEDS[i % len(SEEDS)]
        path = folder / f"{i:04d}_{seed.name}"
        path.write_bytes(seed.read_bytes() + f"\n备注：第 {i} 份\n".encode())
        paths.append(path)
    return paths


def run(files: list[Path], workers: int, with_audit: bool) -> dict:
    real = audit.stored_file
    spent = [0.0, 0]

    def timed(*args, **kwargs):
        start = time.perf_counter()
        try:
            return real(*args, **kwargs)
        finally:
            spent[0] += time.perf_counter() - start
            spent[1] += 1

    audit.stored_file = timed if with_audit else (lambda *a, **k: 0)
    db = Path(tempfile.mkdtemp()) / "bench.db"
    engine = open_engine(str(db))
    try:
        start = time.perf_counter()
        summary = service.ingest_files(engine, files, workers=workers)
        wall = time.perf_counter() - start
        with engine.connect() as conn:
            rows = conn.execute(text("SELECT count(*) FROM audit_log WHERE action = 'document.ingest'")).scalar()
            try:
                audit_bytes = conn.execute(text("SELECT sum(pgsize) FROM dbstat WHERE name LIKE '%audit_log%'")).scalar()
            except Exception:  # noqa: BLE001 - SQLite built without dbstat
                audit_bytes = None
    finally:
        engine.dispose()
        audit.stored_file = real
    return {"wall": wall, "stored": summary.count("stored"), "rows": rows, "in_audit": spent[0],
            "calls": spent[1], "db_bytes": db.stat().st_size, "audit_bytes": audit_bytes}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--files", type=int, default=500)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--workers", type=int, default=2)
    args = ap.parse_args()
    folder = Path(tempfile.mkdtemp())
    files = make_files(folder, args.files)
    results: dict[bool, list[dict]] = {True: [], False: []}
    for r in range(args.rounds):
        for with_audit in ((True, False) if r % 2 == 0 else (False, True)):
            res = run(files, args.workers, with_audit)
            results[with_audit].append(res)
            print(f"round {r + 1} audit={'on ' if with_audit else 'off'} wall {res['wall']:.2f} s, "
                  f"stored {res['stored']}, audit rows {res['rows']}, in stored_file {res['in_audit'] * 1000:.0f} ms "
                  f"({res['calls']} calls)")
    on = statistics.median(r["wall"] for r in results[True])
    off = statistics.median(r["wall"] for r in results[False])
    inside = statistics.median(r["in_audit"] for r in results[True])
    n = results[True][0]["stored"]
    last = results[True][-1]
    print(f"\n{args.files} files ({n} stored), {args.workers} workers, median of {args.rounds} rounds:")
    print(f"  wall with audit {on:.2f} s, without {off:.2f} s: {on - off:+.2f} s ({100 * (on - off) / off:+.1f}%)")
    print(f"  inside audit.stored_file: {inside * 1000:.0f} ms in all, {inside / max(n, 1) * 1e6:.0f} µs per file "
          f"({100 * inside / on:.2f}% of the wall time)")
    if last["audit_bytes"]:
        print(f"  audit_log with its indexes: {last['audit_bytes'] / 1024:.0f} KiB of a {last['db_bytes'] / 1048576:.1f} MiB "
              f"store ({last['audit_bytes'] / max(n, 1):.0f} bytes per file)")


if __name__ == "__main__":
    main()
