"""The published 项目支出绩效目标表 as a format-neutral grid of cells, rendered by `standard_xlsx` and
`standard_docx` alike, so the two files carry the same table.

One table per project (88号 申报表 shape, shared/rules.md §1.4): a title and the year, the money unit,
the header fields (项目名称, 项目编码, 主管部门, 实施单位, 项目属性, 项目期限, 项目内容), the funding rows
(年度资金总额 / 其中：财政拨款 / 财政专户拨款 / 其他资金), the goal (总体目标: 中长期目标 | 年度目标) and the
indicator grid (一级 | 二级 | 三级 | 年度指标值 [| 实施周期指标值] [| 指标值确定依据] …, 一级 and 二级 merged
down over their runs). A department-wide table (部门整体绩效目标) is one more table: 部门名称, the goal and
one grid per task (年度主要任务).

Self-evaluation and monitoring documents keep their execution side: the funding block gains the 年初预算数 …
得分 columns, the goal its 实际完成情况 / 1-m月执行情况, and the grid the 实际完成值, 分值, 得分, 偏差原因 …
columns, so the same parser reads them back into the execution fields.

Framework (`framework`): `keep` writes the levels as the document prints them (faithful); `2021` writes the
财预〔2021〕101号 framework: an old 产出指标/成本指标 row becomes 一级 成本指标 with 二级 经济成本指标 (社会成本指标
or 生态环境成本指标 where its name is about social or environmental harm: rules.md §1.2's migration rule),
and a 服务对象满意度指标 printed under 效益指标 moves to 一级 满意度指标; `old` writes the three-class
framework of 88号: an 一级 成本指标 row becomes 产出指标/成本指标 (the three cost kinds are one 二级 there), and
满意度 stays as printed. Mapped rows are grouped by first level, then second level, in order of first
appearance, so each level is one merged run."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

from ..errors import JixiaoError
from ..model import Document, Indicator, Project, Section, Target
from .templates import _grouped, _level_runs

Framework = Literal["keep", "2021", "old"]
FRAMEWORKS: tuple[str, ...] = ("keep", "2021", "old")
FRAMEWORK_ZH = {"keep": "按原表", "2021": "2021年框架（财预〔2021〕101号，含成本指标）", "old": "原框架（三类一级指标）"}

TITLE = {"target": "项目支出绩效目标表", "self_evaluation": "项目支出绩效自评表",
         "monitoring": "项目支出绩效目标执行监控表"}
OVERALL_TITLE = {"target": "部门整体绩效目标表", "self_evaluation": "部门整体支出绩效自评表",
                 "monitoring": "部门整体绩效目标执行监控表"}
# Excel keeps at most this many characters in a cell; a longer value cannot be exported whole
MAX_CELL = 32767

_SOCIAL = re.compile(r"社会|群众|公众|居民|舆情|安全|稳定")
_ECO = re.compile(r"生态|环境|污染|排放|能耗|碳|噪声|扬尘|水土")

Style = Literal["title", "sub", "note", "head", "text", "center", "money"]


@dataclass
class GridCell:
    row: int
    col: int
    value: str | float | None
    style: Style = "text"
    to_row: int | None = None
    to_col: int | None = None

    @property
    def last_row(self) -> int:
        return self.to_row or self.row

    @property
    def last_col(self) -> int:
        return self.to_col or self.col


@dataclass
class StandardTable:
    """One project's (or the department's) table: cells on a 1-based grid `width` columns wide."""

    name: str
    width: int
    widths: list[float]
    cells: list[GridCell] = field(default_factory=list)
    rows: int = 0
    header_rows: tuple[int, int] = (0, 0)  # the grid header, repeated on every printed page
    tall: dict[int, float] = field(default_factory=dict)  # row → height in points, for long text
    _heads: dict[tuple[int, int], str] = field(default_factory=dict)  # label cells, to name a field

    def _field(self, row: int, col: int) -> str:
        """The label a value stands under: its row's label to the left, else the header above it."""
        left = [c for (r, c) in self._heads if r == row and c < col]
        if left:
            return self._heads[(row, max(left))]
        above = [r for (r, c) in self._heads if c == col and r < row]
        return self._heads[(max(above), col)] if above else "内容"

    def next(self) -> int:
        self.rows += 1
        return self.rows

    def put(self, row: int, col: int, value, style: Style = "text", *, to_col: int | None = None,
            to_row: int | None = None) -> None:
        if isinstance(value, str) and len(value) > MAX_CELL:
            raise JixiaoError(f"项目“{self.name}”第 {row} 行“{self._field(row, col)}”：内容过长（{len(value)} 字，"
                              f"单元格最多 {MAX_CELL} 字），无法导出")
        if style == "head" and isinstance(value, str):
            self._heads[(row, col)] = value
        self.cells.append(GridCell(row, col, value if value != "" else None, style,
                                   to_row if to_row and to_row != row else None,
                                   to_col if to_col and to_col != col else None))


# ------------------------------------------------------------------------------------------------ framework

def map_indicator(ind: Indicator, framework: str) -> Indicator:
    """One indicator's levels in the chosen framework (see the module docstring); `keep` returns it as is."""
    l1, l2 = ind.level1, ind.level2
    if framework == "2021":
        if l2 == "成本指标" and l1 in (None, "产出指标"):
            text = ind.name + (ind.description or "")
            kind = "生态环境成本指标" if _ECO.search(text) else "社会成本指标" if _SOCIAL.search(text) else "经济成本指标"
            l1, l2 = "成本指标", kind
        elif l1 == "效益指标" and l2 == "服务对象满意度指标":
            l1 = "满意度指标"
    elif framework == "old":
        if l1 == "成本指标":
            l1, l2 = "产出指标", "成本指标"
    elif framework != "keep":
        raise JixiaoError(f"指标框架无效：{framework}（可用 2021、old）")
    if (l1, l2) == (ind.level1, ind.level2):
        return ind
    return ind.model_copy(update={"level1": l1, "level2": l2, "level2_code": None})


def framework_indicators(indicators: list[Indicator], framework: str) -> list[Indicator]:
    """The indicators as the table prints them: mapped and grouped for a framework, as given for `keep`."""
    mapped = [map_indicator(i, framework) for i in indicators]
    return mapped if framework == "keep" else _grouped(mapped)


def framework_document(doc: Document, framework: str) -> Document:
    """The whole document with every indicator list as `framework_indicators` prints it: what an exported
    table reads back as (the round-trip test compares against this)."""
    if framework == "keep":
        return doc
    projects = [p.model_copy(update={"indicators": framework_indicators(p.indicators, framework)})
                for p in doc.projects]
    overall = doc.overall
    if overall is not None:
        overall = overall.model_copy(update={"sections": [
            s.model_copy(update={"indicators": framework_indicators(s.indicators, framework)})
            for s in overall.sections]})
    return doc.model_copy(update={"projects": projects, "overall": overall})


# ------------------------------------------------------------------------------------------------ columns

@dataclass(frozen=True)
class Column:
    header: str
    width: float
    value: object  # Indicator -> cell value
    center: bool = True


def _raw(t: Target | None) -> str | None:
    return t.raw if t is not None else None


def _num(v: float | None) -> float | None:
    return None if v is None else float(v)


def grid_columns(doc: Document, inds: list[Indicator]) -> list[Column]:
    """The columns after 一级 | 二级 | 三级: each one only where some indicator fills it (a published table
    prints no empty 实施周期 column), the execution ones in the order of the 10号 and 136号 annexes."""
    m = doc.as_of_month or 12
    has = {k: any(getattr(i, k) not in (None, "") for i in inds)
           for k in ("description", "period", "basis", "actual", "forecast", "weight", "score", "deviation",
                     "likelihood")}
    cols: list[Column] = []
    if has["description"]:
        cols.append(Column("绩效指标描述", 24, lambda i: i.description, center=False))
    cols.append(Column("年度指标值", 16, lambda i: _raw(i.annual)))
    if has["period"]:
        cols.append(Column("实施周期指标值", 16, lambda i: _raw(i.period)))
    if has["basis"]:
        cols.append(Column("指标值确定依据", 24, lambda i: i.basis, center=False))
    monitoring = doc.kind == "monitoring"
    if has["actual"]:
        cols.append(Column(f"1-{m}月执行情况" if monitoring else "实际完成值", 16, lambda i: _raw(i.actual)))
    if has["forecast"]:
        cols.append(Column("全年预计完成情况", 16, lambda i: _raw(i.forecast)))
    if has["weight"]:
        cols.append(Column("分值", 8, lambda i: _num(i.weight)))
    if has["score"]:
        cols.append(Column("得分", 8, lambda i: _num(i.score)))
    if has["deviation"]:
        cols.append(Column("偏差原因分析及改进措施" if not monitoring else "偏差原因分析", 24, lambda i: i.deviation,
                           center=False))
    if has["likelihood"]:
        cols.append(Column("完成目标可能性", 12, lambda i: i.likelihood))
    return cols


# ------------------------------------------------------------------------------------------------ tables

def standard_tables(doc: Document, framework: str = "keep", projects: list[Project] | None = None
                    ) -> list[StandardTable]:
    """Every table of the document (each project's, then the department-wide one), or those of `projects`."""
    if framework not in FRAMEWORKS:
        raise JixiaoError(f"指标框架无效：{framework}（可用 2021、old）")
    chosen = doc.projects if projects is None else projects
    tables = [project_table(doc, p, framework) for p in chosen]
    if projects is None and doc.overall is not None and (doc.overall.sections or doc.overall.goal):
        tables.extend(overall_tables(doc, framework))
    if not tables:
        raise JixiaoError("文档中没有项目，无法导出", doc.source.name)
    return tables


def _title(doc: Document, overall: bool) -> str:
    """The document's own title where it prints one (every sheet repeats it, as a printed table does on
    every page), else the standard one for its kind."""
    return doc.title or (OVERALL_TITLE if overall else TITLE)[doc.kind]


def _heading(t: StandardTable, doc: Document, overall: bool) -> None:
    r = t.next()
    t.put(r, 1, _title(doc, overall), "title", to_col=t.width)
    t.tall[r] = 30
    if doc.year and str(doc.year) not in (doc.title or ""):
        r = t.next()
        t.put(r, 1, f"（{doc.year}年度）", "sub", to_col=t.width)
    if doc.money_unit:
        r = t.next()
        t.put(r, 1, f"单位：{doc.money_unit}", "note", to_col=t.width)


def _label_value(t: StandardTable, pairs: list[tuple[str, str | None]]) -> None:
    """One header row of label | value pairs spread over the table's width. A field the document does not
    state is left out, not printed blank: a reader takes the next cell for a blank label's value."""
    pairs = [(a, v) for a, v in pairs if v not in (None, "")]
    if not pairs:
        return
    r = t.next()
    if len(pairs) == 1:
        t.put(r, 1, pairs[0][0], "head")
        t.put(r, 2, pairs[0][1], to_col=t.width)
        return
    half = max(3, t.width // 2)
    (a, va), (b, vb) = pairs
    t.put(r, 1, a, "head")
    t.put(r, 2, va, to_col=half)
    t.put(r, half + 1, b, "head")
    t.put(r, half + 2, vb, to_col=t.width)


def project_table(doc: Document, p: Project, framework: str = "keep") -> StandardTable:
    inds = framework_indicators(p.indicators, framework)
    cols = grid_columns(doc, inds)
    width = 4 + len(cols)
    widths = [16, 14, 16, 30] + [c.width for c in cols]
    t = StandardTable(name=p.name, width=width, widths=widths)
    _heading(t, doc, overall=False)
    _label_value(t, [("项目名称", p.name)])
    _label_value(t, [("项目编码", p.code)])
    unit = f"[{p.unit_code}]{p.unit}" if p.unit and p.unit_code else p.unit
    _label_value(t, [("主管部门", p.department), ("实施单位", unit)])
    _funding(t, doc, p)
    if p.content:  # after the funding rows: a text field just above them would run into their label
        _label_value(t, [("项目内容", p.content)])
    _goal(t, doc, p.goal, p.result)
    _grid(t, inds, cols)
    _evaluation(t, p)
    return t


def _funding(t: StandardTable, doc: Document, p: Project) -> None:
    """项目资金: rows 年度资金总额 / 其中：财政拨款 / 财政专户拨款 (where stated) / 其他资金; a self-evaluation
    adds the execution columns on the 年度资金总额 row."""
    b = p.budget
    ex = p.execution
    rows = [("年度资金总额", b.total if b else None), ("其中：财政拨款", b.fiscal if b else None)]
    if b is not None and b.special is not None:
        rows.append(("财政专户拨款", b.special))
    rows.append(("其他资金", b.other if b else None))
    label = f"项目资金（{doc.money_unit}）" if doc.money_unit else "项目资金"
    top = t.next()
    if ex is None:
        # the label is not merged down: a merged label repeats in every row and joins the text above it
        for n, (name, amount) in enumerate(rows):
            r = top if n == 0 else t.next()
            t.put(r, 1, label if n == 0 else None, "head")
            t.put(r, 2, name)
            t.put(r, 3, _num(amount), "money", to_col=t.width)
        _plan(t, p)
        return
    # execution columns, those the table fills: 年初预算数 | 全年预算数 | 全年执行数 | 全年预计执行数 | 执行率 |
    # 分值 | 得分. The budget rows' amounts stand in the first amount column, as in a printed table that has
    # no 年初预算数 column (the reader takes the project's budget from there).
    names = {"planned": "年初预算数", "adjusted": "全年预算数", "spent": "全年执行数", "forecast": "全年预计执行数",
             "rate": "执行率", "weight": "分值", "score": "得分"}
    keys = [k for k in names if getattr(ex, k) is not None]
    amounts = [k for k in keys if k in ("planned", "adjusted")]
    if not amounts:
        keys.insert(0, "planned")
    first = keys[0]
    t.put(top, 1, label, "head", to_row=top + len(rows))
    t.put(top, 2, None, "head")
    span = _spans(t.width - 2, len(keys))
    for key, (a, z) in zip(keys, span, strict=True):
        t.put(top, 2 + a, names[key], "head", to_col=2 + z)
    for n, (_, amount) in enumerate(rows):
        r = t.next()
        t.put(r, 2, rows[n][0])
        for key, (a, z) in zip(keys, span, strict=True):
            if n == 0:
                v = getattr(ex, key)
                if v is None and key == first:
                    v = amount
                value = None if v is None else f"{v:g}%" if key == "rate" else _num(v)
            else:
                value = _num(amount) if key == first else None
            t.put(r, 2 + a, value, "money", to_col=2 + z)
    _plan(t, p)


def _plan(t: StandardTable, p: Project) -> None:
    """资金支出计划: a row of month columns (3月底 | 6月底 …) over a row of cumulative percentages."""
    if not p.spending_plan:
        return
    head, body = t.next(), t.next()
    t.put(head, 1, "资金支出计划（%）", "head")
    t.put(body, 1, None, "head")
    span = _spans(t.width - 1, len(p.spending_plan))
    for point, (a, z) in zip(p.spending_plan, span, strict=True):
        t.put(head, 1 + a, f"{point.month}月底", "head", to_col=1 + z)
        pct = point.cumulative_pct
        # a blank month is printed "—" (null to a reader): a row with one value left reads as a lone note
        t.put(body, 1 + a, "—" if pct is None else f"{pct:g}%", "center", to_col=1 + z)


def _spans(width: int, n: int) -> list[tuple[int, int]]:
    """n runs of columns 1..width, as even as they come (the first ones one wider)."""
    base, extra = divmod(width, n) if n <= width else (1, 0)
    out, c = [], 1
    for k in range(n):
        w = base + (1 if k < extra else 0)
        out.append((c, min(width, c + w - 1)))
        c += w
    return out


def _goal(t: StandardTable, doc: Document, goal: str | None, result: str | None) -> None:
    """年度绩效目标 (a target table: the model keeps only the annual goal), 年初设定目标/预期目标 | 1-m月执行情况/实际完成情况 (with a
    result). The label is not merged down: a merged label repeats beside the texts."""
    half = max(3, t.width // 2)
    head = t.next()
    body = t.next()
    if result is None:
        t.rows -= 1
        t.put(head, 1, "年度绩效目标", "head")
        t.put(head, 2, goal, to_col=t.width)
        body = head
    else:
        monitoring = doc.kind == "monitoring"
        t.put(head, 1, "年度总体目标", "head")
        t.put(head, 2, "年初设定目标" if monitoring else "预期目标", "head", to_col=half)
        t.put(head, half + 1, f"1-{doc.as_of_month or 12}月执行情况" if monitoring else "实际完成情况", "head",
              to_col=t.width)
        t.put(body, 1, None, "head")
        t.put(body, 2, goal, to_col=half)
        t.put(body, half + 1, result, to_col=t.width)


def _grid(t: StandardTable, inds: list[Indicator], cols: list[Column]) -> None:
    head = t.next()
    t.put(head, 1, "绩效指标", "head", to_row=head + len(inds))
    for c, name in enumerate(["一级指标", "二级指标", "三级指标"] + [c.header for c in cols], start=2):
        t.put(head, c, name, "head")
    t.header_rows = (head, head)
    rows = [t.next() for _ in inds]
    for a, z in _level_runs(inds, lambda i: (i.level1, i.level1_points) if i.level1 else None):
        points = inds[a].level1_points  # `产出指标(50分)` as the label printed it
        label = inds[a].level1 and inds[a].level1 + (f"({points:g}分)" if points is not None else "")
        t.put(rows[a], 2, label, "center", to_row=rows[z])
    for a, z in _level_runs(inds, lambda i: (i.level1, i.level2) if i.level2 else None):
        ind = inds[a]
        label = f"{ind.level2_code}-{ind.level2}" if ind.level2 and ind.level2_code else ind.level2
        t.put(rows[a], 3, label, "center", to_row=rows[z])
    for k, ind in enumerate(inds):
        t.put(rows[k], 4, ind.name)
        for c, col in enumerate(cols, start=5):
            t.put(rows[k], c, col.value(ind), "center" if col.center else "text")


def _evaluation(t: StandardTable, owner) -> None:
    """A self-evaluation's 总分, 自评等级 and its three texts, each a label | value row."""
    ev = owner.evaluation
    if ev is None:
        return
    if ev.score is not None:
        _label_value(t, [("总分", f"{ev.score:g}")])
    if ev.grade:
        _label_value(t, [("自评等级", ev.grade)])
    for label, text in (("评价结论", ev.conclusion), ("存在问题", ev.problems), ("改进措施", ev.measures)):
        if text:
            _label_value(t, [(label, text)])


def overall_tables(doc: Document, framework: str = "keep") -> list[StandardTable]:
    """The department-wide targets (部门整体绩效目标). A section that came from its own form (its title is a
    table title such as `…部门整体绩效目标`) is written back as that form: 部门名称, 年度总体目标 and the grid.
    Sections of a running text (`（一）task` / `绩效目标：…` / `绩效指标：name，description≥80%；…`) are
    written as that text, the way such departments publish them: a grid would give them levels they do
    not have."""
    ov = doc.overall
    assert ov is not None
    sections = [s.model_copy(update={"indicators": framework_indicators(s.indicators, framework)})
                for s in ov.sections]
    forms = [s for s in sections if is_form_title(s.title + "表")]
    texts = [s for s in sections if s not in forms]
    # A self-evaluation form's 预期目标 | 实际完成情况 is the department's goal and result. A target form's 年度目标
    # is read as its section's goal and the department's: a department goal of its own goes in the text,
    # written last (a reader runs a goal on into every lone line after it).
    executed = ov.result is not None
    own_goal = ov.goal if not executed and (not forms or ov.goal != forms[0].goal) else None
    out = [_section_form(doc, s, (s.goal or ov.goal) if executed and k == 0 else s.goal,
                         ov.result if k == 0 else None) for k, s in enumerate(forms)]
    if texts or own_goal:
        out.append(_text_table(doc, own_goal, texts))
    return out


def is_form_title(text: str) -> bool:
    return len(text) <= 120 and bool(re.search(r"(?:目标表|申报表|批复表|自评表)$", text))


def _section_form(doc: Document, s: Section, goal: str | None, result: str | None) -> StandardTable:
    cols = grid_columns(doc, s.indicators)
    width = 4 + len(cols)
    t = StandardTable(name=s.title, width=width, widths=[16, 14, 16, 30] + [c.width for c in cols])
    r = t.next()
    t.put(r, 1, s.title + "表", "title", to_col=t.width)
    t.tall[r] = 30
    if doc.money_unit:
        r = t.next()
        t.put(r, 1, f"单位：{doc.money_unit}", "note", to_col=t.width)
    _label_value(t, [("部门名称", doc.department)])
    _goal(t, doc, goal, result)
    _grid(t, s.indicators, cols)
    return t


_CN = "零一二三四五六七八九十"


def _cn_number(n: int) -> str:
    if n <= 10:
        return _CN[n]
    tens, ones = divmod(n, 10)
    return (_CN[tens] if tens > 1 else "") + "十" + (_CN[ones] if ones else "")


def _overall_item(ind: Indicator) -> str:
    text = ind.name + (f"，{ind.description}" if ind.description else "")
    return text + (ind.annual.raw if ind.annual else "")


def _text_table(doc: Document, goal: str | None, sections: list[Section]) -> StandardTable:
    """The running-text form: one line a cell in the first column."""
    t = StandardTable(name=doc.department or "部门整体绩效目标", width=1, widths=[100])
    lines = [doc.title or OVERALL_TITLE[doc.kind]]
    if goal:
        lines += ["一、部门整体绩效目标", goal]
    if sections:
        lines.append(("二" if goal else "一") + "、分项绩效目标")
    for n, s in enumerate(sections, start=1):
        lines.append(f"（{_cn_number(n)}）{s.title}")
        if s.goal:
            lines.append(f"绩效目标：{s.goal}")
        if s.indicators:
            lines.append("绩效指标：" + "；".join(_overall_item(i) for i in s.indicators) + "。")
    for k, line in enumerate(lines):
        r = t.next()
        t.put(r, 1, line, "title" if k == 0 else "text")
    return t
