"""Review speed: the seeds' projects copied into documents until a million indicators, then reviewed.

    .venv/bin/python bench/review.py [--indicators 1000000] [--workers 2]

Documents are reviewed in parallel worker processes (the engine is pure Python, one document at a time)."""

from __future__ import annotations

import argparse
import os
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from rich.progress import Progress

from jixiao.ingest import parse_path
from jixiao.model import Document
from jixiao.review import review_document

SEEDS = sorted((Path(__file__).resolve().parent.parent.parent / "shared" / "seeds").glob("*.txt"))
_DOCS: list[Document] = []


def _init() -> None:
    _DOCS.extend(parse_path(p) for p in SEEDS)


def _review_batch(args: tuple[int, int]) -> tuple[int, int]:
    """Review `copies` documents made from seed `index`; returns (indicators, findings)."""
    index, copies = args
    base = _DOCS[index]
    indicators = findings = 0
    for n in range(copies):
        doc = base.model_copy(update={"title": f"{base.title}（副本{n}）"})
        indicators += sum(len(p.indicators) for p in doc.projects)
        findings += len(review_document(doc))
    return indicators, findings


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--indicators", type=int, default=1_000_000)
    ap.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    args = ap.parse_args()
    _init()
    per_round = sum(sum(len(p.indicators) for p in d.projects) for d in _DOCS)
    rounds = -(-args.indicators // per_round)
    chunk = 50
    tasks = [(i, min(chunk, rounds - start)) for start in range(0, rounds, chunk) for i in range(len(_DOCS))]
    total_ind = total_find = 0
    start = time.perf_counter()
    with ProcessPoolExecutor(args.workers, initializer=_init) as pool, Progress() as progress:
        bar = progress.add_task("审核", total=rounds * per_round)
        for ind, found in pool.map(_review_batch, tasks):
            total_ind += ind
            total_find += found
            progress.advance(bar, ind)
    elapsed = time.perf_counter() - start
    print(f"reviewed {total_ind:,} indicators in {rounds * len(_DOCS):,} documents with {args.workers} workers: "
          f"{elapsed:.1f} s ({total_ind / elapsed:,.0f} indicators/s), {total_find:,} findings")


if __name__ == "__main__":
    main()
