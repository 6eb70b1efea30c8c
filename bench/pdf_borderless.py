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
from jixiao.slots import score

FORMATS = Path(__file__).resolve().parent.parent / "tests" / "data" / "formats"


def silent_errors(got, ruled) -> list[tuple]:
    """Indicators without a problem that state something the ruled reading does not: a project and name
    it has no indicator for, or a level or annual value other than its (a value left out is a miss, not a
    wrong value)."""
    want: dict[tuple, list] = {}
    for p in ruled.projects:
        for i in p.indicators:
            want.setdefault((p.name, i.name), []).append(i)
    out = []
    for p in got.projects:
        for i in p.indicators:
            if i.problem:
                continue
            fields = {"level1": i.level1, "level2": i.level2, "annual": i.annual.raw if i.annual else None}
            same = [w for w in want.get((p.name, i.name), [])
                    if all(v is None or v == (w.annual.raw if k == "annual" and w.annual else getattr(w, k, None))
                           for k, v in fields.items())]
            if not same:
                out.append((p.name, i.name, fields))
    # a project's own fields: a stated goal, code, unit or budget the ruled reading has otherwise
    seen: dict[str, int] = {}
    by_name: dict[tuple, object] = {}
    for p in ruled.projects:
        seen[p.name] = seen.get(p.name, 0) + 1
        by_name[(p.name, seen[p.name])] = p
    seen = {}
    for p in got.projects:
        seen[p.name] = seen.get(p.name, 0) + 1
        w = by_name.get((p.name, seen[p.name]))  # projects of one name paired in order
        for field in ("goal", "code", "unit", "department"):
            if w is not None and getattr(p, field) and getattr(p, field) != getattr(w, field):
                out.append((p.name, field, getattr(p, field)))
        for field in ("total", "fiscal"):
            mine = getattr(p.budget, field, None) if p.budget else None
            if w is not None and mine is not None and mine != (getattr(w.budget, field, None) if w.budget else None):
                out.append((p.name, field, mine))
    return out


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
