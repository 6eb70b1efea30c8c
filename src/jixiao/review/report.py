"""A review report: findings grouped by department and project, ranked, with quality scores.

Score (documented in docs/rules.md): a project starts at 100 and loses 10 per error, 4 per warning and
1 per info finding about it (floor 0). A department's score is the mean of its projects' scores weighted
by their number of indicators (at least 1 each), less 10 / 4 / 1 for each document-level finding that
names no project (floor 0). Departments and projects are listed from the lowest score up."""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from ..model import Document
from .engine import SEVERITIES, Finding

PENALTY = {"error": 10, "warning": 4, "info": 1}
SEVERITY_ZH = {"error": "错误", "warning": "警告", "info": "提示"}


@dataclass
class ProjectReport:
    document: str
    department: str | None
    unit: str | None
    name: str
    index: int
    indicators: int
    findings: list[Finding] = field(default_factory=list)

    @property
    def score(self) -> int:
        return max(0, 100 - sum(PENALTY[f.severity] for f in self.findings))


@dataclass
class DepartmentReport:
    name: str
    projects: list[ProjectReport] = field(default_factory=list)
    general: list[Finding] = field(default_factory=list)  # findings that name no project

    @property
    def score(self) -> float:
        if not self.projects:
            base = 100.0
        else:
            weights = [max(1, p.indicators) for p in self.projects]
            base = sum(p.score * w for p, w in zip(self.projects, weights, strict=True)) / sum(weights)
        return round(max(0.0, base - sum(PENALTY[f.severity] for f in self.general)), 1)

    @property
    def findings(self) -> list[Finding]:
        return self.general + [f for p in self.projects for f in p.findings]


def _rank(f: Finding) -> tuple:
    return SEVERITIES.index(f.severity), f.indicator_seq or 0, f.rule


def build_report(pairs: list[tuple[Document, list[Finding]]]) -> list[DepartmentReport]:
    departments: dict[str, DepartmentReport] = {}
    for doc, findings in pairs:
        by_project: dict[int, list[Finding]] = defaultdict(list)
        general: list[Finding] = []
        for f in findings:
            (by_project[f.project_index] if f.project_index is not None else general).append(f)
        for f in general:  # a document-level finding about one project belongs to it
            if f.project is not None:
                match = [i for i, p in enumerate(doc.projects) if p.name == f.project and p.unit == f.unit]
                if match:
                    f.project_index = match[0]
                    by_project[match[0]].append(f)
        general = [f for f in general if f.project_index is None]
        for index, p in enumerate(doc.projects):
            dept_name = p.department or doc.department or "（未注明部门）"
            dept = departments.setdefault(dept_name, DepartmentReport(dept_name))
            dept.projects.append(ProjectReport(doc.source.name, dept_name, p.unit, p.name, index, len(p.indicators),
                                               sorted(by_project.get(index, []), key=_rank)))
        dept_name = doc.department or (doc.projects[0].department if doc.projects else None) or "（未注明部门）"
        departments.setdefault(dept_name, DepartmentReport(dept_name)).general.extend(sorted(general, key=_rank))
    out = sorted(departments.values(), key=lambda d: (d.score, d.name))
    for d in out:
        d.projects.sort(key=lambda p: (p.score, p.document, p.index))
    return out


def to_json(report: list[DepartmentReport]) -> dict:
    findings = [f.to_dict() for d in report for f in d.findings]
    return {
        "summary": {s: sum(1 for f in findings if f["severity"] == s) for s in SEVERITIES},
        "departments": [{
            "department": d.name, "score": d.score,
            "projects": [{"document": p.document, "unit": p.unit, "project": p.name, "score": p.score,
                          "indicators": p.indicators, "findings": len(p.findings)} for p in d.projects],
        } for d in report],
        "findings": findings,
    }


def write_json(report: list[DepartmentReport], path: Path | None) -> str:
    text = json.dumps(to_json(report), ensure_ascii=False, indent=2)
    if path:
        path.write_text(text, encoding="utf-8")
    return text


_COLUMNS = ["部门", "部门得分", "文件", "单位", "项目", "项目得分", "指标序号", "三级指标", "严重程度", "规则", "问题", "证据", "修改建议"]


def _rows(report: list[DepartmentReport]):
    for d in report:
        for f in d.general:
            yield [d.name, d.score, f.document, f.unit, f.project, None, None, None, SEVERITY_ZH[f.severity],
                   f"{f.rule} {f.name}", f.message, f.evidence, f.fix]
        for p in d.projects:
            for f in p.findings:
                yield [d.name, d.score, p.document, p.unit, p.name, p.score, f.indicator_seq, f.indicator,
                       SEVERITY_ZH[f.severity], f"{f.rule} {f.name}", f.message, f.evidence, f.fix]


def write_xlsx(report: list[DepartmentReport], path: Path) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    wb = Workbook()
    ws = wb.active
    ws.title = "审核意见"
    ws.append(_COLUMNS)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for row in _rows(report):
        ws.append(row)
    for col, width in zip("ABCDEFGHIJKLM", (18, 8, 16, 16, 28, 8, 8, 24, 8, 22, 40, 40, 36), strict=True):
        ws.column_dimensions[col].width = width
    for row in ws.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    scores = wb.create_sheet("项目得分")
    scores.append(["部门", "部门得分", "文件", "单位", "项目", "指标数", "问题数", "项目得分"])
    for d in report:
        for p in d.projects:
            scores.append([d.name, d.score, p.document, p.unit, p.name, p.indicators, len(p.findings), p.score])
    wb.save(path)


def write_html(report: list[DepartmentReport], path: Path) -> None:
    from jinja2 import Environment, PackageLoader, select_autoescape

    env = Environment(loader=PackageLoader("jixiao", "templates"), autoescape=select_autoescape(["html"]))
    data = to_json(report)
    path.write_text(env.get_template("review_report.html").render(report=report, summary=data["summary"],
                                                                   severity_zh=SEVERITY_ZH), encoding="utf-8")
