"""Reading speed per format on the fixtures in tests/data/formats (one process).

    .venv/bin/python bench/formats.py [--rounds 3] [--no-ocr] [--ocr-render 001 004]

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
from jixiao.slots import leaf_f1

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


def render_check(stems: list[str], dpi: int = 150) -> None:
    """Each text PDF rendered to an image-only PDF and read by OCR: pages/s and slot F1 against the text."""
    import io

    import pypdfium2

    from jixiao.ingest import parse_bytes
    from jixiao.readers import ocr

    ocr._engine()  # model load is not per page
    for stem in stems:
        doc = pypdfium2.PdfDocument(FORMATS / f"{stem}.pdf")
        images = [page.render(scale=dpi / 72).to_pil().convert("RGB") for page in doc]
        buf = io.BytesIO()
        images[0].save(buf, "PDF", resolution=dpi, save_all=True, append_images=images[1:], quality=70)
        wall, cpu = time.perf_counter(), time.process_time()
        got = parse_bytes(buf.getvalue(), f"{stem}_scan.pdf")
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        f1 = leaf_f1(got.to_json_dict(), parse_path(FORMATS / f"{stem}.pdf").to_json_dict())
        marked = sum(1 for p in got.projects for i in p.indicators if i.problem)
        print(f"OCR {stem}: {len(images)} pages at {dpi} dpi, {wall:.1f} s wall ({len(images) / wall:.2f} pages/s), "
              f"{cpu:.1f} s CPU; slot F1 against the text PDF {f1:.3f}; indicators with a problem: {marked}")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--no-ocr", action="store_true")
    ap.add_argument("--ocr-render", nargs="*", metavar="STEM", default=[],
                    help="also render these text PDFs (e.g. 001 004) to scans and read them by OCR")
    args = ap.parse_args()
    if args.ocr_render:
        render_check(args.ocr_render)
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
