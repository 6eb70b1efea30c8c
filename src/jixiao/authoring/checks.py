"""Every change to a draft is checked twice: by the national system's save checks (rules.md §8.3) and by
jixiao's review catalog. Both come back as one list of findings, each tied to the grid row (0-based `row`)
and field it concerns, or to the project when it names no row.

The national checks carry codes `NS1`…`NS7` so the editor and the reports can tell them from the review's
`JX` rules. A draft saves whatever they find; submitting needs no finding of severity `error`."""

from __future__ import annotations

import re

from ..review.engine import review_document
from .content import OPERATORS, Content, Row, to_document

# rules.md §8.3: field sizes of the national data standard (bytes or characters is unconfirmed: characters)
NAME_MAX = 100  # a 三级 name the national form accepts
LEVEL_NAME_MAX = 30  # 一级/二级/三级 name columns of the data standard
VALUE_MAX = 60  # 指标值
GOAL_MAX = 2000  # 绩效目标
TEXT_MAX = 2000  # 指标内容, 评（扣）分标准

_PLACEHOLDER = re.compile(r"[*＊_＿\-－]")
_NUMBER = re.compile(r"^[+]?\d+(?:\.\d+)?$")

NATIONAL = {
    "NS1": ("placeholder-in-value", "指标值不得含 *、_、- 等占位符或区间写法（国家系统保存时拒收）"),
    "NS2": ("unit-required", "定量指标必须填写计量单位"),
    "NS3": ("value-not-number", "定量指标的指标值应为数值"),
    "NS4": ("name-too-long", f"三级指标名称不得超过 {NAME_MAX} 个字符"),
    "NS5": ("field-too-long", "字段超过国家数据标准的长度，导出后无法导入"),
    "NS6": ("required-field", "三级指标行的必录项未填"),
    "NS7": ("bad-operator", "计算符号无效"),
}


def _finding(code: str, severity: str, message: str, row: int | None, field: str | None, fix: str) -> dict:
    return {"rule": code, "name": NATIONAL[code][0], "severity": severity, "message": message, "fix": fix,
            "row": row, "field": field, "source": "national"}


def _row_checks(n: int, row: Row) -> list[dict]:
    out: list[dict] = []
    name, value, unit = row.name.strip(), row.value.strip(), row.unit.strip()
    label = f"“{name}”" if name else f"第 {n + 1} 行"
    if not name:
        out.append(_finding("NS6", "error", f"{label}：填了指标值但没有三级指标名称", n, "name", "填写三级指标名称，或删除此行。"))
    if not value:
        out.append(_finding("NS6", "error", f"{label}：指标值为必录项", n, "value", "填写年度指标值。"))
    if not row.level1 or not row.level2:
        out.append(_finding("NS6", "error", f"{label}：一级指标、二级指标为必录项", n, "level2", "选择一级和二级指标。"))
    if row.op not in OPERATORS:
        out.append(_finding("NS7", "error", f"{label}：计算符号“{row.op}”无效（可用 {'、'.join(OPERATORS)}）", n, "op",
                            "选择 ≥、>、=、<、≤ 或 定性。"))
    placeholder = _PLACEHOLDER.search(value) or (row.period and _PLACEHOLDER.search(row.period))
    if placeholder:
        out.append(_finding("NS1", "error", f"{label}：指标值“{row.raw() or row.period}”含占位符或区间符号“{placeholder.group()}”",
                            n, "value", "填写确定的数值（区间请改为 ≥ 下限或 ≤ 上限）。"))
    if row.op in OPERATORS and row.op != "定性" and value:
        if not unit and not value.endswith("%"):
            out.append(_finding("NS2", "error", f"{label}：定量指标（{row.op}）没有计量单位", n, "unit",
                                "填写计量单位（如 %、个、万元、天），或把计算符号改为“定性”。"))
        if not placeholder and not _NUMBER.match(value.rstrip("%")):
            out.append(_finding("NS3", "error", f"{label}：定量指标的指标值“{value}”不是数值", n, "value",
                                "填写数值，或把计算符号改为“定性”。"))
    if len(name) > NAME_MAX:
        out.append(_finding("NS4", "error", f"{label}：三级指标名称有 {len(name)} 个字符，超过 {NAME_MAX}", n, "name",
                            "缩短指标名称，把说明移到指标解释中。"))
    elif len(name) > LEVEL_NAME_MAX:
        out.append(_finding("NS5", "warning", f"{label}：三级指标名称有 {len(name)} 个字符，超过数据标准的 {LEVEL_NAME_MAX}",
                            n, "name", "缩短指标名称，否则导入一体化系统时可能被拒。"))
    if len(row.raw()) > VALUE_MAX:
        out.append(_finding("NS5", "error", f"{label}：指标值有 {len(row.raw())} 个字符，超过 {VALUE_MAX}", n, "value",
                            "缩短指标值，把说明移到指标解释中。"))
    if len(row.description) > TEXT_MAX:
        out.append(_finding("NS5", "error", f"{label}：指标内容超过 {TEXT_MAX} 个字符", n, "description", "缩短指标内容。"))
    return out


def national_checks(content: Content) -> list[dict]:
    """rules.md §8.3 on every row that holds something, and on the project's goal."""
    out: list[dict] = []
    for n, row in enumerate(content.rows):
        if not row.is_empty():
            out += _row_checks(n, row)
    if len(content.fields.goal) > GOAL_MAX:
        out.append({**_finding("NS5", "error", f"绩效目标有 {len(content.fields.goal)} 个字符，超过 {GOAL_MAX}", None,
                               "goal", "精简绩效目标。")})
    if not content.fields.name.strip():
        out.append(_finding("NS6", "error", "项目名称为必录项", None, "name", "填写项目名称。"))
    if all(row.is_empty() for row in content.rows):
        out.append(_finding("NS6", "error", "表中还没有填写任何三级指标", None, None, "在骨架的各二级指标下填写三级指标和指标值。"))
    return out


def review_findings(content: Content) -> list[dict]:
    """The review catalog over the draft as a Document; an indicator finding names its grid row."""
    out = []
    for f in review_document(to_document(content)):
        d = f.to_dict()
        out.append({"rule": d["rule"], "name": d["name"], "severity": d["severity"],
                    "message": d["message"] + (f"（{d['evidence']}）" if d["evidence"] else ""), "fix": d["fix"],
                    "row": f.indicator_seq - 1 if f.indicator_seq else None, "field": None, "source": "review"})
    return out


_RANK = {"error": 0, "warning": 1, "info": 2}


def all_findings(content: Content) -> list[dict]:
    """National checks, then the review; worst first within each row."""
    found = national_checks(content) + review_findings(content)
    return sorted(found, key=lambda f: (f["row"] is not None, f["row"] or 0, _RANK.get(f["severity"], 3)))


def errors(findings: list[dict]) -> list[dict]:
    return [f for f in findings if f["severity"] == "error"]


def refuse_broken(content: Content) -> None:
    """Refuse (one Chinese line) an edit that would not make a valid document: level names outside the
    framework, a year no table has. Everything else saves and shows as findings."""
    from ..errors import Unprocessable
    from ..taxonomy import LEVEL1, LEVEL2_BY_LEVEL1

    if "\\u0000" in content.model_dump_json():
        raise Unprocessable("内容中含有空字符（\\0），无法保存")
    year = content.fields.year
    if year is not None and not 1990 <= year <= 2100:
        raise Unprocessable(f"年度“{year}”无效（应为 1990–2100 之间的年份）")
    if len(content.rows) > 500:
        raise Unprocessable(f"指标行过多（{len(content.rows)} 行，最多 500 行）")
    all_level2 = {n for names in LEVEL2_BY_LEVEL1.values() for n in names}
    for n, row in enumerate(content.rows, start=1):
        if row.level1 and row.level1 not in LEVEL1:
            raise Unprocessable(f"第 {n} 行：一级指标“{row.level1}”不是指标框架中的一级指标（可用 {'、'.join(LEVEL1)}）")
        if row.level2 and row.level2 not in all_level2:
            raise Unprocessable(f"第 {n} 行：二级指标“{row.level2}”不是指标框架中的二级指标")
