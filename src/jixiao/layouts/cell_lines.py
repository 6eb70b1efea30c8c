"""Text that puts every cell on its own line (no tabs, no blank lines between rows), as PDF text
extraction or copy-paste from a web page gives. Rebuild rows from it:
- a run of header lines (一级指标, 二级指标, 三级指标, 指标值 …) gives the grid's width; the lines after it
  are cut into rows of that width, a row starting with a 二级 name lacking its 一级 cell and a row starting
  with neither lacking both (merged cells are printed once);
- a form label line (项目名称, 主管部门 …) followed by a value line becomes a two-cell row.
"""

from __future__ import annotations

from ..readers.sheet import Cell, Row
from ..taxonomy import canonical_level1, canonical_level2, is_level_fragment
from .common import field_label, header_role
from .grid import INDICATOR_ROLES, is_grid_header

_STOP_ROLES = {"name", "code", "department", "unit"}


def _single(row: Row) -> str | None:
    return row.cells[0].text if row.is_text and len(row.cells) == 1 else None


def _join_wrapped_levels(rows: list[Row]) -> list[Row]:
    """`产出` + `指标` on two lines → `产出指标`; `产出指标` + `(50分)` likewise."""
    out: list[Row] = []
    for row in rows:
        t = _single(row)
        prev = _single(out[-1]) if out else None
        if t is not None and prev is not None and is_level_fragment(t) and (
                canonical_level1(prev + t) or canonical_level2(prev + t)[0]):
            out[-1] = Row([Cell(prev + t, 1)], line=out[-1].line)
            continue
        out.append(row)
    return out


def regroup_cell_lines(rows: list[Row]) -> list[Row]:
    if any(not r.is_text for r in rows):
        return rows  # the reader found real rows: nothing to rebuild
    rows = _join_wrapped_levels(rows)
    out: list[Row] = []
    table = 0
    i = 0
    n = len(rows)
    while i < n:
        text = _single(rows[i])
        # a grid header spelled one cell per line
        j = i
        roles: dict[str, int] = {}
        while j < n and (t := _single(rows[j])) is not None and (r := header_role(t)) in INDICATOR_ROLES + ("indicators",):
            if r in roles:
                break
            roles[r] = j - i
            j += 1
        if j - i >= 3 and is_grid_header(roles):
            table += 1
            width = j - i
            header = Row([Cell(_single(rows[k]) or "", k - i + 1) for k in range(i, j)], table=table, row=1,
                         line=rows[i].line)
            out.append(header)
            i = j
            count = 1
            while i < n:
                t = _single(rows[i])
                if t is None or field_label(t) in _STOP_ROLES or header_role(t) in ("level1",):
                    break
                if canonical_level1(t):
                    lead = 0
                elif canonical_level2(t)[0]:
                    lead = 1
                else:
                    lead = 2 if "level1" in roles and "level2" in roles else 0
                take = width - lead
                chunk = [_single(rows[k]) for k in range(i, min(n, i + take))]
                if len(chunk) < take or any(c is None for c in chunk):
                    break
                count += 1
                cells = [Cell("", k + 1) for k in range(lead)] + [Cell(c or "", lead + k + 1) for k, c in enumerate(chunk)]
                out.append(Row(cells, table=table, row=count, line=rows[i].line))
                i += take
            continue
        if text is not None and field_label(text) and i + 1 < n:
            nxt = _single(rows[i + 1])
            if nxt is not None and not field_label(nxt) and not header_role(nxt):
                table += 1
                out.append(Row([Cell(text, 1), Cell(nxt, 2)], table=table, row=1, line=rows[i].line))
                i += 2
                continue
        out.append(rows[i])
        i += 1
    return out
