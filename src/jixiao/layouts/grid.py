"""An indicator grid: one indicator per row under 一级/二级/三级/指标值 columns (and their many variants).

Shared by the per-project form and the many-projects table. Blank 一级/二级 cells continue the row above;
the operator and the unit may sit in columns of their own and are joined into the value as printed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..model import Indicator
from ..readers.sheet import Cell, Row
from ..taxonomy import canonical_level1, canonical_level2, is_level_fragment
from ..textnorm import squash, strip_seps
from ..values import op_of, parse_target
from .common import header_role, loc_of
from .vocab import level_points

INDICATOR_ROLES = ("level1", "level2", "level3", "description", "annual", "period", "value", "op",
                   "unit_of_value", "basis")
VALUE_ROLES = ("annual", "period", "value")


@dataclass
class GridColumns:
    """Column index (0-based position in the row) of each role."""

    cols: dict[str, int]
    header_texts: tuple[str, ...] = ()

    def has(self, role: str) -> bool:
        return role in self.cols


@dataclass
class LevelState:
    level1: str | None = None
    level2: str | None = None
    level2_code: str | None = None
    level1_points: float | None = None  # printed on the first-level label: `产出指标(50分)`
    count: int = 0
    extra: dict = field(default_factory=dict)


def _cell(row: Row, index: int | None) -> str:
    if index is None or index >= len(row.cells):
        return ""
    c = row.cells[index]
    return "" if c.hspan else c.text


def roles_of(row: Row, skip_vspan: bool = False) -> dict[str, int]:
    out: dict[str, int] = {}
    for i, c in enumerate(row.cells):
        if c.hspan or not c.text or (skip_vspan and c.vspan):
            continue
        role = header_role(c.text)
        if role and role not in out:
            out[role] = i
    return out


def is_grid_header(roles: dict[str, int]) -> bool:
    has_value = any(r in roles for r in VALUE_ROLES)
    has_level = sum(r in roles for r in ("level1", "level2", "level3")) >= 2
    return has_value and has_level or ("level3" in roles and has_value)


def grid_columns(row: Row, below: Row | None) -> tuple[GridColumns, int] | None:
    """Columns of a grid header; a second header row (年度/实施周期 under 指标值) is folded in.

    Returns the columns and how many rows the header took."""
    roles = roles_of(row)
    if not is_grid_header(roles):
        return None
    used = 1
    if below is not None and not below.is_text:
        below_roles = roles_of(below, skip_vspan=True)  # a header cell merged down is not a sub-header
        sub = {r: i for r, i in below_roles.items() if r in INDICATOR_ROLES}
        numeric = any(parse_target(c.text) and parse_target(c.text).kind == "number"
                      for c in below.cells if c.text and not header_role(c.text))
        if sub and not numeric and not any(r in below_roles for r in ("level1",)) or (
                sub and set(sub) <= {"annual", "period", "op", "unit_of_value", "value"}):
            for r, i in sub.items():
                roles[r] = i
            if ("annual" in sub or "period" in sub) and "value" in roles and roles["value"] not in sub.values():
                del roles["value"]
            used = 2
    if "value" in roles and ("annual" in roles or "period" in roles):
        # a bare 指标值 beside 年度/实施周期 columns is a group label
        if "annual" not in roles:
            roles["annual"] = roles.pop("value")
        else:
            del roles["value"]
    cols = {r: i for r, i in roles.items() if r in INDICATOR_ROLES}
    return GridColumns(cols, tuple(squash(c.text) for c in row.cells)), used


def join_value(op_text: str, value_text: str, unit_text: str) -> str:
    """`≥` + `95` + `%` → `≥95%`; a unit already printed in the value is not repeated."""
    value = value_text.strip()
    if not value:
        return ""
    op = op_text.strip()
    if op and not op_of(op):
        op = ""  # 定性/定量/正向 describe the indicator, they are not an operator
    if op and value.startswith(op):
        op = ""
    unit = unit_text.strip()
    if unit and (value.endswith(unit) or not re.search(r"\d\s*$", value)):
        unit = ""
    return f"{op}{value}{unit}"


def read_indicator_row(row: Row, grid: GridColumns, state: LevelState) -> Indicator | None:
    """One grid row → an Indicator, or None for a label row (a 二级 heading, a wrapped fragment)."""
    get = grid.cols.get
    l1_text = _cell(row, get("level1"))
    l2_text = _cell(row, get("level2"))
    if l1_text and not is_level_fragment(l1_text):
        l1 = canonical_level1(l1_text)
        if l1 is not None and l1 != state.level1:
            state.level1, state.level2, state.level2_code = l1, None, None
            state.level1_points = level_points(l1_text)
        elif l1 is None:
            l2_as_l1, _ = canonical_level2(l1_text)
            if l2_as_l1 is None:
                state.level1, state.level2, state.level2_code = None, None, None
                state.level1_points = None
    if l2_text and not is_level_fragment(l2_text):
        l2, code = canonical_level2(l2_text)
        state.level2, state.level2_code = l2, code
    name = strip_seps(_cell(row, get("level3")))
    description = strip_seps(_cell(row, get("description")))
    op_text = _cell(row, get("op"))
    unit_text = _cell(row, get("unit_of_value"))
    annual_raw = join_value(op_text, _cell(row, get("annual")) or _cell(row, get("value")), unit_text)
    period_raw = join_value(op_text, _cell(row, get("period")), unit_text)
    basis = strip_seps(_cell(row, get("basis")))
    if not name and not annual_raw and not period_raw:
        return None
    problem = None
    if not name:
        if description:
            name, description = description, ""
        else:
            name = annual_raw or period_raw
            problem = "该行缺少三级指标名称"
    state.count += 1
    col = (get("level3") or 0) + 1
    return Indicator(seq=state.count, level1=state.level1, level2=state.level2, level2_code=state.level2_code,
                     name=name, description=description or None, annual=parse_target(annual_raw),
                     period=parse_target(period_raw), basis=basis or None, level1_points=state.level1_points,
                     loc=loc_of(row, col), problem=problem)


def mend_split_rows(rows: list[Row], width: int) -> list[Row]:
    """Rejoin a row that a stray line break cut in two (`…2023年底完成` / `计划标准`): two adjacent short
    rows whose cell counts add up to the header's width become one row."""
    out: list[Row] = []
    i = 0
    while i < len(rows):
        row = rows[i]
        nxt = rows[i + 1] if i + 1 < len(rows) else None
        if (nxt is not None and not row.is_text and not nxt.is_text and len(row.cells) < width
                and len(nxt.cells) < width and len(row.cells) + len(nxt.cells) == width):
            # new cells: the reader's Sheet is shared with the other layouts and is never mutated
            cells = [Cell(c.text, k + 1, c.hspan, c.vspan, c.bbox)
                     for k, c in enumerate(list(row.cells) + list(nxt.cells))]
            out.append(Row(cells, table=row.table, row=row.row, page=row.page, line=row.line))
            i += 2
            continue
        out.append(row)
        i += 1
    return out


def continues_split_row(row: Row, previous: Row | None, grid: GridColumns) -> bool:
    """The top of a new PDF page holding the rest of an indicator row a page break cut: its 三级 cell
    is empty (the name was on the page before) and it has text in other columns."""
    if previous is None or not row.page or not previous.page or row.page <= previous.page:
        return False
    if _cell(row, grid.cols.get("level3")):
        return False
    return any(_cell(row, grid.cols.get(r)) for r in ("description", "annual", "period", "value", "basis"))


def append_split_row(ind: Indicator, row: Row, grid: GridColumns) -> None:
    """Add the rest of a split row to the indicator it continues."""
    get = grid.cols.get
    more = {r: _cell(row, get(r)) for r in ("description", "annual", "period", "value", "basis")}
    if more["description"]:
        ind.description = (ind.description or "") + more["description"]
    if more["basis"]:
        ind.basis = strip_seps((ind.basis or "") + more["basis"])
    annual = more["annual"] or more["value"]
    if annual:
        ind.annual = parse_target((ind.annual.raw if ind.annual else "") + annual)
    if more["period"]:
        ind.period = parse_target((ind.period.raw if ind.period else "") + more["period"])
