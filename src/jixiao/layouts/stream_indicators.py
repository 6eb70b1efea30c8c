"""One grid row made into an `Indicator`: its cells matched to the columns (by position where the table
kept its empty cells, else by content), glued cells cut apart, ticked reason columns read, and the
indicator emitted with a `problem` and no value wherever the match is not certain.

Separate because this is where a row's cells get their meaning: the row cutter (`stream_rows`) decides
which tokens form a row and hands them here, so the rules for reading a row can be read and tested apart
from the rules for finding it. A layer of the reader (see `stream_project`).
"""

from __future__ import annotations

import re

from ..model import Indicator, Loc, Problem
from ..taxonomy import canonical_level2
from ..textnorm import ascii_digits, strip_seps
from ..values import _OP_RE, parse_target
from .common import loc_of
from .grid import join_value
from .stream_cells import (
    _BARE_NUMBER,
    _FILLER,
    _PLACEHOLDER_NULL,
    _STRONG,
    NUMERIC,
    TEXT_COLS,
    VALUE_KIND,
    _fits,
    _is_unit,
    _number,
    _unwrap,
)
from .stream_columns import Grid
from .stream_glued import _DIGITS_THEN_NAME, _glued_rows, _glued_scored_rows, _split_glued_row
from .stream_project import _ProjectReader
from .tokens import _PHRASES, Tok

_TICK = re.compile(r"^[√✓✔☑■]\s*")
# a value written as a target: an operator before the number (an actual is what happened, not a bound)
_TARGET_OP = re.compile(rf"^\s*(?:{_OP_RE})\s*\d")  # the value grammar's operator spellings


class _IndicatorReader(_ProjectReader):
    """The layer that turns one grid row into an indicator."""

    def _by_position(self, grid: Grid, row: list[Tok]) -> dict[str, str] | None:
        """A row from a table that kept its empty cells (HTML, DOCX, XLSX, a full pipe row) and is as wide as
        the header: each cell's role is its column's. None where positions cannot be trusted."""
        if not grid.width or not grid.positions or any(t.col is None or t.glued for t in row):
            return None
        src = row[0].row
        if src >= len(self.rows) or len(self.rows[src].cells) > grid.width or any(t.row != src for t in row):
            return None
        if grid.positions.get(row[0].col) != "name":
            return None
        values: dict[str, str] = {}
        for t in row[1:]:
            role = grid.positions.get(t.col)
            if role and role not in ("name", "level1", "level2") and role not in values:
                values[role] = t.text.strip()
        return values

    def _indicator(self, grid: Grid, row: list[Tok], hinted: bool) -> None:
        reasons: list[str] = []
        if grid.ticks:
            kept = []
            for t in row:
                if t.col in grid.ticks and t is not row[0]:
                    mark = _TICK.match(t.text.strip())
                    if mark:
                        reasons.append(grid.ticks[t.col])
                    rest = t.text.strip()[mark.end():] if mark else t.text.strip()
                    if rest:
                        reasons.append(rest)
                else:
                    kept.append(t)
            row = kept
            self.pending_reason = "、".join(reasons) or None
        texts = [t.text.strip() for t in row]
        texts = [x for x in texts if x]
        if not texts:
            return
        glued = any(t.glued for t in row)
        positional = self._by_position(grid, row)
        if positional is not None:
            self._add(grid, row, row[0].text.strip(), positional, None)
            return
        name = texts[0]
        data = texts[1:]
        cols = grid.cols[1:]
        problem = None
        core = [c for c in cols if c in VALUE_KIND or c in NUMERIC]
        if glued and len(texts) == 1 and re.search(r"[,，;；]", name) and _STRONG.search(name):
            items = [x for x in re.split(r"[,，;；]", name) if x.strip()]
            if len(items) > 1:  # a running-text list of items: `name≥value,name value`
                for item in items:
                    if len(item.strip()) >= 2 or _STRONG.search(item):
                        self._indicator(grid, [Tok(item, row[0].row, False, True)], hinted)
                return
        if glued and len(texts) == 1 and any(c in NUMERIC for c in cols):
            rows = _glued_scored_rows(name, [c for c in cols if c in NUMERIC or c in VALUE_KIND])
            if rows is not None and "description" in cols and not all("反映" in r[0][2:] for r in rows):
                rows = None  # a name glued to its description: where one ends is not known
            if rows is not None:
                for row_name, row_values in rows:
                    self._add(grid, row, row_name, row_values, None)
                return
            pieces = _DIGITS_THEN_NAME.split(name)
            if len(pieces) > 1:
                if self.cut_at_end and self.toks[-1].text.endswith(row[0].text) and not re.search(r"\d", pieces[-1]):
                    self.result.problems.append(Problem(message="文本在表格中途结束，最后一行不完整，未读取",
                                                        raw=pieces[-1][:200]))
                    pieces = pieces[:-1]
                for piece in pieces:
                    self._indicator(grid, [Tok(piece, row[0].row, False, True)], hinted)
                return
            m = re.match(rf"^(.*?[\u4e00-\u9fff)）%])((?:{_OP_RE})?[\d.]+.*)$", name)
            if m and re.search(r"\d.*\d", m.group(2)):
                # a name and the numbers of several columns fused (`管护面积万亩2810810`, `数量≤441010`): the name
                # is certain, where one number ends is not
                head = m.group(1)
                unit = next((head[-k:] for k in (3, 2, 1) if len(head) > k and head[-k:] in ("%", "‰")
                             or k > 1 and len(head) > k and _is_unit(head[-k:])), "")
                self._add(grid, row, head[: len(head) - len(unit)] if unit else head, {},
                          f"数字粘连无法分开：{unit}{m.group(2)}")
                return
        if glued and len(texts) == 1:
            pieces = _glued_rows(name)
            if len(pieces) > 1:
                for piece in pieces:
                    self._indicator(grid, [Tok(piece, row[0].row, False, True)], hinted)
                return
        if glued and row[0].glued:
            whole = name
            name, head = _split_glued_row(name)
            data = head + data
            vt = re.search(r"(定量|定性)$", name)
            if vt and "valtype" in cols:  # `到位率定量100%`: the 指标值类型 column glued between name and value
                name, data = name[: vt.start()], [vt.group(1)] + data
            if whole.count("反映") > 1:
                problem = "单元格粘连，一格里有几行指标；保留原文"
                name, data = whole, []
            if not head and data and data[0] in _PHRASES:
                m = re.search(r"(?<=[)）\u4e00-\u9fff])(\d+(?:\.\d+)?)$", name)
                if m:  # `成本控制数(万元)63` before `达成预期指标`: the number ends the row
                    data = [m.group(1)] + data
                    name = name[: m.start()]
            text_col = next((c for c in ("description", "basis") if c in cols), None)
            if "反映" in name[2:] and text_col:
                k = name.index("反映", 2)
                data = [name[k:]] + data
                name = name[:k]
            elif "description" in cols and data and not problem:
                # a name glued to its description with nothing to cut them at: neither can be read
                problem = "单元格粘连，无法把指标名称和指标说明分开；保留原文"
                name, data = whole, []
        if glued and len(texts) == 1:
            if not data and core:
                problem = "单元格粘连，无法把指标名称和指标值分开；保留原文"
            elif len(name) > 60 or name.count("反映") > 1:
                problem = "单元格粘连，无法确定指标名称和指标值；保留原文"
                data = []
        values: dict[str, str] = {}
        value_cols = [c for c in cols if c in VALUE_KIND or c in NUMERIC]
        if data and data[-1] in _PHRASES and "deviation" in cols and len(data) <= len(value_cols):
            # `不低于95% | 达成预期指标` under 年度指标值/实际完成值/未完成原因: the phrase is the reason column
            values["deviation"] = data[-1]
            data = data[:-1]
        k = 0
        for col in cols:
            if k >= len(data):
                break
            if _fits(col, data[k], glued):
                values[col] = data[k]
                k += 1
            elif col in ("op", "unit", "valtype", "description", "basis"):
                continue
            elif col in NUMERIC:
                continue
        leftover = data[k:]
        n_value_cols = sum(1 for c in cols if c in VALUE_KIND)
        filled_core = sum(1 for c in core if c in values)
        if data and len(data) < len(core) and not glued and (
                n_value_cols >= 2 or any(_BARE_NUMBER.match(ascii_digits(x)) for x in data) and any(c in NUMERIC for c in cols)):
            target_only = (len(data) == 1 and core[:1] == ["annual"] and values.get("annual") == data[0]
                           and _TARGET_OP.match(data[0]) is not None)  # `≤10次`: what happened carries no ≤
            if not target_only and not (filled_core == len(data) and all(c in values for c in core[: len(data)])
                                        and not any(c in NUMERIC for c in core[len(data):])):
                problem = "该行单元格少于表头的列，无法确定各值所在的列：" + " | ".join(texts)
                values = {}
        if leftover and not problem and any(x for x in leftover if not _FILLER.match(x)):
            extra = [x for x in leftover if x not in _PLACEHOLDER_NULL]
            if extra and hinted and len(extra) >= 1 and not all(c in values for c in cols if c in TEXT_COLS):
                problem = "该行单元格多于表头的列：" + " | ".join(texts)
        if name in ("定量", "定性") and "valtype" in cols and self.level2:
            # `成本指标 | 社会成本指标 | 定量 | …`: the second level stands in the 三级 slot, the name is it
            values = {}
            k = 0
            for col in cols:
                if k < len(texts) and _fits(col, texts[k], glued):
                    values[col] = texts[k]
                    k += 1
            name = self.level2
        self._add(grid, row, name, values, problem)

    def _add(self, grid: Grid, row: list[Tok], name: str, values: dict[str, str], problem: str | None) -> None:
        """One indicator from its name and the values matched to its columns."""
        cols = grid.cols[1:]
        lead = re.match(r"^([%‰])(?=[=≥≤<>])", values.get("annual") or "")
        if lead:  # `服务对象满意度 | %=99百分比`: the percent sign belongs to the name (`…满意度%`)
            name += lead.group(1)
            values["annual"] = values["annual"][1:]
        if not values and re.search(r"扣分|酌情|计分|满分|得分", name):
            return  # a scoring criterion left alone in its row by a merged cell, not an indicator
        if re.fullmatch(r"(?:指标\d+[:：])?", name):
            return
        name = re.sub(r"^(?:指标\d+\s*[:：]|\d{1,2}\s*[、.．](?!\d)|[（(]\d{1,2}[)）])\s*", "", name)
        name = strip_seps(_unwrap(name))
        if not name:
            return
        for col in ("annual", "period", "grade_a"):
            if values.get(col) in _PHRASES:  # `达成预期指标` is what happened, never a target
                phrase = values.pop(col)
                if "actual" in cols and "actual" not in values:
                    values["actual"] = phrase
        for col, label in (("weight", "分值"), ("score", "得分")):
            raw = (values.get(col) or "").strip()
            if raw and raw not in _PLACEHOLDER_NULL and _number(raw) is None and not problem:
                problem = f"{label}“{raw}”不是数字，未读取"  # `十`, `10分`: kept out rather than guessed
        if values.get("points") and not problem:
            problem = f"单列数字{values['points']}无法确定是分值还是得分（表头不在文本中）"
        ocr = re.fullmatch(r"2(\d{2}(?:\.\d+)?)%", (values.get("annual") or "").strip())
        if ocr and "率" in name and not problem:
            # `292%` for a rate: most likely `≥92%` with the ≥ misread; kept out and marked
            problem = f"指标值“{values.pop('annual')}”超过100%，可能是“≥{ocr.group(1)}%”的识别错误"
        for col in ("annual", "actual"):
            if re.match(r"^(?:定量|定性)(?=\S)", values.get(col) or ""):
                values[col] = values[col][2:]  # the 指标值类型 glued to the value
        annual_raw = join_value(values.get("op", ""), values.get("annual") or values.get("grade_a") or "",
                                values.get("unit", ""))
        period_raw = join_value(values.get("op", ""), values.get("period", ""), values.get("unit", ""))
        actual_raw = values.get("actual", "")  # what happened, as printed: the target's operator is not its
        forecast_raw = values.get("forecast", "")
        deviation = values.get("deviation")
        if grid.ticks:
            deviation, self.pending_reason = self.pending_reason, None
        if deviation in _PLACEHOLDER_NULL:
            deviation = None
        likelihood = values.get("likelihood")
        if self.level2 is None and (doubled := _doubled_level2(name)):
            self.level2, name = doubled
        seq = len(self.draft.indicators) + 1
        first = row[0]
        src = self.rows[first.row] if first.row < len(self.rows) else None
        loc = loc_of(src, first.col) if src is not None else Loc()
        ind = Indicator(seq=seq, level1=self.level1, level2=self.level2, level2_code=self.level2_code, name=name,
                        description=strip_seps(values.get("description", "")) or None,
                        annual=parse_target(annual_raw), period=parse_target(period_raw),
                        basis=strip_seps(values.get("basis", "")) or None,
                        actual=parse_target(actual_raw) if actual_raw not in _PLACEHOLDER_NULL else None,
                        forecast=parse_target(forecast_raw) if forecast_raw else None,
                        weight=_number(values.get("weight")), score=_number(values.get("score")),
                        deviation=strip_seps(deviation or "") or None, likelihood=likelihood or None,
                        level1_points=self.level1_points, loc=loc, problem=problem)
        self.draft.indicators.append(ind)


def _doubled_level2(name: str) -> tuple[str, str] | None:
    """(second level, name) of `服务对象满意度服务对象满意度%`: a second level printed without `指标`, glued
    before a name that begins with the same words. The cut is certain because the words repeat; a name that
    merely begins with a level's words (`服务对象满意度`) is left whole."""
    for n in range(len(name) // 2, 3, -1):
        head = name[:n]
        if name.startswith(head, n):
            level2 = canonical_level2(head)[0]
            return (level2, name[n:]) if level2 else None
    return None
