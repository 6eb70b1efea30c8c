"""Document-level fields every family fills the same way: title, department, money unit and a heading year
from the free text and label cells; the year of a title; units from the projects; the mark of a file cut
off mid-character."""

from __future__ import annotations

import re

from ..model import Problem, Project, Unit
from ..readers.sheet import Row
from ..values import parse_target
from .common import department_in, field_label, is_title, money_unit_in, title_text, year_of_heading


def doc_fields(rows: list[Row]) -> tuple[str | None, str | None, str | None, int | None]:
    """Title, department, money unit and a heading year, from the document's free text and label cells."""
    title = None
    department = None
    money_unit = None
    heading_year = None
    for row in rows:
        cells = row.nonempty()
        text = cells[0].text if len(cells) == 1 else row.text
        if title is None and "表" in text and (row.is_text or len(cells) == 1) and is_title(text):
            title = title_text(cells[0].text)
        for cell in cells:
            t = cell.text
            if department is None and "部门" in t:  # every department label names 部门
                department = department_in(t)
            if money_unit is None and "元" in t:  # 万元, 元, 亿元, 千元
                money_unit = money_unit_in(t) or _label_money_unit(t)
        if (heading_year is None and row.is_text and len(text) <= 60 and "绩效目标" in text
                and not is_title(text) and not re.match(r"^\s*(?:[一二三四五六七八九十（(]|\d+\s*[.、．])", text)):
            heading_year = year_of_heading(text)  # `2024年部门预算项目绩效目标` heads a table without a 表 title
        if heading_year is None and len(cells) == 1 and "年" in text and re.fullmatch(
                r"\s*[（(]\s*(?:19|20)\d{2}\s*年(?:度|\s*\d{1,2}\s*[-—~至]\s*\d{1,2}\s*月)?\s*[)）]\s*", text):
            heading_year = year_of_heading(text)  # `(2022年度)`, `（2025年1-7月）` under the title
    return title, department, money_unit, heading_year


_LABEL_UNIT = re.compile(r"[（(]\s*(万元|元|亿元|千元)\s*[)）]")


# a funding label with its unit inside a longer glued cell: `…实施单位某中心项目资金(万元)年度资金总额:2000…`
_GLUED_LABEL_UNIT = re.compile(r"(?:项目资金|资金情况|资金总额|年度资金|预算资金|预算金额|项目总投资|资金来源)\s*"
                               r"[（(]\s*(万元|元|亿元|千元)\s*[)）]")


def _label_money_unit(text: str) -> str | None:
    """`项目资金（万元）`, `总计(万元)`: the unit printed on a funding label, alone in its cell or glued."""
    m = _LABEL_UNIT.search(text)
    if not m:
        return None
    if len(text) <= 20 and field_label(text) in ("budget_block", "total", "fiscal", "special", "other"):
        return m.group(1)
    glued = _GLUED_LABEL_UNIT.search(text)
    return glued.group(1) if glued else None


def title_year(title: str | None, projects: list[Project]) -> int | None:
    """The year printed in the title, unless it is only part of a project name inside the title."""
    if not title:
        return None
    text = title
    for p in projects:
        if p.name and p.name in text:
            text = text.replace(p.name, "")
    return year_of_heading(text)


def units_of(projects: list[Project]) -> list[Unit]:
    units: list[Unit] = []
    for p in projects:
        if p.unit and not any(u.name == p.unit and u.code == p.unit_code for u in units):
            units.append(Unit(name=p.unit, code=p.unit_code, budget=None))
    return units


def mark_truncation(rows: list[Row], projects: list[Project]) -> list[Problem]:
    """A file cut off mid-character ends in U+FFFD: what was read last may be incomplete. The last
    indicator gets a problem and its values lose the broken character (as new Targets: the parsed ones are
    shared through the value grammar's cache and never changed)."""
    if not rows or not rows[-1].cells or "\ufffd" not in rows[-1].cells[-1].text[-2:]:
        return []
    problem = Problem(message="文件在末尾被截断，最后一行的内容可能不完整", raw=rows[-1].cells[-1].text[-40:])
    if projects:
        p = projects[-1]
        if p.indicators:
            last = p.indicators[-1]
            last.problem = "文件在此处被截断，该指标可能不完整"
            for attr in ("annual", "period"):
                t = getattr(last, attr)
                if t is not None and t.raw.endswith("\ufffd"):
                    setattr(last, attr, parse_target(t.raw.rstrip("\ufffd") or "\ufffd"))
        for attr in ("goal", "content", "name"):
            value = getattr(p, attr)
            if value and value.endswith("\ufffd"):
                setattr(p, attr, value.rstrip("\ufffd") or None)
    return [problem]
