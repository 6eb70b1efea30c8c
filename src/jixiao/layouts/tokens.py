"""Rebuild a stream of cells from rows however the table reached us.

A reader's rows are trusted where they hold several cells (HTML, DOCX, XLSX, PDF, pipe or tab text).
A text line that holds a whole row with its cells glued together (document previews) is split by the
vocabulary (level names, header names, form labels); a long line of single-space-separated cells is split
at its spaces; cells broken over lines (`数量` / `指标`) are joined back when together they make a word of
the vocabulary. The result is a flat list of tokens, each knowing the row it came from and whether it
starts a row, so that a layout can read a table by the content of its cells rather than their position.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from ..readers.sheet import Row
from ..taxonomy import LEVEL_WORDS, is_level_fragment
from ..textnorm import squash
from ..values import UNIT_WORDS
from .vocab import _COLUMN_ROLES, _FIELD_LABELS, budget_col_role, column_role, field_role, is_level, level_of


@dataclass(frozen=True, slots=True)
class Tok:
    text: str
    row: int  # index of the source row in the rows given
    start: bool  # first token of a source row that held several cells (a reliable row start)
    glued: bool = False  # cut out of glued text: its edges are the vocabulary's guess
    cell: bool = False  # a whole cell of a row that held several cells (the reader's own row)
    closed: bool = False  # its row ended with a row mark: whole, even at the end of a cut text
    col: int | None = None  # the cell's column in its row, where the reader's row kept every cell


def _literal_words(patterns: list[tuple[str, str]], roles: set[str] | None = None) -> list[str]:
    """The plain alternatives of vocabulary patterns (no regex syntax), for splitting glued text."""
    out = []
    for role, pattern in patterns:
        if roles is not None and role not in roles:
            continue
        for alt in pattern.split("|"):
            if alt and not re.search(r"[\\\[\](){}?*+^$]", alt) and len(alt) >= 3:
                out.append(alt)
    return out


# level names (from taxonomy) that glued text is cut at: those ending in 指标, and the bare second levels of
# the older templates; a bare `服务对象满意度` is too often an indicator's own name to cut at
_LEVEL_WORDS = [w for w in LEVEL_WORDS if len(w) >= 4 and w.endswith("指标")] + [
    "产出数量", "产出质量", "产出时效", "产出成本", "社会效益", "生态效益", "经济效益", "可持续影响"]
_HEADER_WORDS = _literal_words(_COLUMN_ROLES) + ["一级指标", "二级指标", "三级指标", "指标值", "分值", "得分",
                                                 "目标值", "优良中差", "指标权重(分)", "指标得分(分)"]
# a title's last word: cut out of glued text, it goes back to the title before it
_TITLE_WORDS = ["项目绩效目标表", "项目支出绩效目标表", "项目绩效自评表", "项目支出绩效自评表", "绩效目标表", "绩效目标申报表", "绩效目标审批表", "绩效目标批复表", "绩效自评表", "绩效目标自评表",
                "支出绩效自评表", "绩效评价指标表"]
_LABEL_WORDS = _literal_words(_FIELD_LABELS) + [
    "年度资金总额", "其中:财政拨款", "其中：财政拨款", "财政拨款", "其他资金", "上年结转资金", "年初预算数", "全年预算数",
    "全年执行数", "执行率", "资金情况", "项目资金", "绩效指标", "项目总投资", "预算申报数", "中央补助安排",
    "省级财政安排", "保证项目实施的制度措施", "项目实施计划", "需要说明的其他问题", "填报单位", "项目立项情况",
    "项目实施进度计划", "长期绩效指标", "年度绩效指标", "绩效指标评价标准", "评价标准确定依据",
]
# phrases printed as an actual or a reason in self-evaluations: a word of their own in glued text
_PHRASES = ["达成预期指标", "达到预期指标", "达成年度指标", "达到预期目标"]
_GLUE_WORDS = sorted(set(_LEVEL_WORDS + _HEADER_WORDS + _LABEL_WORDS + _PHRASES + _TITLE_WORDS + ["总分"]) - {"合计"}, key=len,
                     reverse=True)
_GLUE_RE = re.compile("|".join(re.escape(w) for w in _GLUE_WORDS))
_HEADER_ONLY = frozenset(_HEADER_WORDS) - frozenset(_LEVEL_WORDS) - frozenset(_LABEL_WORDS)
# a level's points wrapped to the next line: `(50)`, `30分)`, `(40-50)分`
_LEVEL_NOTE = r"[（(](?:必填|选填|必填硬性指标|硬性指标|可选)[^（）()]*[)）]"
_POINTS = r"[（(]\d+(?:\.\d+)?(?:[-—~]\d+(?:\.\d+)?)?分?[)）]分?|\d+(?:\.\d+)?(?:[-—~]\d+(?:\.\d+)?)?分[)）]?"
_ROW_ENDERS = re.compile(r"(合计|总分)(?=\d)")


def _is_word(s: str) -> bool:
    return bool(column_role(s) or field_role(s) or is_level(s) or budget_col_role(s))


@lru_cache(maxsize=4096)
def split_glued(text: str) -> tuple[str, ...]:
    """Cut a run of glued cells at the words of the vocabulary: `产出指标数量指标覆盖率100%` →
    (`产出指标`, `数量指标`, `覆盖率100%`). A score glued to a level (`产出指标(50分)`) stays with it."""
    s = text.strip()
    parts: list[str] = []
    pos = 0
    # a level word followed by a colon inside prose (`经济效益:项目建成后…`) is a label of the prose, not a cell
    matches = [m for m in _GLUE_RE.finditer(s) if not (s[m.end():m.end() + 1] in ("：", ":")
                                                       and m.group(0) in _LEVEL_WORDS and m.start() > 0)]
    if sum(1 for m in matches if m.group(0) in _HEADER_ONLY) < 2:
        # a header word alone in a row of data (`达到目标值95%`) is part of the data, not a column
        matches = [m for m in matches if m.group(0) not in _HEADER_ONLY]
    for m in matches:
        if m.start() > pos:
            parts.append(s[pos:m.start()])
        parts.append(m.group(0))
        pos = m.end()
    if pos < len(s):
        parts.append(s[pos:])
    out: list[str] = []
    for p in parts:
        p = p.strip().lstrip("：:，,；; ")
        if not p:
            continue
        # a level's points printed right after it: `产出指标` + `(50分)`
        m = re.match(r"^[（(]\s*\d+(?:\.\d+)?(?:\s*[-—~]\s*\d+)?\s*分?\s*[)）]\s*分?", p) or re.match(_LEVEL_NOTE, p)
        if m and out and is_level(out[-1]):
            out[-1] += m.group(0)
            p = p[m.end():].strip()
            if not p:
                continue
        if p in _TITLE_WORDS and out and not _is_word(out[-1]):
            out[-1] += p
            cut = _title_start(out[-1])
            if cut:  # `满意度≥95%2.某某项目绩效目标表`: the last row's value, then the next table's title
                out[-1:] = [out[-1][:cut].strip(), out[-1][cut:].strip()]
            continue
        m = re.match(r"^[（(](?:19|20)\d{2}年度?[)）]", p)
        if m and out and out[-1].endswith(tuple(_TITLE_WORDS)):
            out[-1] += m.group(0)
            p = p[m.end():].strip()
            if not p:
                continue
        out.append(p)
    return tuple(out)


# where a title glued after a row's last value begins: the table's number (`2.`) after a value, or the first
# ideograph after a percent sign
_NUMBERED_TITLE = re.compile(r"(?<=[\u4e00-\u9fff%‰)）])\d{1,2}[.、．](?=[\u4e00-\u9fff])")
_TITLE_AFTER_PERCENT = re.compile(r"(?<=[%‰])(?=[\u4e00-\u9fff][^%‰\d]*$)")
# or after a number and a unit word of two characters or more (`=99百分比` + `省级部门…目标表`): a one-character
# unit could as well be the title's first character (`个`, `省`), so it never marks the cut
_TITLE_AFTER_UNIT = re.compile(r"\d(?:" + "|".join(re.escape(u) for u in UNIT_WORDS if len(u) >= 2)
                               + r")(?=[\u4e00-\u9fff][^%‰\d]*$)")


def _title_start(text: str) -> int | None:
    numbered = list(_NUMBERED_TITLE.finditer(text))
    m = numbered[-1] if numbered else None
    if m is None:
        m = _TITLE_AFTER_PERCENT.search(text)
    if m is not None:
        return m.start() or None
    unit = _TITLE_AFTER_UNIT.search(text)  # the cut is after the unit, where the title begins
    return unit.end() if unit else None


def _glue_count(text: str) -> int:
    return sum(1 for _ in _GLUE_RE.finditer(text))


def _looks_glued(text: str) -> bool:
    """A line holding several vocabulary words run together (not one word, not a sentence with spaces)."""
    if len(text) < 6:
        return False
    if _is_word(text):
        return False
    s = squash(text)
    n = _glue_count(s)
    if n == 1:
        m = _GLUE_RE.match(s)
        return bool(m) and len(s) - m.end() >= 4 and len(text) < 200
    return n >= 2


def _spaced_cells(text: str) -> list[str] | None:
    """A line of single-space-separated cells (`成本指标(0-20)分 经济成本指标 项目建设成本 ≤65万元 10`)."""
    parts = [p for p in re.split(r"[ \u3000\t]+", text.strip()) if p]
    if len(parts) < 3:
        return None
    words = sum(1 for p in parts if _is_word(p) or level_of(p)[0] or level_of(p)[2] or _looks_glued(p))
    words += sum(1 for a, b in zip(parts, parts[1:], strict=False) if _is_word(a + b))  # `年度主要目标 和成果`
    if words >= 1 and (words >= 2 or len(parts) <= 8):
        return parts
    return None


def _join_wrapped(toks: list[Tok]) -> list[Tok]:
    """Join cells broken over lines (`数量`+`指标`, `经济效`+`益指标`, `偏差原因`+`分析及`+`改进措施`) when the
    joined text is a vocabulary word and the first piece alone is not."""
    out: list[Tok] = []
    i = 0
    while i < len(toks):
        t = toks[i]
        joined = None
        nxt = toks[i + 1] if i + 1 < len(toks) else None
        if nxt is not None and not nxt.start and is_level(t.text) and (is_level_fragment(nxt.text) or re.fullmatch(
                _POINTS, squash(nxt.text)) or re.fullmatch(_LEVEL_NOTE, squash(nxt.text))):
            # `数量` + `指标`, `产出指标` + `(40-50)分`: a level name whose end wrapped to the next line
            text, last, i = squash(t.text) + squash(nxt.text), nxt, i + 2
            while i < len(toks) and not toks[i].start and (re.fullmatch(_LEVEL_NOTE, squash(toks[i].text))
                                                         or re.fullmatch(_POINTS, squash(toks[i].text))):
                text, last, i = text + squash(toks[i].text), toks[i], i + 1  # `可持续影响` `指标` `(必填)`
            out.append(Tok(text, t.row, t.start, t.glued, t.cell, last.closed, t.col))
            continue
        if not _is_word(t.text) or squash(t.text) in ("年度", "实际", "偏差原因", "产出指标", "效益指标"):
            acc = squash(t.text)
            for k in range(1, 4):
                if i + k >= len(toks) or toks[i + k].start:
                    break
                acc += squash(toks[i + k].text)
                if len(acc) > 24:
                    break
                if _is_word(acc) and not is_level(t.text) or (is_level(acc) and not is_level(t.text)):
                    joined = (acc, k)
                    break
                if is_level(t.text) and k == 1 and (is_level_fragment(toks[i + 1].text) or re.fullmatch(
                        _POINTS, squash(toks[i + 1].text))):
                    joined = (acc, k)  # `效益指标` + `30分)`: the points wrapped to the next line
                    break
        if joined:
            out.append(Tok(joined[0], t.row, t.start, t.glued, t.cell, toks[i + joined[1]].closed, t.col))
            i += joined[1] + 1
            continue
        out.append(t)
        i += 1
    return out


def tokens_of(rows: list[Row]) -> list[Tok]:
    """Every non-empty cell of the rows as a token, glued and spaced lines split, wrapped words joined."""
    toks: list[Tok] = []
    lines_are_rows = False
    for k, row in enumerate(rows):
        cells = [c.text for c in row.nonempty()]
        if not cells:
            continue
        if len(cells) >= 2:
            # a cell merged down from the row above repeats its text here: it was read there already
            own = [c for c in row.nonempty() if not c.vspan]
            for j, cell in enumerate(own):
                for n, piece in enumerate(_cell_pieces(cell.text)):
                    toks.append(Tok(piece, k, j == 0 and n == 0, cell=True, closed=row.closed, col=cell.col))
            continue
        text = cells[0]
        if not row.is_text:  # one cell of a real row (a cell-per-line table): it is a cell, nothing glued
            only = row.nonempty()[0]
            col = only.col if len(row.cells) > 1 else None  # a column only where the row kept its other cells
            toks.append(Tok(text.replace("\n", ""), k, False, cell=False, closed=row.closed, col=col))
            continue
        for line_no, line in enumerate(text.split("\n")):
            line = line.strip()
            if not line:
                continue
            spaced = _spaced_cells(line)
            if spaced is not None:
                if sum(1 for p in spaced for q in _glued_pieces(p) if column_role(q)) >= 3:
                    lines_are_rows = True
                for n, p in enumerate(spaced):
                    for m, piece in enumerate(_glued_pieces(p)):
                        toks.append(Tok(piece, k, n == 0 and m == 0 and line_no == 0,
                                        glued=m > 0 or _is_glued_row(piece)))
                continue
            if _looks_glued(line):
                pieces = split_glued(line)
                if sum(1 for p in pieces if column_role(p)) >= 3:
                    lines_are_rows = True  # a glued header line: every line after it is one row, glued
                for n, piece in enumerate(pieces):
                    toks.append(Tok(piece, k, n == 0, glued=True))
                continue
            # a line that is a whole row, name and value glued (`学校满意度≥90%`), starts a row
            row_line = lines_are_rows or _is_glued_row(line)
            toks.append(Tok(line, k, row_line, glued=row_line))
    return _join_wrapped(toks)


def _is_glued_row(line: str) -> bool:
    """A line holding a name and a value marked as one (`学校满意度≥90%`, `覆盖率100%`): an operator before
    the number or a percent after it. `变压器3台` is a name as likely as a name and a value."""
    from .stream import _STRONG, _split_glued_row

    rest, values = _split_glued_row(line)
    return bool(values) and len(rest) >= 2 and not _is_word(rest) and bool(_STRONG.fullmatch(values[0]))


def _glued_pieces(text: str) -> tuple[str, ...]:
    return split_glued(text) if _looks_glued(text) else (text,)


def _cell_pieces(text: str) -> tuple[str, ...]:
    """A real cell is one token, unless it is several header words run together."""
    s = text.strip()
    if "\n" in s and all(_is_word(p.strip()) for p in s.split("\n") if p.strip()):
        joined = squash(s)
        if _is_word(joined):
            return (joined,)
    return (s,)
