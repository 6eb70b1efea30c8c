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
    "clean_text",
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
_GLOSS_SYLLABLE = rf"(?=[a-z{_TONED}ü]*[{_TONED}ü])[a-z{_TONED}ü]{{1,6}}"
_GLOSS = re.compile(
    # after an ideograph, or after `?` / `？` / U+FFFD that stand for a lost ideograph: `績(jī)`, `???(jì)`.
    # The bracket comes first in the pattern (the ideograph is checked by a lookbehind) so that the
    # search jumps from bracket to bracket instead of trying every position.
    rf"[(（](?<=[{_CJK}?？\ufffd][(（]){_GLOSS_SYLLABLE}[)）](?:[(（]{_GLOSS_SYLLABLE}[)）])*"
    # a gloss whose opening bracket was lost with its character: `生活???jī)效` (the `?` is kept)
    rf"|[?？\ufffd]{_GLOSS_SYLLABLE}[)）](?:[(（]{_GLOSS_SYLLABLE}[)）])*"
)
# every gloss ends with a tone-marked vowel (or ü) at most three letters before its closing bracket: a
# cheap test for a whole document, since the search jumps from bracket to bracket
_GLOSS_HINT = re.compile(
    rf"[)）](?:(?<=[{_TONED}ü][)）])|(?<=[{_TONED}ü][a-z][)）])|(?<=[{_TONED}ü][a-z]{{2}}[)）])"
    rf"|(?<=[{_TONED}ü][a-z]{{3}}[)）]))"
)
_GLOSS_PIECE = re.compile(rf"[(（]?([a-z{_TONED}ü]+)[)）]")
_SYLLABLE = re.compile(
    r"(?:zh|ch|sh|[bpmfdtnlgkhjqxrzcsyw])?"
    r"(?:a|ai|an|ang|ao|e|ei|en|eng|er|i|ia|ian|iang|iao|ie|in|ing|iong|iu|o|ong|ou|u|ua|uai|uan|uang|ue|ui"
    r"|un|uo|ü|üan|üe|ün)"
)
_SYLLABLE_OK: dict[str, bool] = {}


def _is_syllable(s: str) -> bool:
    ok = _SYLLABLE_OK.get(s)
    if ok is None:
        if len(_SYLLABLE_OK) > 50_000:  # real glosses are a few hundred syllables; stay bounded anyway
            _SYLLABLE_OK.clear()
        ok = _SYLLABLE_OK[s] = _SYLLABLE.fullmatch(s.translate(_TONELESS)) is not None
    return ok


_GLOSS_DONE: dict[str, str] = {}


def _gloss_or_keep(m: re.Match[str]) -> str:
    """The glosses of a run removed, up to the first bracket that does not hold a pinyin syllable."""
    text = m.group(0)
    done = _GLOSS_DONE.get(text)
    if done is None:
        if len(_GLOSS_DONE) > 50_000:  # the runs met are few (a few hundred syllables); stay bounded anyway
            _GLOSS_DONE.clear()
        done = _GLOSS_DONE[text] = _gloss_run(text)
    return done


def _gloss_run(text: str) -> str:
    kept = text[0] if text[0] in "?？\ufffd" else ""
    pos = len(kept)
    for piece in _GLOSS_PIECE.finditer(text, pos):
        if not _is_syllable(piece.group(1)):
            break
        pos = piece.end()
    return kept + text[pos:]


def strip_pinyin_glosses(text: str) -> str:
    """Pinyin glosses a broken converter put after characters removed: `績效目標(biāo)表` → `績效目標表`.

    Only a parenthesized single lowercase pinyin syllable that carries a tone mark or ü, right after an
    ideograph, is a gloss. `(万元)`, `(50分)`, `(%)`, `(a)`, `(A)`, `(km)` and English in brackets stay.
    A gloss whose bracket was lost with its character after `???` goes too (`???jī)效` → `???效`).
    """
    if (")" not in text and "）" not in text) or _GLOSS_HINT.search(text) is None:
        return text
    out = _GLOSS.sub(_gloss_or_keep, text)
    while out != text:  # a removal can bring a gloss next to an ideograph or `?` again: `?(biāo)jī)`
        text, out = out, _GLOSS.sub(_gloss_or_keep, out)
    return out


# --------------------------------------------------------------------------------------------------------
# page chrome, document metadata, spam
#
# Every pattern below stays inside one line (`_W` is whitespace other than a newline), so that
# `clean_lines` can look for them once over a whole document and clean only the lines they hit.

_W = r"[^\S\n]"


def _spaced(word: str) -> str:
    """A word as printed with optional spaces between its characters: `索 引 号`, `标     题`."""
    return (_W + "*").join(re.escape(c) for c in word)


# labels of the metadata block that government sites print above a document. A line that starts with one
# of the strong ones is metadata whatever follows; the weak ones are common words, so they count only
# with a colon or beside another label.
_META_STRONG = (
    "索引号", "索取号", "发布日期", "发布时间", "发文日期", "发文时间", "成文日期", "生成日期", "印发日期",
    "发布机构", "发文机关", "发文机构", "发布单位", "公开方式", "公开范围", "公开时限", "公开形式",
    "主题分类", "体裁分类", "组配分类", "信息分类", "内容分类", "公文种类", "统一登记号",
    "信息时效性", "主题词", "字号", "字体", "分享到", "责任编辑", "信息来源", "文章来源", "所属机构", "发布者",
)
# weak: a table can start a line with these too (`访问量 | ≥10万次`, `文号:财预〔2015〕153号` in a form)
_META_WEAK = ("来源", "作者", "编辑", "文号", "有效性", "标题", "日期", "时间",
              "浏览次数", "访问次数", "点击次数", "阅读次数", "点击数", "访问量", "浏览量", "阅读量", "点击量")
_WEAK_COUNTS = frozenset(("浏览次数", "访问次数", "点击次数", "阅读次数", "点击数", "访问量", "浏览量", "阅读量",
                          "点击量"))
_WEAK_STATUS = frozenset(("", "无", "有效", "失效", "废止", "已废止", "现行有效"))
# a target value: what chrome never holds and table text often does
_TABLE_VALUE = re.compile(
    r"[≥≤≧≦]|[<>]=?\s*\d|\d\s*[%‰]"
    r"|\d(?:\.\d+)?\s*(?:万元|亿元|元|万亩|亩|平方米|㎡|公里|米|人次|人|户|个|次|天|件|套|台|项|所|座|吨)"
)
_META_ALL = sorted(_META_STRONG + _META_WEAK, key=len, reverse=True)
_META_ALT = "|".join(_spaced(w) for w in _META_ALL)
_LABEL_END = rf"(?={_W}*[:：|]|{_W}|$)"
_META_LABEL = re.compile(rf"(?:(?<=^)|(?<=[^\S\n]|[|【\[]))(?P<label>{_META_ALT}){_LABEL_END}")
_DATETIME = (rf"\d{{4}}{_W}*[-/.年]{_W}*\d{{1,2}}{_W}*[-/.月]{_W}*\d{{1,2}}{_W}*日?"
             rf"(?:{_W}*\d{{1,2}}:\d{{2}}(?::\d{{2}})?)?")
_META_LEAD = rf"[^\S\n|]*(?:\|[^\S\n]*)*【?{_W}*(?:{_DATETIME}{_W}+)?"
_META_HEAD = re.compile(rf"^{_META_LEAD}(?P<label>{_META_ALT}){_LABEL_END}{_W}*(?P<colon>[:：])?")
_META_FIRSTS = "".join(sorted({w[0] for w in _META_ALL}))
# the same test relaxed and cheap: a line that starts (after a date, maybe) with the first two characters
# of a label. `_META_START` for one line, `_META_TRIGGER` for a whole document.
_META_PREFIXES = sorted({w[:2] for w in _META_ALL}, key=len, reverse=True)
_META_START_RE = rf"{_META_LEAD}(?=[{_META_FIRSTS}])(?:{'|'.join(_spaced(w) for w in _META_PREFIXES)})"
_META_START = re.compile(_META_START_RE)
_META_TRIGGER = re.compile(r"\n" + _META_START_RE)
_SPACES = re.compile(r"\s+")
_DATE_ONLY = re.compile(rf"{_W}*{_DATETIME}{_W}*$")

# lines that are chrome as a whole (matched on the line with its spaces removed)
_CHROME_WHOLE = re.compile(
    "|".join((
        r"(?:您(?:现在)?(?:所在|的)?(?:的)?位置|当前位置|所在位置)[:：].*",  # breadcrumbs
        r"首页(?:[>＞»›/|]|&gt;).*",
        r"扫一扫.*(?:手机|二维码|分享|查看|打开).*",
        r"(?:手机|微信)扫一扫.*",
        r"分享到[:：]?.*",
        r"下载本文档|付费下载|免费下载|立即下载|文档简介|全文预览已结束|文本内容[:：]?|友情提示[:：]?|相关搜索",
        r"(?:版权说明|版权声明)[:：].*(?:文档|用户|上传|侵权).*",
        r".*由会员分享.*(?:阅读|搜索|文库).*",
        r"(?:已阅读\d+页[,，]?)?还剩\d+页未读.*",
        r"[-–—*•·]?资源(?:ID|大小|格式|类型)[:：].*",
        r"下载积分[:：].*",
        r"\d+[、.](?:.*本站.*|.*浏览器.*下载.*|.*下载后.*|.*标题没有明确说明有答案.*)",
        r"本站.*(?:下载|资源|文档|浏览器|上传).*",
        r".{1,60}_第\d+页",  # page thumbnails of a document preview
        r"第\d+页(?:[,，/]?共\d+页)?",
        r"共\d+页(?:[,，/]?第\d+页)?",
        r"《?[^|《》]{1,80}\.(?i:docx?|xlsx?|pdf|wps|et|rar|zip)》?",  # an attachment's file name
        r"Normal(?:\.dotm?)?|Microsoft(?:Office)?Word.*|WPSOffice.*|KSOProductBuildVer.*",
        # a page footer, the links between articles, a document site's prompts
        r".*(?:版权所有(?![者权人])|ICP备|公网安备|网站标识码).*",
        r"[上下]一篇[:：].*",
        r"下载文档.*|.*点击下载(?![量次]).*|.*下载券.*|(?:展开|阅读|查看)全文|免费阅读已结束.*",
        r"本文档.*(?:上传|版权|侵权|下载|用户|提供).*",
        r"猜你喜欢|相关文档|最新文档|热门文档|推荐文档|相关资源",
        r"[\[【(（]大[\]】)）][\[【(（]中[\]】)）][\[【(（]小[\]】)）]",
        r"\{?[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}\}?|\{[0-9A-Fa-f]{32}\}",
    ))
)
# the action words of a page toolbar: `[下载] [打印] [关闭]`, `【打印】`, `字体:[ 大 中 小 ]`
_ACTION_TOKEN = re.compile(
    r"打印本页|打印此页|打印正文|关闭窗口|关闭本页|关闭此页|返回顶部|返回首页|加入收藏|收藏本站|设为首页|我要纠错|复制链接"
    r"|保存本页|网站地图|联系我们|无障碍|关怀版|下载|打印|关闭|收藏|返回|纠错|字号|字体|默认|大|中|小"
    r"|[\[\]【】()（）:：|/,，]"
)
_ACTION_WORD = re.compile(r"打印|关闭|下载|收藏|返回|纠错|字号|字体|网站地图|联系我们|无障碍|设为首页")

# the docx core properties a preview prints before the text: author, revision, ISO timestamps, version,
# GUID, counts, flags. Only a run that holds at least one ISO timestamp is taken for this.
_ISO_TS = r"\d{4}-\d\d-\d\dT\d\d:\d\d(?::\d\d(?:\.\d+)?)?Z?"
_DOCX_TOKEN = (rf"(?:{_ISO_TS}|\d[\d.,:-]*|[0-9A-Fa-f]{{32}}|\{{?[0-9A-Fa-f]{{8}}(?:-[0-9A-Fa-f]{{4}}){{3}}-[0-9A-Fa-f]{{12}}\}}?"
               rf"|True|False|Normal(?:\.dotm?)?|Microsoft{_W}+Office{_W}+Word(?:{_W}+\d{{4}})?|WPS{_W}+Office\S*"
               r"|KSOProductBuildVer)")
# what only document properties hold: a GUID, a flag, a build number, the template or the program
_DOCX_SIGNATURE = re.compile(
    r"[0-9A-Fa-f]{32}|[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-|\b(?:True|False)\b|Normal|Microsoft|WPS|KSO|\d+-\d+\.\d+\.\d+\.\d+"
)
_DOCX_PREFIX = re.compile(rf"^{_W}*(?:[^\s]{{1,24}}{_W}+){{0,4}}?{_ISO_TS}(?:{_W}+{_DOCX_TOKEN})*(?:{_W}+|$)")

# spam injected by mirror sites. Strong words never occur in a budget table; weak ones do (体育彩票, 福利彩票,
# 彩票公益金, a 棋牌室 in a community centre, a place called 皇冠) and go only when glued to a strong one.
# Words that a budget table does use stay out of the strong list even when spam uses them too: 彩票网点,
# 彩票投注站, 购彩者 (welfare lottery), 电子游艺场所, 老虎机, 赌球, 网络赌场 (law enforcement), 棋牌室.
_SPAM_STRONG = (
    "足球比分", "篮球比分", "即时比分", "比分直播", "娱乐城", "百家乐", "六合彩", "时时彩", "北京赛车", "真人视讯",
    "真人娱乐", "真人荷官", "皇冠体育", "皇冠足球", "皇冠网", "皇冠官网", "皇冠平台", "皇冠娱乐", "皇冠投注",
    "皇冠开户", "皇冠代理", "体育投注", "足球投注", "外围投注", "澳门葡京", "新葡京", "威尼斯人娱乐", "太阳城娱乐",
    "博彩公司", "博彩网", "博彩平台", "体育博彩", "捕鱼游戏",
)
_SPAM_WEAK = ("皇冠", "足球", "体育", "彩票", "棋牌", "真人", "赌场", "娱乐", "官网", "平台", "网址", "开户",
              "注册", "最新", "直播", "app", "APP")
_SPAM_STRONG_ALT = "|".join(re.escape(w) for w in sorted(_SPAM_STRONG, key=len, reverse=True))
_SPAM_WORD = "|".join(re.escape(w) for w in sorted(_SPAM_STRONG + _SPAM_WEAK, key=len, reverse=True))
_SPAM_STRONG_RE = re.compile(_SPAM_STRONG_ALT)
_SPAM_RUN = re.compile(rf"(?:{_SPAM_WORD})*(?:{_SPAM_STRONG_ALT})(?:{_SPAM_WORD})*[:：]?")
_TABLE_WORDS = re.compile(r"指标|目标|项目|资金|预算|绩效|万元|年度|单位|部门|%")
_CJK_CHAR = re.compile(f"[{_CJK}]")

# Everything but the metadata head needs one of these in the line: for each pattern above, its rarest
# part (`扫` for `扫一扫…`, `载` for `下载…`, `页` for `_第1页`), so that one search over a whole document
# finds the few lines worth a closer look. Words that `_CHROME_WHOLE` and the toolbar test match with
# the spaces squashed out are spelled with optional spaces here.
_TRIGGER = re.compile("|".join((
    "扫", "享", "载", "览", "搜", "页", "站", "印", "闭", "藏", "返", "纠", "娱", "彩",
    *(_spaced(w) for w in ("位置", "首页", "简介", "文本内容", "友情", "版权", "答案", "字号", "字体", "文档", "全文",
                           "一篇", "喜欢", "公网", "标识码", "网站", "我们", "无障碍")),
    # each alternative starts with a literal: one that starts with a character class slows the search tenfold
    *(re.escape(b) + f"{_W}*大" for b in "[【(（"), "ICP",
    _spaced("资源") + f"{_W}*[I大格类]",
    "比分", "投注", "百家乐", "赛车", "真人", "皇冠", "葡京", "捕鱼",
    r"T\d\d:", r"\.[dxpwerzDXPWERZ]", "Normal", "Microsoft", "WPS", "KSO", r"-[0-9A-Fa-f]{4}-", r"\{[0-9A-Fa-f]",
)))
_TITLE_LABEL = re.compile(_spaced("标题"))
_VALUE_STRIP = " \t\u3000\xa0|:：【】[]"


def _strip_meta(line: str) -> str | None:
    """A metadata line reduced to its title (if it has one); None if the line is not metadata."""
    head = _META_HEAD.match(line)
    if head is None:
        return None
    label = _SPACES.sub("", head.group("label"))
    if label not in _META_WEAK and "标" not in line:
        return ""  # a strong label and no title on the line: all of it is metadata
    labels = list(_META_LABEL.finditer(line, head.start("label")))
    if label in _META_WEAK:
        rest = line[head.end():]
        value = rest.strip(_VALUE_STRIP)
        if _TABLE_VALUE.search(rest):
            return None  # `访问量 | ≥10万次`: an indicator
        if len(labels) < 2:  # alone on its line: only as the web page prints it
            if not head.group("colon"):
                return None  # `来源`, `标题 …`: a common word (a column header?)
            if label in ("日期", "时间") and not _DATE_ONLY.match(rest):
                return None
            if label in _WEAK_COUNTS and not (value == "" or value.isdigit()):
                return None
            if label in ("文号", "有效性") and value not in _WEAK_STATUS:
                return None  # `文号:财预〔2015〕153号` is a form's field
            if label in ("来源", "作者", "编辑") and len(value) > 40:
                return None  # `来源:` followed by a sentence: prose
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
    if len(_CJK_CHAR.findall(out)) < 6 and not _TABLE_WORDS.search(out):
        return ""
    return out


def _is_toolbar(squashed: str) -> bool:
    return _ACTION_WORD.search(squashed) is not None and not _ACTION_TOKEN.sub("", squashed)


def _strip_chrome_simplified(line: str) -> str:
    """`strip_chrome` on a line already free of glosses and traditional characters."""
    if not line:
        return line
    if "\n" in line:  # not a line: clean each part, the patterns never span a newline
        return "\n".join(_strip_chrome_simplified(part) for part in line.split("\n"))
    meta_possible = _META_START.match(line) is not None
    trigger = _TRIGGER.search(line) is not None
    if not meta_possible and not trigger:
        return line
    out = line
    if trigger and "T" in line and ":" in line:  # docx properties glued before the text
        m = _DOCX_PREFIX.match(line)
        if m and _DOCX_SIGNATURE.search(m.group(0)):
            out = line[m.end():]
            if not out.strip():
                return ""
            meta_possible = _META_START.match(out) is not None
            trigger = _TRIGGER.search(out) is not None
    if meta_possible:
        meta = _strip_meta(out)
        if meta is not None:
            return meta
    if not trigger:
        return out
    squashed = _SPACES.sub("", out)
    if (_CHROME_WHOLE.fullmatch(squashed.strip("|")) or _is_toolbar(squashed)) and not _TABLE_VALUE.search(out):
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
    """A name without its code prefix, and the code: `[103]某县民政局` → (`某县民政局`, `103`).

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
    Idempotent: `clean_line(clean_line(x)) == clean_line(x)`. For a whole document `clean_lines` is faster.
    """
    s = line
    if ")" in s or "）" in s:
        s = strip_pinyin_glosses(s)
    if not s.isascii() and not _traditional().isdisjoint(s):
        s = to_simplified(s)
    if not s or (_TRIGGER.search(s) is None and _META_START.match(s) is None):
        return s  # the common case, decided here without the calls below
    # removing chrome can bring together what it separated (a gloss after a spam word): hence the loop
    return _chrome_until_stable(s)


_BARE_LABEL = re.compile(rf"^{_W}*(?:{_META_ALT}){_W}*[:：]{_W}*$")
_VALUE_LIKE = re.compile(rf"^{_W}*(?:{_DATETIME}|\d{{1,9}}|[^\s|]{{1,20}}){_W}*$")
_XMLREF = re.compile(rb"&#(\d{1,7});")


def needs_conversion(text: str) -> bool:
    """Whether `to_simplified(strip_pinyin_glosses(...))` could change anything in the text: it holds a
    traditional character or a bracket that may carry a gloss."""
    return _has_traditional(text) or (("(" in text or "（" in text) and strip_pinyin_glosses(text) != text)


def _has_traditional(text: str) -> bool:
    """Whether any character of a whole document is one t2s changes, in one pass at codec speed.

    Simplified Chinese is inside GB2312 except for a few symbols (`·`, `—`, `㎡`) and rare characters; an
    encode with `xmlcharrefreplace` names every character outside it, and only those are looked up. The
    16 characters t2s changes that GB2312 also holds (`後`, `於`, `乾` …) are looked for one by one.
    """
    if text.isascii():
        return False
    trad = _traditional()
    if not trad.isdisjoint(text[:64]):  # a traditional document shows it early
        return True
    encoded = text.encode("gb2312", "xmlcharrefreplace")
    if b"&#" in encoded:
        for code in {int(n) for n in _XMLREF.findall(encoded)}:
            if code < 0x110000 and chr(code) in trad:
                return True
    return any(c in text for c in _gb2312_traditional())


@lru_cache(maxsize=1)
def _gb2312_traditional() -> tuple[str, ...]:
    out = []
    for c in sorted(_traditional()):
        try:
            c.encode("gb2312")
        except UnicodeEncodeError:
            continue
        out.append(c)
    return tuple(out)


def _simplify_lines(lines: list[str]) -> list[str]:
    """`to_simplified` on each line, with one OpenCC call for all the lines that need it.

    OpenCC's phrases never span a newline, so converting the lines joined is converting each.
    """
    trad = _traditional()
    todo = [i for i, line in enumerate(lines) if not line.isascii() and not trad.isdisjoint(line)]
    if not todo:
        return lines
    first = _convert("\n".join(lines[i] for i in todo)).split("\n")
    second = _convert("\n".join(first)).split("\n")
    if len(first) != len(todo) or len(second) != len(todo):  # cannot happen; stay exact anyway
        return [to_simplified(line) for line in lines]
    out = lines[:]
    for i, once, twice in zip(todo, first, second, strict=True):
        out[i] = twice if twice != once and not trad.isdisjoint(once) else once
    return out


def _chrome_until_stable(s: str) -> str:
    """`_strip_chrome_simplified`, again on its result while it changes (see `clean_line`)."""
    out = _strip_chrome_simplified(s)
    for _ in range(8):
        if out == s:
            return out
        s = to_simplified(strip_pinyin_glosses(out))
        out = _strip_chrome_simplified(s)
    return out


def _drop_label_values(norm: list[str], out: list[str], candidates: Iterable[int]) -> list[str]:
    """A metadata label alone on its line takes the short value on the next non-blank line with it.

    `norm` are the lines free of glosses and traditional characters; `candidates` the lines that may hold
    such a label (all of them, or those chrome was found on).
    """
    for i in candidates:
        if out[i] or not _BARE_LABEL.match(norm[i]):
            continue
        j = i + 1
        while j < len(out) and not out[j].strip():
            if _BARE_LABEL.match(norm[j]):
                break  # the next label comes first: this one had no value
            j += 1
        else:
            if j < len(out) and _VALUE_LIKE.match(out[j]) and not _TABLE_WORDS.search(out[j]):
                out[j] = ""
    return out


def clean_lines(lines: Iterable[str]) -> list[str]:
    """`clean_line` on every line of a document, plus one rule that needs the neighbour line.

    The rule: a metadata label alone on its line (`来源:`, `发布时间:`, `浏览次数:`) takes the value on the
    next non-blank line with it, when that value is short and not table text (`区发改局`,
    `2023-04-26 10:57`, `1`).

    Returns one string per input line ('' for a removed line), so line numbers stay valid. This is the fast
    way to clean a document: glosses and traditional characters are handled over the whole text at once,
    chrome is looked for once over the whole text, and only the lines it hits are cleaned one by one. The
    result is the same as calling `clean_line` on each line (tests check this).
    """
    src = list(lines)
    if not src:
        return []
    text = "\n".join(src)
    if text.count("\n") != len(src) - 1:  # a "line" with a newline in it: no shortcut
        norm = [to_simplified(strip_pinyin_glosses(line)) for line in src]
        return _drop_label_values(norm, [clean_line(line) for line in src], range(len(src)))
    norm = src
    if ")" in text or "）" in text:
        stripped = strip_pinyin_glosses(text)  # glosses never span a newline
        if stripped != text:
            text, norm = stripped, stripped.split("\n")
    if _has_traditional(text):
        norm = _simplify_lines(norm)
        text = "\n".join(norm)
    offsets = [m.start() for m in _TRIGGER.finditer(text)]
    # offset k in "\n" + text is the newline before the line that starts at offset k in text
    offsets += [m.start() for m in _META_TRIGGER.finditer("\n" + text)]
    out = norm[:]
    if not offsets:
        return out
    offsets.sort()
    hit, line, last = [], 0, 0
    for k in offsets:  # line numbers by counting newlines between consecutive hits
        line += text.count("\n", last, k)
        last = k
        if not hit or hit[-1] != line:
            hit.append(line)
    for i in hit:
        out[i] = _chrome_until_stable(norm[i])
    return _drop_label_values(norm, out, hit)


def clean_text(text: str) -> str:
    """`clean_lines` on a whole text split at `\\n`, joined again: same line count, chrome lines blank."""
    return "\n".join(clean_lines(text.split("\n")))
