"""Arbitrary input never crashes the parser: a Document or a JixiaoError, nothing else."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jixiao.errors import JixiaoError
from jixiao.ingest import parse_bytes
from jixiao.review import review_document

WORDS = ["项目名称", "绩效指标", "绩效目标", "一级指标", "二级指标", "三级指标", "指标值", "年度指标值", "实施周期指标值",
         "产出指标", "效益指标", "满意度指标", "数量指标", "1、", "2、", "≥95%", "合计", "单位：万元", "部门名称：",
         "总体绩效目标", "（一）", "绩效指标：", "预算数", "3月底", "100%", "|", "\t", "\n", "\n\n", "  ", "项目编码",
         "<p>", "&lt;", "[bookmark: x]", "### ", "318001某单位", "1,000.00", "—", "。", "；", "：", "是", "2023年底完成"]


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(WORDS) | st.text(max_size=6), max_size=60))
def test_text_soup_parses_or_fails_cleanly(parts):
    data = "".join(parts).encode("utf-8")
    try:
        doc = parse_bytes(data, "fuzz.txt")
    except JixiaoError as exc:
        assert exc.message and "\n" not in exc.message
        return
    assert doc.projects or doc.overall is not None
    doc.to_json_dict()
    review_document(doc)  # and the review takes whatever the parser produced


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=300))
def test_random_bytes_never_crash(data):
    try:
        parse_bytes(data, "fuzz.bin")
    except JixiaoError:
        pass
