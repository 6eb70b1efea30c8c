"""One form per project: header fields (项目名称, 项目编码, 主管部门, 实施单位, 资金 rows, 资金支出计划,
绩效目标) above an indicator grid. A document may hold many such forms, each with a title line
(`1.…绩效目标表`) and a unit line (`318001某区财政局本级  单位：万元`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..model import Budget, Project, Section, SpendingPoint, Unit
from ..readers.sheet import Cell, Row
from ..textnorm import ascii_digits, is_amount, parse_amount, squash, strip_seps
from .common import (
    BUDGET_ROLES,
    field_label,
    is_title,
    loc_of,
    money_unit_in,
    split_unit_code,
    strip_code_suffix,
    title_text,
)
from .grid import (
    GridColumns,
    LevelState,
    append_split_row,
    continues_split_row,
    grid_columns,
    mend_split_rows,
    read_indicator_row,
)

_INLINE_FIELD = re.compile(r"^\s*([\u4e00-\u9fff]{2,8}(?:\s*[（(]\s*[万亿]?元\s*[)）])?)\s*[：:]\s*(\S.*)$", re.S)
_INLINE_ROLES = {"name", "code", "department", "unit", "content", "goal", "long_goal"}
_MONTH = re.compile(r"^(\d{1,2})\s*月(?:份)?(?:底|末|前)?$")


@dataclass
class Form:
    heading: str | None = None
    fields: dict[str, str] = field(default_factory=dict)
    budget: dict[str, str] = field(default_factory=dict)
    plan_months: list[tuple[int, int]] = field(default_factory=list)  # (column, month)
    plan: list[SpendingPoint] | None = None
    unit: tuple[str, str | None] | None = None
    grid: GridColumns | None = None
    grid_width: int = 0
    state: LevelState = field(default_factory=LevelState)
    indicators: list = field(default_factory=list)
    first_row: Row | None = None
    last_row: Row | None = None
    pending_columns: dict[int, str] = field(default_factory=dict)  # column → role, values in the next row
    after_budget_block: bool = False

    def started(self) -> bool:
        return bool(self.fields.get("name") or self.indicators or self.fields.get("code"))


@dataclass
class FormResult:
    projects: list[Project] = field(default_factory=list)
    units: list[Unit] = field(default_factory=list)
    departments: list[str] = field(default_factory=list)
    money_unit: str | None = None
    consumed: set[int] = field(default_factory=set)
    sections: list[Section] = field(default_factory=list)  # department-level forms (部门整体绩效目标表)
    overall_goal: str | None = None


def _value_after(cells, k: int) -> tuple[str, int]:
    """The value cell after the label at k: the next slot that is not the label's own merge and not a label."""
    j = k + 1
    while j < len(cells) and cells[j].hspan and cells[j].text == cells[k].text:
        j += 1
    if j >= len(cells):
        return "", j
    if field_label(cells[j].text):
        return "", j
    return cells[j].text, j


def parse_forms(rows: list[Row], skip: set[int], department: str | None) -> FormResult:
    result = FormResult()
    form = Form()
    heading: str | None = None
    unit: tuple[str, str | None] | None = None

    def finish() -> None:
        nonlocal form
        if form.started():
            if _is_department_form(form):
                result.sections.append(_section(form))
                if form.fields.get("goal") and not result.overall_goal:
                    result.overall_goal = form.fields["goal"]
                if form.fields.get("department"):
                    result.departments.append(strip_code_suffix(split_unit_code(form.fields["department"])[0]))
            else:
                result.projects.append(_project(form, department, result))
        form = Form(unit=unit)

    i = 0
    while i < len(rows):
        row = rows[i]
        if i in skip:
            i += 1
            continue
        if row.is_text:
            text = row.cells[0].text
            inline = _INLINE_FIELD.match(text)
            role = field_label(inline.group(1)) if inline else None
            if role in _INLINE_ROLES or role in BUDGET_ROLES and parse_amount(inline.group(2)) is not None:
                row = Row([Cell(inline.group(1), 1), Cell(inline.group(2).strip(), 2)], table=0, line=row.line,
                          page=row.page)
        if row.is_text:
            text = row.cells[0].text
            if is_title(text) and "\n" not in text:
                finish()
                heading = title_text(text)
                form.heading = heading
            mu = money_unit_in(text)
            if mu:
                result.money_unit = result.money_unit or mu
            i += 1
            continue
        cells = row.cells
        lone = [c.text for c in cells if c.text and not c.hspan]
        if len(lone) == 1 and is_title(lone[0]) and not field_label(lone[0]):
            finish()
            heading = title_text(lone[0])
            form.heading = heading
            i += 1
            continue
        labels = [(k, field_label(c.text)) for k, c in enumerate(cells) if c.text and not c.hspan and not c.vspan]
        labels = [(k, r) for k, r in labels if r]
        # a unit line: `318001某区财政局本级 | 单位：万元`
        if not labels and any(money_unit_in(c.text) for c in cells):
            for c in cells:
                mu = money_unit_in(c.text)
                if mu:
                    result.money_unit = result.money_unit or mu
                elif c.text and split_unit_code(c.text)[1]:
                    name, code = split_unit_code(c.text)
                    new_unit = (strip_code_suffix(name), code)
                    if form.started() and not (new_unit == form.unit and not form.indicators):
                        finish()  # a unit line repeated on a new page inside a form does not end it
                    unit = new_unit
                    form.unit = unit
            result.consumed.add(i)
            i += 1
            continue
        below = rows[i + 1] if i + 1 < len(rows) else None
        header = grid_columns(row, below)
        if header is not None:
            if form.grid is not None and form.indicators and header[0].header_texts == form.grid.header_texts:
                result.consumed.update(range(i, i + header[1]))
                i += header[1]  # header repeated on the next page
                continue
            if form.grid is not None and form.indicators:
                finish()
            form.grid, used = header
            form.grid_width = len(row.cells)
            result.consumed.update(range(i, i + used))
            i += used
            continue
        name_cells = [cells[k + 1].text for k, r in labels if r == "name" and k + 1 < len(cells)]
        if name_cells and form.fields.get("name") and strip_seps(name_cells[0]) == strip_seps(form.fields["name"]) \
                and form.grid is not None:
            result.consumed.add(i)
            i += 1  # the form's first rows repeated at the top of a new page
            continue
        if any(r == "name" for _, r in labels) and (form.fields.get("name") or form.indicators):
            keep_heading = form.heading if not form.started() else None
            finish()
            form.heading = keep_heading
        if form.grid is not None and not labels:
            mended = mend_split_rows([row] + ([rows[i + 1]] if i + 1 < len(rows) else []), form.grid_width)
            if len(mended) == 1 and i + 1 < len(rows):
                row = mended[0]
                result.consumed.add(i + 1)
                i += 1
            if form.indicators and continues_split_row(row, form.last_row, form.grid):
                append_split_row(form.indicators[-1], row, form.grid)
                form.last_row = row
                result.consumed.add(i)
                i += 1
                continue
            ind = read_indicator_row(row, form.grid, form.state)
            if ind is not None:
                form.indicators.append(ind)
                form.first_row = form.first_row or row
            form.last_row = row
            result.consumed.add(i)
            i += 1
            continue
        if labels or form.pending_columns or form.after_budget_block or form.plan_months or len(_months(row)) >= 2:
            _read_fields(form, row, labels)
            form.first_row = form.first_row or row
            result.consumed.add(i)
        i += 1
    finish()
    return result


def _months(row: Row) -> list[tuple[int, int]]:
    if not any("月" in c.text for c in row.cells):
        return []
    out = []
    for k, c in enumerate(row.cells):
        if c.hspan or c.vspan:
            continue
        m = _MONTH.match(ascii_digits(squash(c.text)))
        if m and 1 <= int(m.group(1)) <= 12:
            out.append((k, int(m.group(1))))
    return out


def _read_fields(form: Form, row: Row, labels: list[tuple[int, str]]) -> None:
    cells = row.cells
    months = _months(row)
    if len(months) >= 2:
        form.plan_months = months  # 3月底 | 6月底 | …: the spending plan's columns, with or without its label
        return
    if form.plan_months and not [r for _, r in labels if r != "plan"]:
        form.plan = [SpendingPoint(month=m, cumulative_pct=_pct(cells[k].text if k < len(cells) else ""))
                     for k, m in form.plan_months]
        form.plan_months = []
        return
    if not labels:
        if form.pending_columns:
            for k, role in form.pending_columns.items():
                if k < len(cells) and cells[k].text:
                    _store(form, role, cells[k].text)
            form.pending_columns = {}
            return
        if form.after_budget_block:
            texts = [c.text for c in cells if c.text and not c.hspan and not is_amount(c.text)]
            if texts and not form.fields.get("content"):
                form.fields["content"] = texts[-1]
            form.after_budget_block = False
        return
    form.after_budget_block = False
    label_roles = [r for _, r in labels]
    if label_roles == ["plan"]:
        return
    # a row of labels only (`年度资金总额 | 财政拨款 | 其他资金`): the values are in the next row, by column
    valued = [(k, r) for k, r in labels if _value_after(cells, k)[0]]
    if len(labels) >= 2 and not valued or (
            labels and all(r in ("goal", "long_goal") for _, r in labels) and len(labels) >= 2
            and not any(len(c.text) > 12 for c in cells if c.text)):
        form.pending_columns = {k: r for k, r in labels if r != "budget_block"}
        if any(r == "budget_block" for r in label_roles):
            form.after_budget_block = False
        return
    for k, role in labels:
        if role == "budget_block":
            form.after_budget_block = True
            continue
        value, _ = _value_after(cells, k)
        if value:
            _store(form, role, value)


def _store(form: Form, role: str, value: str) -> None:
    if role in BUDGET_ROLES:
        form.budget.setdefault(role, value)
    elif role == "goal":
        form.fields["goal"] = value
    else:
        form.fields.setdefault(role, value)


def _pct(text: str) -> float | None:
    s = ascii_digits(squash(text)).rstrip("%％")
    return parse_amount(s)


def _project(form: Form, department: str | None, result: FormResult) -> Project:
    f = form.fields
    unit_name, unit_code = form.unit if form.unit else (None, None)
    if f.get("unit"):
        name, code = split_unit_code(f["unit"])
        unit_name, unit_code = strip_code_suffix(name), code
    if unit_name and not any(u.name == unit_name and u.code == unit_code for u in result.units):
        result.units.append(Unit(name=unit_name, code=unit_code, budget=None))
    dept = None
    if f.get("department"):
        dept = strip_code_suffix(split_unit_code(f["department"])[0])
        result.departments.append(dept)
    name = strip_seps(f.get("name", "")) or _name_from_heading(form.heading) or "（未命名项目）"
    budget = None
    if form.budget:
        budget = Budget(**{k: parse_amount(form.budget.get(k)) for k in BUDGET_ROLES})
    goal = f.get("goal") or f.get("long_goal")
    return Project(department=dept or department, unit=unit_name, unit_code=unit_code, name=name,
                   code=f.get("code") or None, content=f.get("content") or None, budget=budget,
                   spending_plan=form.plan, goal=goal or None, indicators=form.indicators,
                   loc=loc_of(form.first_row) if form.first_row else None)


def _is_department_form(form: Form) -> bool:
    """A 部门整体绩效目标表: no 项目名称, and a heading or fields that name the department as a whole."""
    if form.fields.get("name") or form.fields.get("code"):
        return False
    return bool(form.heading and "整体" in form.heading) or bool(form.fields.get("department") and not form.heading)


def _section(form: Form) -> Section:
    title = re.sub(r"(?:申报|批复)?表$", "", form.heading or "").strip() or "部门整体绩效目标"
    return Section(title=title, goal=form.fields.get("goal") or form.fields.get("long_goal"),
                   indicators=form.indicators)


def _name_from_heading(heading: str | None) -> str | None:
    if not heading:
        return None
    return re.sub(r"(?:项目)?(?:支出)?绩效目标(?:申报|批复)?表$", "", heading).strip() or None
