"""Execution fields in the store (migration 0004), on SQLite and PostgreSQL: a stored self-evaluation reads
back whole, an older store is carried over, and `score --db` / `track` work from the store."""

from __future__ import annotations

import json

from sqlalchemy import create_engine, text
from typer.testing import CliRunner

from jixiao.cli import app
from jixiao.model import Document
from jixiao.review.rules.execution import _ex, _i, _mon, _p, _t
from jixiao.store import load_document, open_engine, store_document
from jixiao.store.db import resolve_url, upgrade

runner = CliRunner()


def _doc(name: str, sha: str, **data) -> Document:
    return Document.model_validate({"source": {"name": name, "sha256": sha * 64, "format": "text"}, **data})


SELF_EVAL = _doc("自评.txt", "a", kind="self_evaluation", year=2023, department="某局", projects=[_p(
    [_i(1, "产出指标", "新建农田面积", "≥2000亩", "1800亩", 50, 50, "受汛期影响"),
     _i(2, "效益指标", "投诉率", "≤5%", "7%", 30, 30)],
    _ex(spent=95, rate=100, score=10) | {"forecast": 99.0}, {"score": 90, "grade": "优", "conclusion": "较好",
                                                            "problems": "进度偏慢", "measures": "加快施工"},
    code="P001", result="完成新建农田1800亩")],
    overall={"goal": "履职", "sections": [{"title": "履职", "indicators": [
        _i(1, "产出指标", "办件量", "≥100件", "120件", 90, 90)]}],
        "execution": _ex(), "result": "全面完成", "evaluation": {"score": 99.5, "grade": "优"}})
MONITORING = _doc("监控.txt", "b", **_mon([
    _i(1, "产出指标", "新建农田面积", "≥2000亩", "300亩", likelihood="确定能", forecast=_t("1800亩"),
       deviation="经费保障")], month=7, execution={"planned": 100, "spent": 30}))
TARGET = _doc("目标.txt", "c", year=2023, department="某局", projects=[
    {"name": "农田建设", "code": "P001", "indicators": [_i(1, "产出指标", "新建农田面积", "≥2500亩", None),
                                                      _i(2, "效益指标", "投诉率", "≤5%", None)]}])


def test_execution_fields_round_trip(store_url):
    engine = open_engine(store_url)
    with engine.begin() as c:
        for d in (SELF_EVAL, MONITORING, TARGET):
            assert store_document(c, d) == "stored"
    with engine.connect() as c:
        ids = [r[0] for r in c.execute(text("SELECT id FROM documents ORDER BY id"))]
        back = [load_document(c, i) for i in ids]
    for original, loaded in zip((SELF_EVAL, MONITORING, TARGET), back, strict=True):
        assert loaded.to_json_dict() == original.to_json_dict()


def test_an_older_store_is_carried_over(store_url):
    """A store at revision 0003 (before the execution fields) keeps its rows; they read back as target tables."""
    old = create_engine(resolve_url(store_url))
    upgrade(old, "0003")
    with old.begin() as c:
        doc_id = c.execute(text(
            "INSERT INTO documents (sha256, source_name, format, has_overall, n_projects, n_indicators, has_budget) "
            "VALUES (:sha, 'old.txt', 'text', false, 1, 1, false) RETURNING id"), {"sha": "d" * 64}).scalar()
        project_id = c.execute(text("INSERT INTO projects (document_id, position, name, has_plan, has_budget) "
                                    "VALUES (:d, 0, '旧项目', false, false) RETURNING id"), {"d": doc_id}).scalar()
        ind_id = c.execute(text("INSERT INTO indicators (document_id, project_id, position, seq, name) "
                                "VALUES (:d, :p, 0, 1, '受益人数') RETURNING id"), {"d": doc_id, "p": project_id}).scalar()
        c.execute(text("INSERT INTO targets (indicator_id, which, raw, kind, op, value, unit) "
                       "VALUES (:i, 'annual', '≥100人', 'number', '>=', 100, '人')"), {"i": ind_id})
    old.dispose()
    engine = open_engine(store_url)
    with engine.connect() as c:
        doc = load_document(c, doc_id)
    assert doc.kind == "target" and doc.projects[0].execution is None and doc.projects[0].evaluation is None
    ind = doc.projects[0].indicators[0]
    assert ind.annual.raw == "≥100人" and ind.actual is None and ind.weight is None and ind.score is None
    with engine.begin() as c:  # and a self-evaluation is stored beside it
        assert store_document(c, SELF_EVAL) == "stored"


def test_score_and_track_from_the_store(store_url, tmp_path):
    engine = open_engine(store_url)
    with engine.begin() as c:
        for d in (SELF_EVAL, MONITORING, TARGET):
            store_document(c, d)
    result = runner.invoke(app, ["score", "--db", store_url, "-f", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert [d["document"] for d in data["documents"]] == ["自评.txt", "监控.txt"]  # the target table is not scored
    projects = data["documents"][0]["projects"]
    assert [p["project"] for p in projects] == ["农田建设", "某局部门整体"]
    assert projects[0]["execution"]["rate_computed"] == 95 and projects[0]["total"]["recomputed"] == 72.5
    assert data["documents"][1]["projects"][0]["light"] == "red"
    only = json.loads(runner.invoke(app, ["score", "--db", store_url, "-f", "json", "--search", "农田"]).stdout)
    assert len(only["documents"]) == 2
    # track against the approved table kept in the store
    path = tmp_path / "自评.json"
    path.write_text(json.dumps(SELF_EVAL.to_json_dict(), ensure_ascii=False), encoding="utf-8")
    result = runner.invoke(app, ["track", str(path), "--db", store_url, "-f", "json"])
    assert result.exit_code == 0, result.output
    t, overall = json.loads(result.stdout)
    assert t["approved_document"] == "目标.txt" and t["match"] == "项目编码相同"
    assert overall["project"] == "某局部门整体" and overall["match"] == "库中没有已批复的部门整体目标表"
    assert [r["change"] for r in overall["indicators"]] == ["unlinked"]
    assert [r["change"] for r in t["indicators"]] == ["lowered", "unchanged"]


def test_track_loads_only_candidate_target_tables(store_url):
    from jixiao.execution.link import candidate_document_ids

    other = _doc("其他.txt", "e", year=2023, projects=[{"name": "图书馆运行经费", "indicators": [
        _i(1, "产出指标", "开放天数", "≥300天", None)]}])
    renamed = _doc("改名.txt", "f", year=2022, projects=[{"name": "2022年农田建设项目", "indicators": []}])
    dept = _doc("部门.txt", "g", department="某局", overall={"sections": [{"title": "履职", "indicators": [
        _i(1, "产出指标", "办件量", "≥100件", None)]}]})
    engine = open_engine(store_url)
    with engine.begin() as c:
        for d in (SELF_EVAL, TARGET, other, renamed, dept):
            store_document(c, d)
    with engine.connect() as c:
        names = {r[0]: r[1] for r in c.execute(text("SELECT id, source_name FROM documents"))}
        found = {names[i] for i in candidate_document_ids(c, [SELF_EVAL])}
    # by code (目标.txt), by a name that differs only by its year (改名.txt), by department (部门.txt)
    assert found == {"目标.txt", "改名.txt", "部门.txt"}
