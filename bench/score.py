"""Scoring speed: a million indicators of self-evaluation tables recomputed on one core.

    .venv/bin/python bench/score.py [--indicators 1000000] [--per-project 10] [--lights] [--review]

The documents are built from the model (every direction: positive, reverse, equal-to-zero, deadline,
qualitative, with weights, printed scores, a budget execution block and a printed total), so the figure is
the scorer's own cost, not the parser's. Building them is timed apart. `--lights` also colours the same
documents as monitoring tables at month 7, and the self-evaluations at year end (by the points kept); `--review` runs the execution rule family (JX6xx) over them, as
`jixiao review` and `jixiao score` do."""

from __future__ import annotations

import argparse
import random
import time

from jixiao.execution import ScoreConfig, light_document, score_document
from jixiao.model import Document, Evaluation, Execution, Indicator, Project, Source
from jixiao.values import parse_target

# (level1, name, target, actual choices) — each direction of rules.md §3.2
_ROWS = [
    ("产出指标", "培训人次", "≥100人次", ["120人次", "95人次", "80人次"]),
    ("产出指标", "工程验收合格率", "100%", ["100%", "96%"]),
    ("产出指标", "完工时间", "2023年12月底前", ["2023年11月", "2024年2月", "已按期完成"]),
    ("产出指标", "单位成本", "≤150元/人", ["120元/人", "180元/人", "1.6万元/人"]),
    ("效益指标", "投诉率", "≤5%", ["3%", "7%", "12%"]),
    ("效益指标", "安全事故", "0起", ["0起", "1起"]),
    ("效益指标", "群众获得感", "有效提升", ["达成年度指标", "部分达成年度指标并具有一定效果", "未达成年度指标且效果较差"]),
    ("效益指标", "亩均增产", "≥50公斤", ["55公斤", "40公斤", "完成"]),
    ("满意度指标", "受益群众满意度", "≥90%", ["93%", "85%"]),
    ("产出指标", "发放金额", "≥200万元", ["2100000元", "180万元"]),
]
_TARGETS = {raw: parse_target(raw) for _, _, raw, _ in _ROWS}
_ACTUALS = {a: parse_target(a) for _, _, _, acts in _ROWS for a in acts}


def build(n_indicators: int, per_project: int, kind: str, seed: int = 7) -> list[Document]:
    rng = random.Random(seed)
    docs: list[Document] = []
    projects_per_doc = 20
    n_projects = -(-n_indicators // per_project)
    made = 0
    weight = 90 / per_project
    for d in range(-(-n_projects // projects_per_doc)):
        projects = []
        for k in range(min(projects_per_doc, n_projects - d * projects_per_doc)):
            inds = []
            for s in range(min(per_project, n_indicators - made)):
                level1, name, target, acts = _ROWS[(s + k) % len(_ROWS)]
                inds.append(Indicator(seq=s + 1, level1=level1, name=name, annual=_TARGETS[target],
                                      actual=_ACTUALS[rng.choice(acts)], weight=weight,
                                      score=round(weight * rng.choice((1, 1, 0.9, 0.5)), 2)))
                made += 1
            spent = rng.uniform(40, 100)
            projects.append(Project(name=f"项目{d}-{k}", indicators=inds,
                                    execution=Execution(planned=100, adjusted=100, spent=spent, rate=round(spent, 2),
                                                        weight=10, score=round(spent / 10, 2)),
                                    evaluation=Evaluation(score=95.0, grade="优")))
        docs.append(Document(source=Source(name=f"bench{d}.txt", sha256=f"{d:064d}", format="text"), year=2023,
                             kind=kind, as_of_month=7 if kind == "monitoring" else None, projects=projects))
    return docs


class _Clock:
    """Wall time and this process's CPU time: on a shared machine (others' test runs) the wall time grows
    with the load, the CPU time is the one-core cost."""

    def __enter__(self) -> _Clock:
        self.wall, self.cpu = time.perf_counter(), time.process_time()
        return self

    def __exit__(self, *exc) -> None:
        self.wall, self.cpu = time.perf_counter() - self.wall, time.process_time() - self.cpu

    def rate(self, n: int) -> str:
        return (f"{self.wall:.1f} s wall, {self.cpu:.1f} s CPU: {n / self.wall:,.0f} indicators/s wall, "
                f"{n / self.cpu:,.0f}/s CPU")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--indicators", type=int, default=1_000_000)
    ap.add_argument("--per-project", type=int, default=10)
    ap.add_argument("--lights", action="store_true", help="also time monitoring lights")
    ap.add_argument("--review", action="store_true", help="also time the execution rule family")
    args = ap.parse_args()
    with _Clock() as built:
        docs = build(args.indicators, args.per_project, "self_evaluation")
    print(f"built {args.indicators:,} indicators in {len(docs):,} documents in {built.wall:.1f} s")
    cfg = ScoreConfig()
    scored = recomputed = 0
    with _Clock() as c:
        for doc in docs:
            for s in score_document(doc, cfg):
                scored += len(s.indicators)
                recomputed += sum(1 for x in s.indicators if x.recomputed is not None)
    print(f"scored {scored:,} indicators ({recomputed:,} recomputed, the rest not computable by rule) "
          f"on one core in {c.rate(scored)}")
    if args.lights:
        mon = build(args.indicators, args.per_project, "monitoring")
        with _Clock() as c:
            lit = sum(len(pl.indicators) for d in mon for pl in light_document(d, cfg))
        print(f"lit {lit:,} monitoring indicators at month 7 on one core in {c.rate(lit)}")
        del mon
        with _Clock() as c:
            lit = sum(len(pl.indicators) for d in docs for pl in light_document(d, cfg))
        print(f"lit {lit:,} self-evaluation indicators at year end (by points kept) on one core in {c.rate(lit)}")
    if args.review:
        from jixiao.review import Settings, all_rules, review_document

        only = Settings(disabled={r.code for r in all_rules() if not r.code.startswith("JX6")})
        with _Clock() as c:
            found = sum(len(review_document(d, only)) for d in docs)
        print(f"execution rules over {scored:,} indicators on one core in {c.rate(scored)}, {found:,} findings")


if __name__ == "__main__":
    main()
