"""Arithmetic: budget columns that do not add up, a spending plan that decreases or never reaches 100%,
a quantity target times a unit-cost cap that cannot match the budget."""

from __future__ import annotations

import re
from collections import defaultdict

from ..engine import Example, rule

TOLERANCE = 0.011  # amounts are printed to the cent


def _b(total, fiscal=None, special=None, other=None) -> dict:
    return {"total": total, "fiscal": fiscal, "special": special, "other": other}


def _budget_text(b) -> str:
    parts = [f"总计 {b.total}"]
    for label, v in (("财政拨款", b.fiscal), ("财政专户拨款", b.special), ("其他资金", b.other)):
        if v is not None:
            parts.append(f"{label} {v}")
    return "，".join(parts)


def _parts_sum(b) -> float | None:
    values = [v for v in (b.fiscal, b.special, b.other) if v is not None]
    return sum(values) if values else None


def _parts_disagree(b) -> bool:
    """Without the 财政拨款 part (a table that splits it by level, 中央/省级/市级, or leaves it out) the known
    parts are only a lower bound: they disagree only when they exceed the total."""
    s = _parts_sum(b)
    if s is None:
        return False
    if b.fiscal is None:
        return s - b.total > TOLERANCE
    return abs(s - b.total) > TOLERANCE


@rule("JX401", "budget-parts-do-not-add-up", "error", "document",
      summary="总计不等于财政拨款、财政专户拨款与其他资金之和（合计行、单位小计、项目）",
      rationale="预算表的平衡关系：总计 = 财政拨款 + 财政专户拨款 + 其他资金", fix="核对各列金额。",
      bad=Example("100 ≠ 80 + 10", document={"projects": [{"name": "培训", "budget": _b(100, 80, None, 10)}]}),
      good=Example("100 = 90 + 10", document={"projects": [{"name": "培训", "budget": _b(100, 90, None, 10)}]}))
def parts_sum(ctx):
    doc = ctx.document
    rows = [("合计", doc.total, None)] + [(f"单位小计：{u.name}", u.budget, None) for u in doc.units]
    # a self-evaluation's budget block is checked against its execution columns by JX611; not twice
    rows += [(f"项目：{p.name}", p.budget, p) for p in doc.projects if p.execution is None]
    for label, b, project in rows:
        if b is None or b.total is None:
            continue
        s = _parts_sum(b)
        if _parts_disagree(b):
            yield ctx.finding(f"{label} 的总计 {b.total} 不等于各资金来源之和 {round(s, 2)}", _budget_text(b),
                              project=project)


@rule("JX402", "units-do-not-add-up-to-total", "error", "document",
      summary="各单位小计之和不等于合计", rationale="预算表的平衡关系：合计 = Σ 单位小计", fix="核对合计行与各单位小计。",
      bad=Example("合计 100，单位 60 + 30", document={"total": _b(100, 100), "units": [
          {"name": "甲单位", "budget": _b(60, 60)}, {"name": "乙单位", "budget": _b(30, 30)}]}),
      good=Example("合计 90，单位 60 + 30", document={"total": _b(90, 90), "units": [
          {"name": "甲单位", "budget": _b(60, 60)}, {"name": "乙单位", "budget": _b(30, 30)}]}))
def units_total(ctx):
    doc = ctx.document
    budgets = [u.budget.total for u in doc.units if u.budget and u.budget.total is not None]
    if doc.total is None or doc.total.total is None or not budgets or len(budgets) != len(doc.units):
        return
    if abs(sum(budgets) - doc.total.total) > TOLERANCE * len(budgets):
        yield ctx.finding(f"各单位小计之和 {round(sum(budgets), 2)} 不等于合计 {doc.total.total}",
                          "；".join(f"{u.name} {u.budget.total}" for u in doc.units))


@rule("JX403", "projects-do-not-add-up-to-unit", "error", "document",
      summary="单位下各项目之和不等于该单位小计", rationale="预算表的平衡关系：单位小计 = Σ 项目", fix="核对单位小计与所属项目金额。",
      bad=Example("小计 100，项目 50 + 30", document={"units": [{"name": "甲单位", "budget": _b(100, 100)}], "projects": [
          {"name": "培训", "unit": "甲单位", "budget": _b(50, 50)}, {"name": "购置", "unit": "甲单位", "budget": _b(30, 30)}]}),
      good=Example("小计 80，项目 50 + 30", document={"units": [{"name": "甲单位", "budget": _b(80, 80)}], "projects": [
          {"name": "培训", "unit": "甲单位", "budget": _b(50, 50)}, {"name": "购置", "unit": "甲单位", "budget": _b(30, 30)}]}))
def projects_unit(ctx):
    doc = ctx.document
    sums: dict[str, list[float]] = defaultdict(list)
    for p in doc.projects:
        if p.unit and p.budget and p.budget.total is not None:
            sums[p.unit].append(p.budget.total)
    for u in doc.units:
        if u.budget is None or u.budget.total is None or u.name not in sums:
            continue
        total = sum(sums[u.name])
        if abs(total - u.budget.total) > TOLERANCE * len(sums[u.name]):
            yield ctx.finding(f"“{u.name}”下 {len(sums[u.name])} 个项目之和 {round(total, 2)} 不等于单位小计 {u.budget.total}",
                              f"单位小计 {u.budget.total}；项目合计 {round(total, 2)}")


def _plan(*pcts) -> list[dict]:
    return [{"month": m, "cumulative_pct": v} for m, v in zip((3, 6, 10, 12), pcts, strict=True)]


@rule("JX404", "spending-plan-inconsistent", "warning", "project",
      summary="资金支出计划（累计进度）下降，或到年底未达到 100%", rationale="资金支出计划按累计进度填报，应单调不减并在年底达到 100%",
      fix="按累计比例填写各时点的支出进度，12 月底为 100%。",
      bad=Example("50% → 40%", {"name": "培训", "spending_plan": _plan(20, 50, 40, 100)}),
      good=Example("25% → 100%", {"name": "培训", "spending_plan": _plan(25, 50, 75, 100)}))
def spending_plan(ctx):
    plan = ctx.project.spending_plan
    if not plan:
        return
    points = [(s.month, s.cumulative_pct) for s in plan if s.cumulative_pct is not None]
    if not points:
        yield ctx.finding("资金支出计划各时点均未填写", "资金支出计划：（空）")
        return
    for (m1, v1), (m2, v2) in zip(points, points[1:], strict=False):
        if v2 < v1:
            yield ctx.finding(f"资金支出计划的累计进度从 {m1} 月底 {v1:g}% 降到 {m2} 月底 {v2:g}%",
                              "；".join(f"{m}月底 {v:g}%" for m, v in points))
            return
    if points[-1][1] < 100:
        yield ctx.finding(f"资金支出计划到 {points[-1][0]} 月底只有 {points[-1][1]:g}%，未达到 100%",
                          "；".join(f"{m}月底 {v:g}%" for m, v in points))


_MONEY = {"元": 1.0, "千元": 1000.0, "万元": 10000.0, "亿元": 1e8}


def _per_unit_cost(t) -> tuple[float, str] | None:
    """`≤500元/个` → (500 元, `个`)."""
    if t is None or t.kind != "number" or t.op not in ("<=", "<", "=") or not t.unit or "/" not in t.unit:
        return None
    money, _, per = t.unit.partition("/")
    if money not in _MONEY or not per:
        return None
    return t.value * _MONEY[money], per


def _ind(name, raw, op, value, unit, level2="数量指标"):
    return {"level1": "产出指标", "level2": level2, "name": name,
            "annual": {"raw": raw, "kind": "number", "op": op, "value": value, "unit": unit}}


def _chars(name: str) -> set[str]:
    return set(re.sub(r"[^\u4e00-\u9fffA-Za-z]", "", name)) - set("指标数量成本单价标准元每")


def _pairs(project) -> list[tuple]:
    """Each unit-cost cap with the quantity it prices: same unit (`元/亩` prices `亩`), the closest name,
    then the nearest row; a quantity is priced once. A project that spends on several things (land, planting,
    works) has one pair for each, and its budget is their sum."""
    costs = [(i, c) for i in project.indicators if (c := _per_unit_cost(i.annual))]
    candidates = []
    for cost_ind, (per_cost, per) in costs:
        for q in project.indicators:
            t = q.annual
            if q is cost_ind or t is None or t.kind != "number" or t.op not in (">=", ">", "=") or t.unit != per:
                continue
            if re.search(r"率|比例", q.name) or t.value is None:
                continue
            overlap = len(_chars(q.name) & _chars(cost_ind.name))
            candidates.append((-overlap, abs(q.seq - cost_ind.seq), q.seq, cost_ind.seq, q, cost_ind, per_cost))
    pairs, used = [], set()
    for *_, q, cost_ind, per_cost in sorted(candidates, key=lambda c: c[:4]):
        if id(q) in used or id(cost_ind) in used:
            continue
        used |= {id(q), id(cost_ind)}
        pairs.append((q, cost_ind, q.annual.value * per_cost))
    return sorted(pairs, key=lambda pair: pair[0].seq)


@rule("JX405", "quantity-cost-budget-mismatch", "warning", "project",
      summary="数量指标 × 单位成本上限 远小于项目预算：预算超出目标所需，或目标定得过低",
      rationale="财预〔2015〕88号适当性审核：绩效目标与资金量相匹配；项目有几组“数量 × 单价”时，与预算比较的是各组之和",
      fix="核对数量目标、单位成本与预算金额，使三者相互印证。",
      bad=Example("1万个 × ≤100元/个 = 100万元，预算 1000万元", {
          "name": "物资采购", "budget": _b(1000, 1000), "indicators": [
              dict(_ind("购买数量", "≥10000个", ">=", 10000, "个"), seq=1),
              dict(_ind("单位成本", "≤100元/个", "<=", 100, "元/个", "成本指标"), seq=2)]}),
      good=Example("10万个 × ≤100元/个 = 1000万元，预算 1000万元", {
          "name": "物资采购", "budget": _b(1000, 1000), "indicators": [
              dict(_ind("购买数量", "≥100000个", ">=", 100000, "个"), seq=1),
              dict(_ind("单位成本", "≤100元/个", "<=", 100, "元/个", "成本指标"), seq=2)]}),
      ratio=0.9)
def quantity_cost(ctx):
    p, money_unit = ctx.project, ctx.document.money_unit or "万元"
    if p.budget is None or not p.budget.total or money_unit not in _MONEY:
        return
    budget_yuan = p.budget.total * _MONEY[money_unit]
    pairs = _pairs(p)
    need = sum(n for *_, n in pairs)
    if not pairs or need >= budget_yuan * ctx.option("ratio"):
        return  # only when even the sum of every pair falls short of the budget
    q, cost_ind, _ = pairs[0]
    budget = f"预算为 {p.budget.total:g}{money_unit}"
    if len(pairs) == 1:
        yield ctx.finding(
            f"按“{q.name}”{q.annual.raw} × “{cost_ind.name}”{cost_ind.annual.raw} 计，最多需要 "
            f"{need / _MONEY[money_unit]:g}{money_unit}，而{budget}",
            f"{q.name}：{q.annual.raw}；{cost_ind.name}：{cost_ind.annual.raw}；预算：{p.budget.total:g}{money_unit}",
            indicator=q)
        return
    terms = " + ".join(f"“{a.name}”{a.annual.raw} × “{c.name}”{c.annual.raw}" for a, c, _ in pairs)
    parts = " + ".join(f"{n / _MONEY[money_unit]:g}" for *_, n in pairs)
    yield ctx.finding(
        f"按 {terms} 计，最多需要 {parts} = {need / _MONEY[money_unit]:g}{money_unit}，而{budget}",
        "；".join(f"{a.name}：{a.annual.raw}；{c.name}：{c.annual.raw}" for a, c, _ in pairs)
        + f"；预算：{p.budget.total:g}{money_unit}", indicator=q)
