"""The words a flattened table is rebuilt from: column headers, form field labels and level names.

A table that reached text without its cell borders (glued cells, one cell per line, wrapped words) is
split and rejoined by this vocabulary, and a column's role is read from its header here. Matching is on
the text with all whitespace, `*` required-field marks and a bracketed note removed.
"""

from __future__ import annotations

import re
from functools import lru_cache

from ..taxonomy import (
    EVALUATION_LEVEL1,
    EVALUATION_LEVEL2,
    NONSTANDARD_LEVEL1,
    canonical_level1,
    canonical_level2,
)
from ..textnorm import squash

# column roles of an indicator grid header (whole-cell matches on the normalized header text)
_COLUMN_ROLES: list[tuple[str, str]] = [
    ("level1", r"一级指标|一级目标|一级|绩效指标分类|指标分类|一级指标名称|评价指标"),
    ("level2", r"二级指标|二级|二级指标名称|评价内容"),
    ("name", r"三级指标|三级指标内容|三级|三级指标名称|指标名称|绩效指标名称|具体指标|指标内容|绩效指标"),
    ("description", r"绩效指标描述|指标描述|指标说明"),
    ("period", r"实施周期|中长期|长期|实施周期指标值|长期指标值|中长期指标值|实施期指标值|周期指标值|实施周期目标值|中长期目标值|长期目标值"),
    ("annual", r"年度|本年度|当年|年度指标值|指标值|目标值|年初目标值|年度目标值|本年度指标值|本年度目标值|本年指标值|当年指标值"
               r"|当年预期实现值|预期实现值|指标目标值|指标值及单位|预期指标值|全年[（(]程[)）]指标值|全年指标值"
               r"|年度指标值[（(]预期目标[)）]|绩效指标值|年度值|本年预期值|本年预期|本年度预期值|本年预期目标"),
    ("half", r"半年[（(]程[)）]指标值|半年指标值"),
    ("prior", r"上年实际值|上年实际|上年完成值|上年指标值|上年实际完成值"),
    ("grade_a", r"优"),
    ("grade_b", r"良"),
    ("grade_c", r"中"),
    ("grade_d", r"差"),
    ("actual", r"实际完成值|全年实际值|全年实际完成值|全年完成值|完成值|实际值|实际完成情况|当前完成值"
               r"|(?:截至|截止)?(?:\d{1,2}[-—~至])?\d{1,2}月(?:底|末)?(?:实际)?(?:执行情况|完成情况|完成值|完成数|实际值)"),
    ("forecast", r"全年预计完成情况|全年预计完成值|全年预计完成"),
    ("weight", r"分值|权重|指标权重|指标权重[（(]分[)）]|分值权重|指标分值"),
    ("score", r"得分|指标得分|指标得分[（(]分[)）]|自评得分"),
    ("deviation", r"偏差原因分析及改进措施|偏差原因|偏差原因分析|未完成原因|未完成原因及改进措施|未完成原因分析"
                  r"|未完成原因及拟采取的改进措施|未达到指标值原因|产生差异的原因及改进措施|差异原因|原因说明|原因分析"
                  r"|未完成原因分析及改进措施|偏差原因及改进措施"),
    ("likelihood", r"完成目标可能性|完成可能性|目标完成可能性"),
    ("op", r"指标性质|计算符号|符号|运算符号|比较符号|指标方向"),
    ("unit", r"计量单位|度量单位|单位|指标单位"),
    ("valtype", r"指标值类型|指标类型"),
    ("basis", r"指标值确定依据|绩效标准|评价标准确定依据|指标值设定依据|确定依据|指标值设定依据及数据来源"
              r"|指标值确定依据及数据来源|评价标准|绩效标准[（(]指标说明[)）]"),
    ("other", r"指标解释|评[（(]扣[)）]分标准|评分标准|扣分标准|备注|指标值说明|说明|绩效指标评价标准"),
    ("seq", r"序号|编号"),
]
# the ticked reason columns under 偏差原因分析 in a monitoring table (财预〔2020〕10号 annex / 136号)
TICK_REASONS = ("经费保障", "制度保障", "人员保障", "硬件条件保障", "其他")

_COLUMN_RES = [(role, re.compile(rf"^(?:{pattern})$")) for role, pattern in _COLUMN_ROLES]
_NOTE = re.compile(r"[（(][^（）()]*[)）]$")
_MARKS = re.compile(r"^[*＊★]+|[*＊]+$")


def _norm(text: str) -> str:
    s = _MARKS.sub("", squash(text)).rstrip("：:")
    return re.sub(r"^[（(]?\d{1,2}[)）.、]", "", s)


@lru_cache(maxsize=16384)
def column_role(text: str) -> str | None:
    """The role of an indicator-grid header cell (`年度\\n指标值` → annual), or None."""
    if not text or len(text) > 30:
        return None
    s = _norm(text)
    for candidate in (s, _NOTE.sub("", s)):
        for role, pattern in _COLUMN_RES:
            if pattern.match(candidate):
                return role
    return None


# form field labels: role, pattern (the label, whole-token match on the normalized text)
_FIELD_LABELS: list[tuple[str, str]] = [
    ("name", r"项目名称|项目支出名称|专项名称|资金名称|项目[（(]专项[)）]名称|专项资金名称"),
    ("name2", r"二级项目名称"),
    ("parent_name", r"一级项目名称"),
    ("code", r"项目编码|项目代码|项目编号"),
    ("department", r"主管部门|项目主管部门|业务主管部门|主管部门及代码|部门名称|部门[（(]单位[)）]名称|预算部门|部门"
                   r"|实施部门|区县主管部门|县级主管部门|市级主管部门"),
    ("unit", r"实施单位|项目实施单位|项目执行单位|预算单位|资金使用单位|单位名称|项目单位|实施单位[（(]盖章[)）]"
             r"|预算单位名称|一级预算单位名称|级预算单位名称"),
    ("content", r"项目内容|项目概况|项目建设内容|项目主要内容|项目简介|专项概况|项目总体概况|项目概述|基本情况"
                r"|项目实施内容及过程概述|项目实施内容"),
    ("goal", r"年度绩效目标|年度目标|年度总体目标|本年度绩效目标|绩效目标|项目绩效目标|总体目标|年度主要目标和成果"
             r"|年初设定目标|预期目标|年初绩效目标|当年绩效目标|项目年度目标"),
    ("long_goal", r"中长期目标|中长期绩效目标|实施期目标|实施期绩效目标|实施周期目标|长期目标|实施期总目标|总体绩效目标"),
    ("result", r"\d{1,2}-\d{1,2}月执行情况|实际完成情况|年度总体目标完成情况综述|年度总体目标完成情况|年度目标完成情况|全年目标实际完成情况"),
    ("conclusion", r"评价结论|自评结论"),
    ("problems", r"存在问题|存在的问题|主要问题"),
    ("measures", r"改进措施|改进意见|整改措施"),
    ("grade", r"自评等级|评价等级|绩效等级"),
    ("total_score", r"总分|自评总分|总得分|自评总分[（(]分[)）]|合计"),
    ("skip", r"\d{1,2}-\d{1,2}月执行情况分析|项目负责人|联系电话|项目负责人及电话|联系人及电话|专项负责人|单位负责人及电话|单位负责人|部门联系人"
             r"|项目属性|专项属性|项目类型|项目类别|项目性质|项目分类|项目级次|项目期|建设周期|项目起止时间|专项起止时间"
             r"|项目开始日期|项目完成日期|开始时间|完成时间|立项依据|项目审批|项目立项依据|专项立项依据|资金性质|资金用途"
             r"|财政资金预算分类|财政资金科目代码|填报日期|项目负责人/联系电话|项目必要性说明|项目可行性说明"
             r"|项目立项必要性|政策依据|其他依据|中央主管部门|省级财政部门|省级主管部门|市级财政部门|县级财政部门|区县财政部门"
             r"|主管部门编码|部门职责|部门[（(]单位[)）]职责|组织实施单位|监督管理单位|年度绩效目标完成情况"
             r"|项目基本情况|项目年度目标完成情况|预算执行情况|预算执行情况[（(]\d+分[)）]"),
]
_FIELD_RES = [(role, re.compile(rf"^(?:{pattern})$")) for role, pattern in _FIELD_LABELS]


@lru_cache(maxsize=16384)
def field_role(text: str) -> str | None:
    """The role of a form label cell (`项目支出名称` → name, `*年度总体绩效目标` → goal), or None."""
    if not text or len(text) > 24:
        return None
    s = _norm(text)
    for candidate in (s, _NOTE.sub("", s), s.replace("绩效", "")):
        for role, pattern in _FIELD_RES:
            if pattern.match(candidate):
                return role
    return None


# budget block: row labels and column headers
_BUDGET_ROWS: list[tuple[str, str]] = [
    ("total", r"年度资金总额|资金总额|年度总金额|总额|年度金额|合计|项目总预算|当年年度预算|预算申报数|总计|本年度预计投入"
              r"|年度本级预算金额|本级预算金额|年度预算金额|项目总投资|年度资金总额[（(]万元[)）]"),
    ("fiscal", r"其中[：:]?(?:当年|本年)?财政拨款|(?:当年|本年)?财政拨款|其中[：:]?财政资金|财政资金|其中[：:]?中央补助"
               r"|一般预算内拨款|一般公共预算"),
    ("other", r"其他资金|其中[：:]?其[他它]资金|其他"),
    ("carry", r"上年结转资金|上年结转"),
]
_BUDGET_ROW_RES = [(role, re.compile(rf"^(?:{pattern})[：:]?(?:[（(]万?元[)）])?$")) for role, pattern in _BUDGET_ROWS]

_BUDGET_COLS: list[tuple[str, str]] = [
    ("planned", r"年初预算数|年初预算|年初预算资金总额|年初预算资金|预算数"),
    ("adjusted", r"预算数[（(]A[)）]|全年预算数|全年[（(]调整[)）]预算数|调整后预算数|全年预算数[（(]A[)）]|全年[（(]程[)）]预算数"),
    ("spent", r"全年执行数|预算执行数|执行数|全年执行数[（(]B[)）]|执行数[（(]B[)）]|实际投入资金额|\d{1,2}-\d{1,2}月执行数"),
    ("forecast", r"全年预计执行数"),
    ("rate", r"执行率|执行率[（(]B/A[)）]|预算执行率|\d{1,2}-\d{1,2}月执行率"),
    ("weight", r"分值|执行率权重|权重"),
    ("score", r"得分|执行率得分"),
]
_BUDGET_COL_RES = [(role, re.compile(rf"^(?:{pattern})$")) for role, pattern in _BUDGET_COLS]


def _first_role(patterns: list[tuple[str, re.Pattern[str]]], text: str, longest: int) -> str | None:
    if not text or len(text) > longest:
        return None
    s = _norm(text)
    return next((role for role, pattern in patterns if pattern.match(s)), None)


@lru_cache(maxsize=8192)
def budget_row_role(text: str) -> str | None:
    """A funding block's row label (`年度资金总额`, `其中：财政拨款`) → total / fiscal / other / carry."""
    return _first_role(_BUDGET_ROW_RES, text, 24)


@lru_cache(maxsize=8192)
def budget_col_role(text: str) -> str | None:
    """A funding block's column header (`年初预算数`, `全年执行数(B)`, `执行率`) → its Execution field."""
    return _first_role(_BUDGET_COL_RES, text, 20)


# first levels of the evaluation framework (决策/过程/产出/效益): recognized as levels, canonical None
_LEVEL_SCORE = re.compile(r"[（(]?\s*\d+(?:\.\d+)?\s*(?:[-—~～]\s*\d+(?:\.\d+)?)?\s*分?\s*[)）]?\s*分?$")
_LEVEL2_NOTE = re.compile(r"[（(](?:必填|选填|必填硬性指标|硬性指标|可选)[^（）()]*[)）]$")


def _level_text(text: str) -> str:
    s = re.sub(r"^(?:[一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十]+[)）])", "", squash(text))
    s = re.sub(r"(?<=指标)等$", "", s)  # `服务对象满意度指标等`
    s = _LEVEL2_NOTE.sub("", s)
    m = _LEVEL_SCORE.search(s)
    if m and m.start() > 1 and re.search(r"\d", m.group(0)) and ("分" in m.group(0) or m.group(0).startswith(("(", "（"))):
        s = s[: m.start()]
    return s


@lru_cache(maxsize=16384)
def level_of(text: str) -> tuple[bool, str | None, bool, str | None, str | None]:
    """(is a first level, its canonical name, is a second level, its canonical name, its code).

    A first level may carry points (`产出指标(50分)`, `成本指标(0-20)分`), a second level a note
    (`数量指标(必填硬性指标)`) or a code; evaluation-style levels (决策/项目立项) are levels whose
    canonical name is None."""
    if not text or len(text) > 30:
        return (False, None, False, None, None)
    s = _level_text(text)
    l1 = canonical_level1(s) or NONSTANDARD_LEVEL1.get(s)
    l2, code = canonical_level2(s)
    is1 = l1 is not None or s in EVALUATION_LEVEL1
    is2 = l2 is not None or s in EVALUATION_LEVEL2
    return (is1, l1, is2, l2, code)


_LEVEL_POINTS = re.compile(r"(?:[（(]\s*|(?<=指标))(\d{1,3}(?:\.\d+)?)\s*分?\s*[)）]\s*分?\s*$")


def level_points(text: str) -> float | None:
    """The points a first-level label prints (`产出指标(50分)`, `效益指标（30）分`, `产出指标(50)`, and
    `效益指标30分)` where a wrapped line lost its bracket); None for a range (`成本指标(0-20)分`) or no points."""
    m = _LEVEL_POINTS.search(squash(text or ""))
    return float(m.group(1)) if m else None


def is_level(text: str) -> bool:
    lv = level_of(text)
    return lv[0] or lv[2]


# words a flattened table is split by (glued text) and rejoined to (wrapped cells)
def is_vocab_word(text: str) -> bool:
    return bool(column_role(text) or field_role(text) or is_level(text) or budget_row_role(text)
                or budget_col_role(text) or squash(text) in ("绩效指标", "绩效目标"))
