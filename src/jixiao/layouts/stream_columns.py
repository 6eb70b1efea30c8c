"""The indicator grid's columns: a run of header cells read into column roles (`Grid`), group labels
(`绩效指标`) told from columns, and a header inferred from the first row where the text starts mid-table.

Separate because finding the columns is done once per grid and needs only the tokens, while everything
after it (cutting rows, matching cells to columns) reads the `Grid` this module makes; the row cutter
also asks it whether a token starts a new header.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..readers.sheet import Row
from ..textnorm import squash
from .stream_cells import VALUE_KIND, _cell_kind, is_level_token
from .tokens import Tok
from .vocab import TICK_REASONS, column_role, field_role


@dataclass
class Grid:
    cols: list[str]  # roles after the level columns, in printed order
    has_level1: bool
    has_level2: bool
    ticks: dict[int, str] = field(default_factory=dict)  # column → ticked reason name (monitoring tables)
    positions: dict[int, str] = field(default_factory=dict)  # column → role, where the header's cells have one
    width: int = 0  # cells in the header's row: a data row as wide as it is read by position
    seq_col: int | None = None  # a leading 序号 column: its numbers are not indicators
    has_seq: bool = False


def _read_header(toks: list[Tok], i: int, rows: list[Row] | None = None) -> tuple[Grid, int] | None:
    """A run of column headers starting at token i (group labels such as `绩效指标` skipped)."""
    pairs: list[tuple[str, int | None]] = []  # (role, column) in printed order
    texts: list[str] = []
    j = i
    n = len(toks)
    # a header that continues a row of project fields (a flat export) is not this reader's
    k = i - 1
    while k >= 0 and toks[k].row == toks[i].row and toks[i].cell and not toks[i].start:
        if not _is_group_label(toks[k].text):
            return None
        k -= 1
    long_block = k >= 0 and bool(re.search(r"长期|实施期|实施周期", squash(toks[k].text))) and _is_group_label(toks[k].text)
    while j < n:
        text = toks[j].text
        s = squash(text)
        if _is_group_label(text):
            if pairs and s == "绩效指标" and all(r != "name" for r, _ in pairs) and pairs[-1][0] == "level1":
                pairs.append(("name", toks[j].col))  # `绩效指标分类 | 绩效指标 | 绩效指标描述`: the indicator column
                texts.append(s)
                j += 1
                continue
            if pairs:
                break
            long_block = bool(re.search(r"长期|实施期|实施周期", s))
            j += 1
            continue
        role = column_role(text)
        if role is None:
            if s == "优良中差":
                pairs.extend([("grade_a", None), ("grade_b", None), ("grade_c", None), ("grade_d", None)])
                j += 1
                continue
            if (pairs and toks[j].cell and toks[j].row == toks[i].row and not toks[j].start and 2 <= len(s) <= 12
                    and not re.search(r"\d", s) and not is_level_token(text) and not field_role(text)):
                pairs.append(("unknown", toks[j].col))  # a header word never seen: its role comes from its place
                texts.append(s)
                j += 1
                continue
            break
        pairs.append((role, toks[j].col))
        texts.append(s)
        j += 1
    roles = [r for r, _ in pairs]
    # `偏差原因分析` over `经费保障 | 制度保障 | … | 其他`: ticked reason columns, read by position
    ticks: dict[int, str] = {}
    if "deviation" in roles:
        while j < n and squash(toks[j].text) in TICK_REASONS and toks[j].col is not None:
            ticks[toks[j].col] = squash(toks[j].text)
            j += 1
        if ticks:
            pairs = [(r, c) for r, c in pairs if r != "deviation"]
    # `指标值` over `实施周期 | 年度`: the group label is not a column
    generic = [x for x, t in enumerate(texts) if t in ("指标值", "目标值")]
    if generic and sum(1 for r, _ in pairs if r in ("annual", "period")) >= 3:
        del pairs[generic[0]]
    while pairs and pairs[-1][0] == "unknown":
        pairs.pop()
    roles = [r for r, _ in pairs]
    if "name" not in roles and "description" not in roles and "unknown" in roles:
        k = roles.index("unknown")
        if all(r in ("level1", "level2") for r in roles[:k]) and any(r in VALUE_KIND for r in roles[k + 1:]):
            pairs[k] = ("name", pairs[k][1])  # the column after the levels and before the values holds the names
    pairs = [("other", c) if r == "unknown" else (r, c) for r, c in pairs]
    has_seq, seq_col = bool(pairs) and pairs[0][0] == "seq", None
    if has_seq:  # `序号 | 一级指标 | …`: the row numbers stand before the levels
        seq_col = pairs[0][1]
        pairs = pairs[1:]
    pairs = [("other", c) if r == "seq" else (r, c) for r, c in pairs]
    roles = [r for r, _ in pairs]
    has_value = any(r in roles for r in VALUE_KIND)
    has_name = "name" in roles or "description" in roles
    has_level = "level1" in roles or "level2" in roles
    if not (has_value and (has_name or has_level) and len(roles) >= 3):
        return None
    # `绩效指标评价标准` over 优/良/中/差: the grades stand where the group label is
    if any(r.startswith("grade_") for r in roles):
        grades = [(r, c) for r, c in pairs if r.startswith("grade_")]
        rest = [(r, c) for r, c in pairs if not r.startswith("grade_")]
        k = next((x for x, (r, _) in enumerate(rest) if r == "other"), len(rest))
        pairs = rest[:k] + grades + rest[k + 1:]
    roles = [r for r, _ in pairs]
    if "name" not in roles and "description" in roles:
        k = roles.index("description")
        pairs[k] = ("name", pairs[k][1])
    roles = [r for r, _ in pairs]
    if roles.count("name") > 1:  # `绩效指标` beside `三级指标`: the group label is not a column
        first = roles.index("name")
        del pairs[first]
    if long_block:  # the 长期绩效指标 block of a form with 长期 and 年度 blocks: its values are `period`
        pairs = [("period" if r == "annual" else r, c) for r, c in pairs]
    cols = [r for r, _ in pairs if r not in ("level1", "level2")]
    if "name" not in cols:
        cols.insert(0, "name")
    positions = {c: r for r, c in pairs if c is not None}
    width = 0
    if rows is not None and toks[i].cell and toks[i].row < len(rows):
        width = len(rows[toks[i].row].cells)
    return Grid(cols, "level1" in roles, "level2" in roles, ticks, positions, width, seq_col, has_seq), j


_GROUP_LABEL = re.compile(r"^[\u4e00-\u9fff]{0,8}(?:绩效指标|绩效目标)(?:[（(]\d+分[)）])?$")


def _is_group_label(text: str) -> bool:
    """A label over the indicator block (`绩 效 指 标`, `专项年度绩效指标`, `年度绩效目标(90分)`), or what is
    left of one in a narrow merged cell (`绩`, `绩效`)."""
    s = squash(text)
    return bool(_GROUP_LABEL.match(s)) or s in ("绩", "绩效", "绩效指")


def _infer_header(toks: list[Tok], i: int) -> tuple[Grid, int] | None:
    """A table that starts mid-way has no header: its columns are read off the first whole row, a name
    then an operator (`=`, `≥`, `定性`), a number, a unit, and the numbers after them (actual, weight,
    score). Only a row of that unmistakable shape is used; anything else is not guessed."""
    row = [toks[i]]
    j = i + 1
    while j < len(toks) and toks[j].row == toks[i].row:
        row.append(toks[j])
        j += 1
    cells = [t.text for t in row if not is_level_token(t.text)]
    if len(cells) < 5 or _cell_kind(cells[0]) != "text":
        return None
    kinds = [_cell_kind(c) for c in cells[1:]]
    if kinds[:3] != ["op", "num", "unit"] or not all(k == "num" for k in kinds[3:]):
        return None
    tail = {0: [], 1: ["score"], 2: ["weight", "score"], 3: ["actual", "weight", "score"]}.get(len(kinds) - 3)
    if tail is None:
        return None
    return Grid(["name", "op", "annual", "unit"] + tail, False, False), i
