"""The stream family as a Layout: the token-stream reading of `stream.py` made into a Document, with
department-wide tables (部门整体…表) as the document's `overall`."""

from __future__ import annotations

import re

from ..errors import LayoutError
from ..model import Document, Overall, Section, Source
from ..readers.sheet import Sheet
from ..textnorm import squash
from .base import Fragment, Region
from .common import title_text, year_of_heading
from .fields import doc_fields, mark_truncation, units_of
from .stream import read_stream
from .vocab import budget_col_role, column_role

# what only the stream reads: monitoring and self-evaluation columns, a 长期 block beside the 年度 one
_ONLY_STREAM_WORDS = re.compile(r"实际完成|完成值|得分|执行情况|全年预计|自评|监控|偏差原因|未完成原因|实际值|权重|分值"
                                r"|长期绩效指标|实施期绩效指标")


def _names_stream_columns(text: str) -> bool:
    """A header, title or group label with one of those words (`实际完成值`, `…绩效自评表`, `权重`) — not an
    indicator that happens to hold one (`异常监控覆盖率`)."""
    s = squash(text)
    if not _ONLY_STREAM_WORDS.search(s):
        return False
    return (column_role(s) is not None or budget_col_role(s) is not None or "表" in s or "绩效指标" in s
            or "绩效目标" in s)


_WHOLE_DEPARTMENT = re.compile(r"部门整体|整体支出|整体绩效")


class StreamLayout:
    name = "stream"

    def detect(self, sheet: Sheet) -> list[Region]:
        """The whole sheet: above the header family where the sheet names execution columns (which only this
        family reads), below it elsewhere."""
        if not sheet.rows:
            return []
        short = [c.text for row in sheet.rows for c in row.cells if len(c.text) <= 30]
        named = bool(_ONLY_STREAM_WORDS.search("\x00".join(short))) and any(map(_names_stream_columns, short))
        score = 3.0 if named else 1.0
        return [Region(self.name, 0, len(sheet.rows), score)]

    def parse(self, sheet: Sheet, region: Region) -> Fragment:
        return Fragment(region, _read(sheet, sheet.rows[region.start:region.end]))


def _read(sheet: Sheet, rows) -> Document:
    result = read_stream(rows, sheet.name, cut_at_end=sheet.format == "text")
    projects = list(result.projects)
    if not any(p.indicators for p in projects):
        raise LayoutError("未识别出绩效目标表", sheet.name)
    _, department, money_unit, heading_year = doc_fields(rows)
    title = result.title
    depts = {p.department for p in projects if p.department}
    if department is None and len(depts) == 1:
        department = next(iter(depts))
    for p in projects:
        p.department = p.department or department
    overall = None
    if title and _WHOLE_DEPARTMENT.search(squash(title)) and len(projects) == 1 and 0 in result.unnamed:
        # a department-wide table (部门整体绩效目标/自评表): its targets are the document's `overall`
        p = projects[0]
        overall = Overall(goal=p.goal, sections=[Section(title=_section_title(title), goal=None,
                                                         indicators=p.indicators)],
                          execution=p.execution, result=p.result, evaluation=p.evaluation)
        department = department or p.department or p.unit
        projects = []
    problems = list(result.problems) + mark_truncation(rows, projects)
    year = year_of_heading(title or "") or result.year or heading_year
    return Document(source=Source(name=sheet.name, sha256=sheet.sha256, format=sheet.format), title=title,
                    year=year, department=department, money_unit=money_unit, total=None, units=units_of(projects),
                    overall=overall, projects=projects, kind=result.kind, as_of_month=result.as_of_month,
                    problems=problems)


def _section_title(title: str) -> str:
    s = re.sub(r"^(?:19|20)\d{2}年度?", "", title_text(title))
    return re.sub(r"(?:申报|批复|审批)?表$", "", s).strip() or "部门整体绩效目标"
