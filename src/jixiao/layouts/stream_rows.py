"""The indicator grid's tokens cut into rows: where a row begins and ends (row marks, a full set of value
columns, a row number under 序号, a row broken over two lines), level labels (一级/二级指标) and their
points, a reason cell trailing its row, and a text source cut off mid-row.

Separate because finding the rows is a question of the stream's shape, apart from what a row's cells mean
(`stream_indicators`, which this layer hands each row to). A layer of the reader (see `stream_project`).
"""

from __future__ import annotations

import re

from ..model import Problem
from ..textnorm import ascii_digits, squash, strip_seps
from ..values import parse_target
from .stream_cells import (
    _BARE_NUMBER,
    _FILLER,
    _STRONG,
    NUMERIC,
    VALUE_KIND,
    _cell_kind,
    _fits,
    is_level_token,
)
from .stream_columns import Grid, _is_group_label, _read_header
from .stream_glued import _DIGITS_THEN_NAME, _split_glued_row
from .stream_indicators import _IndicatorReader
from .stream_labels import _is_stop, _is_title
from .tokens import _PHRASES, Tok
from .vocab import column_role, field_role, level_of, level_points

_POINTS_PIECE = re.compile(r"[（(]?(\d{1,3}(?:\.\d+)?)分?[)）]|[（(](\d{1,3}(?:\.\d+)?)分")
_EXPLAIN = re.compile(r"^(?:该指标|本指标|反映|考察|未达|未完成|按照|根据|依据)|扣分|酌情|考察|计分|得满分")


class _GridReader(_IndicatorReader):
    """The layer that cuts the grid into rows and levels."""

    # -- the indicator grid -----------------------------------------------------------------------
    def _read_grid(self, grid: Grid, i: int) -> int:
        self.last_grid = grid
        toks = self.toks
        n = len(toks)
        row: list[Tok] = []
        hinted = False
        self.level_seen = False

        def flush() -> None:
            nonlocal row
            if row:
                self._indicator(grid, row, hinted)
            row = []

        while i < n:
            t = toks[i]
            text = t.text.strip()
            s = squash(text)
            if i == n - 1 and self.cut_at_end and row and row[0].cell and t.row != row[-1].row:
                flush()  # the row before the last line is whole: only the last line may be cut
            if i == n - 1 and self.cut_at_end and not t.closed and not row and is_level_token(text) \
                    and not self.result.truncated:
                self.result.truncated = True  # the text stops after a level label: its rows are not in it
                self.result.problems.append(Problem(message="文本在表格中途结束，最后一行不完整，未读取", raw=text[:200]))
            # without row marks (tabs, glued lines, one cell per line) a last row with every column is taken as
            # whole; where rows end with a mark (`… |`), a last row without one was cut
            whole_row = (not any(x.closed for x in toks[max(0, i - 200):i])
                         and self._row_full(grid, (row or []) + [t]))
            if i == n - 1 and self.cut_at_end and not t.closed and not whole_row and (row or not is_level_token(text)):
                # the text stops inside this row: it is not whole, so it is not read
                self.result.truncated = True
                items = re.split(r"(?<=[^\d])[,，;；]", text) if not row and t.glued else []
                numbered = _DIGITS_THEN_NAME.split(text) if not row and any(c in NUMERIC for c in grid.cols) else []
                if len(items) > 1:  # a running-text list: the items before the last are whole
                    self._indicator(grid, [Tok("，".join(items[:-1]), t.row, False, True)], False)
                    text = items[-1]
                elif len(numbered) > 1:  # glued scored rows: those before the last are whole
                    for piece in numbered[:-1]:
                        self._indicator(grid, [Tok(piece, t.row, False, True)], False)
                    text = numbered[-1]
                cut = " | ".join([x.text for x in row] + [text])
                self.result.problems.append(Problem(
                    message="文本在表格中途结束，最后一行不完整，未读取", raw=cut[:200]))
                return n
            if _is_stop(text) or _is_title(text) or field_role(text) in ("name", "department", "conclusion"):
                break
            if _read_header(toks, i) is not None:
                break
            if grid.has_seq and re.fullmatch(r"\d{1,3}\s*[.、．]?", text) and (
                    t.col is not None and t.col == grid.seq_col or t.col is None and t.start):
                flush()  # a row number under 序号: the row before it is over, this one begins
                i += 1
                continue
            eval_style = self.level_seen and self.level1 is None
            if (_is_group_label(text) and not (s == "绩效目标" and eval_style)) or _FILLER.match(s) \
                    or re.fullmatch(r"(?:年度)?绩效目标[（(]\d+分[)）]", s):
                in_row = bool(row) and t.col is not None and t.row == row[-1].row and t.col != row[-1].col
                if _FILLER.match(s) and not in_row:
                    flush()  # a dash line between blocks ends the row; a dash cell inside a row is an empty value
                i += 1
                continue
            is1, l1, is2, l2, code = level_of(text)
            if (is2 and not is1 and not row and i > 0 and squash(toks[i - 1].text) == s and self.level2 == l2
                    and i + 1 < n and not is_level_token(toks[i + 1].text)):
                is1 = is2 = False  # the same second level twice: the second is the indicator named after it
            if is1 or is2:
                nxt = toks[i + 1].text if i + 1 < n else ""
                n_is1, _, n_is2, _, _ = level_of(nxt)
                as_level1 = is1 and (not is2 or n_is2 or re.search(r"\d\s*分?\s*[)）]?$", s) is not None
                                     or not self._prefers_level2(l1, l2))
                level_col = grid.positions.get(t.col) if t.col is not None else None
                in_name_col = level_col in ("name", "description") and grid.width > 0
                after_level2 = (t.cell and not t.start and i > 0 and toks[i - 1].row == t.row
                                and self.last_level_at == i - 1 and self.last_level_was2 and not row)
                if in_name_col or (after_level2 and (not as_level1 or level_col is None and not n_is2)):
                    # a level word in the 三级 slot is an indicator's name: `成本指标 | 社会成本指标 | 定量 | 100`,
                    # `服务对象满意度指标 | 满意度 | ≥90%`, or any cell under the 三级 header
                    flush()
                    row.append(t)
                    hinted = True
                    i += 1
                    continue
                if level_col == "level1" and is1 and grid.width:
                    as_level1 = True  # under the 一级 header it is a first level, whatever it could also be
                elif level_col == "level2" and is2 and grid.width:
                    as_level1 = False
                flush()
                self.last_level_at, self.last_level_was2 = i, not as_level1
                if as_level1:
                    self.level1, self.level2, self.level2_code = l1, None, None
                    self.level1_points = level_points(text)
                    points = _POINTS_PIECE.fullmatch(squash(nxt)) if self.level1_points is None else None
                    if points:  # `产出指标` / `(50)` or `30分)`: the label's points wrapped onto the next line
                        self.level1_points = float(points.group(1) or points.group(2))
                        i += 1
                else:
                    self.level2, self.level2_code = l2, code
                self.level_seen = True
                hinted = False
                i += 1
                continue
            if t.start and row and not self._continues(grid, row, toks, i):
                flush()
            if not row and not t.start and self._trailing_text(grid, toks, i):
                i += 1
                continue
            if not row and not self.draft.indicators and t.glued:
                lead = re.match(r"^(说明|备注|得分|分值)(?=[\u4e00-\u9fff])", t.text)
                if lead and column_role(lead.group(1)):  # the header's last word glued to the first row
                    t = Tok(t.text[lead.end():], t.row, t.start, t.glued, t.cell, t.closed)
            if not row:
                hinted = t.start or t.cell
            row.append(t)
            if (not hinted or len(row) == 1 and t.glued) and self._row_full(grid, row) \
                    and not self._explains(grid, toks, i + 1):
                flush()
            i += 1
        flush()
        return i

    def _continues(self, grid: Grid, row: list[Tok], toks: list[Tok], i: int) -> bool:
        """A row cut in two by a stray line break (`name | 定性 | 好坏 |` / `| 好坏 | 5 | 5 |`): the row so far
        lacks value columns, the next line has no name or level of its own, and together they fit."""
        core = [c for c in grid.cols[1:] if c in VALUE_KIND or c in NUMERIC]
        have = len(row) - 1
        if not row[0].cell or have >= len(core) or have == 0:
            return False
        nxt = [t for t in toks[i:] if t.row == toks[i].row]
        if any(is_level_token(t.text) for t in nxt):
            return False
        if _cell_kind(nxt[0].text) == "text" and nxt[0].text not in [t.text for t in row[1:]]:
            return False  # the next line starts with a name of its own
        kinds = [_cell_kind(t.text) for t in nxt]
        return have + len(nxt) <= len(grid.cols) - 1 and kinds[-1] == "num" and "num" in kinds

    def _trailing_text(self, grid: Grid, toks: list[Tok], i: int) -> bool:
        """In a stream without row marks, a text cell after a full row is that row's reason (`偏差原因`)
        when the cell after it cannot be the next row's first value (a weight column wants a number)."""
        if not self.draft.indicators or len(grid.cols) < 2 or i == 0 or is_level_token(toks[i - 1].text):
            return False  # after a level label a new row begins
        if toks[i].glued and _STRONG.search(toks[i].text):
            return False  # a glued row of its own, not a reason
        last = self.draft.indicators[-1]
        if toks[i].text.strip() in _PHRASES:
            if "deviation" in grid.cols and last.deviation is None:
                last.deviation = toks[i].text.strip()
                return True
            if "actual" in grid.cols and last.actual is None:
                last.actual = parse_target(toks[i].text.strip())
                return True
        if "deviation" not in grid.cols:
            return False
        if last.deviation:
            return False
        text = toks[i].text.strip()
        nxt = toks[i + 1].text.strip() if i + 1 < len(toks) else ""
        if not nxt and "deviation" in grid.cols and _cell_kind(text) == "text" and not is_level_token(text):
            last.deviation = strip_seps(text) or None  # the table's last cell: the reason of its last row
            return True
        second = grid.cols[1]
        if second not in NUMERIC and second not in ("op", "unit"):
            return False
        if _fits(second, nxt, False) or _BARE_NUMBER.match(ascii_digits(text)) or level_of(nxt)[0] or level_of(nxt)[2]:
            return False
        last.deviation = strip_seps(text) or None
        return True

    def _explains(self, grid: Grid, toks: list[Tok], j: int) -> bool:
        """The next cell is an explanation column of this row (`该指标主要考察…`, `未达指标值酌情扣分`), not
        the next row's name: the grid has such columns after its values and the text reads like one."""
        if j >= len(toks) or not any(c in ("other", "basis", "description") for c in grid.cols[1:]):
            return False
        return bool(_EXPLAIN.search(toks[j].text))

    def _prefers_level2(self, l1: str | None, l2: str | None) -> bool:
        """A name that is both a first and a second level (`成本指标`, `社会公众或服务对象满意度指标`) is a
        second level under a first level it belongs to as printed."""
        if l2 is None or self.level1 is None:
            return False
        if l1 == "成本指标" and self.level1 == "产出指标":
            return True
        if l1 == "满意度指标" and any(i.level1 == "成本指标" for i in self.draft.indicators):
            return False  # the 2021 framework (成本指标 is a first level here): 满意度指标 is a first level too
        return l2 == "服务对象满意度指标" and self.level1 == "效益指标"

    def _row_full(self, grid: Grid, row: list[Tok]) -> bool:
        """In a stream without row marks, a row ends when every value column has a cell."""
        core = [c for c in grid.cols[1:] if c in VALUE_KIND or c in NUMERIC or c in ("op", "unit", "valtype")]
        if len(row) == 1 and row[0].glued and len(core) <= 1:
            return bool(_split_glued_row(row[0].text)[1])
        count = len(row) - 1 + (len(_split_glued_row(row[0].text)[1]) if row[0].glued else 0)
        return count >= len(core) and bool(core)
