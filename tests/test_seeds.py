"""Every seed parses to its reviewed golden file, and every output validates against the schema."""

from __future__ import annotations

import json

import pytest
from conftest import DATA, GOLDEN, SEEDS

from jixiao.ingest import parse_path

ALL = [(p, GOLDEN / f"{p.stem}.json") for p in SEEDS] + [
    (p, GOLDEN / "data" / f"{p.stem}.json") for p in sorted(DATA.glob("*.txt"))]


@pytest.mark.parametrize("path,golden", ALL, ids=[p.name for p, _ in ALL])
def test_matches_golden(path, golden, schema_validator):
    doc = parse_path(path).to_json_dict()
    errors = list(schema_validator.iter_errors(doc))
    assert not errors, errors[0].message
    expected = json.loads(golden.read_text(encoding="utf-8"))
    expected["source"]["name"] = doc["source"]["name"]
    assert doc == expected


def test_seed_counts():
    """Counts read off the source files by hand."""
    counts = {p.name[:3]: parse_path(p) for p in SEEDS}
    assert [len(d.projects) for d in counts.values()] == [14, 22, 10, 14, 23]
    assert [sum(len(p.indicators) for p in d.projects) for d in counts.values()] == [66, 140, 37, 123, 139]
    tangshan = counts["004"]
    assert len(tangshan.overall.sections) == 11
    assert tangshan.overall.sections[0].title == "组织开展税源调查分析"
    assert sum(len(s.indicators) for s in tangshan.overall.sections) == 41


def test_project_recurring_under_two_units_is_two_projects():
    doc = parse_path(next(p for p in SEEDS if p.name.startswith("001")))
    same = [p for p in doc.projects if p.name == "财政改革专项工作经费"]
    assert [p.unit for p in same] == ["广州市财政局", "广州市预算评审保障中心"]
    assert [p.budget.total for p in same] == [1980.28, 18.58]
    assert [u.budget.total for u in doc.units] == [10638.16, 2754.66]
    assert doc.total.total == 13392.82


def test_form_fields_and_spending_plan():
    doc = parse_path(next(p for p in SEEDS if p.name.startswith("004")))
    first = doc.projects[0]
    assert first.code == "13020823P00023510001U"
    assert (first.unit, first.unit_code) == ("丰润区财政局本级", "318001")
    assert first.budget.total == 1.05 and first.budget.fiscal == 1.05 and first.budget.other is None
    assert [(s.month, s.cumulative_pct) for s in first.spending_plan] == [(3, None), (6, 100.0), (10, None), (12, None)]
    assert first.goal == "1.保障农村综改工作顺利开展\n2.及时足额拨付一事一议经费"
    last = doc.projects[-1]
    assert last.name == "国资经营中心：商业用房维修"  # the 项目名称 field wins over the heading
    assert last.unit_code == "318003"
    # a row the text export split in two is read as one indicator
    seventh = doc.projects[6].indicators[2]
    assert (seventh.annual.raw, seventh.basis) == ("2023年底完成", "计划标准")
