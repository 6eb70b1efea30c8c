"""docs/rules.md, generated from the rule catalog (`jixiao rules --format md`)."""

from __future__ import annotations

import importlib
import json

from .engine import all_rules
from .precision import PRECISION
from .report import PENALTY

_FAMILY_ZH = {"completeness": "完整性", "measurability": "可衡量性", "consistency": "一致性",
              "arithmetic": "勾稽关系", "copying": "照抄与相关性", "execution": "执行与自评"}


def _example(ex) -> str:
    data = ex.project if ex.project is not None else ex.document
    return json.dumps(data, ensure_ascii=False)


def markdown() -> str:
    lines = ["# Review rules", "",
             "Generated from the rule catalog by `jixiao rules --format md`; do not edit by hand.", "",
             "Each rule has a code, a name, a default severity, the source it rests on, and a bad and a good "
             "example (both are tests). Configure with a TOML file passed as `jixiao review --config FILE`:", "",
             "```toml", "[review]", 'disable = ["JX103"]          # rules to turn off',
             'enable = ["JX504"]           # experimental rules, off by default', "[review.severity]",
             'JX105 = "info"               # error, warning or info', "[review.options.JX105]",
             "min_indicators = 4           # a rule's thresholds (listed below)", "```", "",
             "## Quality score", "",
             f"A project starts at 100 and loses {PENALTY['error']} per error, {PENALTY['warning']} per warning and "
             f"{PENALTY['info']} per info finding about it (never below 0). A department's score is the mean of its "
             "projects' scores weighted by their number of indicators (at least 1 each), less the same penalties for "
             "document-level findings that name no project. Reports list the lowest scores first.", ""]
    lines += ["| code | name | severity | family | checks |", "|---|---|---|---|---|"]
    for r in all_rules():
        flag = "" if r.enabled else " (off by default)"
        lines.append(f"| [{r.code}](#{r.code.lower()}) | {r.name} | {r.severity}{flag} | "
                     f"{_FAMILY_ZH[r.family]} | {r.summary} |")
    for r in all_rules():
        lines += ["", f"## {r.code}", "", f"**{r.name}** · {r.severity}{'' if r.enabled else ' · off by default'} · "
                  f"{_FAMILY_ZH[r.family]} · scope: {r.scope}", "", r.summary, "", f"- Why: {r.rationale}",
                  f"- Fix: {r.fix}"]
        if r.defaults:
            lines.append("- Options: " + ", ".join(f"`{k} = {v}`" for k, v in r.defaults.items()))
        lines += [f"- Bad ({r.bad.description}): `{_example(r.bad)}`",
                  f"- Good ({r.good.description}): `{_example(r.good)}`"]
    lines += ["", PRECISION.strip()]  # how the rules did on real documents
    for family in _FAMILY_ZH:  # a family may record its own notes too
        notes = getattr(importlib.import_module(f".rules.{family}", __package__), "PRECISION", None)
        if notes:
            lines += ["", notes.strip()]
    return "\n".join(lines) + "\n"
