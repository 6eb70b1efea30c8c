"""Reading speed per format on the fixtures in tests/data/formats (one core).

    .venv/bin/python bench/formats.py [--rounds 3]

PDF in pages per second; DOCX, XLSX and HTML in files per second (read and parse)."""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from rich.progress import Progress

from jixiao.ingest import parse_path

FORMATS = Path(__file__).resolve().parent.parent / "tests" / "data" / "formats"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()
    results = {}
    exts = ("pdf", "docx", "xlsx", "html")
    files = {ext: sorted(FORMATS.glob(f"*.{ext}")) for ext in exts}
    with Progress() as progress:
        task = progress.add_task("读取", total=args.rounds * sum(len(v) for v in files.values()))
        for ext in exts:
            pages = count = 0
            start = time.perf_counter()
            for _ in range(args.rounds):
                for path in files[ext]:
                    parse_path(path)
                    count += 1
                    if ext == "pdf":
                        import pypdfium2

                        pages += len(pypdfium2.PdfDocument(str(path)))
                    progress.advance(task)
            results[ext] = (time.perf_counter() - start, count, pages)
    for ext, (elapsed, count, pages) in results.items():
        line = f"{ext:5} {count} files in {elapsed:.2f} s: {count / elapsed:.1f} files/s"
        if pages:
            line += f", {pages} pages: {pages / elapsed:.1f} pages/s"
        print(line)


if __name__ == "__main__":
    main()
