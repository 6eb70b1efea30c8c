"""Pre-filled execution tables: the 财预〔2020〕10号 project self-evaluation table and the 136号 monitoring
table, written as XLSX from a target table's projects.

A department fills in what happened against what was approved. The template carries the approved side
(project fields, the funding block's 年初预算数, 年度总体目标, every indicator with its 年度指标值) and leaves
the department's side (actual values, scores, reasons) blank. The layout follows the annexes
(shared/rules.md §3.1, §8.1, §8.2) so that the same file, once filled in, is read back by `jixiao parse`
into the execution fields. One sheet per project."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from ..errors import JixiaoError
from ..model import Document, Indicator, Project

TemplateKind = Literal["self_evaluation", "monitoring"]
KINDS: tuple[str, ...] = ("self_evaluation", "monitoring")
TITLE_ZH = {"self_evaluation": "项目支出绩效自评表", "monitoring": "项目支出绩效目标执行监控表"}
# 10号 annex 2 and the department-wide monitoring table
OVERALL_TITLE_ZH = {"self_evaluation": "部门整体支出绩效自评表", "monitoring": "部门整体绩效目标执行监控表"}
# 136号: the five deviation-reason columns (rules.md §4.1, §8.1) and the completion likelihoods
REASONS = ("经费保障", "制度保障", "人员保障", "硬件条件保障", "其他")
LIKELIHOODS = ("确定能", "有可能", "完全不可能")

_THIN = Side(style="thin", color="000000")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_HEAD_FILL = PatternFill("solid", fgColor="EEF1F5")
_FILL_IN = PatternFill("solid", fgColor="FFF9E5")  # the cells the department fills in
_WRAP = Alignment(wrap_text=True, vertical="center")
_CENTER = Alignment(wrap_text=True, vertical="center", horizontal="center")


@dataclass(frozen=True)
class Options:
    """What the writer may add beyond the approved table. `weights`: pre-fill 分值 where the target table
    prints none, from the class weights of the score config (10号: 产出 50, 效益 30, 满意度 10, 预算执行 10),
    shared equally within a first level. `month`: m of a monitoring table's `1-m月` (136号: August reports
    January–July)."""

    weights: bool = True
    month: int = 7
    config: object | None = None  # a jixiao.execution.ScoreConfig; None: the cited defaults


def template_projects(doc: Document) -> list[Project]:
    """The projects a template can be written for; a department-wide table (整体绩效目标) gives one subject,
    the department, with every section's indicators. A clear error when there is nothing to write."""
    if doc.projects:
        return list(doc.projects)
    ov = doc.overall
    if ov is not None and any(s.indicators for s in ov.sections):
        inds = [i for s in ov.sections for i in s.indicators]
        return [Project(name=doc.department or (ov.sections[0].title if ov.sections else "部门整体"),
                        department=doc.department, budget=doc.total,
                        goal=ov.goal or next((s.goal for s in ov.sections if s.goal), None), indicators=inds)]
    raise JixiaoError("文档中没有项目，无法生成模板", doc.source.name)


def write_template(doc: Document, path: Path, kind: str, projects: list[Project] | None = None,
                   options: Options | None = None) -> int:
    """Write one sheet per project (all of the document's, or those given); returns the number of sheets."""
    from openpyxl import Workbook

    if kind not in KINDS:
        raise JixiaoError(f"模板类型无效：{kind}（可用 self-evaluation、monitoring）")
    options = options or Options()
    if not 1 <= options.month <= 12:
        raise JixiaoError(f"月份无效：{options.month}（应为 1 到 12）")
    chosen = projects if projects is not None else template_projects(doc)
    wb = Workbook()
    wb.remove(wb.active)
    names: set[str] = set()
    for p in chosen:
        ws = wb.create_sheet(_sheet_name(p.name, names))
        if kind == "self_evaluation":
            _self_evaluation(ws, doc, p, options)
        else:
            _monitoring(ws, doc, p, options)
    try:
        wb.save(path)
    except OSError as exc:
        raise JixiaoError(f"无法写入：{exc.strerror or exc}", str(path)) from exc
    return len(chosen)


def _sheet_name(name: str, used: set[str]) -> str:
    """An Excel sheet name: at most 31 characters, none of []:*?/\\, unique in the workbook."""
    base = re.sub(r"[\[\]:*?/\\]", "_", name).strip("' ")[:28] or "项目"
    out, n = base, 2
    while out in used:
        out, n = f"{base[:26]}({n})", n + 1
    used.add(out)
    return out


# ------------------------------------------------------------------------------------------------ helpers

class _Grid:
    """Writes cells, merges and borders on one sheet, one row at a time."""

    def __init__(self, ws, width: int) -> None:
        self.ws, self.width, self.row = ws, width, 0

    def next(self) -> int:
        self.row += 1
        return self.row

    def put(self, row: int, col: int, value=None, *, to_col: int | None = None, to_row: int | None = None,
            head: bool = False, fill: bool = False, center: bool = False, fmt: str | None = None) -> None:
        ws = self.ws
        cell = ws.cell(row=row, column=col)
        if value is not None and value != "":
            cell.value = value
        end_col, end_row = to_col or col, to_row or row
        if (end_col, end_row) != (col, row):
            ws.merge_cells(start_row=row, start_column=col, end_row=end_row, end_column=end_col)
        for r in range(row, end_row + 1):
            for c in range(col, end_col + 1):
                x = ws.cell(row=r, column=c)
                x.border = _BORDER
                x.alignment = _CENTER if (head or center) else _WRAP
                if head:
                    x.font = Font(bold=True)
                    x.fill = _HEAD_FILL
                elif fill:
                    x.fill = _FILL_IN
                if fmt:
                    x.number_format = fmt

    def title(self, text: str, sub: str | None) -> None:
        r = self.next()
        self.ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=self.width)
        cell = self.ws.cell(row=r, column=1, value=text)
        cell.font = Font(bold=True, size=16)
        cell.alignment = Alignment(horizontal="center", vertical="center")
        self.ws.row_dimensions[r].height = 30
        if sub:
            r = self.next()
            self.ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=self.width)
            cell = self.ws.cell(row=r, column=1, value=sub)
            cell.alignment = Alignment(horizontal="center", vertical="center")


def _money(v: float | None) -> float | None:
    return None if v is None else round(float(v), 6)


def _unit(doc: Document) -> str:
    return doc.money_unit or "万元"


def _department(doc: Document, p: Project) -> str:
    return p.department or doc.department or ""


def _weights(inds: list[Indicator], options: Options) -> list[float | None]:
    """Each indicator's 分值: as printed in the source when it prints them, else (if asked) the class weights
    shared equally within a first level, rounded to 0.01 with each first level still summing exactly."""
    printed = [i.weight for i in inds]
    if any(w is not None for w in printed) or not options.weights or not inds:
        return printed
    from ..execution.config import ScoreConfig
    from ..execution.scoring import derive_weights

    cfg = ScoreConfig.resolve(options.config)
    raw = derive_weights(inds, cfg, cfg.execution_weight)
    groups: dict[str, list[int]] = {}
    for k in range(len(inds)):
        groups.setdefault(inds[k].level1 or "", []).append(k)
    out: list[float | None] = [None] * len(inds)
    for ks in groups.values():
        total = round(sum(raw.get(k, 0.0) for k in ks), 2)
        shares = [round(raw.get(k, 0.0), 2) for k in ks]
        shares[-1] = round(total - sum(shares[:-1]), 2)
        for k, w in zip(ks, shares, strict=True):
            out[k] = w
    return out


def _grouped(indicators: list[Indicator]) -> list[Indicator]:
    """The indicators grouped by first level, then second level, each in order of first appearance: the
    annex tables list a first level once over all its rows, and some target tables interleave them."""
    l1: dict[str, int] = {}
    l2: dict[tuple[str, str], int] = {}
    for ind in indicators:
        l1.setdefault(ind.level1 or "", len(l1))
        l2.setdefault((ind.level1 or "", ind.level2 or ""), len(l2))
    return sorted(indicators, key=lambda i: (l1[i.level1 or ""], l2[(i.level1 or "", i.level2 or "")]))


def _level_runs(indicators: list[Indicator], key) -> list[tuple[int, int]]:
    """(first, last) index runs of consecutive indicators sharing key(indicator): the cells merged down."""
    runs: list[tuple[int, int]] = []
    for k, ind in enumerate(indicators):
        if runs and key(indicators[runs[-1][0]]) == key(ind) and key(ind):
            runs[-1] = (runs[-1][0], k)
        else:
            runs.append((k, k))
    return runs


def _title(doc: Document, p: Project, kind: str) -> str:
    year = f"{doc.year}年度" if doc.year else ""
    if _is_overall(doc, p):
        return f"{_department(doc, p)}{year}{OVERALL_TITLE_ZH[kind]}"
    return f"{_department(doc, p)}{year}{TITLE_ZH[kind]}"


def _is_overall(doc: Document, p: Project) -> bool:
    """The department itself (a department-wide table), not one of its projects."""
    return not doc.projects and doc.overall is not None


def _header(g: _Grid, doc: Document, p: Project, width: int, split: int) -> None:
    """项目名称; 主管部门 | 实施单位 (the unit starts at column `split`); a department-wide table names only
    the department."""
    r = g.next()
    if _is_overall(doc, p):
        g.put(r, 1, "部门（单位）名称", head=True)
        g.put(r, 2, _department(doc, p) or p.name, to_col=width)
        return
    g.put(r, 1, "项目名称", head=True)
    g.put(r, 2, p.name, to_col=width)
    r = g.next()
    g.put(r, 1, "主管部门", head=True)
    g.put(r, 2, _department(doc, p), to_col=split - 2)
    g.put(r, split - 1, "实施单位", head=True)
    g.put(r, split, p.unit or "", to_col=width)


def _indicator_rows(g: _Grid, inds: list[Indicator], labels: list[str], first_col: int, write_rest) -> tuple[int, int]:
    """The 一级 | 二级 | 三级 | 年度指标值 cells of every indicator, first and second levels merged down; the
    remaining columns come from `write_rest(row, k)`. Returns the first and last row written."""
    start = g.row + 1
    rows = [g.next() for _ in inds]
    for a, b in _level_runs(inds, lambda i: i.level1):
        g.put(rows[a], first_col, labels[a], to_row=rows[b], center=True)
    for a, b in _level_runs(inds, lambda i: (i.level1, i.level2)):
        g.put(rows[a], first_col + 1, inds[a].level2 or "", to_row=rows[b], center=True)
    for k, ind in enumerate(inds):
        g.put(rows[k], first_col + 2, ind.name)
        g.put(rows[k], first_col + 3, ind.annual.raw if ind.annual else "", center=True)
        write_rest(rows[k], k)
    return start, g.row


def _level_labels(inds: list[Indicator], weights: list[float | None]) -> list[str]:
    """`产出指标(50分)` when every indicator of the first level has a weight, else the bare name."""
    sums: dict[str, float | None] = {}
    for ind, w in zip(inds, weights, strict=True):
        lv = ind.level1 or ""
        sums[lv] = None if w is None or (lv in sums and sums[lv] is None) else (sums.get(lv) or 0.0) + w
    out = []
    for ind in inds:
        lv = ind.level1 or ""
        s = sums.get(lv)
        out.append(f"{lv}({s:g}分)" if lv and s is not None else lv)
    return out


def _widths(ws, widths: list[float]) -> None:
    for n, w in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(n)].width = w


def _page_setup(ws, header_row: int, width: int) -> None:
    ws.freeze_panes = f"A{header_row + 1}"
    ws.print_title_rows = f"{header_row}:{header_row}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_area = f"A1:{get_column_letter(width)}{ws.max_row}"


# ------------------------------------------------------------------------------------------------ 10号 自评表

def _self_evaluation(ws, doc: Document, p: Project, options: Options) -> None:
    """Columns: A label | B 一级 | C 二级 | D 三级 | E 年度指标值 | F 实际完成值 | G 分值 | H 得分 |
    I 偏差原因分析及改进措施. The funding block uses B (row name) and C–H (年初预算数 … 得分)."""
    from ..execution.config import ScoreConfig

    width = 9
    g = _Grid(ws, width)
    year = f"（{doc.year}年度）" if doc.year else "（    年度）"
    g.title(_title(doc, p, "self_evaluation"), year if not doc.year else None)
    _header(g, doc, p, width, split=6)

    # 项目资金: 年度资金总额 / 其中：当年财政拨款 / 上年结转资金 / 其他资金 (10号 annex)
    cfg = ScoreConfig.resolve(options.config)
    top = g.next()
    g.put(top, 1, f"项目资金（{_unit(doc)}）", head=True, to_row=top + 4)
    g.put(top, 2, "", head=True)
    for c, name in enumerate(("年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"), start=3):
        g.put(top, c, name, head=True)
    g.put(top, 9, "", head=True)
    b = p.budget
    funding = [("年度资金总额", b.total if b else None), ("其中：当年财政拨款", b.fiscal if b else None),
               ("上年结转资金", None), ("其他资金", b.other if b else None)]
    for n, (name, planned) in enumerate(funding):
        r = g.next()
        g.put(r, 2, name)
        g.put(r, 3, _money(planned), fmt="0.00")
        g.put(r, 4, None, fill=True, fmt="0.00")
        g.put(r, 5, None, fill=True, fmt="0.00")
        g.put(r, 6, cfg.execution_weight if n == 0 else "—", center=True)
        g.put(r, 7, None, fill=True, fmt="0.00%", center=True)
        g.put(r, 8, None if n == 0 else "—", fill=n == 0, center=True)
        g.put(r, 9, "")

    # 年度总体目标: 预期目标 | 实际完成情况
    r = g.next()
    # not merged down: a merged label repeats beside the texts and the reader would pair them the wrong way
    g.put(r, 1, "年度总体目标", head=True)
    g.put(r, 2, "预期目标", head=True, to_col=5)
    g.put(r, 6, "实际完成情况", head=True, to_col=9)
    r = g.next()
    g.put(r, 1, "", head=True)
    g.put(r, 2, p.goal or "", to_col=5)
    g.put(r, 6, None, to_col=9, fill=True)
    ws.row_dimensions[r].height = max(45, 15 * (len(p.goal or "") // 40 + 1))

    # the indicator grid
    head = g.next()
    inds = _grouped(p.indicators)
    g.put(head, 1, "绩效指标", head=True, to_row=head + len(inds))
    for c, name in enumerate(("一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分",
                              "偏差原因分析及改进措施"), start=2):
        g.put(head, c, name, head=True)
    weights = _weights(inds, options)

    def rest(row: int, k: int) -> None:
        g.put(row, 6, None, fill=True, center=True)
        g.put(row, 7, weights[k], center=True)
        g.put(row, 8, None, fill=True, center=True)
        g.put(row, 9, None, fill=True)

    _indicator_rows(g, inds, _level_labels(inds, weights), 2, rest)
    total = g.next()
    known = [w for w in weights if w is not None]
    g.put(total, 1, "总分", head=True, to_col=6)
    g.put(total, 7, round(sum(known) + cfg.execution_weight, 2) if known and len(known) == len(weights) else None,
          center=True)
    g.put(total, 8, None, fill=True, center=True)
    g.put(total, 9, "")
    _widths(ws, [14, 14, 18, 30, 18, 18, 8, 8, 34])
    _page_setup(ws, head, width)


# ------------------------------------------------------------------------------------------------ 136号 监控表

def _monitoring(ws, doc: Document, p: Project, options: Options) -> None:
    """Columns: A label | B 一级 | C 二级 | D 三级 | E 年度指标值 | F 1-m月执行情况 | G 全年预计完成情况 |
    H–L 偏差原因分析 (经费保障 制度保障 人员保障 硬件条件保障 其他) | M 完成目标可能性 | N 备注."""
    m = options.month
    width = 14
    g = _Grid(ws, width)
    g.title(_title(doc, p, "monitoring"), f"（{doc.year or '    '}年1-{m}月）")
    _header(g, doc, p, width, split=8)

    # 项目资金: 年度资金总额 / 其中：财政拨款 / 其他资金 × 年初预算数 | 1-m月执行数 | 1-m月执行率 | 全年预计执行数
    top = g.next()
    g.put(top, 1, f"项目资金（{_unit(doc)}）", head=True, to_row=top + 3)
    g.put(top, 2, "", head=True)
    spans = [("年初预算数", 3, 4), (f"1-{m}月执行数", 5, 6), (f"1-{m}月执行率", 7, 8), ("全年预计执行数", 9, 10)]
    for name, a, z in spans:
        g.put(top, a, name, head=True, to_col=z)
    g.put(top, 11, "", head=True, to_col=width)
    b = p.budget
    for name, planned in (("年度资金总额", b.total if b else None), ("其中：财政拨款", b.fiscal if b else None),
                          ("其他资金", b.other if b else None)):
        r = g.next()
        g.put(r, 2, name)
        g.put(r, 3, _money(planned), to_col=4, fmt="0.00")
        g.put(r, 5, None, to_col=6, fill=True, fmt="0.00")
        g.put(r, 7, None, to_col=8, fill=True, fmt="0.00%")
        g.put(r, 9, None, to_col=10, fill=True, fmt="0.00")
        g.put(r, 11, "", to_col=width)

    # 年度总体目标: 年初设定目标 | 1-m月执行情况
    r = g.next()
    # not merged down: a merged label repeats beside the texts and the reader would pair them the wrong way
    g.put(r, 1, "年度总体目标", head=True)
    g.put(r, 2, "年初设定目标", head=True, to_col=6)
    g.put(r, 7, f"1-{m}月执行情况", head=True, to_col=width)
    r = g.next()
    g.put(r, 1, "", head=True)
    g.put(r, 2, p.goal or "", to_col=6)
    g.put(r, 7, None, to_col=width, fill=True)
    ws.row_dimensions[r].height = max(45, 15 * (len(p.goal or "") // 40 + 1))

    # the indicator grid: two header rows, the reasons ticked in five sub-columns
    head = g.next()
    sub = g.next()
    inds = _grouped(p.indicators)
    g.put(head, 1, "绩效指标", head=True)
    g.put(sub, 1, "", head=True, to_row=sub + len(inds))  # blank: a merged label would repeat beside the reasons
    # the labels stand in the upper header row over a blank cell, not merged down: a label merged over both
    # rows repeats in the lower one and the reader then takes the lower row for the header (see the report)
    for c, name in enumerate(("一级指标", "二级指标", "三级指标", "年度指标值", f"1-{m}月执行情况", "全年预计完成情况"),
                             start=2):
        g.put(head, c, name, head=True)
        g.put(sub, c, "", head=True)
    g.put(head, 8, "偏差原因分析", head=True, to_col=12)
    for c, name in enumerate(REASONS, start=8):
        g.put(sub, c, name, head=True)
    g.put(head, 13, "完成目标可能性", head=True)
    g.put(head, 14, "备注", head=True)
    g.put(sub, 13, "", head=True)
    g.put(sub, 14, "", head=True)

    def rest(row: int, k: int) -> None:
        for c in range(6, 15):
            g.put(row, c, None, fill=True, center=c != 14)

    first, last = _indicator_rows(g, inds, [i.level1 or "" for i in inds], 2, rest)
    if inds:
        tick = DataValidation(type="list", formula1='"√"', allow_blank=True)
        tick.prompt, tick.promptTitle = "勾选偏差原因（√），其他原因可在 √ 后说明", "偏差原因"
        tick.showErrorMessage = False  # 其他 may carry text after the tick
        tick.add(f"H{first}:L{last}")
        likely = DataValidation(type="list", formula1='"' + ",".join(LIKELIHOODS) + '"', allow_blank=True)
        likely.error, likely.errorTitle = "请选择 确定能、有可能 或 完全不可能", "完成目标可能性"
        likely.add(f"M{first}:M{last}")
        ws.add_data_validation(tick)
        ws.add_data_validation(likely)
    _widths(ws, [14, 12, 16, 28, 16, 16, 16, 8, 8, 8, 10, 14, 12, 16])
    _page_setup(ws, sub, width)


# ------------------------------------------------------------------------------------------------ from the store

def stored_project(conn, project_id: int) -> tuple[Document, Project] | None:
    """A stored project and its document, by the project's id in the store; None when there is none."""
    from sqlalchemy import select

    from ..store import load_document
    from ..store.schema import ProjectRow

    doc_id = conn.execute(select(ProjectRow.document_id).where(ProjectRow.id == project_id)).scalar()
    if doc_id is None:
        return None
    ids = list(conn.execute(select(ProjectRow.id).where(ProjectRow.document_id == doc_id)
                            .order_by(ProjectRow.position)).scalars())
    doc = load_document(conn, doc_id)
    return doc, doc.projects[ids.index(project_id)]
