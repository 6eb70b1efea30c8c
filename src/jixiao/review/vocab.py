"""Words the rules look for. Kept in one place so a reviewer can read and extend them."""

from __future__ import annotations

import re

# an indicator where a smaller number is better (a higher target is lower ambition)
REVERSE = re.compile(r"故障|事故|投诉|偏差|差错|失误|违约|违规|违纪|流失|退文|败诉|延误|超支|损失|死亡|伤亡|返工|不合格|缺陷|风险次数|泄露|发生率|感染|漏洞数|逾期|超标")
# targets that state no level: 有效提升, 明显改善, 规范
VAGUE = re.compile(r"^(?:有效|明显|显著|进一步|不断|逐步|稳步|持续|较大|大幅|全面|切实)?(?:提升|提高|改善|加强|增强|促进|推进|优化|规范|完善|保障|落实)$"
                   r"|^(?:优|良|良好|较好|好|优秀|合理|规范|及时|熟悉|满意|正常|稳定|有效|显著|明显|提升|提高|增强|改善|促进)$"
                   r"|^(?:有效|明显|显著|进一步|不断)")
# names that expect a number: a rate, a count, an amount, a duration
QUANTITY_NAME = re.compile(r"(?:率|比例|占比|人数|次数|个数|件数|数量|总数|人次|场次|金额|资金量|时长|天数|覆盖面|数)(?:[（(][^）)]*[)）])?$")
RATE_NAME = re.compile(r"(?:率|比例|占比|满意度)(?:[（(][^）)]*[)）])?$")
# a unit printed in the name: `(%)`, `(人)`, or a template placeholder that carries it, `(≥**%)`
UNIT_IN_NAME = re.compile(r"[（(](?:[^()（）]*?[%％‰]|[\u4e00-\u9fff]{1,3})[)）]|\*\*[%％‰]")
# a value that describes how something is measured instead of stating a level
MEASUREMENT = re.compile(r"^(?:通过对|通过[^，,。；]{2,}[，,]|反映|考察|衡量|根据|依据)")
SATISFACTION = re.compile(r"满意|投诉|评价|考评|认可|获得感|幸福感")
MULTI_YEAR = re.compile(r"(?:19|20)\d{2}\s*[-—－~至到]\s*(?:(?:19|20)\d{2}|\d{2})\s*年")
# bigrams too common in indicator names to show that an indicator belongs to a project
GENERIC_BIGRAMS = set("""
完成 工作 管理 服务 情况 项目 提高 保障 时间 数量 成本 质量 满意 意度 合格 及时 正常 使用 运行 开展 计划 标准 经费
支出 效益 效率 水平 任务 按时 达标 率达 资金 预算 控制 是否 指标 社会 经济 生态 影响 持续 对象 单位 人员 成率 格率
时率 行率 用率 到位 覆盖 盖率 执行 进度 实施 验收 收合 规范 有效 提升 合规 规率 总体 整体 年度 全年 按期 期完 发放
""".split())
# a document problem saying the text stops before the table does (a page excerpt, a preview)
TEXT_ENDS_EARLY = re.compile(r"文本在[^，。；]{0,24}结束|截断")
# a document problem saying the text starts inside the table (its head is not in the text)
TEXT_STARTS_LATE = re.compile(r"文本从[^，。；]{0,24}开始")
