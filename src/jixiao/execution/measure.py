"""Set an actual against its target: the indicator's direction, comparable numbers (units converted where
certain), dates of deadline targets, and the qualitative grade a wording states.

Direction follows the operator as pmkpi does (rules.md §1.5, §3.2): `≥ >` positive, `≤ <` reverse, `=` with a
zero target equal-to-zero, `=` otherwise positive unless the name is a reverse indicator (投诉率 5%); a
deadline is reverse on dates; everything else is qualitative."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..compare import is_reverse
from ..model import Indicator, Target

POSITIVE, REVERSE, EQUAL_ZERO, DEADLINE, QUALITATIVE, BOOL = (
    "positive", "reverse", "equal_zero", "deadline", "qualitative", "bool")
DIRECTION_ZH = {POSITIVE: "正向", REVERSE: "反向", EQUAL_ZERO: "等于零", DEADLINE: "时限", QUALITATIVE: "定性",
                BOOL: "是否", None: "未知"}

# units that convert exactly; everything else must match as printed
_SCALES: dict[str, tuple[str, float]] = {
    "元": ("元", 1.0), "千元": ("元", 1e3), "万元": ("元", 1e4), "亿元": ("元", 1e8),
    "%": ("%", 1.0), "％": ("%", 1.0), "‰": ("%", 0.1),
    "秒": ("秒", 1.0), "分钟": ("秒", 60.0), "小时": ("秒", 3600.0),
    "天": ("天", 1.0), "日": ("天", 1.0), "个工作日": ("工作日", 1.0), "工作日": ("工作日", 1.0),
    "米": ("米", 1.0), "千米": ("米", 1e3), "公里": ("米", 1e3),
    "平方米": ("平方米", 1.0), "平米": ("平方米", 1.0), "亩": ("平方米", 666.6667), "公顷": ("平方米", 1e4),
    "克": ("克", 1.0), "千克": ("克", 1e3), "公斤": ("克", 1e3), "吨": ("克", 1e6), "万吨": ("克", 1e10),
    "个": ("个", 1.0), "项": ("项", 1.0),
}


def direction(ind: Indicator) -> str | None:
    t = ind.annual
    if t is None:
        return None
    if t.kind == "number":
        if t.op in (">=", ">"):
            return POSITIVE
        if t.op in ("<=", "<"):
            return REVERSE
        if t.value == 0:
            return EQUAL_ZERO
        return REVERSE if is_reverse(ind) else POSITIVE
    if t.kind == "range":
        return POSITIVE
    if t.kind == "deadline":
        return DEADLINE
    if t.kind == "bool":
        return BOOL
    if t.kind == "compound":
        return POSITIVE
    return QUALITATIVE


@dataclass(frozen=True)
class Pair:
    """Target and actual as numbers in one unit, or why they cannot be compared."""

    target: float | None
    actual: float | None
    unit: str | None
    note: str | None = None  # set when not comparable
    converted: str | None = None  # e.g. `实际值 2.1万元 按 21000元 计`


_MONTHS = re.compile(r"^\s*(\d{1,2})\s*个?月份?\s*$")


def _number_of(t: Target, unit: str | None = None) -> float | None:
    if t.kind in ("number", "range") and t.value is not None:
        return t.value
    if unit == "月" and t.kind == "deadline" and (m := _MONTHS.match(t.raw)):
        return float(m.group(1))  # `11月` against `≤12月`: a month count either way
    return None


def numbers(target: Target, actual: Target | None) -> Pair:
    """Target and actual in the target's unit. A bare actual takes the target's unit; a different unit is
    converted only when both are in one family of `_SCALES` (万元 ↔ 元), otherwise it is not comparable."""
    t = _number_of(target)
    if t is None:
        return Pair(None, None, None, "目标不是数值")
    if actual is None:
        return Pair(t, None, target.unit, "无实际完成值")
    a = _number_of(actual, _norm_unit(target.unit))
    if a is None:
        return Pair(t, None, target.unit, f"实际完成值“{actual.raw}”不是数值")
    tu, au = _norm_unit(target.unit), _norm_unit(actual.unit) if actual.kind != "deadline" else None
    if au is None and tu == "%" and 0 < a <= 1 < t:
        # `0.95` against `≥95%`: a share or 0.95 percent? Not certain, so not compared
        return Pair(t, None, target.unit, f"实际完成值“{actual.raw}”未写单位，可能是比例（{a:.0%}），无法确定，无法换算")
    if au is None or tu is None or au == tu:
        return Pair(t, max(a, 0.0), target.unit)
    st, sa = _scale(tu), _scale(au)
    if st and sa and st[0] == sa[0]:
        conv = a * sa[1] / st[1]
        return Pair(t, max(conv, 0.0), target.unit, converted=f"实际值 {a:g}{au} 按 {conv:g}{tu} 计")
    return Pair(t, None, target.unit, f"实际完成值的单位“{au}”与目标单位“{tu}”不同，无法换算")


def _scale(unit: str) -> tuple[str, float] | None:
    """(base unit, factor) of `万元`, or of a rate over one denominator: `万元/场` → (`元/场`, 10000)."""
    if unit in _SCALES:
        return _SCALES[unit]
    num, sep, per = unit.partition("/")
    if sep and num in _SCALES and per:
        base, factor = _SCALES[num]
        return f"{base}/{per}", factor
    return None


def _norm_unit(u: str | None) -> str | None:
    if u is None:
        return None
    u = u.strip()
    return {"％": "%"}.get(u, u) or None


# qualitative wording (rules.md §3.2, §8.1): 达成 / 部分达成 / 未达成, in monitoring and self-evaluation spellings
_NOT = re.compile(r"未达成|未达到|未完成|没有完成|未实现|效果较差|较差|^差$|未按期|延期|滞后|未能")
_PARTIAL = re.compile(r"部分达成|部分完成|基本达成|基本完成|部分实现|一定效果|^中$|^一般$|^合格$")
_MET = re.compile(r"达成|达到|完成|实现|符合|已|按期|按时|优|良|好|满意|有效|提升|提高|改善|规范|是")


def qualitative_grade(text: str | None) -> str | None:
    """`met`, `partial`, `missed` from a wording, or None when the wording states none of them."""
    if not text:
        return None
    s = text.strip()
    if _NOT.search(s):
        return "missed"
    if _PARTIAL.search(s):
        return "partial"
    if _MET.search(s):
        return "met"
    return None


_DATE = re.compile(r"(?:(?P<y>(?:19|20)\d{2})\s*(?:年度?|[.．/-]))?\s*(?:(?P<m>\d{1,2})\s*(?:月份?|(?=[.．/-]\d)))?"
                   r"\s*(?:[.．/-]?\s*(?P<d>\d{1,2})\s*[日号]?)?\s*(?P<end>年?底|年末|末)?")


def date_of(text: str | None, default_year: int | None = None) -> tuple[int, int, int] | None:
    """(year, month, day) of `2023年底完成`, `12月底前`, `2023年11月`, `2023.10.15`; year-end for `年底`.
    A year missing from the text is `default_year` (or 0, comparable only with another yearless date)."""
    if not text:
        return None
    s = text.replace(" ", "")
    for m in _DATE.finditer(s):
        y, mo, d = m.group("y"), m.group("m"), m.group("d")
        if not (y or mo):
            continue
        if mo and not 1 <= int(mo) <= 12:
            continue
        year = int(y) if y else (default_year or 0)
        month = int(mo) if mo else 12
        day = int(d) if d and mo and 1 <= int(d) <= 31 else 31  # `11月`, `年底`: the end of the month
        return year, month, day
    return None


_DONE = re.compile(r"(?:已|按期|按时|如期|提前)?(?:完成|完工|到位|竣工|验收|上线|办结|结束|实施完毕|支付|拨付|发放)")
_NOT_DONE = re.compile(r"未|没有|尚未|延期|滞后|推迟|逾期|正在|进行中|推进中")


def deadline_status(target: Target, actual: Target | None, year: int | None) -> tuple[str | None, str]:
    """(`met` | `missed` | None, explanation) for a deadline target."""
    if actual is None:
        return None, "无实际完成值"
    td = date_of(target.raw, year)
    ad = date_of(actual.raw, td[0] if td and td[0] else year)
    if td and ad and td[0] == 0 and ad[0]:  # `12月底前` in a table without a year: the actual's year
        td = (ad[0], td[1], td[2])
    if td and ad and (td[0] == 0) == (ad[0] == 0):
        if ad <= td:
            return "met", f"完成时间 {actual.raw} 不晚于 {target.raw}"
        return "missed", f"完成时间 {actual.raw} 晚于 {target.raw}"
    if _NOT_DONE.search(actual.raw):
        return "missed", f"实际“{actual.raw}”表明未按期完成"
    if _DONE.search(actual.raw) or actual.raw.strip() in ("是", "100%"):
        return "met", f"实际“{actual.raw}”表明已完成"
    return None, f"无法从“{actual.raw}”判断完成时间"
