"""The indicator library and suggestions."""

from __future__ import annotations

import json

import pytest
from conftest import SEEDS
from typer.testing import CliRunner

from jixiao.cli import app
from jixiao.ingest import ingest
from jixiao.library import Suggester, build_library, group, leave_one_out_recall, search_library, show_entry
from jixiao.store import open_engine

runner = CliRunner()


def _rows(names):
    return [(n, name, "产出指标", None, "≥95%", n) for n, name in enumerate(names)]


def test_name_variants_are_grouped_with_evidence():
    entries = group(_rows(["系统正常运行率", "系统正常运行率", "系统正常运行率1", "正常运行率", "设备正常运行率",
                           "信息化(项目)工作完成率", "信息化（项目）工作完成率", "用户满意度"]))
    by_name = {e.name: e for e in entries}
    assert set(by_name["系统正常运行率"].names) == {"系统正常运行率", "系统正常运行率1", "正常运行率"}
    assert "包含" in by_name["系统正常运行率"].evidence["正常运行率"]
    assert "设备正常运行率" in by_name  # not merged into 系统正常运行率 through 正常运行率
    assert len(by_name["信息化(项目)工作完成率"].members) == 2
    assert "用户满意度" in by_name and len(entries) == 4


@pytest.fixture(scope="module")
def seeded(tmp_path_factory):
    engine = open_engine(str(tmp_path_factory.mktemp("lib") / "lib.db"))
    ingest(engine, SEEDS, workers=1)
    with engine.begin() as conn:
        build_library(conn)
    return engine


def test_library_search_show_and_distributions(seeded):
    with seeded.connect() as conn:
        [entry] = [e for e in search_library(conn, "正常运行率") if e["name"] == "系统正常运行率"]
        assert {v["name"] for v in entry["variants"]} >= {"系统正常运行率", "系统正常运行率1", "正常运行率"}
        assert entry["count"] == sum(v["count"] for v in entry["variants"])
        assert any(t["target"] == "≥95%" and (t["op"], t["value"], t["unit"]) == (">=", 95.0, "%")
                   for t in entry["targets"])
        assert any(p["level"].startswith("效益指标") for p in entry["placements"])
        shown = show_entry(conn, str(entry["id"]))
        assert shown["projects"] and all({"name", "source_name"} <= set(p) for p in shown["projects"])
        assert show_entry(conn, "系统正常运行率")["id"] == entry["id"]


def test_suggestions_come_from_similar_projects(seeded):
    with seeded.connect() as conn:
        rows = Suggester.from_store(conn).suggest("政务信息系统运维服务项目，保障信息系统安全稳定运行", limit=10)
    names = [r["name"] for r in rows]
    assert "系统正常运行率" in names[:5]
    top = rows[0]
    assert top["typical_targets"] and top["from_projects"] and top["score"] > 0
    assert all("运维" in p or "信息" in p for p, _ in rows[0]["from_projects"][:2])


def test_leave_one_out_recall_is_measured(seeded):
    with seeded.connect() as conn:
        recall, n = leave_one_out_recall(conn, k=10)
    assert n >= 80 and 0.3 < recall <= 1.0


def test_cli_library_and_suggest(tmp_path):
    db = str(tmp_path / "c.db")
    assert runner.invoke(app, ["ingest", *map(str, SEEDS), "--db", db, "-w", "1"]).exit_code == 0
    result = runner.invoke(app, ["library", "search", "满意", "--db", db, "-f", "json"])
    rows = json.loads(result.stdout)
    assert rows and all(any("满意" in v["name"] for v in r["variants"]) for r in rows)
    result = runner.invoke(app, ["library", "show", "不存在的指标", "--db", db])
    assert result.exit_code == 1 and "没有" in result.output
    result = runner.invoke(app, ["suggest", "办公设备购置", "--db", db, "-f", "json"])
    assert any("办公设备" in r["name"] for r in json.loads(result.stdout)[:5])
