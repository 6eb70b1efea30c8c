"""What the editor edits: one project's fields and its indicator rows, each target split the way the
national system's form splits it (计算符号, 指标值, 计量单位). `to_document` turns it into the interchange
Document the review, the store and the export read; `from_project` turns a stored project into it (copy
last year's table, or any stored one).

A row keeps what the officer typed in its own fields, so a placeholder such as `**` stays visible and the
save checks can name it; the Document gets the target the values grammar reads from the joined text."""

from __future__ import annotations

import hashlib
import json
from typing import Annotated

from pydantic import BaseModel, Field

from ..model import Budget, Document, Indicator, Project, Source, Target
from ..values import parse_target

# the operators of the national form (rules.md §1.5); 定性 takes its value as text
OPERATORS = ("≥", ">", "=", "<", "≤", "定性")
_OP_OF_SYMBOL = {"≥": ">=", ">": ">", "=": "=", "<": "<", "≤": "<="}
_SYMBOL_OF_OP = {v: k for k, v in _OP_OF_SYMBOL.items()}


class Row(BaseModel):
    """One 三级 indicator row of the grid (an empty one is a skeleton slot)."""

    level1: str | None = None
    level2: str | None = None
    name: str = ""
    op: str = "≥"
    value: str = ""
    unit: str = ""
    basis: str = ""
    description: str = ""
    period: str | None = None  # 实施周期指标值 of a copied table, kept as printed (the editor does not show it)

    def is_empty(self) -> bool:
        return not (self.name.strip() or self.value.strip())

    def raw(self) -> str:
        """The target as one string: operator, number, unit (`≥95%`); a 定性 value as typed; a bare `=`
        number without its sign, as tables print it."""
        value = self.value.strip()
        if not value:
            return ""
        if self.op not in _OP_OF_SYMBOL:
            return value
        unit = self.unit.strip()
        return f"{'' if self.op == '=' else self.op}{value}{unit if not value.endswith(unit) else ''}"


Money = Annotated[float | None, Field(allow_inf_nan=False)]


class Fields(BaseModel):
    """The project's own fields (spec: Project) and the table's year and money unit."""

    name: str = ""
    code: str = ""
    department: str = ""
    unit: str = ""
    year: int | None = None
    content: str = ""
    goal: str = ""
    money_unit: str = "万元"
    budget_total: Money = None
    budget_fiscal: Money = None
    budget_other: Money = None


class Content(BaseModel):
    fields: Fields = Field(default_factory=Fields)
    rows: list[Row] = Field(default_factory=list)
    kind: str = "other"  # the project kind the skeleton was built for (skeleton.KINDS)


def _opt(text: str) -> str | None:
    text = text.strip()
    return text or None


def target_of(row: Row) -> Target | None:
    raw = row.raw()
    return parse_target(raw) if raw else None


def indicators_of(content: Content) -> list[Indicator]:
    """The rows that hold something, as indicators; `seq` is the row's 1-based place in the grid, so a finding
    about an indicator finds its row again."""
    out = []
    for n, row in enumerate(content.rows, start=1):
        if row.is_empty():
            continue
        period = parse_target(row.period) if row.period else None
        out.append(Indicator(seq=n, level1=row.level1 or None, level2=row.level2 or None, name=row.name.strip(),
                             description=_opt(row.description), annual=target_of(row), period=period,
                             basis=_opt(row.basis)))
    return out


def fingerprint(content: Content) -> str:
    return hashlib.sha256(json.dumps(content.model_dump(mode="json"), ensure_ascii=False, sort_keys=True)
                          .encode("utf-8")).hexdigest()


def to_document(content: Content, source_name: str = "草稿", renumber: bool = False) -> Document:
    """The draft as a one-project Document. `renumber` gives the indicators 1..n (for storing and export);
    without it `seq` is the grid row (for findings)."""
    f = content.fields
    has_budget = any(v is not None for v in (f.budget_total, f.budget_fiscal, f.budget_other))
    budget = Budget(total=f.budget_total, fiscal=f.budget_fiscal, other=f.budget_other) if has_budget else None
    indicators = indicators_of(content)
    if renumber:
        indicators = [i.model_copy(update={"seq": n}) for n, i in enumerate(indicators, start=1)]
    project = Project(department=_opt(f.department), unit=_opt(f.unit), name=f.name.strip() or "（未命名项目）",
                      code=_opt(f.code), content=_opt(f.content), budget=budget, goal=_opt(f.goal),
                      indicators=indicators)
    title = f"{f.year}年度项目支出绩效目标表" if f.year else "项目支出绩效目标表"
    return Document(source=Source(name=source_name, sha256=fingerprint(content), format="text"), title=title,
                    year=f.year, department=_opt(f.department), money_unit=_opt(f.money_unit),
                    projects=[project])


def _number(v: float | None) -> str:
    return "" if v is None else f"{v:g}"


def row_of(ind: Indicator) -> Row:
    t = ind.annual
    base = {"level1": ind.level1, "level2": ind.level2, "name": ind.name, "basis": ind.basis or "",
            "description": ind.description or "", "period": ind.period.raw if ind.period else None}
    if t is None:
        return Row(**base, op="≥", value="")
    if t.kind == "number" and t.op in _SYMBOL_OF_OP and t.value is not None:
        return Row(**base, op=_SYMBOL_OF_OP[t.op], value=_number(t.value), unit=t.unit or "")
    return Row(**base, op="定性", value=t.raw)


def from_project(doc: Document, project: Project, year: int | None = None) -> Content:
    """A stored project as editor content (for a copy: `year` is the new table's year)."""
    b = project.budget
    fields = Fields(name=project.name, code=project.code or "", department=project.department or doc.department or "",
                    unit=project.unit or "", year=year if year is not None else doc.year,
                    content=project.content or "", goal=project.goal or "", money_unit=doc.money_unit or "万元",
                    budget_total=b.total if b else None, budget_fiscal=b.fiscal if b else None,
                    budget_other=b.other if b else None)
    return Content(fields=fields, rows=[row_of(i) for i in project.indicators])
