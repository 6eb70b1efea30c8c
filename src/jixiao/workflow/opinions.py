"""The words of the workflow, in one place: the national opinion list a reviewer chooses from (rules.md §8.3,
the 11 codes 监审 uses in the national module), the statuses and the actions, as the interfaces print them.

Each opinion carries the fix a department reads in the 审核意见书 when the reviewer writes no fix of their own;
the wording follows 财预〔2021〕101号 and the §2 predicates of rules.md."""

from __future__ import annotations

from dataclasses import dataclass

SOURCE = "全国预算管理一体化系统绩效目标审核意见（rules.md §8.3）"


@dataclass(frozen=True)
class Opinion:
    code: int
    label: str
    fix: str

    def to_dict(self) -> dict:
        return {"code": self.code, "label": self.label, "fix": self.fix}


OPINIONS: dict[int, Opinion] = {o.code: o for o in (
    Opinion(1, "指标不够完整", "补齐产出、效益、满意度等各类指标，使指标能全面反映项目的绩效目标"),
    Opinion(2, "指标不够细化、量化", "把定性表述改为可衡量的数量、比率或时限，写明计量单位"),
    Opinion(3, "指标与项目的相关性不够", "删除与项目内容无关的指标，改设反映本项目产出和效果的指标"),
    Opinion(4, "指标与指标值不匹配", "按指标的含义填写指标值：比率填百分比，数量填数目和单位，时效填时限"),
    Opinion(5, "建议拆分指标", "把一个指标中的多项内容拆成多个指标，每个指标只衡量一项内容"),
    Opinion(6, "一级指标类型错误", "把指标移到正确的一级指标（产出、效益、满意度、成本）下"),
    Opinion(7, "二级指标类型错误", "把指标移到正确的二级指标（如数量、质量、时效、社会效益）下"),
    Opinion(8, "建议增加明确效益指标", "增加能反映项目带来的经济、社会、生态或可持续影响的效益指标"),
    Opinion(9, "建议增加明确产出指标", "增加反映项目完成数量、质量和时效的产出指标"),
    Opinion(10, "建议增加满意度指标", "增加服务对象满意度指标，写明调查对象和目标值"),
    Opinion(11, "其他", "按审核意见的说明修改"),
)}


def opinion(code: int | str | None) -> Opinion | None:
    """The opinion with this code (an int or its digits), None for None; a ValueError names a code not on the list."""
    if code is None or code == "":
        return None
    try:
        found = OPINIONS.get(int(code))
    except (TypeError, ValueError):
        found = None
    if found is None:
        raise ValueError(f"审核意见代码 {code} 不在全国审核意见清单中（可用 1–{len(OPINIONS)}）")
    return found


# `published`: read from a file published elsewhere (what `jixiao ingest` stores): public, outside the flow
STATUSES = ("draft", "submitted", "returned", "approved", "published")
STATUS_ZH = {"draft": "草稿", "submitted": "已报送", "returned": "已退回", "approved": "已审核通过",
             "published": "已公开（未进入流程）", None: "未进入流程"}
ACTION_ZH = {"submit": "报送", "return": "退回修改", "approve": "审核通过", "comment": "填写审核意见",
             "comment.delete": "删除审核意见",
             "workflow.comment.delete": "删除审核意见"}
ROLE_ZH = {"administrator": "管理员", "reviewer": "财政审核人员", "officer": "部门填报人员", "analyst": "分析人员",
           None: "未登录"}
