"""The stream reader's state and the project around the grid: the `Draft` being read, form fields stored
from the values after their labels, the budget block's rows and columns, and the `Project` made of them
(`StreamResult` collects the projects and the document's title, year and kind).

The reader is one object built in layers, a module each, so that each layer can be read on its own: this
base holds the state and assembles projects; `stream_indicators` adds turning one grid row into an
`Indicator`; `stream_rows` adds cutting the grid's tokens into rows and levels; `stream` adds the main loop
over the token stream. Separate because what becomes of a project's fields and budget does not depend on
how the grid was read, and the grid layers only append to `draft.indicators`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..model import UNNAMED_PROJECT, Budget, Evaluation, Execution, Indicator, Problem, Project
from ..readers.sheet import Row
from ..textnorm import parse_amount
from .common import loc_of, split_unit_code, strip_code_suffix
from .stream_cells import _PLACEHOLDER_NULL, _unwrap
from .stream_columns import Grid
from .stream_labels import _is_org_name, _name_from_title, _split_project_code
from .tokens import Tok, tokens_of


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


class _ProjectReader:
    """The reader's state, and the projects it finishes (the base layer)."""

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
