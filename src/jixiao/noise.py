"""Noise removed from text before the layouts see it.

Real tables reach us as text extracted from web pages, mirrors and document-sharing previews. Around and
inside the table that text carries things that are not part of any table: page chrome (`字号`, breadcrumbs,
`[下载] [打印] [关闭]`), document metadata (`索引号 …`, docx properties), spam words injected by mirror
sites, traditional characters, pinyin glosses from broken converters (`績效目標(biāo)表`), code prefixes on
names (`[103]`, `219-`) and checkbox glyphs (`新增项目□ 延续项目■`).

Everything here is a pure function of its argument and runs on every line of every file, so each one has
a cheap early exit for the common case (a plain simplified table line) and all patterns are compiled once.

Policy: precision over recall. A table row dropped as chrome loses facts for good; a chrome line kept is
only a line the layouts ignore. So a line is chrome only when every part of it is recognized as chrome, and
spam words are cut out of a line rather than dropping the line.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

__all__ = [
    "clean_line",
    "clean_lines",
    "is_chrome_line",
    "strip_checkbox",
    "strip_chrome",
    "strip_code_prefix",
    "strip_pinyin_glosses",
    "ticked_choices",
    "to_simplified",
]

# CJK ideographs: the unified blocks, extension A, compatibility ideographs and the supplementary planes
_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
_CJK_RANGES = ((0x3400, 0x4DC0), (0x4E00, 0xA000), (0xF900, 0xFB00), (0x20000, 0x2A6E0),
               (0x2A700, 0x2EBF0), (0x2F800, 0x2FA20), (0x30000, 0x31350))
_SURROGATE = re.compile("[\ud800-\udfff]+")


# --------------------------------------------------------------------------------------------------------
# traditional → simplified


@lru_cache(maxsize=1)
def _converter():  # noqa: ANN202 - opencc has no public type for it
    """The OpenCC t2s converter, built once per process (building it reads the dictionaries)."""
    import opencc

    return opencc.OpenCC("t2s")


@lru_cache(maxsize=1)
def _traditional() -> frozenset[str]:
    """Every ideograph that t2s changes on its own, found by converting each one once (about 40 ms).

    Used as the fast path: a line with none of them is already simplified and is returned as it is. The
    few t2s phrases whose characters are all simplified-legal on their own (`打坏` → `打坯`, `回覆`) are
    thereby applied only to lines that hold real traditional characters, which is what we want: OpenCC's
    phrase table would corrupt simplified text there.
    """
    chars = [chr(i) for lo, hi in _CJK_RANGES for i in range(lo, hi)]
    converted = _converter().convert("\n".join(chars)).split("\n")
    if len(converted) != len(chars):  # cannot happen with OpenCC's 1:1 character tables; be safe anyway
        return frozenset(c for c in chars if _converter().convert(c) != c)
    return frozenset(c for c, s in zip(chars, converted, strict=True) if c != s)


def _convert(text: str) -> str:
    if _SURROGATE.search(text):  # lone surrogates cannot pass through OpenCC's UTF-8 interface
        parts = _SURROGATE.split(text)
        gaps = _SURROGATE.findall(text)
        out = [_converter().convert(parts[0])]
        for gap, part in zip(gaps, parts[1:], strict=True):
            out += [gap, _converter().convert(part)]
        return "".join(out)
    return _converter().convert(text)


def to_simplified(text: str) -> str:
    """Traditional characters converted to simplified with OpenCC t2s; already simplified text unchanged.

    `績效目標表` → `绩效目标表`. ASCII and `???` for lost characters pass through as printed. A line with no
    traditional character costs one set scan and is returned as the same object.
    """
    if not text or text.isascii():
        return text
    trad = _traditional()
    if trad.isdisjoint(text):
        return text
    out = _convert(text)
    if not trad.isdisjoint(out):  # t2s is not idempotent on a few chains (薴 → 苧 → 苎): finish them
        again = _convert(out)
        if again != out:
            out = again
    return out


# --------------------------------------------------------------------------------------------------------
# pinyin glosses

_TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ"
_TONELESS = str.maketrans(_TONED + "v", "aaaaeeeeiiiioooouuuuüüüüü")
_GLOSS = re.compile(
    # after an ideograph, or after `?` / `？` / `�` that stand for a lost ideograph (`???(jì)`)
    rf"(?<=[{_CJK}?？�])(?:[(（](?=[a-z{_TONED}ü]*[{_TONED}ü])[a-z{_TONED}ü]{{1,6}}[)）])+"
    # a gloss whose opening bracket was lost with its character: `生活???jī)效`
    rf"|(?<=[?？�])(?=[a-z{_TONED}ü]*[{_TONED}ü])[a-z{_TONED}ü]{{1,6}}[)）]"
)
_GLOSS_ONE = re.compile(rf"[(（]?([a-z{_TONED}ü]+)[)）]")
_SYLLABLE = re.compile(
    r"(?:zh|ch|sh|[bpmfdtnlgkhjqxrzcsyw])?"
    r"(?:a|ai|an|ang|ao|e|ei|en|eng|er|i|ia|ian|iang|iao|ie|in|ing|iong|iu|o|ong|ou|u|ua|uai|uan|uang|ue|ui"
    r"|un|uo|ü|üan|üe|ün)"
)


def _gloss_or_keep(m: re.Match[str]) -> str:
    syllables = _GLOSS_ONE.findall(m.group(0))
    if all(_SYLLABLE.fullmatch(s.translate(_TONELESS)) for s in syllables):
        return ""
    return m.group(0)


def strip_pinyin_glosses(text: str) -> str:
    """Pinyin glosses a broken converter put after characters removed: `績效目標(biāo)表` → `績效目標表`.

    Only a parenthesized single lowercase pinyin syllable that carries a tone mark or ü, right after an
    ideograph, is a gloss. `(万元)`, `(50分)`, `(%)`, `(a)`, `(A)`, `(km)` and English in brackets stay.
    """
    if ")" not in text and "）" not in text:
        return text
    return _GLOSS.sub(_gloss_or_keep, text)


# --------------------------------------------------------------------------------------------------------
# page chrome, document metadata, spam


def _spaced(word: str) -> str:
    """A label as printed with optional spaces between its characters: `索 引 号`, `标     题`."""
    return r"\s*".join(re.escape(c) for c in word)


# labels of the metadata block that government sites print above a document. A line that starts with one
# of the strong ones is metadata whatever follows; the weak ones are common words, so they count only
# with a colon or beside another label.
_META_STRONG = (
    "索引号", "索取号", "发布日期", "发布时间", "发文日期", "发文时间", "成文日期", "生成日期", "印发日期",
    "发布机构", "发文机关", "发文机构", "发布单位", "公开方式", "公开范围", "公开时限", "公开形式",
    "主题分类", "体裁分类", "组配分类", "服务对象分类", "信息分类", "内容分类", "公文种类", "统一登记号",
    "信息时效性", "主题词", "浏览次数", "访问次数", "点击次数", "阅读次数", "点击数", "访问量", "字号", "字体",
    "分享到", "责任编辑", "信息来源", "文章来源", "所属机构", "发布者",
)
_META_WEAK = ("来源", "作者", "文号", "有效性", "时效性", "标题", "编辑", "日期")
_META_ALL = sorted(_META_STRONG + _META_WEAK, key=len, reverse=True)
_LABEL_END = r"(?=\s*[:：|]|\s|$)"
_META_LABEL = re.compile(
    r"(?:(?<=^)|(?<=[\s|【\[]))(?P<label>" + "|".join(_spaced(w) for w in _META_ALL) + ")" + _LABEL_END
)
_DATETIME = r"\d{4}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}\s*日?(?:\s*\d{1,2}:\d{2}(?::\d{2})?)?"
_META_HEAD = re.compile(
    r"^[\s|]*【?\s*(?:" + _DATETIME + r"\s+)?(?P<label>" + "|".join(_spaced(w) for w in _META_ALL) + ")"
    + _LABEL_END + r"\s*(?P<colon>[:：])?"
)
_META_FIRST_CHARS = frozenset(w[0] for w in _META_ALL) | frozenset("0123456789【|")
_SPACES = re.compile(r"\s+")
_DATE_ONLY = re.compile(r"\s*" + _DATETIME + r"\s*$")

# lines that are chrome as a whole (matched on the line with its spaces removed)
_CHROME_WHOLE = re.compile(
    "|".join((
        r"(?:您(?:现在)?(?:所在|的)?(?:的)?位置|当前位置|所在位置)[:：].*",  # breadcrumbs
        r"首页(?:[>＞»›/|]|&gt;).*",
        r"扫一扫.*(?:手机|二维码|分享|查看|打开).*",
        r"(?:手机扫一扫|微信扫一扫).*",
        r"分享到[:：]?.*",
        r"下载本文档|付费下载|免费下载|立即下载|文档简介|全文预览已结束|文本内容[:：]?|友情提示[:：]?|相关搜索",
        r"(?:版权说明|版权声明)[:：].*(?:文档|用户|上传|侵权).*",
        r".*由会员分享.*(?:阅读|搜索|文库).*",
        r"(?:已阅读\d+页[,，]?)?还剩\d+页未读.*",
        r"[-–—*•·]?资源(?:ID|大小|格式|类型)[:：].*",
        r"下载积分[:：].*",
        r"\d+[、.](?:.*本站.*|.*浏览器.*下载.*|.*下载后.*|.*如果标题没有明确说明有答案.*)",
        r"本站.*(?:下载|资源|文档|浏览器|上传).*",
        r".{1,60}_第\d+页",  # page thumbnails of a document preview
        r"第\d+页(?:[,，/]?共\d+页)?",
        r"共\d+页(?:[,，/]?第\d+页)?",
        r"《?[^|《》]{1,80}\.(?i:docx?|xlsx?|pdf|wps|et|rar|zip)》?",  # an attachment's file name
        r"(?:Normal(?:\.dotm?)?|Microsoft(?:Office)?Word.*|WPSOffice.*|KSOProductBuildVer.*)",
        r"\{?[0-9A-Fa-f]{8}-?[0-9A-Fa-f]{4}-?[0-9A-Fa-f]{4}-?[0-9A-Fa-f]{4}-?[0-9A-Fa-f]{12}\}?",  # a GUID
    ))
)
# the action words of a page toolbar: `[下载] [打印] [关闭]`, `【打印】`, `字体:[ 大 中 小 ]`
_ACTION_TOKEN = re.compile(
    r"打印本页|打印正文|关闭窗口|关闭本页|返回顶部|加入收藏|我要纠错|复制链接|保存本页|下载|打印|关闭|收藏|返回|纠错"
    r"|字号|字体|默认|大|中|小|[\[\]【】()（）:：|/,，]"
)
_ACTION_WORD = re.compile(r"打印|关闭|下载|收藏|返回|纠错|字号|字体")

# the docx core properties a preview prints before the text: author, revision, ISO timestamps, version,
# GUID, counts, flags. Only a run that holds at least one ISO timestamp is taken for this.
_ISO_TS = r"\d{4}-\d\d-\d\dT\d\d:\d\d(?::\d\d(?:\.\d+)?)?Z?"
_DOCX_TOKEN = (r"(?:" + _ISO_TS + r"|\d[\d.,:-]*|[0-9A-Fa-f]{32}|\{?[0-9A-Fa-f]{8}(?:-[0-9A-Fa-f]{4}){3}-[0-9A-Fa-f]{12}\}?"
               r"|True|False|Normal(?:\.dotm?)?|Microsoft\s+Office\s+Word(?:\s+\d{4})?|WPS\s+Office\S*"
               r"|KSOProductBuildVer)")
_DOCX_PREFIX = re.compile(
    r"^\s*(?:\S{1,24}\s+){0,4}?" + _ISO_TS + r"(?:\s+" + _DOCX_TOKEN + r")*(?:\s+|$)"
)

# spam injected by mirror sites. Strong words never occur in a budget table; weak ones do (体育彩票, 福利彩票,
# 彩票公益金, 老年活动室棋牌, a place called 皇冠) and count only when glued to a strong one.
_SPAM_STRONG = (
    "足球比分", "篮球比分", "即时比分", "比分直播", "娱乐城", "博彩", "体育投注", "足球投注", "百家乐", "六合彩",
    "时时彩", "北京赛车", "真人视讯", "真人娱乐", "真人荷官", "真人百家乐", "网上赌场", "在线赌场", "赌场网",
    "棋牌游戏", "棋牌平台", "棋牌官网", "彩票网", "彩票平台", "彩票官网", "彩票投注", "购彩", "皇冠体育",
    "皇冠足球", "皇冠网", "皇冠官网", "皇冠平台", "皇冠娱乐", "皇冠投注", "皇冠开户", "皇冠代理", "澳门葡京",
    "新葡京", "威尼斯人娱乐", "太阳城娱乐", "赌球", "外围投注", "体育博彩", "电子游艺", "老虎机", "捕鱼游戏",
)
_SPAM_WEAK = ("皇冠", "足球", "体育", "彩票", "棋牌", "真人", "赌场", "娱乐", "官网", "平台", "网址", "开户",
              "注册", "最新", "直播", "app", "APP")
_SPAM_WORD = "|".join(re.escape(w) for w in sorted(_SPAM_STRONG + _SPAM_WEAK, key=len, reverse=True))
_SPAM_STRONG_RE = re.compile("|".join(re.escape(w) for w in sorted(_SPAM_STRONG, key=len, reverse=True)))
_SPAM_RUN = re.compile(rf"(?:{_SPAM_WORD})*(?:{_SPAM_STRONG_RE.pattern})(?:{_SPAM_WORD})*[:：]?")
_TABLE_WORDS = re.compile(r"指标|目标|项目|资金|预算|绩效|万元|年度|单位|部门|%")
_CJK_CHAR = re.compile(f"[{_CJK}]")

_TITLE_LABEL = re.compile(_spaced("标题"))
_VALUE_STRIP = " \t\u3000\xa0|:：【】[]"


def _strip_meta(line: str) -> str | None:
    """A metadata line reduced to its title (if it has one); None if the line is not metadata."""
    head = _META_HEAD.match(line)
    if head is None:
        return None
    label = _SPACES.sub("", head.group("label"))
    labels = list(_META_LABEL.finditer(line, head.start("label")))
    if label in _META_WEAK:
        rest = line[head.end():]
        if label == "日期":
            if not (head.group("colon") and _DATE_ONLY.match(rest)):
                return None
        elif len(labels) < 2 and not head.group("colon") and rest.strip(_VALUE_STRIP):
            return None  # `来源 …`, `标题 …` without a colon and alone: a common word, not metadata
        elif len(labels) < 2 and head.group("colon") and label != "标题" and len(rest.strip()) > 40:
            return None  # `来源:` followed by a sentence: prose, keep it
    titles = []
    for i, m in enumerate(labels):
        if _TITLE_LABEL.fullmatch(m.group("label")):
            end = labels[i + 1].start() if i + 1 < len(labels) else len(line)
            value = line[m.end():end].strip(_VALUE_STRIP)
            if value:
                titles.append(value)
    return " ".join(titles)


def _strip_spam(line: str) -> str:
    if _SPAM_STRONG_RE.search(line) is None:
        return line
    out = _SPAM_RUN.sub("", line)
    rest = _CJK_CHAR.findall(out)
    if len(rest) < 6 and not _TABLE_WORDS.search(out):
        return ""
    return out


def _is_toolbar(squashed: str) -> bool:
    return _ACTION_WORD.search(squashed) is not None and not _ACTION_TOKEN.sub("", squashed)


def _strip_chrome_simplified(line: str) -> str:
    """`strip_chrome` on a line already free of glosses and traditional characters."""
    if not line:
        return line
    stripped = line.lstrip(" \t\u3000\xa0|-–—*•·")
    if not stripped:
        return line
    out = line
    # docx properties glued before the text
    if "T" in line and ":" in line:
        m = _DOCX_PREFIX.match(line)
        if m and m.end() > 0:
            out = line[m.end():]
            if not out.strip():
                return ""
    first = stripped[0]
    if first in _META_FIRST_CHARS:
        meta = _strip_meta(out)
        if meta is not None:
            return meta
    squashed = _SPACES.sub("", out)
    if _CHROME_WHOLE.fullmatch(squashed.lstrip("|").rstrip("|")) or _is_toolbar(squashed):
        return ""
    return _strip_spam(out)


def strip_chrome(line: str) -> str:
    """The line without its page chrome, metadata and spam: '' when nothing else is on it.

    `标     题 绩效目标表 文     号` → `绩效目标表`; `扫一扫在手机打开当前页` → ''; a docx-properties prefix
    (`安福全 zlnb210061 1 2019-05-22T04:56:35Z … False 附件: 项目支出绩效自评表 …`) is cut off; spam words
    are cut out (`重庆市财政局皇冠足球比分:提前下达…` → `重庆市财政局提前下达…`). A line with no chrome is
    returned as given; a line that had glosses or traditional characters comes back simplified.
    """
    return _strip_chrome_simplified(to_simplified(strip_pinyin_glosses(line)))


def is_chrome_line(line: str) -> bool:
    """True when the whole line is page chrome, document metadata or spam, and no table text is on it.

    A blank line is not chrome (blank lines separate cells in some flattened tables).
    """
    return bool(line.strip()) and not strip_chrome(line).strip()


# --------------------------------------------------------------------------------------------------------
# code prefixes on names

# words that make a leading number part of the name: `2023年…`, `10千伏线路`, `3个村`, `1290.3平方米冷库`
_NOT_CODE_AFTER = re.compile(
    r"年|月|日|号|时|分|秒|周|天|个|万|亿|千|百|十|元|角|平方|立方|米|公里|公顷|里|亩|顷|吨|斤|克|升|瓦|伏|度|人|户|村|镇"
    r"|乡|座|台|辆|套|项|所|条|家|次|件|株|棵|只|头|匹|张|本|册|份|批|场|期|名|位|床|间|栋|层|处|把|枚|支|根|块"
    r"|届|倍|岁|小时|课时|学时|篇|部|类|门|卷|盒|包|箱|瓶|副|双|对|道|节|级|星|例|宗|组|班|轮|点|片|笔|孔|眼|口"
)
_CODE_BRACKETED = re.compile(rf"^\s*[\[【〔]\s*(?P<code>[0-9A-Za-z][0-9A-Za-z.\-]*)\s*[\]】〕]\s*(?=[{_CJK}])")
_CODE_DASHED = re.compile(rf"^\s*(?P<code>[0-9A-Z][0-9A-Z.]*[0-9A-Z])\s*[-－—–_]\s*(?=[{_CJK}])")
_CODE_SPACED = re.compile(rf"^\s*(?P<code>\d{{6,}}[0-9A-Z]*)\s+(?=[{_CJK}])")


def strip_code_prefix(name: str) -> tuple[str, str | None]:
    """A name without its code prefix, and the code: `[103]濉溪县民政局` → (`濉溪县民政局`, `103`).

    Recognized: a bracketed code of 2+ characters (`[103]`, `【015001】`), a code of 3+ digits before a dash
    (`219-`, `820001-`, `51092322T000000436802-`), a code of 6+ digits before a space. The rest must start
    with an ideograph that is not a unit or counter, so `2023年…`, `10千伏线路`, `3个村`, `1290.3平方米冷库`,
    `12-质量指标` and `12345热线` are left alone (returned with code None).
    """
    if not name or not ("0" <= name.lstrip()[:1] <= "9" or name.lstrip()[:1] in "[【〔ABCDEFGHIJKLMNOPQRSTUVWXYZ"):
        return name, None
    for pattern in (_CODE_BRACKETED, _CODE_DASHED, _CODE_SPACED):
        m = pattern.match(name)
        if m is None:
            continue
        code = m.group("code")
        digits = sum(c.isdigit() for c in code)
        if pattern is _CODE_BRACKETED and (len(code) < 2 or digits == 0):
            continue
        if pattern is not _CODE_BRACKETED and digits < 3:
            continue
        rest = name[m.end():]
        if _NOT_CODE_AFTER.match(rest):
            continue
        return rest, code
    return name, None


# --------------------------------------------------------------------------------------------------------
# checkbox glyphs

_BOX_TICKED = "■☑☒√✓✔"
_BOX_EMPTY = "□☐"
# glyphs that are also letters or characters (`R` is Wingdings ☑, `口` an OCR'd □, `Z口` a garbled ☑):
# they count only next to a known choice label
_AMBIGUOUS = ("Z口", "R", "口")
_TICKED_AMBIGUOUS = frozenset(("Z口", "R"))
_CHOICES = sorted((
    "新增项目", "延续项目", "新增", "延续", "新建", "续建", "改建", "扩建", "新建项目", "续建项目", "一次性项目",
    "经常性项目", "持续性项目", "常年性项目", "跨年度项目", "一次性", "经常性", "持续性", "常年性", "跨年度",
    "是", "否", "有", "无", "定量", "定性", "正向", "反向", "其他", "其它", "中央", "省级", "市级", "县级", "本级",
    "一般公共预算", "政府性基金", "国有资本经营预算", "财政专户", "公开", "不公开", "全部公开", "部分公开",
    "专项资金", "基本支出", "项目支出", "部门项目", "专项项目", "其他项目", "新增政策", "延续政策",
    "一般项目", "重点项目", "重大项目", "事业发展类", "运转类", "特定目标类", "本级项目", "转移支付项目",
), key=len, reverse=True)
_CHOICE_SET = frozenset(_CHOICES)
_GLYPH = re.compile(rf"[{_BOX_TICKED}{_BOX_EMPTY}]|Z口|R(?![A-Za-z])|口")
_BOUNDARY = " \t\u3000\xa0|,，;；:：、/" + _BOX_TICKED + _BOX_EMPTY
_RUN_STOP = re.compile(rf"[^{_CJK}]")
_MAX_LABEL = 8


def _known_before(text: str, end: int) -> str | None:
    s = text[:end].rstrip(" \u3000")
    for label in _CHOICES:
        if s.endswith(label):
            return label
    return None


def _known_after(text: str, start: int) -> str | None:
    s = text[start:].lstrip(" \u3000")
    for label in _CHOICES:
        if s.startswith(label):
            return label
    return None


def _run_before(text: str, end: int) -> str | None:
    s = text[:end].rstrip(" \u3000")
    i = len(s)
    while i > 0 and _RUN_STOP.match(s[i - 1]) is None and len(s) - i < _MAX_LABEL:
        i -= 1
    return s[i:] or None


def _run_after(text: str, start: int) -> str | None:
    s = text[start:].lstrip(" \u3000")
    i = 0
    while i < len(s) and _RUN_STOP.match(s[i]) is None and i < _MAX_LABEL and not s.startswith("口", i):
        i += 1
    return s[:i] or None


def _boxes(text: str) -> list[tuple[int, int, bool, str]]:
    """(start, end, ticked, label) of every glyph that stands next to a choice label."""
    found = []
    for m in _GLYPH.finditer(text):
        found.append(m)
    if not found:
        return []
    # decide once per text whether glyphs follow their labels (`新增项目□ 延续项目■`) or precede them
    suffix = prefix = 0
    for m in found:
        g, s, e = m.group(0), m.start(), m.end()
        ambiguous = g in _AMBIGUOUS
        before = _known_before(text, s) or (None if ambiguous else _run_before(text, s))
        after = _known_after(text, e) or (None if ambiguous else _run_after(text, e))
        at_end = e >= len(text.rstrip()) or text[e] in _BOUNDARY
        at_start = s == 0 or not text[:s].strip() or text[s - 1] in _BOUNDARY
        if before and (at_end or _known_before(text, s)):
            suffix += 2 if _known_before(text, s) else 1
        if after and (at_start or _known_after(text, e)):
            prefix += 2 if _known_after(text, e) else 1
    use_suffix = suffix >= prefix
    boxes = []
    for m in found:
        g, s, e = m.group(0), m.start(), m.end()
        ambiguous = g in _AMBIGUOUS
        if use_suffix:
            label = _known_before(text, s) or (None if ambiguous else _run_before(text, s))
            far_ok = e >= len(text.rstrip()) or text[e] in _BOUNDARY or _GLYPH.match(text, e) \
                or _known_after(text, e) is not None or not ambiguous
        else:
            label = _known_after(text, e) or (None if ambiguous else _run_after(text, e))
            far_ok = s == 0 or text[s - 1] in _BOUNDARY or not ambiguous
        if g == "口" and not use_suffix and s > 0 and text[s - 1] not in _BOUNDARY:
            far_ok = False
        if label and far_ok:
            ticked = g in _BOX_TICKED or g in _TICKED_AMBIGUOUS
            boxes.append((s, e, ticked, label))
    return boxes


def strip_checkbox(text: str) -> str:
    """Checkbox glyphs next to a choice label removed: `新增项目□ 延续项目■` → `新增项目 延续项目`.

    Glyphs: ■ □ ☑ ☐ ☒ √ ✓ ✔, and `R`, `Z口`, `口` when they stand next to a known choice label
    (`延续项目R`). A glyph that is not next to a label (a lone `√` in a column) stays.
    """
    if not text or _GLYPH.search(text) is None:
        return text
    boxes = _boxes(text)
    if not boxes:
        return text
    out, last = [], 0
    for s, e, _, _ in boxes:
        out.append(text[last:s])
        last = e
    out.append(text[last:])
    return "".join(out)


def ticked_choices(text: str) -> list[str]:
    """The labels ticked in a choice field: `项目类型: 新增项目□ 延续项目■` → [`延续项目`]."""
    if not text or _GLYPH.search(text) is None:
        return []
    return [label for _, _, ticked, label in _boxes(text) if ticked]


# --------------------------------------------------------------------------------------------------------
# the composition used by the readers


def clean_line(line: str) -> str:
    """One line as the layouts should see it: glosses stripped, simplified, chrome and spam removed.

    '' when the line was chrome as a whole. Checkbox glyphs and code prefixes are left in: what they mean
    depends on the field, so the layouts call `ticked_choices` / `strip_code_prefix` themselves.
    Idempotent: `clean_line(clean_line(x)) == clean_line(x)`.
    """
    s = to_simplified(strip_pinyin_glosses(line))
    out = _strip_chrome_simplified(s)
    # removing chrome can bring together what it separated (a gloss after a spam word): clean again
    for _ in range(8):
        if out == s:
            return out
        s = to_simplified(strip_pinyin_glosses(out))
        out = _strip_chrome_simplified(s)
    return out


_BARE_LABEL = re.compile(r"^\s*(?:" + "|".join(_spaced(w) for w in _META_ALL) + r")\s*[:：]\s*$")
_VALUE_LIKE = re.compile(r"^\s*(?:" + _DATETIME + r"|\d{1,9}|[^\s|]{1,20})\s*$")


def clean_lines(lines: Iterable[str]) -> list[str]:
    """`clean_line` on every line, plus one rule that needs the neighbour: a metadata label alone on its
    line (`来源:`, `发布时间:`, `浏览次数:`) takes the value on the next non-blank line with it, when that
    value is short and not table text (`区发改局`, `2023-04-26 10:57`, `1`).

    Returns one string per input line ('' for a removed line), so line numbers stay valid.
    """
    src = list(lines)
    out = [clean_line(line) for line in src]
    pending = False
    for i, original in enumerate(src):
        if not out[i].strip():
            if _BARE_LABEL.match(to_simplified(strip_pinyin_glosses(original))):
                pending = True
            continue
        if pending and _VALUE_LIKE.match(out[i]) and not _TABLE_WORDS.search(out[i]):
            out[i] = ""
        pending = False
    return out
