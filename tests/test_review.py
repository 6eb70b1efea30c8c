"""The review engine: every rule's examples, the hand-labelled findings on the seeds, settings, reports."""

from __future__ import annotations

import json
from collections import Counter

import pytest
from conftest import ROOT, SEEDS
from typer.testing import CliRunner

from jixiao.cli import app
from jixiao.ingest import parse_path
from jixiao.model import Document, Source
from jixiao.review import Settings, all_rules, review_document
from jixiao.review.catalog import markdown

RULES = all_rules()
EXPECTED = json.loads((ROOT / "tests" / "review" / "seed_findings.json").read_text(encoding="utf-8"))["findings"]


def _doc(example) -> Document:
    data = dict(example.document or {"projects": [example.project]})
    data.setdefault("projects", [])
    return Document.model_validate({"source": Source(name="example.txt", sha256="0" * 64, format="text"), **data})


def test_catalog_has_every_family_with_several_rules():
    families = Counter(r.family for r in RULES)
    assert set(families) == {"completeness", "measurability", "consistency", "arithmetic", "copying", "execution"}
    assert all(n >= 3 for n in families.values())


@pytest.mark.parametrize("rule", RULES, ids=[r.code for r in RULES])
def test_bad_example_is_found_and_good_example_is_not(rule):
    settings = Settings(enabled={rule.code})
    bad = [f for f in review_document(_doc(rule.bad), settings) if f.rule == rule.code]
    good = [f for f in review_document(_doc(rule.good), settings) if f.rule == rule.code]
    assert bad, f"{rule.code} misses its bad example"
    assert not good, f"{rule.code} flags its good example: {good[0].message}"
    assert all(f.message and f.fix and f.severity == rule.severity for f in bad)


def _key(f: dict) -> tuple:
    return f["document"], f["rule"], f["project"], f["unit"], f["indicator_seq"], f["evidence"]


def test_seed_findings_match_the_labelled_set():
    """Precision and recall on the hand-labelled seeds: every true finding found, no other finding raised."""
    found = []
    for path in SEEDS:
        for f in review_document(parse_path(path)):
            found.append({"document": path.name, "rule": f.rule, "project": f.project, "unit": f.unit,
                          "indicator_seq": f.indicator_seq, "evidence": f.evidence})
    missing = Counter(map(_key, EXPECTED)) - Counter(map(_key, found))
    extra = Counter(map(_key, found)) - Counter(map(_key, EXPECTED))
    assert not missing, f"missed: {list(missing)[:3]}"
    assert not extra, f"not in the labelled set: {list(extra)[:3]}"


def test_known_true_findings_are_in_the_labelled_set():
    """A few findings read straight off the seeds, so the labelled set cannot drift silently."""
    keys = {(f["document"][:3], f["rule"], f["project"], f["indicator_seq"]) for f in EXPECTED}
    assert ("001", "JX301", "广州市财政局2023年-2024年信息化基础设施及信息系统运维服务项目(2023)", 3) in keys  # 故障率 100%
    assert ("004", "JX307", "财政一体化平台网络租赁费", 3) in keys  # 2022年年底完成 in a 2023 budget
    assert ("000", "JX502", "广州市财政局2021年政府采购系统升级改造项目", None) in keys  # copied indicator set
    assert ("002", "JX304", "水电费", 2) in keys  # 31-服务对象满意度 under 2-效益指标
    assert ("004", "JX405", "防疫抗疫物资保障", 1) in keys  # 100000个 × ≤100元 = 1000万元 vs 10000万元


def test_settings_disable_severity_and_options(tmp_path):
    doc = parse_path(next(p for p in SEEDS if p.name.startswith("002")))
    base = Counter(f.rule for f in review_document(doc))
    assert base["JX105"] == 4
    cfg = tmp_path / "review.toml"
    cfg.write_text('[review]\ndisable = ["JX303"]\n[review.severity]\nJX105 = "info"\n'
                   '[review.options.JX105]\nmin_indicators = 5\n', encoding="utf-8")
    settings = Settings.load(cfg)
    findings = review_document(doc, settings)
    counts = Counter(f.rule for f in findings)
    assert counts["JX303"] == 0 and counts["JX105"] > base["JX105"]
    assert {f.severity for f in findings if f.rule == "JX105"} == {"info"}


def test_bad_config_is_a_clear_error(tmp_path):
    cfg = tmp_path / "bad.toml"
    cfg.write_text('[review]\ndisable = ["JX999"]\n', encoding="utf-8")
    result = CliRunner().invoke(app, ["review", str(SEEDS[0]), "--config", str(cfg)])
    assert result.exit_code == 2 and "JX999" in result.output and "Traceback" not in result.output


def test_review_json_report_fields_and_ranking():
    result = CliRunner().invoke(app, ["review", *map(str, SEEDS), "--format", "json"])
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert len(data["findings"]) == len(EXPECTED)
    f = data["findings"][0]
    assert {"rule", "severity", "document", "unit", "project", "indicator_seq", "message", "evidence"} <= set(f)
    scores = [d["score"] for d in data["departments"]]
    assert scores == sorted(scores)  # lowest first
    for d in data["departments"]:
        assert [p["score"] for p in d["projects"]] == sorted(p["score"] for p in d["projects"])


def test_review_xlsx_and_html_reports(tmp_path):
    from openpyxl import load_workbook

    seed = next(p for p in SEEDS if p.name.startswith("004"))
    xlsx, page = tmp_path / "r.xlsx", tmp_path / "r.html"
    assert CliRunner().invoke(app, ["review", str(seed), "-f", "xlsx", "-o", str(xlsx)]).exit_code == 0
    assert CliRunner().invoke(app, ["review", str(seed), "-f", "html", "-o", str(page)]).exit_code == 0
    rows = list(load_workbook(xlsx)["审核意见"].iter_rows(values_only=True))
    expected = sum(1 for f in EXPECTED if f["document"] == seed.name)
    assert len(rows) == expected + 1 and rows[0][0] == "部门"
    text = page.read_text(encoding="utf-8")
    assert "JX307" in text and "财政一体化平台网络租赁费" in text


def test_report_escapes_document_text(tmp_path):
    src = tmp_path / "x.txt"
    src.write_text("项目名称\t绩效目标\t绩效指标\n<script>alert(1)</script>\t目标\t1、产出指标: 数量, 年度指标值: 有效提升。\n",
                   encoding="utf-8")
    page = tmp_path / "r.html"
    assert CliRunner().invoke(app, ["review", str(src), "-f", "html", "-o", str(page)]).exit_code == 0
    assert "<script>alert" not in page.read_text(encoding="utf-8")


def test_rules_doc_is_generated_from_the_catalog():
    assert (ROOT / "docs" / "rules.md").read_text(encoding="utf-8") == markdown()
    result = CliRunner().invoke(app, ["rules"])
    assert result.exit_code == 0 and "JX301" in result.output


def test_review_accepts_a_directory(tmp_path):
    (tmp_path / "a").mkdir()
    for p in SEEDS[:2]:
        (tmp_path / "a" / p.name).write_bytes(p.read_bytes())
    result = CliRunner().invoke(app, ["review", str(tmp_path / "a"), "-f", "json"])
    assert result.exit_code == 0
    assert {f["document"] for f in json.loads(result.stdout)["findings"]} == {p.name for p in SEEDS[:2]}


def test_new_rule_is_one_function_and_one_decorator():
    from jixiao.review.engine import REGISTRY, Example, rule

    @rule("JX999", "test-rule", "info", "indicator", summary="测试", rationale="测试", fix="测试",
          bad=Example("x", {"name": "p", "indicators": [{"seq": 1, "name": "测试指标"}]}),
          good=Example("y", {"name": "p", "indicators": []}))
    def check(ctx):
        if ctx.indicator.name == "测试指标":
            yield ctx.finding("发现测试指标", ctx.indicator.name)

    try:
        found = review_document(_doc(REGISTRY["JX999"].bad))
        assert [f.rule for f in found if f.rule == "JX999"] == ["JX999"]
    finally:
        del REGISTRY["JX999"]
