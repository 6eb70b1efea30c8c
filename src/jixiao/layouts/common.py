"""Vocabulary shared by the layouts: header and label names, budgets, unit codes, locations."""

from __future__ import annotations

import re
from functools import lru_cache

from ..model import Budget, Loc
from ..readers.sheet import Row
from ..textnorm import parse_amount, squash

# column roles of a table header, matched on the header text with all whitespace removed
_ROLE_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("ignore", re.compile(r"^(?:序号|编号|分值|权重|指标权重|分值权重|得分|自评得分|实际完成值|全年实际值|实际值|完成值"
                          r"|偏差原因.*|未完成原因.*|指标值说明|指标解释|评分标准|评\(扣\)分标准|备注"
                          r"|指标来源|完成值取值方式|完成值数据来源|赋分规则|佐证资料要求|是否核心指标|指标类型"
                          r"|上年结转|上年结转资金|上级资金|中央资金|自有资金|执行数|全年执行数|执行率|年初预算数|全年预算数)$")),
    ("department", re.compile(r"^(?:主管部门|主管部门名称|部门名称|预算部门|主管部门及代码)$")),
    ("unit", re.compile(r"^(?:预算单位|资金使用单位|单位名称|实施单位|项目实施单位|预算单位名称)$")),
    ("name", re.compile(r"^(?:项目名称|项目|项目名称[（(].*[)）]|二级项目名称|专项名称|项目支出名称)$")),
    ("code", re.compile(r"^(?:项目编码|项目代码|项目编号)$")),
    ("content", re.compile(r"^(?:项目内容|项目概况|项目建设内容|项目主要内容|项目简介|资金用途)$")),
    ("total", re.compile(r"^(?:总计|预算数|年度资金总额|资金总额|项目金额|项目预算金额|预算金额|合计|项目资金|预算总额"
                         r"|年度预算数|年度预算)(?:[（(]万?元[)）])?$")),
    ("fiscal", re.compile(r"^(?:其中[：:])?(?:财政拨款|财政拨款小计|财政资金|当年财政资金|预算资金|本年财政拨款|财政拨款资金)"
                          r"(?:[（(]万?元[)）])?$")),
    ("special", re.compile(r"^(?:其中[：:])?财政专户拨款(?:[（(]万?元[)）])?$")),
    ("other", re.compile(r"^(?:其中[：:])?(?:其他资金|其他|其他收入)(?:[（(]万?元[)）])?$")),
    ("goal", re.compile(r"^(?:绩效目标|年度绩效目标|年度目标|项目绩效目标|绩效目标内容|年度总体目标|总体目标)$")),
    ("long_goal", re.compile(r"^(?:中长期目标|实施期目标|实施周期目标|长期目标|中期目标|总体目标[（(]实施期[)）]|实施期绩效目标)$")),
    ("level1", re.compile(r"^(?:一级指标|一级|一级指标名称)$")),
    ("level2", re.compile(r"^(?:二级指标|二级|二级指标名称)$")),
    ("level3", re.compile(r"^(?:三级指标|三级|三级指标名称|指标名称|绩效指标名称|具体指标)$")),
    ("description", re.compile(r"^(?:绩效指标描述|指标描述|指标内容|指标说明)$")),
    ("period", re.compile(r"^(?:实施周期指标值|长期指标值|中长期指标值|实施期指标值|周期指标值|实施周期目标值|中长期目标值"
                          r"|长期目标值|实施周期|中长期|长期)$")),
    ("annual", re.compile(r"^(?:年度指标值|年度目标值|本年度指标值|本年度目标值|本年指标值|当年指标值|年度|本年度|年度值"
                          r"|年度指标值[（(]预期目标[)）]|预期目标|年度目标值[（(]预期目标[)）])$")),
    ("value", re.compile(r"^(?:指标值|目标值|绩效指标值|指标值[（(]目标值[)）]|指标目标值|预期指标值)$")),
    # 指标方向 holds ≥/≤ in some forms and 正向/反向 in others; join_value keeps only a real operator
    ("op", re.compile(r"^(?:指标性质|计算符号|指标性质[（(]符号[)）]|符号|运算符号|运算符|比较符号|指标方向)$")),
    ("unit_of_value", re.compile(r"^(?:计量单位|度量单位|单位|指标单位)$")),
    ("basis", re.compile(r"^(?:指标值确定依据|绩效标准|评价标准确定依据|指标值设定依据|确定依据|评价标准|指标值确定依据及说明"
                         r"|指标值设定依据及数据来源|指标值确定依据及数据来源|设定依据)$")),
    ("indicators", re.compile(r"^(?:绩效指标|绩效指标及指标值|项目绩效指标|绩效指标内容|年度绩效指标)$")),
]


@lru_cache(maxsize=8192)
def header_role(text: str) -> str | None:
    """The role of a header cell (`项目名称（资金使用单位）` → name), or None. Header cells are short."""
    if len(text) > 40:
        return None
    s = squash(text).rstrip("：:")
    s = re.sub(r"^[（(]?\d{1,2}[)）.、]", "", s)
    for candidate in (s, _PAREN_TAIL.sub("", s)):
        for role, pattern in _ROLE_PATTERNS:
            if pattern.match(candidate):
                return role
    return None


# `指标值（包含数字及文字描述）`, `三级指标（指标内容）`: a header with a note in brackets
_PAREN_TAIL = re.compile(r"[（(][^（）()]*[)）]$")


BUDGET_ROLES = ("total", "fiscal", "special", "other")

# labels printed in a form's field cells
_FIELD_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("name", re.compile(r"^(?:项目名称|专项名称|资金名称|专项资金名称)[：:]?$")),
    ("code", re.compile(r"^(?:项目编码|项目代码|项目编号)[：:]?$")),
    ("department", re.compile(r"^(?:主管部门|主管部门及代码|部门名称|部门[（(]单位[)）]名称|预算部门)[：:]?$")),
    ("unit", re.compile(r"^(?:实施单位|预算单位|项目实施单位|资金使用单位|单位名称)[：:]?$")),
    ("content", re.compile(r"^(?:项目内容|项目概况|项目建设内容|项目主要内容|项目简介)[：:]?$")),
    ("budget_block", re.compile(r"^(?:预算规模及资金用途|项目资金[（(]?万?元?[)）]?|项目资金情况|资金情况[（(]?万?元?[)）]?"
                                r"|项目预算[（(]?万?元?[)）]?|资金来源[（(]?万?元?[)）]?)$")),
    ("plan", re.compile(r"^资金支出计划.*$")),
    ("goal", re.compile(r"^(?:绩效目标|年度绩效目标|年度目标|项目绩效目标|年度总体目标|总体目标|绩效总目标)[：:]?$")),
    ("long_goal", re.compile(r"^(?:中长期目标|实施期目标|实施周期目标|长期目标|中期目标|实施期绩效目标|实施期总目标)[：:]?$")),
]


@lru_cache(maxsize=8192)
def field_label(text: str) -> str | None:
    if len(text) > 40:
        return None
    s = squash(text)
    for role, pattern in _FIELD_PATTERNS:
        if pattern.match(s):
            return role
    role = header_role(s)
    if role in BUDGET_ROLES:
        return role
    return None


_UNIT_CODE = re.compile(r"^\s*[\[【［(（]?\s*(\d{3,})\s*[\]】］)）]?\s*[-－_]?\s*(?=[^\d\s年月日号个万亿元.%、])(.+)$", re.S)


def split_unit_code(text: str) -> tuple[str, str | None]:
    """`318001某区财政局本级` → (`某区财政局本级`, `318001`); `[015001]某市…` likewise."""
    m = _UNIT_CODE.match(text)
    if m:
        return m.group(2).strip(), m.group(1)
    return text.strip(), None


def strip_code_suffix(text: str) -> str:
    """`某市某区教育局[015001]` → `某市某区教育局`."""
    return re.sub(r"\s*[\[【［(（]\d{3,}[\]】］)）]\s*$", "", text).strip()


def loc_of(row: Row, col: int | None = None) -> Loc:
    bbox = None
    if col is not None:
        for c in row.cells:
            if c.col == col and c.bbox:
                bbox = list(c.bbox)
    elif row.bbox():
        bbox = row.bbox()
    return Loc(page=row.page, table=row.table, row=row.row, col=col, line=row.line, bbox=bbox)


def budget_from(values: dict[str, str | None]) -> Budget:
    return Budget(**{k: parse_amount(values.get(k)) for k in BUDGET_ROLES})


_MONEY_UNIT = re.compile(r"(?:金额)?单位\s*[：:]\s*(万元|元|亿元|千元)")


def money_unit_in(text: str) -> str | None:
    m = _MONEY_UNIT.search(text)
    return m.group(1) if m else None


_DEPT_LABEL = re.compile(r"^(?:部门名称|部门[（(]单位[)）]名称|主管部门(?:名称)?|预算部门(?:名称)?|部门)\s*[：:]\s*(.+)$")


def department_in(text: str) -> str | None:
    m = _DEPT_LABEL.match(text.strip())
    if not m:
        return None
    value = re.split(r"\s{2,}|\t|单位\s*[：:]", m.group(1))[0].strip()
    return strip_code_suffix(split_unit_code(value)[0]) or None


_TITLE = re.compile(r"(?:绩效目标表|绩效目标申报表|申报表|批复表|绩效目标表[（(].*[)）]|自评表)\s*[（(]?[^（）()]*[)）]?$")
_TITLE_NUMBER = re.compile(r"^\s*(?:\d{1,3}\s*[.．、]\s*|[（(]\d{1,3}[)）]\s*|[一二三四五六七八九十]+[、.．]\s*)")


def is_title(text: str) -> bool:
    """A table's title line: `…绩效目标表`, `…申报表`, `…批复表`, `…自评表`, spaced out or not."""
    s = text.strip()
    return len(s) <= 120 and "\n" not in s and bool(re.search(r"(?:目标表|申报表|批复表|自评表)", squash(s)))


def title_text(text: str) -> str:
    return _TITLE_NUMBER.sub("", text.strip()).strip()


def year_of_heading(text: str) -> int | None:
    m = re.search(r"((?:19|20)\d{2})\s*年", text)
    return int(m.group(1)) if m else None
