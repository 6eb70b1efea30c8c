"""Reading speed per format on the fixtures in tests/data/formats (one process).

    .venv/bin/python bench/formats.py [--rounds 3] [--no-ocr]

Times are CPU seconds of this process (time.process_time), so that other work on a shared machine does
not skew the comparison; OCR also runs onnxruntime threads, whose CPU time is counted too.

PDF in pages per second, side by side in the same run: jixiao's whole parse (read + layout) and its reader
alone, against pdfplumber's `extract_tables` on the same files. Scanned PDFs and images (OCR) in pages per
second, once each. DOCX, XLSX and HTML in files per second (read and parse)."""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from rich.progress import Progress

from jixiao.ingest import parse_path
from jixiao.readers import read_path

FORMATS = Path(__file__).resolve().parent.parent / "tests" / "data" / "formats"


def _pages(path: Path) -> int:
    import pypdfium2

    return len(pypdfium2.PdfDocument(str(path)))


def _pdfplumber_tables(path: Path) -> None:
    import pdfplumber

    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            page.extract_tables()
            page.flush_cache()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--no-ocr", action="store_true")
    args = ap.parse_args()
    pdfs = [p for p in sorted(FORMATS.glob("*.pdf")) if "scan" not in p.name and p.name != "encrypted.pdf"]
    scans = sorted(p for p in FORMATS.iterdir() if "_scan" in p.name)
    pages = {p: _pages(p) for p in pdfs}
    results: dict[str, tuple[float, int, int]] = {}
    runs = {
        "jixiao parse": parse_path,
        "jixiao reader": read_path,
        "pdfplumber extract_tables": _pdfplumber_tables,
    }
    others = ("docx", "xlsx", "html")
    files = {ext: sorted(p for p in FORMATS.glob(f"*.{ext}") if not p.name.startswith("encrypted"))
             for ext in others}
    total = args.rounds * (len(runs) * len(pdfs) + sum(len(v) for v in files.values()))
    total += 0 if args.no_ocr else len(scans)
    with Progress() as progress:
        task = progress.add_task("读取", total=total)
        for name, fn in runs.items():
            fn(pdfs[0])  # warm up imports
            start = time.process_time()
            n = 0
            for _ in range(args.rounds):
                for path in pdfs:
                    fn(path)
                    n += pages[path]
                    progress.advance(task)
            results[name] = (time.process_time() - start, args.rounds * len(pdfs), n)
        if not args.no_ocr and scans:
            from jixiao.readers import ocr

            if ocr.available():
                ocr._engine()  # model load is not per page
                start = time.process_time()
                n = 0
                for path in scans:
                    parse_path(path)
                    n += _pages(path) if path.suffix == ".pdf" else 1
                    progress.advance(task)
                results["OCR (scans, parse)"] = (time.process_time() - start, len(scans), n)
        for ext in others:
            start = time.process_time()
            for _ in range(args.rounds):
                for path in files[ext]:
                    parse_path(path)
                    progress.advance(task)
            results[ext] = (time.process_time() - start, args.rounds * len(files[ext]), 0)
    for name, (elapsed, count, n) in results.items():
        line = f"{name:28} {count:3} files in {elapsed:6.2f} s: {count / elapsed:6.1f} files/s"
        if n:
            line += f", {n} pages: {n / elapsed:6.1f} pages/s"
        print(line)
    plumber = results["pdfplumber extract_tables"]
    for name in ("jixiao parse", "jixiao reader"):
        ratio = (results[name][2] / results[name][0]) / (plumber[2] / plumber[0])
        print(f"{name} / pdfplumber extract_tables: {ratio:.1f}×")


if __name__ == "__main__":
    main()
