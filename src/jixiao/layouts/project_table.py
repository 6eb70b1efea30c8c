"""Many projects in one table: a header row with 项目名称 and either
- a 绩效指标 column holding each project's indicators as running text (one row per project), or
- indicator grid columns (一级/二级/三级/指标值: one row per indicator, the project cells blank or repeated).

Unit subtotal rows (a name and amounts, no goal and no indicators) and the 合计 row carry budgets.
Page-repeated titles and header rows are skipped.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..model import Budget, Indicator, Project, Unit
from ..readers.sheet import Row
from ..textnorm import is_amount, squash, strip_seps
from .common import (
    BUDGET_ROLES,
    budget_from,
    department_in,
    header_role,
    is_title,
    loc_of,
    money_unit_in,
    split_unit_code,
    strip_code_suffix,
)
from .grid import GridColumns, LevelState, grid_columns, mend_split_rows, read_indicator_row
from .indicator_text import parse_indicator_text

PROJECT_ROLES = ("department", "unit", "name", "code", "content", "goal", "long_goal", "indicators") + BUDGET_ROLES


@dataclass
class TableHeader:
    cols: dict[str, int]
    grid: GridColumns | None
    texts: tuple[str, ...]
    height: int


@dataclass
class TableResult:
    projects: list[Project] = field(default_factory=list)
    units: list[Unit] = field(default_factory=list)
    total: Budget | None = None
    departments: list[str] = field(default_factory=list)
    consumed: set[int] = field(default_factory=set)


def detect_header(rows: list[Row], i: int) -> TableHeader | None:
    row = rows[i]
    if row.is_text:
        return None
    cols: dict[str, int] = {}
    for k, c in enumerate(row.cells):
        if c.hspan or not c.text:
            continue
        role = header_role(c.text)
        if role in PROJECT_ROLES and role not in cols:
            cols[role] = k
    if "name" not in cols or any(is_amount(c.text) for c in row.cells):
        return None
    below = rows[i + 1] if i + 1 < len(rows) else None
    found = grid_columns(row, below)
    if found is None and "indicators" not in cols:
        return None
    height = 1
    grid = None
    if found is not None:
        grid, height = found
        cols.pop("indicators", None)
    # a bare 单位 column left of the project name is the funding unit, not a unit of measure
    for k, c in enumerate(row.cells):
        if squash(c.text) == "单位" and "unit" not in cols and (grid is None or k < cols["name"]):
            cols["unit"] = k
            if grid is not None and grid.cols.get("unit_of_value") == k:
                del grid.cols["unit_of_value"]
    # a header split over two rows: budget columns named in the second row
    if below is not None and not below.is_text and height == 1:
        sub = {header_role(c.text): k for k, c in enumerate(below.cells) if c.text and not c.hspan}
        if sub and all(r in BUDGET_ROLES for r in sub if r) and None not in sub:
            for r, k in sub.items():
                cols[r] = k
            height = 2
    return TableHeader(cols, grid, tuple(squash(c.text) for c in row.cells), height)


def _is_total_row(texts: list[str]) -> bool:
    first = next((t for t in texts if t), "")
    return squash(first) in ("合计", "总计", "合计数", "总合计")


def _has_budget(values: dict[str, str]) -> bool:
    return any(is_amount(values.get(r)) for r in BUDGET_ROLES)


def parse_project_tables(rows: list[Row], department: str | None) -> TableResult:
    result = TableResult()
    i = 0
    while i < len(rows):
        header = detect_header(rows, i)
        if header is None:
            i += 1
            continue
        result.consumed.update(range(i, i + header.height))
        i = _parse_body(rows, i + header.height, header, result, department)
    return result


def _parse_body(rows: list[Row], start: int, header: TableHeader, result: TableResult,
                department: str | None) -> int:
    """Read rows until another kind of table starts; returns the index where reading stopped."""
    width = len(header.texts)
    unit: tuple[str, str | None] | None = None
    current: Project | None = None
    state = LevelState()
    last: tuple[Project, Row, dict] | None = None  # the last project row, for a row split by a page break
    i = start
    while i < len(rows):
        row = rows[i]
        if row.is_text:
            i += 1
            continue
        texts_sq = tuple(squash(c.text) for c in row.cells)
        if texts_sq == header.texts or (texts_sq[: len(header.texts)] == header.texts):
            result.consumed.add(i)
            i += 1  # header repeated on a new page
            continue
        if detect_header(rows, i) is not None:
            return i  # a different table
        if header.grid is not None and any(
                r in ("level1",) for r in (header_role(c.text) for c in row.cells if c.text)):
            return i
        cells = row.cells
        if header.grid is not None:
            mended = mend_split_rows([row] + ([rows[i + 1]] if i + 1 < len(rows) else []), width)
            if len(mended) == 1 and i + 1 < len(rows):
                row = mended[0]
                cells = row.cells
                result.consumed.add(i + 1)
                i += 1
        result.consumed.add(i)
        values = {role: (cells[k].text if k < len(cells) and not cells[k].hspan else "")
                  for role, k in header.cols.items()}
        texts = [c.text for c in cells]
        if not any(texts):
            i += 1
            continue
        lone = [t for t in texts if t]
        if len(lone) == 1 and (is_title(lone[0]) or money_unit_in(lone[0]) or department_in(lone[0])):
            i += 1  # a title or note that a spreadsheet keeps inside the grid
            continue
        if _is_total_row(texts):
            result.total = budget_from(values)
            i += 1
            continue
        name = strip_seps(values.get("name", ""))
        if squash(name) in ("小计", "单位小计", "部门小计"):
            if unit is not None and _has_budget(values):  # a 小计 row closes the unit above it
                for u in result.units:
                    if (u.name, u.code) == unit and u.budget is None:
                        u.budget = budget_from(values)
            i += 1
            continue
        if header.grid is None:
            current = None
            goal, inline, content = values.get("goal"), values.get("indicators"), values.get("content")
            if name and not goal and not inline and not content and (_has_budget(values) or not values.get("unit")):
                unit = _add_unit(result, name, budget_from(values) if _has_budget(values) else None)
                i += 1
                continue
            if not name:
                if last is not None and row.page and last[1].page and row.page > last[1].page:
                    _continue_split_row(last, values, row, header)  # the rest of a row a page break cut
                i += 1
                continue
            project = _new_project(values, unit, department, result, row, header)
            project.indicators = parse_indicator_text(inline or "", loc_of(row, header.cols.get("indicators", 0) + 1))
            result.projects.append(project)
            last = (project, row, dict(values))
            i += 1
            continue
        # grid: one indicator per row
        indicator_row = read_indicator_row(row, header.grid, LevelState(state.level1, state.level2,
                                                                         state.level2_code, state.count))
        starts_new = bool(name) and (current is None or name != current.name
                                     or (values.get("unit") and split_unit_code(values["unit"])[0] != current.unit)
                                     or (values.get("code") and values["code"] != current.code))
        if name and indicator_row is None and not values.get("goal") and _has_budget(values) and not _next_continues(
                rows, i, header):
            unit = _add_unit(result, name, budget_from(values))
            current = None
            i += 1
            continue
        if starts_new:
            current = _new_project(values, unit, department, result, row, header)
            result.projects.append(current)
            state = LevelState()
        if current is None:
            i += 1
            continue
        for role in ("goal", "content"):
            if values.get(role) and not getattr(current, role):
                setattr(current, role, values[role])
        ind: Indicator | None = read_indicator_row(row, header.grid, state)
        if ind is not None:
            current.indicators.append(ind)
        i += 1
    return i


def _continue_split_row(last: tuple[Project, Row, dict], values: dict[str, str], row: Row,
                        header: TableHeader) -> None:
    """A PDF row taller than the space left on a page continues at the top of the next one with its name
    cell empty: append each text cell to the project above and read its indicators again."""
    project, first_row, seen = last
    for role in ("content", "goal", "indicators"):
        more = values.get(role)
        if more:
            seen[role] = (seen.get(role) or "") + more
    project.content = seen.get("content") or None
    project.goal = seen.get("goal") or None
    project.indicators = parse_indicator_text(seen.get("indicators") or "",
                                              loc_of(first_row, header.cols.get("indicators", 0) + 1))


def _next_continues(rows: list[Row], i: int, header: TableHeader) -> bool:
    """In a grid, a project row without an indicator is followed by its indicator rows with a blank name."""
    if i + 1 >= len(rows) or rows[i + 1].is_text:
        return False
    nxt = rows[i + 1]
    k = header.cols["name"]
    name = nxt.cells[k].text if k < len(nxt.cells) else ""
    return not name or nxt.cells[k].vspan


def _add_unit(result: TableResult, text: str, budget: Budget | None) -> tuple[str, str | None]:
    name, code = split_unit_code(text)
    name = strip_code_suffix(name)
    for u in result.units:
        if u.name == name and u.code == code:
            if u.budget is None:
                u.budget = budget
            return name, code
    result.units.append(Unit(name=name, code=code, budget=budget))
    return name, code


def _new_project(values: dict[str, str], unit: tuple[str, str | None] | None, department: str | None,
                 result: TableResult, row: Row, header: TableHeader) -> Project:
    unit_name, unit_code = unit if unit else (None, None)
    if values.get("unit"):
        unit_name, unit_code = _add_unit(result, values["unit"], None)
    dept = strip_code_suffix(split_unit_code(values["department"])[0]) if values.get("department") else None
    if dept:
        result.departments.append(dept)
    has_budget_cols = any(r in header.cols for r in BUDGET_ROLES)
    goal = values.get("goal") or None
    return Project(
        department=dept or department,
        unit=unit_name,
        unit_code=unit_code,
        name=strip_seps(values["name"]),
        code=values.get("code") or None,
        content=values.get("content") or None,
        budget=budget_from(values) if has_budget_cols else None,
        goal=goal,
        loc=loc_of(row, header.cols["name"] + 1),
    )
