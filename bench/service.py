"""Service-layer benchmark: the review pages and the findings endpoint on a store of N copies of the corpus
and the seeds, each copy a distinct document. Prints the store time (documents stored with their findings)
and the first and warm time of each page, and how many documents were reviewed while serving them (0: the
pages read stored findings).

    .venv/bin/python bench/service.py [--copies 20]

To compare with the code before stored findings, run the same script with PYTHONPATH pointing at an older
checkout's src/ (it then stores documents without findings and the pages review per request)."""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from fastapi.testclient import TestClient

import jixiao.review.engine as review_engine
from jixiao.api.app import create_app
from jixiao.ingest import parse_path
from jixiao.store import open_engine
from jixiao.store.writer import store_document

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--copies", type=int, default=20)
    args = ap.parse_args()
    db = Path(tempfile.mkdtemp()) / "bench.db"
    engine = open_engine(str(db))
    files = sorted((SHARED / "corpus").glob("*.txt")) + sorted((SHARED / "seeds").glob("*.txt"))
    docs = [parse_path(p) for p in files]
    try:
        from jixiao.service import store_parsed
    except ImportError:  # an older checkout: no service layer, no stored findings
        store_parsed = None
    start = time.perf_counter()
    for k in range(args.copies):
        for d in docs:
            source = d.source.model_copy(update={"sha256": f"{k:04d}" + d.source.sha256[4:],
                                                 "name": f"{k}_{d.source.name}"})
            copy = d.model_copy(update={"source": source})
            if store_parsed is not None:
                store_parsed(engine, copy, flush=False)
            else:
                with engine.begin() as conn:
                    store_document(conn, copy)
    stored_s = time.perf_counter() - start
    reviewed = []
    real = review_engine._review
    review_engine._review = lambda *a: reviewed.append(1) or real(*a)
    with TestClient(create_app(str(db))) as client:
        items = client.get("/api/projects", params={"limit": 50}).json()["items"]
        dept = next(p["department"] for p in items if p["department"])
        pages = [("/review", {}), ("/review", {"page": 3}), ("/api/review", {"limit": 100, "offset": 200}),
                 (f"/departments/{dept}", {})]
        rows = []
        for url, params in pages:
            times = []
            for _ in range(3):
                t = time.perf_counter()
                assert client.get(url, params=params).status_code == 200, url
                times.append(time.perf_counter() - t)
            rows.append((url.replace(dept, "<部门>") + ("?" + "&".join(f"{k}={v}" for k, v in params.items())
                                                        if params else ""), times[0], statistics.median(times[1:])))
    print(f"{args.copies * len(docs)} documents stored in {stored_s:.1f} s "
          f"({'with findings' if store_parsed else 'without findings'}); "
          f"documents reviewed while serving the pages: {len(reviewed)}")
    for name, first, warm in rows:
        print(f"  {name:36s} first {first * 1000:7.0f} ms   warm {warm * 1000:7.0f} ms")


if __name__ == "__main__":
    main()
