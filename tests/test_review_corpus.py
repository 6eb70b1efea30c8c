"""The review on real tables: the hand-labelled findings on the golden corpus documents, and the layouts the
rules first misread there (a text cut inside the table, several quantity × unit-cost pairs, evaluation forms,
old-framework satisfaction, template placeholders, unreadable names, a 财政拨款 split by level)."""

from __future__ import annotations

import json
from collections import Counter

import pytest
from conftest import GOLDEN, ROOT

from jixiao.model import Document, Source
from jixiao.review import review_document
from jixiao.review.engine import all_rules

LABELS = json.loads((ROOT / "tests" / "review" / "corpus_findings.json").read_text(encoding="utf-8"))["findings"]
GOLDEN_CORPUS = sorted((GOLDEN / "corpus").glob("*.json"))


def _labelled_rules() -> set[str]:
    """Every family but execution, whose corpus precision its own notes record."""
    return {r.code for r in all_rules() if r.family != "execution"}


def _key(file: str, rule: str, seq: int | None) -> tuple:
    return file, rule, seq


def review_golden_corpus() -> Counter:
    """(file, rule, indicator seq) of every finding of the labelled families on the golden documents."""
    rules = _labelled_rules()
    found: Counter = Counter()
    for path in GOLDEN_CORPUS:
        doc = Document.model_validate(json.loads(path.read_text(encoding="utf-8")))
        for f in review_document(doc):
            if f.rule in rules:
                found[_key(path.stem, f.rule, f.indicator_seq)] += 1
    return found


def precision_table(found: Counter) -> list[str]:
    """Per rule: findings raised now, how many the labels call true, how many false (unlabelled: '?')."""
    truth = {_key(f["file"], f["rule"], f["indicator_seq"]): f["true"] for f in LABELS}
    rows, totals = [], Counter()
    for rule in sorted({k[1] for k in found}):
        keys = [k for k in found if k[1] == rule]
        n, t = sum(found[k] for k in keys), sum(found[k] for k in keys if truth.get(k) is True)
        unknown = sum(found[k] for k in keys if k not in truth)
        totals.update(n=n, t=t, u=unknown)
        rows.append(f"| {rule} | {n} | {t} | {n - t - unknown} |" + (f" {unknown} unlabelled |" if unknown else ""))
    rows.append(f"| **all** | **{totals['n']}** | **{totals['t']}** | **{totals['n'] - totals['t'] - totals['u']}** |")
    return rows


@pytest.fixture(scope="module")
def corpus_findings() -> Counter:
    return review_golden_corpus()


def test_labels_cover_the_golden_corpus():
    assert GOLDEN_CORPUS, "no golden corpus documents"
    assert {f["file"] for f in LABELS} <= {p.stem for p in GOLDEN_CORPUS}
    codes = {r.code for r in all_rules()}
    assert all(f["rule"] in codes and f["after_fix"] in {"kept", "new", "removed", "remains"} for f in LABELS)
    assert all(f["true"] or f["after_fix"] in {"removed", "remains"} for f in LABELS)


def test_true_findings_are_still_raised(corpus_findings):
    wanted = [_key(f["file"], f["rule"], f["indicator_seq"]) for f in LABELS if f["after_fix"] in ("kept", "new")]
    missing = [k for k in wanted if not corpus_findings[k]]
    assert not missing, f"true findings no longer raised: {missing[:5]}"


def test_false_findings_are_gone(corpus_findings):
    gone = [_key(f["file"], f["rule"], f["indicator_seq"]) for f in LABELS if f["after_fix"] == "removed"]
    back = [k for k in gone if corpus_findings[k]]
    assert not back, f"findings labelled false (or handed to another rule) are raised again: {back[:5]}"


def test_nothing_outside_the_labelled_set(corpus_findings):
    """A new finding on the corpus has to be read against the source and labelled before it is accepted."""
    known = Counter(_key(f["file"], f["rule"], f["indicator_seq"]) for f in LABELS if f["after_fix"] != "removed")
    extra = [k for k, n in corpus_findings.items() if n > known[k]]
    assert not extra, f"not in tests/review/corpus_findings.json: {extra[:5]}"


def test_corpus_precision_after_the_fixes():
    raised = [f for f in LABELS if f["after_fix"] != "removed"]
    assert sum(f["true"] for f in raised) / len(raised) >= 0.9


# --- the layouts the rules misread, as small documents -------------------------------------------------------

def _num(raw: str, op: str, value: float, unit: str | None) -> dict:
    return {"raw": raw, "kind": "number", "op": op, "value": value, "unit": unit}


def _ind(seq: int, level1: str | None, name: str, annual: dict | None, **extra) -> dict:
    return {"seq": seq, "level1": level1, "name": name, "annual": annual, **extra}


_OUT = _ind(1, "产出指标", "培训人次", _num("≥800人次", ">=", 800, "人次"), level2="数量指标")
_BEN = _ind(2, "效益指标", "持证上岗率", _num("≥90%", ">=", 90, "%"), level2="社会效益指标")
_SAT = _ind(3, "满意度指标", "学员满意度", _num("≥90%", ">=", 90, "%"), level2="服务对象满意度指标")
_ENDS = {"message": "文本在表格中途结束，最后一行不完整，未读取", "raw": "效益"}
_STARTS = {"message": "文本从表格中途开始，表头、项目信息和此前的指标行不在文本中", "raw": "产出指标"}


def _doc(*projects: dict, **extra) -> Document:
    return Document.model_validate({"source": Source(name="t.txt", sha256="0" * 64, format="text"),
                                    "projects": list(projects), **extra})


def _project(*inds: dict, name: str = "职业技能培训", **extra) -> dict:
    return {"name": name, "goal": "全年培训800人次。", "indicators": list(inds), **extra}


def _rules(doc: Document) -> Counter:
    return Counter(f.rule for f in review_document(doc))


def test_a_project_cut_by_the_end_of_the_text_is_not_missing_the_levels_after_the_cut():
    whole = _rules(_doc(_project(_OUT)))
    assert whole["JX102"] == whole["JX103"] == whole["JX105"] == 1
    cut = _rules(_doc(_project(_OUT), problems=[_ENDS]))
    assert cut["JX102"] == cut["JX103"] == cut["JX105"] == 0
    # "截断" says the same thing in other words
    assert _rules(_doc(_project(_OUT), problems=[{"message": "表格被截断"}]))["JX102"] == 0


def test_a_cut_spares_only_the_levels_that_could_stand_beyond_it():
    # 满意度 is listed after 效益, so a text that reached 满意度 and has no 效益 really has none
    found = _rules(_doc(_project(_OUT, dict(_SAT, seq=2)), problems=[_ENDS]))
    assert found["JX102"] == 1 and found["JX103"] == 0
    # a cost indicator may stand anywhere: a 建设 project cut at the end is not told it has none
    building = _project(_OUT, _BEN, name="加工车间建设项目")
    assert _rules(_doc(building))["JX104"] == 1
    assert _rules(_doc(building, problems=[_ENDS]))["JX104"] == 0


def test_only_the_project_at_the_cut_is_spared():
    first, last = _project(_OUT, name="甲项目"), _project(_OUT, name="乙项目")
    found = [(f.rule, f.project) for f in review_document(_doc(first, last, problems=[_ENDS]))]
    assert ("JX102", "甲项目") in found and ("JX102", "乙项目") not in found


def test_a_text_that_starts_mid_table_is_not_missing_what_came_before():
    tail = _project(dict(_SAT, seq=1), goal=None, name="（未注明项目名称）")
    assert {"JX101", "JX102", "JX106"} <= set(_rules(_doc(tail)))
    found = _rules(_doc(tail, problems=[_STARTS]))
    assert found["JX101"] == found["JX102"] == found["JX106"] == 0
    # 满意度 comes last: a tail that shows 产出 and 效益 and no 满意度 before its 合计 has none
    assert _rules(_doc(_project(_OUT, _BEN), problems=[_STARTS]))["JX103"] == 1


def test_a_second_level_tells_the_first_level_a_table_left_out():
    no_level1 = _project(_OUT, _ind(2, None, "图书馆管理机制健全性", {"raw": "健全", "kind": "text"},
                                    level2="可持续影响指标"), _SAT)
    assert _rules(_doc(no_level1))["JX102"] == 0


def _land(budget: float) -> dict:
    """Land, planting and works, each a quantity priced by a unit-cost cap: 2.85 + 1.15 + 6 = 10 万元."""
    return _project(
        _ind(1, "产出指标", "流转土地", _num("≥60亩", ">=", 60, "亩"), level2="数量指标"),
        _ind(2, "产出指标", "绿化面积", _num("≥230平方米", ">=", 230, "平方米"), level2="数量指标"),
        _ind(3, "产出指标", "硬化道路长度", _num("≥300米", ">=", 300, "米"), level2="数量指标"),
        _ind(4, "成本指标", "土地流转单价", _num("≤475元/亩", "<=", 475, "元/亩"), level2="经济成本指标"),
        _ind(5, "成本指标", "绿化单价", _num("≤50元/平方米", "<=", 50, "元/平方米"), level2="经济成本指标"),
        _ind(6, "成本指标", "道路硬化单价", _num("≤200元/米", "<=", 200, "元/米"), level2="经济成本指标"),
        _BEN | {"seq": 7}, _SAT | {"seq": 8}, name="示范基地建设", budget={"total": budget, "fiscal": budget})


def test_quantity_cost_compares_the_budget_with_the_sum_of_all_pairs():
    assert _rules(_doc(_land(10), money_unit="万元"))["JX405"] == 0  # 2.85 + 1.15 + 6 = 10
    short = [f for f in review_document(_doc(_land(20), money_unit="万元")) if f.rule == "JX405"]
    assert len(short) == 1
    assert "2.85 + 1.15 + 6 = 10万元" in short[0].message and "预算为 20万元" in short[0].message


def test_quantity_cost_pairs_each_quantity_with_its_own_price():
    """Two quantities in 亩: each is priced by the cap whose name it shares, not both by one."""
    doc = _doc(_project(
        _ind(1, "产出指标", "流转土地", _num("≥60亩", ">=", 60, "亩")),
        _ind(2, "产出指标", "种植面积", _num("≥20亩", ">=", 20, "亩")),
        _ind(3, "成本指标", "种植单价", _num("≤1000元/亩", "<=", 1000, "元/亩")),
        _ind(4, "成本指标", "土地流转单价", _num("≤475元/亩", "<=", 475, "元/亩")),
        name="种植基地", budget={"total": 10, "fiscal": 10}), money_unit="万元")
    found = [f for f in review_document(doc) if f.rule == "JX405"]
    assert len(found) == 1  # 2.85 + 2 = 4.85 of 10
    assert "“流转土地”≥60亩 × “土地流转单价”≤475元/亩" in found[0].message
    assert "“种植面积”≥20亩 × “种植单价”≤1000元/亩" in found[0].message


def test_an_evaluation_form_is_not_asked_for_a_goal():
    no_goal = _project(_OUT, _BEN, _SAT, goal=None)
    assert _rules(_doc(no_goal))["JX106"] == 1
    assert _rules(_doc(no_goal, kind="self_evaluation"))["JX106"] == 0
    assert _rules(_doc(no_goal, title="2019年度高中助学金项目绩效评价指标表"))["JX106"] == 0


def test_old_framework_satisfaction_without_a_second_level_is_not_misplaced():
    sat = _ind(3, "效益指标", "救助对象满意度(%)", _num("85%", "=", 85, "%"))
    found = _rules(_doc(_project(dict(_OUT, level2=None), sat)))
    assert found["JX302"] == 0 and found["JX303"] == 1
    # under 产出 it is misplaced in any framework
    assert _rules(_doc(_project(_OUT, dict(sat, level1="产出指标"))))["JX302"] == 1


def test_a_unit_in_a_template_placeholder_counts():
    rate = _ind(2, "产出指标", "苗木成活率(≥**%)", _num("85", "=", 85, None))
    assert _rules(_doc(_project(_OUT, rate)))["JX204"] == 0
    assert _rules(_doc(_project(_OUT, dict(rate, name="苗木成活率"))))["JX204"] == 1


def test_unreadable_names_are_not_duplicates():
    glued = "指标内容与指标值粘连（88100），无法分开"
    inds = [_ind(n, "产出指标", "88100", None, problem=glued) for n in (1, 2, 3)]
    assert _rules(_doc(_project(*inds)))["JX501"] == 0
    bare = [_ind(n, "产出指标", "88100", _num("100", "=", 100, None)) for n in (1, 2)]
    assert _rules(_doc(_project(*bare)))["JX501"] == 0
    assert _rules(_doc(_project(_OUT, dict(_OUT, seq=2))))["JX501"] == 1


def test_two_target_blocks_are_not_duplicates():
    """长期 + 年度 blocks list the same indicators twice, the second maybe cut short by the end of the text."""
    names = ["新建道路长度", "道路验收合格率", "按期完工率", "受益群众满意度"]
    block = [_ind(n, "产出指标", name, _num("≥1", ">=", 1, "个")) for n, name in enumerate(names, 1)]
    again = [dict(i, seq=i["seq"] + 4) for i in block]
    assert _rules(_doc(_project(*block, *again)))["JX501"] == 0
    assert _rules(_doc(_project(*block, *again[:3])))["JX501"] == 0  # the second block cut after three rows
    assert _rules(_doc(_project(*block, again[0])))["JX501"] == 1  # one row again is a duplicate

def test_budget_parts_without_the_fiscal_part_are_a_lower_bound():
    split = _project(_OUT, budget={"total": 7.0, "other": 0.0})  # 财政资金 split 中央/省级/市级, not read
    assert _rules(_doc(split))["JX401"] == 0
    over = _project(_OUT, budget={"total": 7.0, "other": 9.0})
    assert _rules(_doc(over))["JX401"] == 1
    assert _rules(_doc(_project(_OUT, budget={"total": 100, "fiscal": 80, "other": 10})))["JX401"] == 1


def test_a_self_evaluation_budget_block_is_checked_once():
    ev = _project(_OUT, budget={"total": 0.0, "fiscal": 90.0},
                  execution={"planned": 0.0, "adjusted": 0.0, "spent": 0.0, "weight": 10.0})
    found = _rules(_doc(ev, kind="self_evaluation"))
    assert found["JX401"] == 0 and found["JX611"] == 1


def test_a_department_wide_table_gets_the_indicator_rules_only():
    """Its indicators sit in `overall`; the project rules (levels, goal, budget) are for project tables."""
    from jixiao.review.report import build_report

    section = {"title": "部门整体支出绩效目标", "indicators": [
        _ind(1, "产出指标", "造林面积", _num("≥2000亩", ">=", 2000, "亩")),
        _ind(2, "产出指标", "提高就业率", {"raw": "显著", "kind": "text"})]}
    doc = _doc(department="某局", overall={"goal": None, "sections": [section]})
    found = review_document(doc)
    assert [(f.rule, f.indicator_seq, f.project) for f in found] == [("JX201", 2, "部门整体支出绩效目标")]
    [dept] = build_report([(doc, found)])
    assert dept.name == "某局" and [f.rule for f in dept.general] == ["JX201"]


if __name__ == "__main__":  # the figures in docs/rules.md: .venv/bin/python tests/test_review_corpus.py
    print("| rule | findings | true | false |\n|---|---|---|---|")
    print("\n".join(precision_table(review_golden_corpus())))
