"""The grammar of target values (`≥95%`, `不少于1次`, `每年不超过6次`, `2023年底完成`).

`parse_target(raw)` is a pure function: the raw text as printed in, a `Target` out, never an exception.
Order of tests: bool, period between two dates (text), deadline, range, numeric clauses
(one → number, several → compound), else text. See shared/spec/document.md, "Target".
"""

from __future__ import annotations

import re
from functools import lru_cache

from .model import Part, Target
from .textnorm import ascii_digits, clean_text

# operator spellings, longest first so `大于等于` wins over `大于`
_OPS: list[tuple[str, str]] = [
    ("大于或等于", ">="), ("大于等于", ">="), ("不少于", ">="), ("不低于", ">="), ("不小于", ">="),
    ("至少", ">="), (">=", ">="), ("＞=", ">="), (">＝", ">="), ("≥", ">="), ("≧", ">="), ("⩾", ">="),
    ("小于或等于", "<="), ("小于等于", "<="), ("不超过", "<="), ("不高于", "<="), ("不多于", "<="),
    ("不大于", "<="), ("<=", "<="), ("＜=", "<="), ("<＝", "<="), ("≤", "<="), ("≦", "<="), ("⩽", "<="),
    ("大于", ">"), ("超过", ">"), ("高于", ">"), ("多于", ">"), (">", ">"), ("＞", ">"),
    ("小于", "<"), ("低于", "<"), ("少于", "<"), ("<", "<"), ("＜", "<"),
    ("等于", "="), ("＝", "="), ("=", "="), ("═", "="),
    ("二", "="),  # OCR of `=` before a number (`二100`): 二 cannot stand before Arabic digits
]
OP_SPELLINGS: dict[str, list[str]] = {}
for _spelling, _op in _OPS:
    OP_SPELLINGS.setdefault(_op, []).append(_spelling)

# trailing words that give the operator: `95%以上`, `5%以下`, `4小时内`
_POST = [("或以上", ">="), ("及以上", ">="), ("以上", ">="), ("或以下", "<="), ("及以下", "<="),
         ("以下", "<="), ("以内", "<="), ("之内", "<="), ("内", "<=")]

# units as printed after a number; longest first. A `/` joins a rate unit: `元/人`, `万元/台`.
UNIT_WORDS = sorted(
    """
    万平方米 万立方米 立方米 万亩 万公顷 厘米 毫米 平方千米 个百分点 百分点 百分比 个工作日 工作日 个月 个 次 人次 人天 人月 人 件 份 家 台次 台套 台 套 项 名 户次 户 场次 场
    期 篇 条 本 册 张 亿元 万元 千元 元 亿 万笔 笔 万人次 万人 万 千 小时 分钟 秒 天 日 周 月 年 课时 学时
    平方公里 平方米 平米 公里 千米 米 吨 万吨 公斤 千克 克 辆 所 座 处 批 部 类 门 间 床 卷 盒 包 只 头 株 棵
    亩 公顷 千瓦时 千瓦 度 倍 分 页 字 宗 例 栋 村 镇 街 个点 点 组 班 轮 期次 个次 项次 册次 学分 宗次 房间
    间次 块 片 箱 瓶 支 枚 副 双 对 道 节 层 级 星 万册 万份 万张 万次 万件 万元/年 亿次 公里/小时
    """.split(),
    key=len,
    reverse=True,
)
_ASCII_UNIT = r"(?:%|‰|％|[A-Za-z]{1,5}(?![A-Za-z]))"
_CJK_UNIT = ("(?:" + "|".join(re.escape(u) for u in UNIT_WORDS)
             + r"|(?![以或及内之每的和与至到共约])[\u4e00-\u9fff](?=$|[^\u4e00-\u9fff]|以上|以下|以内|内))")
_UNIT = (rf"(?:{_ASCII_UNIT}|{_CJK_UNIT})"
         rf"(?:\s*[/／*＊]\s*(?:{_ASCII_UNIT}|每?{_CJK_UNIT}|[\u4e00-\u9fff]{{1,2}})(?:[·.][\u4e00-\u9fff])?){{0,2}}")
_NUM = r"(?:(?<![\d%.])[-+])?\d+(?:,\d{3})*(?:\.\d+)?"
_OP_RE = "|".join(re.escape(s) for s, _ in _OPS)
_POST_RE = "|".join(re.escape(s) for s, _ in _POST)

_CLAUSE = re.compile(
    rf"(?P<op>{_OP_RE})?\s*(?P<num>{_NUM})\s*(?P<unit>{_UNIT})?"
    rf"(?:\s*(?:-|~|～|—|－|至|到)\s*(?P<high>{_NUM})\s*(?P<unit2>{_UNIT})?)?(?:\s*[（(]含[)）])?\s*(?P<post>{_POST_RE})?"
)
_RANGE = re.compile(
    rf"^(?P<label>[^\d]*?)(?P<lo>{_NUM})\s*(?P<u1>{_UNIT})?\s*(?:-|~|～|—|－|至|到)\s*(?P<hi>{_NUM})\s*(?P<u2>{_UNIT})?\s*$"
)
_DATE = r"\d{4}\s*(?:[.．/-]\s*\d{1,2}|年(?:\s*\d{1,2}\s*月)?)"
_DATE_PERIOD = re.compile(
    rf"{_DATE}.*?(?:-|~|～|—|－|至|到)\s*(?:{_DATE}|\d{{1,2}}\s*月)"
)
_DEADLINE = re.compile(
    r"^(?:于|在|截至|截止|截止到|截止至)?\s*"
    r"(?:(?P<y>\d{4})\s*年(?:度)?)?\s*"
    r"(?:(?P<m>\d{1,2})\s*月(?:份)?)?\s*"
    r"(?:(?P<d>\d{1,2})\s*[日号])?\s*"
    r"(?P<end>(?:当年|本年|年度|年)?(?:底|末|内|中|年底|年末))?\s*"
    r"(?P<before>前|之前|以前|止)?\s*"
    r"(?P<verb>全部完成|完成|到位|结束|完工|办结|上线|验收|实施完毕|支付|拨付|兑现|发放)?$"
)
_BOOL = {"是": True, "否": False}
_CONJUNCTIONS = {"且", "并且", "并", "和", "及", "以及", "或", "与", "同时"}
_CN_DIGITS = "零〇一二两三四五六七八九十百千万"
_CN_CLAUSE = re.compile(rf"(?P<op>{_OP_RE})\s*(?P<cn>[{_CN_DIGITS}]+)\s*(?P<unit>{_CJK_UNIT})")


def op_of(spelling: str) -> str | None:
    for s, op in _OPS:
        if spelling == s:
            return op
    return None


def _number(text: str) -> float:
    return float(text.replace(",", ""))


def _cn_number(text: str) -> float | None:
    try:
        import cn2an

        return float(cn2an.cn2an(text, "smart"))
    except Exception:  # noqa: BLE001 - cn2an raises bare ValueError and others on odd input
        return None


def _is_deadline(s: str) -> bool:
    m = _DEADLINE.match(s)
    if not m:
        return False
    y, mo, d, end, before, verb = (m.group(k) for k in ("y", "m", "d", "end", "before", "verb"))
    if mo and not 1 <= int(mo) <= 12:
        return False
    if y and not (1990 <= int(y) <= 2100):
        return False
    has_date = bool(y or mo or d)
    year_end = bool(end and ("底" in end or "末" in end or end in ("年内", "当年内", "本年内", "年度内")))
    if y and not (mo or d or end or before or verb):
        return True  # `2025年`
    if mo and not (y or d or end or before or verb) and re.fullmatch(r"\d{1,2}月", s):
        return True  # `7月`: a month of the year (a duration is `7个月`)
    if has_date and (end or before or verb or (y and mo)):
        return True
    return year_end and not has_date or (year_end and has_date)


def _clauses(s: str) -> list[tuple[Part, float | None, int]]:
    """Every `op? number unit? post?` clause with its span; the label is the text before it."""
    found: list[tuple[Part, float | None, int]] = []
    prev_end = 0
    for m in _CLAUSE.finditer(s):
        start = m.start()
        # a digit glued to letters before it (`5G`, `A4`) is part of a name, not a number
        if m.group("op") is None and start > 0 and s[start - 1].isascii() and s[start - 1].isalnum():
            continue
        unit_text = m.group("unit") or ""
        follows = s[m.end():m.end() + 1]
        if (m.group("op") is None and re.fullmatch(r"[A-Za-z]+", unit_text) and not m.group("post")
                and follows and "\u4e00" <= follows <= "\u9fff"):
            continue  # `5G网络`: a model name, not a quantity
        op = op_of(m.group("op")) if m.group("op") else None
        post = m.group("post")
        if op is None and post:
            op = dict(_POST)[post]
        unit = m.group("unit") or m.group("unit2")
        if unit:
            unit = re.sub(r"\s+", "", unit)
        if m.group("high") is not None:
            op = None  # a range inside a compound keeps its low end; the raw text keeps the rest
        else:
            op = op or "="
        label = re.split(r"[，,；;。]", s[prev_end:start])[-1].strip(" ，,；;：:、。()（）")
        if label in _CONJUNCTIONS:
            label = ""  # `≥95%且≤100%`: a joining word, not a label
        high = _number(m.group("high")) if m.group("high") is not None else None
        found.append((Part(label=label or None, op=op, value=_number(m.group("num")), unit=unit or None),
                      high, m.end()))
        prev_end = m.end()
    if not found:
        for m in _CN_CLAUSE.finditer(s):
            value = _cn_number(m.group("cn"))
            if value is None:
                continue
            label = s[prev_end:m.start()].strip(" ，,；;：:、。")
            found.append((Part(label=label or None, op=op_of(m.group("op")) or "=", value=value,
                               unit=m.group("unit")), None, m.end()))
            prev_end = m.end()
    return found


@lru_cache(maxsize=65536)
def parse_target(raw: str | None) -> Target | None:
    """Parse a printed target value; None for a blank cell. Never raises."""
    text = clean_text(raw).rstrip("。；;，, ").strip()
    if not text or text in ("—", "-", "/", "--", "——", "无", "*"):
        return None if not text else Target(raw=text, kind="text")
    s = ascii_digits(text).replace("％", "%")
    if text in _BOOL:
        return Target(raw=text, kind="bool")
    compact = re.sub(r"\s+", "", s)
    if _DATE_PERIOD.search(compact):
        return Target(raw=text, kind="text")
    if _is_deadline(compact):
        return Target(raw=text, kind="deadline")
    m = _RANGE.match(compact)
    if m and not m.group("label").rstrip().endswith(tuple(s for s, _ in _OPS)):
        u1, u2 = m.group("u1"), m.group("u2")
        if not (u1 and u2 and u1 != u2):
            lo, hi = _number(m.group("lo")), _number(m.group("hi"))
            if lo < hi:
                return Target(raw=text, kind="range", value=lo, high=hi, unit=u2 or u1)
    clauses = _clauses(compact)
    if len(clauses) == 1:
        part, high = clauses[0][0], clauses[0][1]
        if high is not None and part.value is not None and part.value < high:
            return Target(raw=text, kind="range", value=part.value, high=high, unit=part.unit)
        return Target(raw=text, kind="number", op=part.op, value=part.value, unit=part.unit)
    if len(clauses) > 1:
        return Target(raw=text, kind="compound", parts=[p for p, _, _ in clauses])
    return Target(raw=text, kind="text")
