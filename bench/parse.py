"""Parse throughput on one core: the seeds repeated until at least 50 MB of text have been parsed.

    .venv/bin/python bench/parse.py [--mb 50]

Prints MB/s, indicators/s and peak memory. The value-grammar cache is cleared before every file, so
repeats of the same seed do not flatter the figure.

Time is CPU time of this process (`time.process_time`), and the headline figure is the best pass over the
five seeds (as `timeit` takes the best of its repeats): on a shared machine other processes stretch wall
time and, less so, CPU time, and the best pass is the figure least disturbed by them. The mean over all
passes and the wall-clock figure are printed beside it."""

from __future__ import annotations

import argparse
import cProfile
import pstats
import resource
import time
from pathlib import Path

from rich.progress import Progress

from jixiao.ingest import parse_bytes
from jixiao.values import parse_target

SEEDS = sorted((Path(__file__).resolve().parent.parent.parent / "shared" / "seeds").glob("*.txt"))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--mb", type=float, default=50.0)
    ap.add_argument("--profile", action="store_true", help="print where the time goes")
    args = ap.parse_args()
    blobs = [(p.name, p.read_bytes()) for p in SEEDS]
    target = int(args.mb * 1024 * 1024)
    done = files = indicators = 0
    best = 0.0
    profiler = cProfile.Profile() if args.profile else None
    start = time.perf_counter()
    cpu_start = time.process_time()
    with Progress() as progress:
        task = progress.add_task("解析", total=target)
        while done < target:
            pass_start, pass_bytes = time.process_time(), 0
            for name, data in blobs:
                parse_target.cache_clear()
                if profiler:
                    profiler.enable()
                doc = parse_bytes(data, name)
                if profiler:
                    profiler.disable()
                indicators += sum(len(p.indicators) for p in doc.projects)
                if doc.overall:
                    indicators += sum(len(s.indicators) for s in doc.overall.sections)
                done += len(data)
                pass_bytes += len(data)
                files += 1
                progress.update(task, completed=min(done, target))
            best = max(best, pass_bytes / (time.process_time() - pass_start))
    elapsed = time.perf_counter() - start
    cpu = time.process_time() - cpu_start
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"parsed {done / 1048576:.1f} MB in {files} files, {indicators} indicators, {elapsed:.1f} s")
    print(f"throughput: {best / 1048576:.2f} MB/s (best pass, CPU time); mean {done / 1048576 / cpu:.2f} MB/s CPU, "
          f"{done / 1048576 / elapsed:.2f} MB/s wall; {indicators / cpu:,.0f} indicators/s, {files / cpu:.0f} files/s")
    print(f"peak RSS: {peak_mb:.0f} MB")
    if profiler:
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)


if __name__ == "__main__":
    main()
