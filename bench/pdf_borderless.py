"""Borderless PDF tables against the ruled reading of the same document.

    .venv/bin/python bench/pdf_borderless.py

Each PDF in tests/data/formats/borderless/ (made by tests/fixtures/make_pdf_borderless.py: a DOCX fixture
with its ruling lines removed; `_tight` without row padding either, `_centre` with cells centred in
their rows) is parsed and scored with
`jixiao.slots` against the ruled PDF of the same DOCX. Also counted: indicators marked with a problem, and
silent errors (indicators without a problem whose project and name, 一级/二级 level or annual value the
ruled reading does not have). To score the code of another commit on the same fixtures, put its `src` first on the path:
    git worktree add /tmp/before <commit> && PYTHONPATH=/tmp/before/src .venv/bin/python bench/pdf_borderless.py
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from jixiao.ingest import parse_path
from jixiao.slots import score, silent_errors

FORMATS = Path(__file__).resolve().parent.parent / "tests" / "data" / "formats"




def measure(path: Path) -> dict:
    stem = path.stem.removesuffix("_tight").removesuffix("_centre")
    ruled = parse_path(FORMATS / f"{stem}.pdf")
    start = time.process_time()
    try:
        got = parse_path(path)
    except Exception as exc:  # noqa: BLE001 - a failed read scores 0 and is reported
        return {"f1": 0.0, "error": str(exc).split(": ", 1)[-1], "seconds": time.process_time() - start}
    seconds = time.process_time() - start
    s = score(got.to_json_dict(), ruled.to_json_dict())
    silent = len(silent_errors(got, ruled))
    marked = sum(1 for p in got.projects for i in p.indicators if i.problem)
    total = sum(len(p.indicators) for p in got.projects)
    return {"f1": s.f1, "precision": s.precision, "recall": s.recall, "marked": marked, "silent": silent,
            "indicators": total, "seconds": seconds}


def main() -> None:
    argparse.ArgumentParser(description=__doc__).parse_args()
    import pypdfium2

    print(f"{'file':26} {'F1':>6} {'P':>6} {'R':>6} {'indicators':>10} {'marked':>7} {'silent':>7} {'CPU s':>6}")
    pages = seconds = 0.0
    for path in sorted((FORMATS / "borderless").glob("*.pdf")):
        m = measure(path)
        pages += len(pypdfium2.PdfDocument(str(path)))
        seconds += m["seconds"]
        if "error" in m:
            print(f"{path.name:26} {0.0:6.3f}  failed: {m['error']}")
            continue
        print(f"{path.name:26} {m['f1']:6.3f} {m['precision']:6.3f} {m['recall']:6.3f} {m['indicators']:10d} "
              f"{m['marked']:7d} {m['silent']:7d} {m['seconds']:6.2f}")
    print(f"{pages:.0f} pages parsed in {seconds:.2f} CPU s: {pages / seconds:.1f} pages/s")


if __name__ == "__main__":
    main()
