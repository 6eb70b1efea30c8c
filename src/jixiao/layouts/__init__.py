"""Layouts: a Sheet → a Document. Each family module recognizes its own shape from header cells and
keywords; this module runs them over the sheet and fills the document-level fields."""

from __future__ import annotations

import re

from ..errors import LayoutError
from ..model import Document, Overall, Problem, Section, Source, Unit
from ..readers.sheet import Sheet
from ..textnorm import squash
from .cell_lines import regroup_cell_lines
from .common import department_in, field_label, is_title, money_unit_in, title_text, year_of_heading
from .overall import parse_overall
from .project_form import parse_forms
from .project_table import parse_project_tables
from .stream import read_stream
from .vocab import column_role, is_level


def build_document(sheet: Sheet) -> Document:
    """The document from the header-driven families, or from the token stream where that reads more.

    The header-driven families read the layouts they know exactly; the stream reader (`stream`) reads the
    family of real layouts by content. Both run; the one that gives more well-formed indicators wins, and
    a tie goes to the header-driven reading."""
    try:
        legacy: Document | None = _build_legacy(sheet)
        legacy_error: LayoutError | None = None
    except LayoutError as exc:
        legacy, legacy_error = None, exc
    executed = _mentions_execution(sheet)
    if legacy is not None and not executed and _is_clean(legacy):
        return legacy  # a layout the header-driven families know: the stream cannot read more of it
    try:
        streamed = _build_streamed(sheet)
    except LayoutError:
        streamed = None
    if legacy is not None and (streamed is None or _quality(legacy) > _quality(streamed)
                               or _quality(legacy) == _quality(streamed) and not executed):
        return legacy  # the header-driven families do not read execution columns: a tie there is the stream's
    if streamed is not None:
        return streamed
    assert legacy_error is not None
    raise legacy_error


def _quality(doc: Document) -> int:
    """Well-formed indicators (a value that is not the indicator's own name, no problem), less twice the
    misaligned ones."""
    score = -2 * sum(1 for p in doc.projects if _junk_name(p.name))
    for ind in _all_indicators(doc):
        value = ind.annual or ind.period
        if value is not None and value.raw == ind.name or _misplaced(ind):
            score -= 2
        elif value is not None:
            score += 1  # a value read, even where something else on the row is marked
    return score


_EXECUTION_WORDS = re.compile(r"实际完成|完成值|得分|执行情况|全年预计|自评|监控|偏差原因|未完成原因|实际值"
                              r"|长期绩效指标|实施期绩效指标")


def _mentions_execution(sheet: Sheet) -> bool:
    """What only the stream reader reads: a monitoring or self-evaluation table (actuals, scores, progress)
    or a form with a 长期 block beside its 年度 one."""
    short = "\x00".join(c.text for row in sheet.rows for c in row.cells if len(c.text) <= 30)
    return _EXECUTION_WORDS.search(short) is not None


def _misplaced(ind) -> bool:
    """A row read out of step with its columns: a number as the name, or a header or level word as the
    name or the value."""
    if re.fullmatch(r"[\d.,%‰≥≤<>=\s]+", ind.name) or _structural(ind.name):
        return True
    return ind.annual is not None and _structural(ind.annual.raw)


def _structural(text: str) -> bool:
    """A header word (`实际完成值`, `得分`) or a level name printed with 指标 (`质量指标`): table structure."""
    role = column_role(text)
    if role is not None and not role.startswith("grade_"):
        return True
    s = squash(text)
    return s.endswith("指标") and is_level(s)


def _is_clean(doc: Document) -> bool:
    """Every indicator well formed (a value that is not its name, no problem), and there are some."""
    items = list(_all_indicators(doc))
    return bool(items) and not any(_junk_name(p.name) for p in doc.projects) and _quality(doc) >= 0.95 * len(items)


def _junk_name(name: str) -> bool:
    """A project name that is only a year or a scrap (`2024年`): the table's name field was missed."""
    return len(name) < 2 or bool(re.fullmatch(r"[\d\s年度（()）]*", name))


def _all_indicators(doc: Document):
    for p in doc.projects:
        yield from p.indicators
    if doc.overall:
        for sec in doc.overall.sections:
            yield from sec.indicators


def _doc_fields(rows) -> tuple[str | None, str | None, str | None, int | None]:
    """Title, department, money unit and a heading year, from the document's free text and label cells."""
    title = None
    department = None
    money_unit = None
    heading_year = None
    for row in rows:
        text = row.text
        if title is None and is_title(text) and (row.is_text or len(row.nonempty()) == 1):
            title = title_text(row.nonempty()[0].text)
        for cell in row.nonempty():
            department = department or department_in(cell.text)
            money_unit = money_unit or money_unit_in(cell.text) or _label_money_unit(cell.text)
        if (heading_year is None and row.is_text and len(text) <= 60 and "绩效目标" in text
                and not is_title(text) and not re.match(r"^\s*(?:[一二三四五六七八九十（(]|\d+\s*[.、．])", text)):
            heading_year = year_of_heading(text)
        if heading_year is None and len(row.nonempty()) == 1 and re.fullmatch(r"\s*[（(]\s*(?:19|20)\d{2}\s*年度?\s*[)）]\s*", text):
            heading_year = year_of_heading(text)
    return title, department, money_unit, heading_year


_WHOLE_DEPARTMENT = re.compile(r"部门整体|整体支出|整体绩效")


def _build_streamed(sheet: Sheet) -> Document:
    rows = sheet.rows
    result = read_stream(rows, sheet.name, cut_at_end=sheet.format == "text")
    projects = list(result.projects)
    if not any(p.indicators for p in projects):
        raise LayoutError("未识别出绩效目标表", sheet.name)
    _, department, money_unit, heading_year = _doc_fields(rows)
    title = result.title
    depts = {p.department for p in projects if p.department}
    if department is None and len(depts) == 1:
        department = next(iter(depts))
    for p in projects:
        p.department = p.department or department
    overall = None
    if title and _WHOLE_DEPARTMENT.search(squash(title)) and len(projects) == 1 and result.projects \
            and result.projects.index(projects[0]) in result.unnamed:
        # a department-wide table (部门整体绩效目标/自评表): its targets are the document's `overall`
        p = projects[0]
        overall = Overall(goal=p.goal, sections=[Section(title=_section_title(title), goal=None,
                                                         indicators=p.indicators)],
                          execution=p.execution, result=p.result, evaluation=p.evaluation)
        department = department or p.department or p.unit
        projects = []
    problems = list(result.problems)
    problems += _mark_truncation(rows, projects)
    year = year_of_heading(title or "") or result.year or heading_year
    return Document(
        source=Source(name=sheet.name, sha256=sheet.sha256, format=sheet.format),
        title=title, year=year, department=department, money_unit=money_unit,
        total=None, units=_units_of(projects), overall=overall, projects=projects,
        kind=result.kind, as_of_month=result.as_of_month, problems=problems)


def _section_title(title: str) -> str:
    s = re.sub(r"^(?:19|20)\d{2}年度?", "", title_text(title))
    return re.sub(r"(?:申报|批复|审批)?表$", "", s).strip() or "部门整体绩效目标"


def _units_of(projects) -> list[Unit]:
    units: list[Unit] = []
    for p in projects:
        if p.unit and not any(u.name == p.unit and u.code == p.unit_code for u in units):
            units.append(Unit(name=p.unit, code=p.unit_code, budget=None))
    return units


def _build_legacy(sheet: Sheet) -> Document:
    rows = regroup_cell_lines(sheet.rows)
    title = None
    department = None
    money_unit = None
    heading_year = None
    for row in rows:
        text = row.text
        if title is None and is_title(text) and (row.is_text or len(row.nonempty()) == 1):
            title = title_text(row.nonempty()[0].text)
        for cell in row.nonempty():
            department = department or department_in(cell.text)
            money_unit = money_unit or money_unit_in(cell.text) or _label_money_unit(cell.text)
        if (heading_year is None and row.is_text and len(text) <= 60 and "绩效目标" in text
                and not is_title(text) and not re.match(r"^\s*(?:[一二三四五六七八九十（(]|\d+\s*[.、．])", text)):
            heading_year = year_of_heading(text)  # `2024年部门预算项目绩效目标` heads a table without a 表 title
        if heading_year is None and len(row.nonempty()) == 1 and re.fullmatch(r"\s*[（(]\s*(?:19|20)\d{2}\s*年度?\s*[)）]\s*", text):
            heading_year = year_of_heading(text)

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
    problems = _mark_truncation(rows, projects)
    depts = tables.departments + forms.departments
    if department is None and depts and len(set(depts)) == 1:
        department = depts[0]
        for p in projects:
            p.department = p.department or department
    money_unit = money_unit or forms.money_unit
    year = _year(title, projects) or heading_year
    units = list(tables.units)
    for u in forms.units:
        if not any(x.name == u.name and x.code == u.code for x in units):
            units.append(u)
    return Document(
        source=Source(name=sheet.name, sha256=sheet.sha256, format=sheet.format),
        title=title,
        year=year,
        department=department,
        money_unit=money_unit,
        total=tables.total,
        units=units,
        overall=overall,
        projects=projects,
        problems=problems,
    )


_LABEL_UNIT = re.compile(r"[（(]\s*(万元|元|亿元|千元)\s*[)）]")


def _label_money_unit(text: str) -> str | None:
    """`项目资金（万元）`, `总计(万元)`: the unit printed on a funding label."""
    m = _LABEL_UNIT.search(text)
    if m and len(text) <= 20 and field_label(text) in ("budget_block", "total", "fiscal", "special", "other"):
        return m.group(1)
    return None


def _year(title: str | None, projects) -> int | None:
    """The year printed in the title, unless it is only part of a project name inside the title."""
    if not title:
        return None
    text = title
    for p in projects:
        if p.name and p.name in text:
            text = text.replace(p.name, "")
    return year_of_heading(text)


def _mark_truncation(rows, projects) -> list[Problem]:
    """A file cut off mid-character ends in U+FFFD: what was read last may be incomplete."""
    if not rows or not rows[-1].cells or "\ufffd" not in rows[-1].cells[-1].text[-2:]:
        return []
    problem = Problem(message="文件在末尾被截断，最后一行的内容可能不完整", raw=rows[-1].cells[-1].text[-40:])
    if projects:
        p = projects[-1]
        if p.indicators:
            last = p.indicators[-1]
            last.problem = "文件在此处被截断，该指标可能不完整"
            for t in (last.annual, last.period):
                if t is not None and t.raw.endswith("\ufffd"):
                    t.raw = t.raw.rstrip("\ufffd") or "\ufffd"
        for attr in ("goal", "content", "name"):
            value = getattr(p, attr)
            if value and value.endswith("\ufffd"):
                setattr(p, attr, value.rstrip("\ufffd") or None)
    return [problem]
