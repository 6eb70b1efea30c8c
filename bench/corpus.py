"""Run the parser over the real tables of other provinces (../shared/corpus) and score it.

Per file: recognized or the error, projects, indicators, indicators marked with a problem, and slot
precision/recall/F1 against tests/golden/corpus/<file>.json (golden files read against the source).

    .venv/bin/python bench/corpus.py [--corpus DIR] [--golden DIR]
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from jixiao.errors import JixiaoError
from jixiao.ingest import parse_path
from jixiao.slots import SlotScore, score

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus")
    ap.add_argument("--golden", type=Path, default=ROOT / "tests" / "golden" / "corpus")
    args = ap.parse_args()
    total = SlotScore()
    recognized = files = 0
    started = time.perf_counter()
    print(f"{'file':8} {'kind':16} {'proj':>4} {'ind':>4} {'prob':>4} {'P':>6} {'R':>6} {'F1':>6}")
    for path in sorted(args.corpus.glob("[0-9]*.txt")):
        files += 1
        try:
            doc = parse_path(path).to_json_dict()
        except JixiaoError as exc:
            print(f"{path.stem:8} REFUSED: {exc.message}")
            doc = None
        golden_path = args.golden / f"{path.stem}.json"
        want = json.loads(golden_path.read_text(encoding="utf-8")) if golden_path.exists() else None
        if doc is None:
            if want is not None:
                total.add(score({"projects": []}, want))
            continue
        recognized += 1
        items = [i for p in doc["projects"] for i in p["indicators"]]
        items += [i for s in ((doc.get("overall") or {}).get("sections") or []) for i in s["indicators"]]
        marked = sum(1 for i in items if i.get("problem"))
        if want is None:
            print(f"{path.stem:8} {doc.get('kind', 'target'):16} {len(doc['projects']):4} {len(items):4} {marked:4}  (no golden)")
            continue
        s = score(doc, want)
        total.add(s)
        print(f"{path.stem:8} {doc.get('kind', 'target'):16} {len(doc['projects']):4} {len(items):4} {marked:4} "
              f"{s.precision:6.3f} {s.recall:6.3f} {s.f1:6.3f}")
    print(f"recognized {recognized}/{files}; slots P {total.precision:.3f} R {total.recall:.3f} F1 {total.f1:.3f}; "
          f"annual values emitted {total.annual_emitted}, precision {total.annual_precision:.3f}; "
          f"{time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()
