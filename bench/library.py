"""Suggestion quality: leave-one-project-out recall@k over the seeds and the corpus (or the files given).

    .venv/bin/python bench/library.py [FILES...] [--k 10]

Every file is parsed with `jixiao.ingest.parse_path`. For each project with indicators, the project is held
out; the library is grouped (`library.group`) from every other project's indicators and the documents'
department-wide ones, and a suggester is built from the other projects. It is asked with the held-out
project's name, content and goal (plus its department and budget, as the editor knows them) for k
suggestions. The held-out indicators are matched to that library by the grouping's own rules (same key, or
close to an entry's most used name); a name the library does not know counts as a miss.

Four shares are reported, each a mean over held-out projects:
- `entry`: of the project's distinct library entries, those among the k suggestions (the first version's
  measure, which then grouped the library with the held-out project in it);
- `entry/ind`: the same per indicator;
- `family`: of the project's distinct indicator families (`library.FAMILIES`: all satisfaction rates are
  one family, all timeliness rates another…; any other indicator is a family of its own), those among the
  families of the k suggestions;
- `family/ind`: the same per indicator — "the share of the held-out project's indicators whose library
  group appears in the top k" with the family as the group.
`ceiling` is what a perfect ranking would reach (only names the library knows can be suggested).

Splits show how it generalizes: the library without the held-out project's whole document; for corpus
projects, without any document of the same province or the same year (SOURCES.tsv); for seed projects,
without any project of the same department.
"""

from __future__ import annotations

import argparse
import csv
import re
import sys
import time
from pathlib import Path

from jixiao.errors import JixiaoError
from jixiao.ingest import parse_path
from jixiao.library import Weights, prepare_folds, score_folds

SHARED = Path(__file__).resolve().parent.parent.parent / "shared"
SEEDS = sorted((SHARED / "seeds").glob("*.txt"))
CORPUS = sorted((SHARED / "corpus").glob("*.txt"))
FIRST_VERSION = Weights(families=False, neighbours=20, sharpen=1.0, department=0.0, kind=0.0, prior=0.0)
POPULAR = Weights(knn=0.0, department=0.0, kind=0.0, prior=1.0)


def load(files: list[Path]) -> tuple[list, list[str]]:
    docs, names = [], []
    for f in files:
        try:
            docs.append(parse_path(f))
        except JixiaoError as exc:
            print(f"{f}: {exc}", file=sys.stderr)
            continue
        names.append(f"{f.parent.name}/{f.name}")
    return docs, names


def places(names: list[str], docs: list) -> tuple[list[str | None], list[int | None]]:
    """Province and year of each document: SOURCES.tsv for the corpus, else the document's own year."""
    table = {}
    path = SHARED / "corpus" / "SOURCES.tsv"
    if path.exists():
        with path.open(encoding="utf-8") as fh:
            for row in csv.DictReader(fh, delimiter="\t"):
                m = re.match(r"(.+?(?:省|自治区|北京市|天津市|上海市|重庆市))|(宁夏|广西|内蒙古|新疆|西藏)", row["region"])
                y = re.match(r"(?:19|20)\d{2}", row["year"])
                table[f"corpus/{row['file']}"] = (m.group(0)[:2] if m else None, int(y.group(0)) if y else None)
    provinces, years = [], []
    for name, d in zip(names, docs, strict=True):
        province, year = table.get(name, (None, None))
        provinces.append(province)
        years.append(year or d.year)
    return provinces, years


def line(label: str, folds: list, k: int, weights: Weights | None = None, subset: str | None = None) -> None:
    chosen = [f for f in folds if subset is None or f.source.startswith(subset)]
    if not chosen:
        return
    r = score_folds(chosen, k, weights or Weights())
    ceiling = sum(min(k, len(f.own_families & {e["family"] for e in f.suggester.entry_info.values()}))
                  / len(f.own_families) for f in chosen) / len(chosen)
    hit, same = r.targets
    print(f"| {label} | {r.n} | {r.strict:.3f} | {r.strict_ind:.3f} | {r.family:.3f} | **{r.family_ind:.3f}** "
          f"| {ceiling:.3f} | {same}/{hit} |")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("files", nargs="*", type=Path)
    ap.add_argument("--k", type=int, default=10)
    args = ap.parse_args()
    files = args.files or SEEDS + CORPUS
    docs, names = load(files)
    k = args.k
    start = time.perf_counter()
    folds = prepare_folds(docs, names)
    built = time.perf_counter() - start
    head = ("| | projects | entry | entry/ind | family | family/ind | ceiling (family) | target = suggested |\n"
            "|---|---|---|---|---|---|---|---|")
    print(f"## leave one project out, recall@{k} ({len(docs)} files)\n\n{head}")
    for subset in (None, "seeds/", "corpus/"):
        tag = {None: "all", "seeds/": "seeds", "corpus/": "corpus"}[subset]
        line(f"{tag}: first version (entries, 20 neighbours)", folds, k, FIRST_VERSION, subset)
        line(f"{tag}: most common families only", folds, k, POPULAR, subset)
        line(f"{tag}: **now**", folds, k, None, subset)
    print(f"\n## signals, one at a time (all projects, recall@{k})\n\n{head}")
    base = dict(department=0.0, kind=0.0, prior=0.0, budget=0.0, neighbours=20, sharpen=1.0)
    for label, w in (("families, 20 neighbours", Weights(**base)),
                     ("+ department 0.3", Weights(**base | {"department": 0.3})),
                     ("+ kind 0.2", Weights(**base | {"kind": 0.2})),
                     ("+ budget band 0.2", Weights(**base | {"budget": 0.2})),
                     ("+ prior 0.2", Weights(**base | {"prior": 0.2})),
                     ("40 neighbours, similarity²", Weights(**base | {"neighbours": 40, "sharpen": 2.0})),
                     ("now: 40, similarity², department 0.3, kind 0.2", Weights()),
                     ("now + budget band 0.2", Weights(budget=0.2)),
                     ("now, two entries per family", Weights(per_family=2)),
                     ("now, library-wide most common target", Weights(local_targets=False))):
        line(label, folds, k, w)
    for kk in (5, 20):
        line(f"now, recall@{kk}", folds, kk)
    print(f"\n## splits, recall@{k}\n\n{head}")
    by_doc = prepare_folds(docs, names, train_without=lambda a, b: a == b)
    line("library without the held-out document: all", by_doc, k)
    line("library without the held-out document: seeds", by_doc, k, subset="seeds/")
    line("library without the held-out document: corpus", by_doc, k, subset="corpus/")
    provinces, years = places(names, docs)
    corpus = [i for i, n in enumerate(names) if n.startswith("corpus/")]
    if corpus:
        apart = prepare_folds(docs, names, held=lambda i: i in corpus, train_without=lambda a, b: a == b or (
            provinces[a] is not None and provinces[a] == provinces[b]) or (years[a] is not None and years[a] == years[b]))
        line("corpus, library without its province and its year", apart, k)
    depts = [d.department for d in docs]
    seeds = [i for i, n in enumerate(names) if n.startswith("seeds/")]
    if seeds:
        new_dept = prepare_folds(docs, names, held=lambda i: i in seeds,
                                 train_without=lambda a, b: a == b or depts[a] is not None and depts[a] == depts[b])
        line("seeds, library without the department's documents", new_dept, k)
    print(f"\nfolds built in {built:.1f} s ({len(folds)} projects)")


if __name__ == "__main__":
    main()
