"""The header-driven families: tables recognized by their header cells and field labels (`project_table`:
many projects in one table; `project_form`: one form per project; `overall`: department-level targets;
`cell_lines`: rows rebuilt from one cell per line). They read exactly the layouts whose headers they know,
and share one reading of the sheet, so they are one Layout here."""

from __future__ import annotations

from ..errors import LayoutError
from ..model import Document, Overall, Source
from ..readers.sheet import Sheet
from .base import Fragment, Region
from .cell_lines import regroup_cell_lines
from .fields import doc_fields, mark_truncation, title_year
from .overall import parse_overall
from .project_form import parse_forms
from .project_table import parse_project_tables


class HeaderLayout:
    name = "header"

    def detect(self, sheet: Sheet) -> list[Region]:
        """The whole sheet, scored above the stream reader: where both read a table alike, the reading of the
        family that knows its headers is kept."""
        return [Region(self.name, 0, len(sheet.rows), 2.0)] if sheet.rows else []

    def parse(self, sheet: Sheet, region: Region) -> Fragment:
        return Fragment(region, _read(sheet, sheet.rows[region.start:region.end]))


def _read(sheet: Sheet, rows) -> Document:
    rows = regroup_cell_lines(rows)
    title, department, money_unit, heading_year = doc_fields(rows)
    tables = parse_project_tables(rows, department)
    forms = parse_forms(rows, tables.consumed, department)
    overall = parse_overall(rows)
    if forms.sections:
        if overall is None:
            overall = Overall(goal=forms.overall_goal, sections=[])
        overall.goal = overall.goal or forms.overall_goal
        overall.sections.extend(forms.sections)
    projects = tables.projects + forms.projects
    if not projects and overall is None:
        raise LayoutError("未识别出绩效目标表：没有找到含“项目名称”和“绩效指标”（或 一级/三级指标、指标值）的表头，"
                          "也没有“总体绩效目标”章节", sheet.name)
    if projects and overall is None and not any(p.indicators for p in projects):
        raise LayoutError("找到了项目，但没有任何绩效指标：表格缺少“绩效指标”列或“三级指标/指标值”列", sheet.name)
    problems = mark_truncation(rows, projects)
    depts = tables.departments + forms.departments
    if department is None and depts and len(set(depts)) == 1:
        department = depts[0]
        for p in projects:
            p.department = p.department or department
    money_unit = money_unit or forms.money_unit
    year = title_year(title, projects) or heading_year
    units = list(tables.units)
    for u in forms.units:
        if not any(x.name == u.name and x.code == u.code for x in units):
            units.append(u)
    return Document(source=Source(name=sheet.name, sha256=sheet.sha256, format=sheet.format), title=title, year=year,
                    department=department, money_unit=money_unit, total=tables.total, units=units, overall=overall,
                    projects=projects, problems=problems)
