"""The text around the grid, one cell at a time: titles, the words that end a grid (`合计`, `评价结论`), the
table's kind from its title and columns, how many cells after a run of form labels are their values, and
the cleaning of titles, project names and codes, department names and amounts.

Separate because these are pure string tests with no reader state, used by the main loop, by the row
cutter (where a grid ends) and by the project assembly alike.
"""

from __future__ import annotations

import re

from ..textnorm import squash
from .vocab import column_role, field_role

_TITLE = re.compile(r"(?:绩效目标表|绩效目标申报表|申报表|批复表|审批表|绩效自评表|自评表|绩效目标表[（(].*[)）]|评价指标表"
                    r"|监控表|绩效公开|整体绩效目标表|绩效目标)\s*(?:[（(][^（）()]{0,12}[)）])?$")
_STOP_WORDS = {"合计", "总分", "评价结论", "存在问题", "改进措施", "项目负责人", "财务负责人", "自评总分", "附件", "附件:",
               "附件：", "下载", "打印", "关闭"}


def _is_title(text: str) -> bool:
    s = squash(text)
    return (5 <= len(s) <= 80 and bool(_TITLE.search(s)) and not s.startswith(("附件", "根据", "按照"))
            and field_role(text) is None)


def _kind_of(title: str | None, columns: set[str]) -> str:
    s = squash(title or "")
    if "自评" in s:
        return "self_evaluation"
    if "监控" in s:
        return "monitoring"
    if "forecast" in columns:
        return "monitoring"
    if "actual" in columns or "score" in columns:
        return "self_evaluation"
    return "target"


def _is_stop(text: str) -> bool:
    s = squash(text).rstrip("：:")
    if re.match(r"^(?:合计|总分)\d", s):
        return True
    return s in _STOP_WORDS or s.startswith(("评价结论", "存在问题", "改进措施", "项目负责人", "注:", "注：", "注1", "备注:"))


_NOT_ORG = re.compile(r"[:：]|公章|盖章|填报|年月|绩效|预算项目|^[（(]|^及|^[\d\s.,-]+$")


def _is_org_name(value: str) -> bool:
    """A department or unit name, not a label fragment or a run of glued text."""
    s = squash(value)
    return 2 <= len(s) <= 40 and not _NOT_ORG.search(s) and field_role(s) is None and column_role(s) is None


def _inline_label(text: str) -> str | None:
    """The role of a label that starts a cell's text (`年初设定目标：…`), or None."""
    m = re.match(r"^([\u4e00-\u9fff()（）\d-]{2,14})\s*[：:]", text.strip())
    return field_role(m.group(1)) if m else None


_TEXT_FIELDS = ("goal", "long_goal", "content", "result", "conclusion", "problems", "measures")


def _max_values(pending: list[str]) -> int:
    """How many cells after a run of labels can be their values: a name or a department is one cell, a
    goal or a content may run over several lines."""
    if any(role in _TEXT_FIELDS for role in pending):
        return 6
    if pending == ["total_score"]:
        return 2  # `总分 | 100 | 98`: the weights' total and the points
    return len(pending)


def _value_labels(pending: list[str], n_values: int) -> list[str]:
    """The labels a run of values belongs to: the last ones when there are fewer values, and a group label
    (`年度总体目标` over `预期目标 | 实际完成情况`) is not one of them."""
    labels = list(pending)
    if len(labels) >= 3 and labels[0] == labels[1]:
        labels = labels[1:]
    if n_values < len(labels):
        labels = labels[-n_values:]
    return labels


def _amount_text(text: str) -> str:
    s = text.strip().rstrip("：:")
    s = re.sub(r"^[^\d\-—/]*[：:]", "", s)
    glued = _AMOUNT_THEN_LABEL.match(s)
    if glued:  # `174.78万元中央补助安排`: the amount ends at its unit, the next label is glued after it
        return glued.group(1)
    return s.replace("万元", "").strip()


_AMOUNT_THEN_LABEL = re.compile(r"(-?\d[\d,]*(?:\.\d+)?)万元(?=[\u4e00-\u9fff])")


_PROJECT_CODE = re.compile(r"^\s*(\d{6,}[A-Z]?\d*)\s*[-－_]\s*(?=[\u4e00-\u9fff])")


def _split_project_code(name: str) -> tuple[str, str | None]:
    m = _PROJECT_CODE.match(name)
    if m:
        return name[m.end():].strip(), m.group(1)
    return name.strip(), None


def _name_from_title(title: str | None) -> str | None:
    if not title:
        return None
    s = re.sub(r"^(?:19|20)\d{2}年度?", "", title)
    s = re.sub(r"(?:项目)?(?:支出)?(?:绩效目标表|绩效自评表|绩效目标申报表|绩效目标审批表|绩效评价指标表|申报表|批复表|审批表|自评表)"
               r".*$", "", s)
    return s.strip() or None


def _clean_title(title: str) -> str:
    """A title cut out of glued text may carry the text before it (`…单位公章:年月 日某市…绩效目标表`)."""
    s = re.split(r"[：:]", title)[-1]
    s = re.sub(r"^.*\d{4}年\d{1,2}月\d{1,2}日", "", s)  # a covering letter's signature and date before it
    s = re.sub(r"^[\s年月日]+", "", s).strip() or title
    return re.sub(r"\s*[（(]\s*(?:19|20)\d{2}\s*年度?\s*[)）]\s*$", "", s) or s
