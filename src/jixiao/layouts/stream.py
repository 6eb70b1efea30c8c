"""Read a table from its stream of cells by their content: the family of real layouts.

Tables reach us flattened in many ways (cells glued, one per line, rows cut by page breaks, merged cells
printed once). Whatever the flattening, the cells come in reading order, so this layout reads the token
stream of `tokens.tokens_of`: form labels give the fields that follow them, a run of column headers gives
the indicator grid's columns, and each grid row is read by matching its cells to the columns by content
(a level name is a level wherever it stands; a weight or score is a bare number; an operator or a unit
column takes only an operator or a unit). Where a row's cells cannot be matched to the columns with
certainty, the indicator keeps its raw cells in `problem` and gets no value.

This module holds the main loop (what each token of the stream starts: a title, a header, a budget block,
a label and its values) and `read_stream`. The reader's other parts each have a module of their own:
`stream_cells` (what a cell's text is), `stream_glued` (glued text cut apart), `stream_columns` (the grid
header), `stream_labels` (titles, stop words, names), and the reader's layers `stream_project` (state,
fields, budget, projects), `stream_indicators` (a row made into an indicator) and `stream_rows` (the grid
cut into rows and levels).
"""

from __future__ import annotations

import re

from ..model import Problem
from ..readers.sheet import Row
from ..textnorm import parse_amount, squash
from ..values import op_of
from .common import title_text, year_of_heading
from .stream_cells import _STRONG  # noqa: F401  (tokens.py imports it from here)
from .stream_columns import Grid, _infer_header, _read_header
from .stream_glued import _split_glued_row  # noqa: F401  (tokens.py imports it from here)
from .stream_labels import (
    _amount_text,
    _clean_title,
    _inline_label,
    _is_title,
    _kind_of,
    _max_values,
    _value_labels,
)
from .stream_project import Draft, StreamResult
from .stream_rows import _GridReader
from .vocab import budget_col_role, budget_row_role, column_role, field_role, level_of


class _Reader(_GridReader):
    """The stream reader: the main loop over the tokens (the grid and project layers are its bases)."""

    # -- main loop --------------------------------------------------------------------------------
    def run(self) -> StreamResult:
        toks = self.toks
        i = 0
        n = len(toks)
        while i < n:
            t = toks[i]
            text = t.text
            s = squash(text)
            if _is_title(text) and not column_role(text):
                if self.draft.indicators or (self.draft.fields.get("name") and self.draft.title):
                    self.finish()
                if not self.draft.fields.get("name") and not self.draft.indicators:
                    self.draft = Draft()  # what stood under an earlier title (a covering letter) is not this table's
                if self.draft.title is None or not (self.draft.fields or self.draft.budget_rows):
                    # of several titles before a table's fields, the one nearest the table is its own
                    self.draft.title = title_text(text)
                    self.draft.first_row = t.row
                if not self.result.projects or self.result.title is None:
                    self.result.title = self.draft.title
                i += 1
                continue
            grid = _read_header(toks, i, self.rows)
            if grid is None and not self.columns_seen and t.start and t.cell:
                grid = _infer_header(toks, i)
                if grid is not None:
                    self.result.problems.append(Problem(
                        message="文本从表格中途开始，没有表头；各列按内容推定", raw=text[:60]))
            if grid is not None:
                header, j = grid
                self.columns_seen.update(header.cols)
                if self.draft.first_row is None:
                    self.draft.first_row = t.row
                i = self._read_grid(header, j)
                self.pending = []
                continue
            if not self.columns_seen and not self.draft.indicators and any(x.glued for x in toks[i:i + 3]) \
                    and level_of(text)[0] \
                    and i + 1 < n and level_of(toks[i + 1].text)[2] and not re.match(r"^[一二三四五六七八九十]+[、.．]", s):
                # glued rows with no header in the text (it starts mid-table): name, value and a bare number
                self.result.problems.append(Problem(
                    message="文本从表格中途开始，表头不在文本中；各列按内容推定", raw=text[:60]))
                self.columns_seen.add("points")
                i = self._read_grid(Grid(["name", "annual", "points"], True, True), i)
                continue
            if re.match(r"^[一二三四五六七八九十]+[、.．]", s) and level_of(text)[0] and i + 1 < n \
                    and level_of(toks[i + 1].text)[2] and not self.draft.indicators:
                # running text: `一、产出指标` / `数量指标:name≥value,name value…`
                if self.draft.first_row is None:
                    self.draft.first_row = t.row
                i = self._read_grid(Grid(["name", "annual"], True, True), i)
                continue
            bcol = budget_col_role(text)
            if bcol and not field_role(text):
                cols = []
                positions: dict[int, int] = {}
                while i < n and budget_col_role(toks[i].text):
                    if toks[i].col is not None:
                        positions[toks[i].col] = len(cols)
                    cols.append(budget_col_role(toks[i].text))
                    i += 1
                if len(cols) >= 2:
                    self.draft.budget_cols = cols
                    # by position only where the header row keeps a column for the row labels before its amounts
                    self.draft.budget_positions = positions if len(positions) == len(cols) and min(
                        positions) >= 2 else {}
                self.pending = []
                continue
            inline_amount = re.fullmatch(r"(.{2,16}?)[：:]?(-?\d[\d,]*(?:\.\d+)?)(?:万元|元)?", s)
            if inline_amount and budget_row_role(inline_amount.group(1)) and not (
                    squash(inline_amount.group(1)) == "合计" and self.draft.indicators):  # the points' total
                role_ = budget_row_role(inline_amount.group(1))
                self.draft.budget_rows.setdefault(role_, [inline_amount.group(2)])  # `年度资金总额:16`
                i += 1
                continue
            brow = budget_row_role(text)
            in_block = brow in ("other", "carry") and s != "其他" and bool(self.draft.budget_rows)
            if brow and (self.draft.budget_cols or brow in ("total", "fiscal") or in_block or s.endswith(("：", ":"))) and not (
                    brow == "total" and s == "合计" and self.draft.indicators):
                vals = []
                start = i + 1
                if start < n and squash(toks[start].text) == "小计":
                    start += 1  # `财政拨款 | 小计 | 80`: the row's subtotal, its label in a cell of its own
                j = start
                while j < n and (parse_amount(_amount_text(toks[j].text)) is not None
                                 or squash(toks[j].text) in ("—", "-", "/")
                                 or (toks[j].text.strip().endswith("%") and self.draft.budget_cols)):
                    if self.draft.budget_cols and len(vals) >= len(self.draft.budget_cols):
                        break
                    vals.append(_amount_text(toks[j].text))
                    j += 1
                cells = toks[start:j]
                bpos = self.draft.budget_positions
                if vals and bpos and all(c.col in bpos and c.row == t.row for c in cells):
                    # a row that kept its empty cells: each amount under its own column
                    placed: list[str] = [""] * len(self.draft.budget_cols)
                    for c, v in zip(cells, vals, strict=True):
                        placed[bpos[c.col]] = v
                    vals = placed
                elif (len(self.draft.budget_cols) >= 2 and len(vals) < len(self.draft.budget_cols)
                      and any(c.glued and re.fullmatch(r"\d{2,}(?:\.\d+)?", c.text.strip()) for c in cells)):
                    # `本年财政拨款2020` under 全年预算数(A) | 全年执行数(B): 20 and 20 fused, or 2020 alone — unknowable
                    self.result.problems.append(Problem(
                        message="资金行的数字粘连在一起，无法确定各列金额，未读取", raw=f"{text} {' '.join(vals)}"[:200]))
                    self.draft.budget_rows.setdefault(brow, [])
                    i = j
                    continue
                if vals and brow not in self.draft.budget_rows:
                    self.draft.budget_rows[brow] = vals
                    self.pending = []
                    i = j
                    continue
                if not vals and brow in ("total", "fiscal", "other"):
                    i += 1
                    continue
            role = field_role(text)
            if role == "name" and self.draft.started() and (self.draft.indicators or "name" in self.draft.fields):
                self.finish()
            if role is not None:
                if role == "name" and "name" not in self.draft.fields:
                    self.draft.first_row = t.row  # the project is where its name is printed
                if i == self.last_label_at + 1 and self.pending:
                    self.pending.append(role)
                    self.pending_at.append(t)
                else:
                    self.pending = [role]
                    self.pending_at = [t]
                self.last_label_at = i
                if self.draft.first_row is None:
                    self.draft.first_row = t.row
                i += 1
                continue
            inline = [re.match(r"^([\u4e00-\u9fff()（）\d-]{2,14})\s*[：:]\s*(\S.*)$", line.strip())
                      for line in text.split("\n")]
            if inline[0] and field_role(inline[0].group(1)):
                role = None
                for m, line in zip(inline, text.split("\n"), strict=True):
                    if m and field_role(m.group(1)):  # `年初设定目标：…` / `1-8月执行情况：…` in one cell
                        role = field_role(m.group(1))
                        self._store_field(role, m.group(2))
                    elif role and line.strip():
                        self._store_field(role, line.strip())
                i += 1
                continue
            if self.pending:
                # a run of labels then a run of values: the last labels take the values
                values = []
                j = i
                first_value = j
                while j < n and field_role(toks[j].text) is None and not _read_header(toks, j) \
                        and not _is_title(toks[j].text) and not budget_row_role(toks[j].text) \
                        and not budget_col_role(toks[j].text) and len(values) < _max_values(self.pending) \
                        and not (values and (level_of(toks[j].text)[0] or level_of(toks[j].text)[2])) \
                        and not (values and re.fullmatch(r"[\u4e00-\u9fff()（）]{2,12}[：:]", squash(toks[j].text))) \
                        and not _inline_label(toks[j].text):
                    values.append(toks[j].text)
                    j += 1
                labels = _value_labels(self.pending, len(values))
                by_column = self._values_by_column(toks[first_value:j])
                grid_pos = self.last_grid.positions if self.last_grid is not None and self.last_grid.width else {}
                if self.pending == ["total_score"] and grid_pos and all(
                        c.col is not None for c in toks[first_value:j]):
                    # `总分 | 100 | (blank)` under 分值 | 得分: only the 得分 column is the points scored
                    by_column = [("total_score", c.text) for c in toks[first_value:j]
                                 if grid_pos.get(c.col) == "score"]
                if by_column is not None:
                    for label, v in by_column:
                        self._store_field(label, v)
                elif len(values) > len(labels) > 1 and len(values) % len(labels) == 0:
                    # side-by-side cells each broken over lines: `预期目标 | 实际完成情况` over 3 + 3 lines
                    per = len(values) // len(labels)
                    for k, label in enumerate(labels):
                        self._store_field(label, "\n".join(values[k * per:(k + 1) * per]))
                else:
                    for k, v in enumerate(values):
                        self._store_field(labels[min(k, len(labels) - 1)], v)
                self.pending = []
                i = j
                continue
            total = re.fullmatch(r"(?:合计|总分)(\d+(?:\.\d+)?)", s)
            if total and (self.draft.indicators or self.result.projects):
                digits = total.group(1)
                half = len(digits) // 2
                if len(digits) % 2 == 0 and digits[:half] == digits[half:]:
                    digits = digits[:half]  # `总分100100`: the weights' total and the score, both 100
                if float(digits) <= 100:
                    target = self.draft if self.draft.indicators else None
                    if target is not None:
                        target.evaluation.setdefault("total_score", digits)
                i += 1
                continue
            year = re.fullmatch(r"[（(]?\s*((?:19|20)\d{2})\s*年度?\s*[)）]?", s)
            if year and self.result.year is None:
                self.result.year = int(year.group(1))
            i += 1
        self.finish()
        self.result.kind = _kind_of(self.result.title, self.columns_seen)
        if self.result.kind == "target" and any(p.evaluation and p.evaluation.conclusion for p in self.result.projects):
            self.result.kind = "self_evaluation"  # a 评价结论 is written only under a self-evaluation
        if self.result.kind == "target":
            for p in self.result.projects:
                if p.evaluation and not (p.evaluation.conclusion or p.evaluation.grade):
                    p.evaluation = None  # a target table's 总分 is the weights' total, not a score
        return self.result


def read_stream(rows: list[Row], name: str, cut_at_end: bool = False) -> StreamResult:
    """The document's projects read from its token stream (see the module docstring). `cut_at_end`: the
    source is text that may stop anywhere, so a grid row running into its end is left out."""
    reader = _Reader(rows, name)
    reader.cut_at_end = cut_at_end
    result = reader.run()
    if result.title:
        result.year = year_of_heading(result.title) or result.year
        result.title = _clean_title(result.title)
    m = re.search(r"1\s*[-—~至]\s*(\d{1,2})\s*月", " ".join(t.text for t in reader.toks[:400] if "月" in t.text
                                                              and column_role(t.text) == "actual"))
    if m and result.kind == "monitoring":
        result.as_of_month = int(m.group(1))
    return result


__all__ = ["read_stream", "StreamResult", "op_of"]
