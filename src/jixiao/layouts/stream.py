"""Read a table from its stream of cells by their content: the family of real layouts.

Tables reach us flattened in many ways (cells glued, one per line, rows cut by page breaks, merged cells
printed once). Whatever the flattening, the cells come in reading order, so this layout reads the token
stream of `tokens.tokens_of`: form labels give the fields that follow them, a run of column headers gives
the indicator grid's columns, and each grid row is read by matching its cells to the columns by content
(a level name is a level wherever it stands; a weight or score is a bare number; an operator or a unit
column takes only an operator or a unit). Where a row's cells cannot be matched to the columns with
certainty, the indicator keeps its raw cells in `problem` and gets no value.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..model import UNNAMED_PROJECT, Budget, Evaluation, Execution, Indicator, Loc, Problem, Project
from ..readers.sheet import Row
from ..textnorm import ascii_digits, parse_amount, squash, strip_seps
from ..values import _OP_RE, op_of, parse_target
from .common import loc_of, split_unit_code, strip_code_suffix, title_text, year_of_heading
from .grid import join_value
from .stream_cells import (
    _BARE_NUMBER,
    _FILLER,
    _PLACEHOLDER_NULL,
    _STRONG,
    NUMERIC,
    TEXT_COLS,
    VALUE_KIND,
    _cell_kind,
    _fits,
    _is_unit,
    _number,
    _unwrap,
    is_level_token,
)
from .stream_columns import Grid, _infer_header, _is_group_label, _read_header
from .stream_glued import _DIGITS_THEN_NAME, _glued_rows, _glued_scored_rows, _split_glued_row
from .stream_labels import (
    _amount_text,
    _clean_title,
    _inline_label,
    _is_org_name,
    _is_stop,
    _is_title,
    _kind_of,
    _max_values,
    _name_from_title,
    _split_project_code,
    _value_labels,
)
from .tokens import _PHRASES, Tok, tokens_of
from .vocab import (
    budget_col_role,
    budget_row_role,
    column_role,
    field_role,
    level_of,
    level_points,
)

_TICK = re.compile(r"^[√✓✔☑■]\s*")
# a value written as a target: an operator before the number (an actual is what happened, not a bound)
_TARGET_OP = re.compile(rf"^\s*(?:{_OP_RE})\s*\d")  # the value grammar's operator spellings
_POINTS_PIECE = re.compile(r"[（(]?(\d{1,3}(?:\.\d+)?)分?[)）]|[（(](\d{1,3}(?:\.\d+)?)分")


@dataclass
class Draft:
    """A project (or a department-wide table) being read."""

    title: str | None = None
    fields: dict[str, str] = field(default_factory=dict)
    budget_rows: dict[str, list[str]] = field(default_factory=dict)
    budget_cols: list[str] = field(default_factory=list)
    budget_positions: dict[int, int] = field(default_factory=dict)  # column → index in budget_cols
    indicators: list[Indicator] = field(default_factory=list)
    evaluation: dict[str, str] = field(default_factory=dict)
    first_row: int | None = None

    def started(self) -> bool:
        return bool(self.fields.get("name") or self.indicators)


@dataclass
class StreamResult:
    projects: list[Project] = field(default_factory=list)
    overall_like: list[Project] = field(default_factory=list)  # department-wide tables, read as a project
    title: str | None = None
    year: int | None = None
    department: str | None = None
    kind: str = "target"
    as_of_month: int | None = None
    problems: list[Problem] = field(default_factory=list)
    truncated: bool = False
    unnamed: set[int] = field(default_factory=set)  # projects without a name field (named from the title)


class _Reader:
    def __init__(self, rows: list[Row], name: str):
        self.rows = rows
        self.toks = tokens_of(rows)
        self.name = name
        self.result = StreamResult()
        self.draft = Draft()
        self.pending: list[str] = []  # label roles waiting for their values
        self.pending_at: list[Tok] = []  # the label cells themselves (their columns)
        self.last_grid: Grid | None = None
        self.last_label_at = -2
        self.columns_seen: set[str] = set()
        self.level1: str | None = None
        self.level1_points: float | None = None
        self.level2: str | None = None
        self.level2_code: str | None = None
        self.level_seen = False
        # a text source may have been cut anywhere: a grid row that holds its last token is not whole
        self.cut_at_end = False
        self.last_level_at = -2
        self.last_level_was2 = False
        self.pending_reason: str | None = None

    # -- projects ---------------------------------------------------------------------------------
    def finish(self) -> None:
        d = self.draft
        if d.started():
            self.result.projects.append(self._project(d))
        self.draft = Draft()
        self.pending = []
        self.level1 = self.level2 = self.level2_code = None
        self.level1_points = None

    def _project(self, d: Draft) -> Project:
        f = d.fields
        name = f.get("name") or ""
        code = None
        if name:
            name, code = _split_project_code(name)
        if not name:
            self.result.unnamed.add(len(self.result.projects))
            name = _name_from_title(d.title) or UNNAMED_PROJECT
        dept = f.get("department") or None
        if dept:
            dept = strip_code_suffix(split_unit_code(dept)[0]) or None
        unit = f.get("unit")
        unit_code = None
        if unit:
            unit, unit_code = split_unit_code(unit)
            unit = strip_code_suffix(unit) or None
        budget, execution = self._budget(d)
        evaluation = None
        if d.evaluation:
            evaluation = Evaluation(score=parse_amount(d.evaluation.get("total_score")),
                                    grade=d.evaluation.get("grade") or None,
                                    conclusion=d.evaluation.get("conclusion") or None,
                                    problems=d.evaluation.get("problems") or None,
                                    measures=d.evaluation.get("measures") or None)
        goal = f.get("goal") or f.get("long_goal")
        row = self.rows[d.first_row] if d.first_row is not None and d.first_row < len(self.rows) else None
        return Project(department=dept, unit=unit, unit_code=unit_code, name=name, code=f.get("code") or code,
                       content=f.get("content"), budget=budget, goal=goal, indicators=d.indicators,
                       execution=execution, result=f.get("result"), evaluation=evaluation,
                       loc=loc_of(row) if row is not None else None)

    def _values_by_column(self, cells: list[Tok]) -> list[tuple[str, str]] | None:
        """Labels in one row and values in the next, in a table that kept its empty cells (`预期目标 | 实际完成情况`
        over `text | (blank)`): each value belongs to the label above it. None where columns are not known."""
        labels = [(t.col, r) for t, r in zip(self.pending_at, self.pending, strict=False)
                  if t.cell and t.col is not None]
        if len(labels) < 2 or len(labels) != len(self.pending) or not cells:
            return None
        if any(c.col is None or c.row == self.pending_at[0].row for c in cells):
            return None
        cols = dict(labels)
        if len({t.row for t in self.pending_at}) != 1 or not all(c.col in cols for c in cells):
            return None
        if min(c.col for c in cells) <= labels[0][0]:
            return None  # values starting under the first label: the merged label cell was left out, columns shift
        if self.pending[0] == self.pending[1] and len(cells) == 1 and cells[0].col == labels[0][0]:
            return [(self.pending[1], cells[0].text)]  # a group label over its first sub-label
        return [(cols[c.col], c.text) for c in cells]

    def _budget(self, d: Draft) -> tuple[Budget | None, Execution | None]:
        rows = d.budget_rows
        if not rows:
            return None, None
        cols = d.budget_cols

        def amount(role: str, col: str | None = None) -> float | None:
            values = rows.get(role)
            if not values:
                return None
            if col is None or not cols:
                return parse_amount(values[0]) if values else None
            if col in cols and cols.index(col) < len(values):
                return parse_amount(values[cols.index(col)])
            return None

        first = None
        if cols:
            first = next((c for c in ("planned", "adjusted") if c in cols), None)
        budget = Budget(total=amount("total", first), fiscal=amount("fiscal", first),
                        other=amount("other", first))
        if all(v is None for v in (budget.total, budget.fiscal, budget.other)):
            budget = None
        execution = None
        if cols and rows.get("total"):
            vals: dict[str, float | None] = {}
            for c in ("planned", "adjusted", "spent", "forecast", "weight", "score"):
                vals[c] = amount("total", c) if c in cols else None
            if "rate" in cols:
                k = cols.index("rate")
                raw = rows["total"][k] if k < len(rows["total"]) else None
                vals["rate"] = parse_amount((raw or "").replace("%", "")) if raw else None
            if any(v is not None for v in vals.values()):
                execution = Execution(**vals)
        return budget, execution

    # -- fields -----------------------------------------------------------------------------------
    def _store_field(self, role: str, value: str) -> None:
        d = self.draft
        value = _unwrap(value.strip())
        if not value:
            return
        if role == "total_score" and parse_amount(value) is not None:
            d.evaluation[role] = value  # `总分 | 100 | 98`: the weights' total, then the points: the last one
            return
        if role in ("conclusion", "problems", "measures", "grade", "total_score"):
            if role not in d.evaluation and value not in _PLACEHOLDER_NULL and value not in ("暂无", "无问题"):
                d.evaluation[role] = value
            return
        if role == "skip" or role == "parent_name":
            return
        if role == "name2":  # `二级项目名称` under `一级项目名称`: the project is the second level
            d.fields["name"] = value
            return
        if role in d.fields:
            if value in d.fields[role].split("\n"):
                return  # the same text again: a merged cell repeated in every slot it covers
            if role in ("goal", "long_goal", "content", "result") and len(value) > 4:
                d.fields[role] += "\n" + value
            return
        if role in ("department", "unit") and not _is_org_name(value):
            return
        if role == "department" and d.fields.get("department") not in (None, value):
            d.fields["department"] = ""  # 主管部门 of several levels (a transfer-payment table): none is the one
            return
        if role in ("name", "code") and len(value) > 80:
            return
        d.fields[role] = value

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
            if inline_amount and budget_row_role(inline_amount.group(1)):
                role_ = budget_row_role(inline_amount.group(1))
                self.draft.budget_rows.setdefault(role_, [inline_amount.group(2)])  # `年度资金总额:16`
                i += 1
                continue
            brow = budget_row_role(text)
            in_block = brow in ("other", "carry") and s != "其他" and bool(self.draft.budget_rows)
            if brow and (self.draft.budget_cols or brow in ("total", "fiscal") or in_block or s.endswith(("：", ":"))) and not (
                    brow == "total" and s == "合计" and self.draft.indicators):
                vals = []
                j = i + 1
                while j < n and (parse_amount(_amount_text(toks[j].text)) is not None
                                 or squash(toks[j].text) in ("—", "-", "/")
                                 or (toks[j].text.strip().endswith("%") and self.draft.budget_cols)):
                    if self.draft.budget_cols and len(vals) >= len(self.draft.budget_cols):
                        break
                    vals.append(_amount_text(toks[j].text))
                    j += 1
                cells = toks[i + 1:j]
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

    def _by_position(self, grid: Grid, row: list[Tok]) -> dict[str, str] | None:
        """A row from a table that kept its empty cells (HTML, DOCX, XLSX, a full pipe row) and is as wide as
        the header: each cell's role is its column's. None where positions cannot be trusted."""
        if not grid.width or not grid.positions or any(t.col is None or t.glued for t in row):
            return None
        src = row[0].row
        if src >= len(self.rows) or len(self.rows[src].cells) > grid.width or any(t.row != src for t in row):
            return None
        if grid.positions.get(row[0].col) != "name":
            return None
        values: dict[str, str] = {}
        for t in row[1:]:
            role = grid.positions.get(t.col)
            if role and role not in ("name", "level1", "level2") and role not in values:
                values[role] = t.text.strip()
        return values

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
        return l2 == "服务对象满意度指标" and self.level1 == "效益指标"

    def _row_full(self, grid: Grid, row: list[Tok]) -> bool:
        """In a stream without row marks, a row ends when every value column has a cell."""
        core = [c for c in grid.cols[1:] if c in VALUE_KIND or c in NUMERIC or c in ("op", "unit", "valtype")]
        if len(row) == 1 and row[0].glued and len(core) <= 1:
            return bool(_split_glued_row(row[0].text)[1])
        count = len(row) - 1 + (len(_split_glued_row(row[0].text)[1]) if row[0].glued else 0)
        return count >= len(core) and bool(core)

    def _indicator(self, grid: Grid, row: list[Tok], hinted: bool) -> None:
        reasons: list[str] = []
        if grid.ticks:
            kept = []
            for t in row:
                if t.col in grid.ticks and t is not row[0]:
                    mark = _TICK.match(t.text.strip())
                    if mark:
                        reasons.append(grid.ticks[t.col])
                    rest = t.text.strip()[mark.end():] if mark else t.text.strip()
                    if rest:
                        reasons.append(rest)
                else:
                    kept.append(t)
            row = kept
            self.pending_reason = "、".join(reasons) or None
        texts = [t.text.strip() for t in row]
        texts = [x for x in texts if x]
        if not texts:
            return
        glued = any(t.glued for t in row)
        positional = self._by_position(grid, row)
        if positional is not None:
            self._add(grid, row, row[0].text.strip(), positional, None)
            return
        name = texts[0]
        data = texts[1:]
        cols = grid.cols[1:]
        problem = None
        core = [c for c in cols if c in VALUE_KIND or c in NUMERIC]
        if glued and len(texts) == 1 and re.search(r"[,，;；]", name) and _STRONG.search(name):
            items = [x for x in re.split(r"[,，;；]", name) if x.strip()]
            if len(items) > 1:  # a running-text list of items: `name≥value,name value`
                for item in items:
                    if len(item.strip()) >= 2 or _STRONG.search(item):
                        self._indicator(grid, [Tok(item, row[0].row, False, True)], hinted)
                return
        if glued and len(texts) == 1 and any(c in NUMERIC for c in cols):
            rows = _glued_scored_rows(name, [c for c in cols if c in NUMERIC or c in VALUE_KIND])
            if rows is not None and "description" in cols and not all("反映" in r[0][2:] for r in rows):
                rows = None  # a name glued to its description: where one ends is not known
            if rows is not None:
                for row_name, row_values in rows:
                    self._add(grid, row, row_name, row_values, None)
                return
            pieces = _DIGITS_THEN_NAME.split(name)
            if len(pieces) > 1:
                if self.cut_at_end and self.toks[-1].text.endswith(row[0].text) and not re.search(r"\d", pieces[-1]):
                    self.result.problems.append(Problem(message="文本在表格中途结束，最后一行不完整，未读取",
                                                        raw=pieces[-1][:200]))
                    pieces = pieces[:-1]
                for piece in pieces:
                    self._indicator(grid, [Tok(piece, row[0].row, False, True)], hinted)
                return
            m = re.match(rf"^(.*?[\u4e00-\u9fff)）%])((?:{_OP_RE})?[\d.]+.*)$", name)
            if m and re.search(r"\d.*\d", m.group(2)):
                # a name and the numbers of several columns fused (`管护面积万亩2810810`, `数量≤441010`): the name
                # is certain, where one number ends is not
                head = m.group(1)
                unit = next((head[-k:] for k in (3, 2, 1) if len(head) > k and head[-k:] in ("%", "‰")
                             or k > 1 and len(head) > k and _is_unit(head[-k:])), "")
                self._add(grid, row, head[: len(head) - len(unit)] if unit else head, {},
                          f"数字粘连无法分开：{unit}{m.group(2)}")
                return
        if glued and len(texts) == 1:
            pieces = _glued_rows(name)
            if len(pieces) > 1:
                for piece in pieces:
                    self._indicator(grid, [Tok(piece, row[0].row, False, True)], hinted)
                return
        if glued and row[0].glued:
            whole = name
            name, head = _split_glued_row(name)
            data = head + data
            vt = re.search(r"(定量|定性)$", name)
            if vt and "valtype" in cols:  # `到位率定量100%`: the 指标值类型 column glued between name and value
                name, data = name[: vt.start()], [vt.group(1)] + data
            if whole.count("反映") > 1:
                problem = "单元格粘连，一格里有几行指标；保留原文"
                name, data = whole, []
            if not head and data and data[0] in _PHRASES:
                m = re.search(r"(?<=[)）\u4e00-\u9fff])(\d+(?:\.\d+)?)$", name)
                if m:  # `成本控制数(万元)63` before `达成预期指标`: the number ends the row
                    data = [m.group(1)] + data
                    name = name[: m.start()]
            text_col = next((c for c in ("description", "basis") if c in cols), None)
            if "反映" in name[2:] and text_col:
                k = name.index("反映", 2)
                data = [name[k:]] + data
                name = name[:k]
            elif "description" in cols and data and not problem:
                # a name glued to its description with nothing to cut them at: neither can be read
                problem = "单元格粘连，无法把指标名称和指标说明分开；保留原文"
                name, data = whole, []
        if glued and len(texts) == 1:
            if not data and core:
                problem = "单元格粘连，无法把指标名称和指标值分开；保留原文"
            elif len(name) > 60 or name.count("反映") > 1:
                problem = "单元格粘连，无法确定指标名称和指标值；保留原文"
                data = []
        values: dict[str, str] = {}
        value_cols = [c for c in cols if c in VALUE_KIND or c in NUMERIC]
        if data and data[-1] in _PHRASES and "deviation" in cols and len(data) <= len(value_cols):
            # `不低于95% | 达成预期指标` under 年度指标值/实际完成值/未完成原因: the phrase is the reason column
            values["deviation"] = data[-1]
            data = data[:-1]
        k = 0
        for col in cols:
            if k >= len(data):
                break
            if _fits(col, data[k], glued):
                values[col] = data[k]
                k += 1
            elif col in ("op", "unit", "valtype", "description", "basis"):
                continue
            elif col in NUMERIC:
                continue
        leftover = data[k:]
        n_value_cols = sum(1 for c in cols if c in VALUE_KIND)
        filled_core = sum(1 for c in core if c in values)
        if data and len(data) < len(core) and not glued and (
                n_value_cols >= 2 or any(_BARE_NUMBER.match(ascii_digits(x)) for x in data) and any(c in NUMERIC for c in cols)):
            target_only = (len(data) == 1 and core[:1] == ["annual"] and values.get("annual") == data[0]
                           and _TARGET_OP.match(data[0]) is not None)  # `≤10次`: what happened carries no ≤
            if not target_only and not (filled_core == len(data) and all(c in values for c in core[: len(data)])
                                        and not any(c in NUMERIC for c in core[len(data):])):
                problem = "该行单元格少于表头的列，无法确定各值所在的列：" + " | ".join(texts)
                values = {}
        if leftover and not problem and any(x for x in leftover if not _FILLER.match(x)):
            extra = [x for x in leftover if x not in _PLACEHOLDER_NULL]
            if extra and hinted and len(extra) >= 1 and not all(c in values for c in cols if c in TEXT_COLS):
                problem = "该行单元格多于表头的列：" + " | ".join(texts)
        if name in ("定量", "定性") and "valtype" in cols and self.level2:
            # `成本指标 | 社会成本指标 | 定量 | …`: the second level stands in the 三级 slot, the name is it
            values = {}
            k = 0
            for col in cols:
                if k < len(texts) and _fits(col, texts[k], glued):
                    values[col] = texts[k]
                    k += 1
            name = self.level2
        self._add(grid, row, name, values, problem)

    def _add(self, grid: Grid, row: list[Tok], name: str, values: dict[str, str], problem: str | None) -> None:
        """One indicator from its name and the values matched to its columns."""
        cols = grid.cols[1:]
        lead = re.match(r"^([%‰])(?=[=≥≤<>])", values.get("annual") or "")
        if lead:  # `服务对象满意度 | %=99百分比`: the percent sign belongs to the name (`…满意度%`)
            name += lead.group(1)
            values["annual"] = values["annual"][1:]
        if not values and re.search(r"扣分|酌情|计分|满分|得分", name):
            return  # a scoring criterion left alone in its row by a merged cell, not an indicator
        if re.fullmatch(r"(?:指标\d+[:：])?", name):
            return
        name = re.sub(r"^(?:指标\d+\s*[:：]|\d{1,2}\s*[、.．](?!\d)|[（(]\d{1,2}[)）])\s*", "", name)
        name = strip_seps(_unwrap(name))
        if not name:
            return
        for col in ("annual", "period", "grade_a"):
            if values.get(col) in _PHRASES:  # `达成预期指标` is what happened, never a target
                phrase = values.pop(col)
                if "actual" in cols and "actual" not in values:
                    values["actual"] = phrase
        for col, label in (("weight", "分值"), ("score", "得分")):
            raw = (values.get(col) or "").strip()
            if raw and raw not in _PLACEHOLDER_NULL and _number(raw) is None and not problem:
                problem = f"{label}“{raw}”不是数字，未读取"  # `十`, `10分`: kept out rather than guessed
        if values.get("points") and not problem:
            problem = f"单列数字{values['points']}无法确定是分值还是得分（表头不在文本中）"
        ocr = re.fullmatch(r"2(\d{2}(?:\.\d+)?)%", (values.get("annual") or "").strip())
        if ocr and "率" in name and not problem:
            # `292%` for a rate: most likely `≥92%` with the ≥ misread; kept out and marked
            problem = f"指标值“{values.pop('annual')}”超过100%，可能是“≥{ocr.group(1)}%”的识别错误"
        for col in ("annual", "actual"):
            if re.match(r"^(?:定量|定性)(?=\S)", values.get(col) or ""):
                values[col] = values[col][2:]  # the 指标值类型 glued to the value
        annual_raw = join_value(values.get("op", ""), values.get("annual") or values.get("grade_a") or "",
                                values.get("unit", ""))
        period_raw = join_value(values.get("op", ""), values.get("period", ""), values.get("unit", ""))
        actual_raw = values.get("actual", "")  # what happened, as printed: the target's operator is not its
        forecast_raw = values.get("forecast", "")
        deviation = values.get("deviation")
        if grid.ticks:
            deviation, self.pending_reason = self.pending_reason, None
        if deviation in _PLACEHOLDER_NULL:
            deviation = None
        likelihood = values.get("likelihood")
        seq = len(self.draft.indicators) + 1
        first = row[0]
        src = self.rows[first.row] if first.row < len(self.rows) else None
        loc = loc_of(src, first.col) if src is not None else Loc()
        ind = Indicator(seq=seq, level1=self.level1, level2=self.level2, level2_code=self.level2_code, name=name,
                        description=strip_seps(values.get("description", "")) or None,
                        annual=parse_target(annual_raw), period=parse_target(period_raw),
                        basis=strip_seps(values.get("basis", "")) or None,
                        actual=parse_target(actual_raw) if actual_raw not in _PLACEHOLDER_NULL else None,
                        forecast=parse_target(forecast_raw) if forecast_raw else None,
                        weight=_number(values.get("weight")), score=_number(values.get("score")),
                        deviation=strip_seps(deviation or "") or None, likelihood=likelihood or None,
                        level1_points=self.level1_points, loc=loc, problem=problem)
        self.draft.indicators.append(ind)


_EXPLAIN = re.compile(r"^(?:该指标|本指标|反映|考察|未达|未完成|按照|根据|依据)|扣分|酌情|考察|计分|得满分")


def _row_hinted(toks: list[Tok], i: int) -> bool:
    return toks[i].start


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
