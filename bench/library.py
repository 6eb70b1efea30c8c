"""Suggestion quality: leave-one-project-out recall@10 over a store of the seeds (and any other files given).

    .venv/bin/python bench/library.py [FILES...]

For every project, the project is left out, its name, content and goal are given to `suggest`, and recall
is the share of the project's own library entries among the ten suggestions."""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

from jixiao.ingest import ingest
from jixiao.library import build_library, leave_one_out_recall
from jixiao.store import open_engine

SEEDS = sorted((Path(__file__).resolve().parent.parent.parent / "shared" / "seeds").glob("*.txt"))


def main() -> None:
    files = [Path(p) for p in sys.argv[1:]] or SEEDS
    with tempfile.TemporaryDirectory() as tmp:
        engine = open_engine(f"{tmp}/lib.db")
        ingest(engine, files, workers=1)
        start = time.perf_counter()
        with engine.begin() as conn:
            entries = build_library(conn)
        built = time.perf_counter() - start
        with engine.connect() as conn:
            for k in (5, 10, 20):
                start = time.perf_counter()
                recall, n = leave_one_out_recall(conn, k=k)
                print(f"recall@{k}: {recall:.3f} over {n} projects ({time.perf_counter() - start:.1f} s)")
        print(f"library: {entries} entries from {len(files)} files, built in {built:.2f} s")


if __name__ == "__main__":
    main()
