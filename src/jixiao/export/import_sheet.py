"""The import sheet of the national system (预算管理一体化 绩效模块): one row per indicator in the columns of
财预〔2021〕101号 annex 2 (shared/rules.md §8.3), after the project's 项目编码 and 项目名称 that place the
row, and a second sheet with each project's 绩效目标 and funding.

Every value is checked the way the system checks a submitted table (§8.3); a row that would not load is
left out of the file and named in a Chinese message (project, row, field, why), so the file loads as
written and the caller (CLI exit code 1, API 422) says what is missing:
- 一级/二级 names at most 30 characters, 三级 at most 100 (the save check; the data standard's 30 for
  names is applied to the levels, whose canonical names are short), 指标值 at most 60, 指标解释 and
  评（扣）分标准 at most 2,000, 绩效目标 at most 2,000 — counted in characters (§8.3 leaves bytes or
  characters open);
- 一级, 二级, 三级 and 指标值 filled on every row;
- no `*`, `_` or `-` in 指标值 (template placeholders such as `≥**人` and ranges such as `90-95`);
- a 计量单位 on every quantitative value (operator ≥ ＞ ＝ ＜ ≤).

Operators: a `number` target gives its symbol (≥ ＞ ＝ ＜ ≤, the pmkpi 计算符号 dictionary), its number and
its unit; every other kind (text, bool, deadline, compound) is `定性` with the value as printed — the
system has no operator for a compound or a date. A 实施周期指标值 goes to 备注 as `实施周期指标值：…`."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..errors import JixiaoError
from ..model import Document, Indicator, Project
from .standard_layout import framework_indicators

INDICATOR_COLUMNS: list[tuple[str, int]] = [
    ("项目编码", 22), ("项目名称", 30), ("一级指标", 12), ("二级指标", 14), ("三级指标", 30), ("指标解释", 24),
    ("指标性质/计算符号", 10), ("指标值", 14), ("度量单位", 10), ("指标值设定依据", 24), ("完成值取值方式", 12),
    ("完成值数据来源", 14), ("分值权重", 8), ("评（扣）分标准", 20), ("佐证资料要求", 16), ("备注", 20),
]
PROJECT_COLUMNS: list[tuple[str, int]] = [
    ("项目编码", 22), ("项目名称", 30), ("主管部门", 24), ("实施单位", 24), ("年度资金总额", 12), ("财政拨款", 12),
    ("其他资金", 12), ("年度绩效目标", 60),
]
LIMITS = {"一级指标": 30, "二级指标": 30, "三级指标": 100, "指标值": 60, "指标解释": 2000, "评（扣）分标准": 2000,
          "年度绩效目标": 2000}
_SYMBOL = {">=": "≥", ">": "＞", "=": "＝", "<": "＜", "<=": "≤"}
QUALITATIVE = "定性"


@dataclass
class ImportResult:
    indicator_rows: list[list] = field(default_factory=list)
    project_rows: list[list] = field(default_factory=list)
    rejected: list[str] = field(default_factory=list)  # one Chinese line per row left out


def _number(v: float) -> str:
    return f"{v:.6f}".rstrip("0").rstrip(".")


def split_target(ind: Indicator) -> tuple[str, str, str]:
    """(计算符号, 指标值, 度量单位) of the annual target."""
    t = ind.annual
    if t is None:
        return "", "", ""
    if t.kind == "number" and t.op in _SYMBOL and t.value is not None:
        return _SYMBOL[t.op], _number(t.value), t.unit or ""
    return QUALITATIVE, t.raw, ""


def indicator_problems(row: dict[str, str]) -> list[str]:
    """Why a row would not load (empty list: it loads)."""
    out = []
    for col in ("一级指标", "二级指标", "三级指标", "指标值"):
        if not row.get(col):
            out.append(f"{col}为空")
    for col, limit in LIMITS.items():
        value = row.get(col) or ""
        if len(value) > limit:
            out.append(f"{col}超长（{len(value)} 字，上限 {limit} 字）")
    value = row.get("指标值") or ""
    bad = sorted({c for c in value if c in "*_-"})
    if bad:
        out.append(f"指标值含有 {' '.join(bad)}（“{value}”：国家系统不接受占位符和区间）")
    if row.get("指标性质/计算符号") not in ("", QUALITATIVE) and not row.get("度量单位"):
        out.append(f"定量指标缺少度量单位（“{row.get('指标性质/计算符号')}{value}”）")
    return out


def import_rows(items: list[tuple[Document, list[Project]]], framework: str = "keep") -> ImportResult:
    """The two sheets' rows for these projects, and the rows left out with their reasons."""
    res = ImportResult()
    for doc, projects in items:
        for p in projects:
            code, name = p.code or "", p.name
            b = p.budget
            goal = p.goal or ""
            prow = [code, name, p.department or doc.department or "", p.unit or "", b.total if b else None,
                    b.fiscal if b else None, b.other if b else None, goal]
            if len(goal) > LIMITS["年度绩效目标"]:
                res.rejected.append(f"项目“{name}”：年度绩效目标超长（{len(goal)} 字，上限 {LIMITS['年度绩效目标']} 字），"
                                    "该项目的绩效目标行未导出")
            else:
                res.project_rows.append(prow)
            for n, ind in enumerate(framework_indicators(p.indicators, framework), start=1):
                op, value, unit = split_target(ind)
                row = {"项目编码": code, "项目名称": name, "一级指标": ind.level1 or "", "二级指标": ind.level2 or "",
                       "三级指标": ind.name, "指标解释": ind.description or "", "指标性质/计算符号": op, "指标值": value,
                       "度量单位": unit, "指标值设定依据": ind.basis or "", "完成值取值方式": "", "完成值数据来源": "",
                       "分值权重": _number(ind.weight) if ind.weight is not None else "", "评（扣）分标准": "",
                       "佐证资料要求": "",
                       "备注": f"实施周期指标值：{ind.period.raw}" if ind.period is not None else ""}
                problems = indicator_problems(row)
                if problems:
                    res.rejected.append(f"项目“{name}”第 {n} 行（{ind.name[:40]}）：{'；'.join(problems)}")
                    continue
                res.indicator_rows.append([row[c] for c, _ in INDICATOR_COLUMNS])
    return res


def write_import_sheet(items: list[tuple[Document, list[Project]]], path: Path, framework: str = "keep"
                       ) -> ImportResult:
    """Write the rows that load; return them with the rejected ones."""
    from .sheet import write_sheets

    res = import_rows(items, framework)
    if not res.indicator_rows and not res.project_rows and not res.rejected:
        raise JixiaoError("没有可导出的项目")
    try:
        write_sheets(path, [("绩效指标", INDICATOR_COLUMNS, res.indicator_rows),
                            ("绩效目标", PROJECT_COLUMNS, res.project_rows)])
        _no_formulas(path)
    except OSError as exc:
        raise JixiaoError(f"无法写入：{exc.strerror or exc}", str(path)) from exc
    return res


def _no_formulas(path: Path) -> None:
    """A value printed with a leading `=` (`=100%`) is text: the streaming writer stored it as a formula."""
    from openpyxl import load_workbook

    with path.open("rb") as fh:  # a file object: the CLI writes to `F.xlsx.part`, a name openpyxl refuses
        wb = load_workbook(fh)
    changed = False
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    cell.data_type = "s"
                    changed = True
    if changed:
        wb.save(path)
