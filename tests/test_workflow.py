"""The review workflow on a real store (SQLite and PostgreSQL): moves and their refusals, comments with the
national opinion codes and attached findings, the review sheet, and what each action leaves in the audit log."""

from __future__ import annotations

import re

import pytest
from conftest import SHARED
from sqlalchemy import create_engine, text

from jixiao.model import Document
from jixiao.review import review_document
from jixiao.store import open_engine, store_document
from jixiao.store.db import resolve_url, upgrade
from jixiao.values import parse_target
from jixiao.workflow import audit, facade
from jixiao.workflow.actor import Actor, as_actor
from jixiao.workflow.comments import CommentError
from jixiao.workflow.opinions import OPINIONS
from jixiao.workflow.permissions import PermissionDenied
from jixiao.workflow.status import NotFound, set_status
from jixiao.workflow.transitions import TransitionError

DEPT = "某某市交通局"
OTHER = "某某市水务局"
OFFICER = Actor("经办甲", "officer", (DEPT,))
STRANGER = Actor("经办乙", "officer", (OTHER,))
REVIEWER = Actor("审核丙", "reviewer")
ASSIGNED_ELSEWHERE = Actor("审核丁", "reviewer", (OTHER,))
ADMIN = Actor("管理员戊", "administrator")


def _ind(seq: int, level1: str, level2: str, name: str, value: str) -> dict:
    return {"seq": seq, "level1": level1, "level2": level2, "name": name,
            "annual": parse_target(value).model_dump(exclude_none=True)}


def make_document(sha: str = "e", department: str = DEPT) -> Document:
    """Two invented projects, with rows the review rules flag (a rate with a word for its value, a vague
    effect) beside clean ones."""
    return Document.model_validate({
        "source": {"name": f"目标表{sha}.txt", "sha256": sha * 64, "format": "text"}, "year": 2025,
        "department": department, "title": "2025年项目支出绩效目标表",
        "projects": [
            {"name": "道路养护", "department": department, "goal": "完成城区道路养护",
             "indicators": [_ind(1, "产出指标", "数量指标", "养护道路里程", "≥120公里"),
                            _ind(2, "产出指标", "质量指标", "养护合格率", "较高"),
                            _ind(3, "满意度指标", "服务对象满意度指标", "群众满意度", "≥90%")]},
            {"name": "路灯维修", "department": department, "goal": "保障夜间照明",
             "indicators": [_ind(1, "产出指标", "数量指标", "维修路灯数量", "≥500盏"),
                            _ind(2, "效益指标", "社会效益指标", "夜间出行便利程度", "有效提升")]}]})


def stored(url: str, status: str = "draft", sha: str = "e", department: str = DEPT) -> tuple:
    engine = open_engine(url)
    with engine.begin() as conn:
        assert store_document(conn, make_document(sha, department)) == "stored"
        doc_id = conn.execute(text("SELECT max(id) FROM documents")).scalar()
        set_status(conn, doc_id, status)
    return engine, doc_id


def _status(engine, doc_id: int) -> str:
    with engine.connect() as conn:
        return conn.execute(text("SELECT status FROM documents WHERE id = :i"), {"i": doc_id}).scalar()


def _audit_count(engine) -> int:
    with engine.connect() as conn:
        return audit.count(conn)


def test_a_table_goes_round_the_workflow_and_every_move_is_audited(store_url):
    engine, doc = stored(store_url)
    r = facade.move(engine, OFFICER, doc, "submit")
    assert (r["before"], r["after"], r["round"]) == ("draft", "submitted", 1)
    facade.comment(engine, REVIEWER, doc, project_index=0, indicator_seq=2, opinion_code=4, text="合格率应写百分比")
    r = facade.move(engine, REVIEWER, doc, "return")
    assert (r["before"], r["after"], r["round"]) == ("submitted", "returned", 1)
    r = facade.move(engine, OFFICER, doc, "submit")  # revised and sent again: round 2
    assert (r["before"], r["after"], r["round"]) == ("returned", "submitted", 2)
    r = facade.move(engine, REVIEWER, doc, "approve")
    assert (r["before"], r["after"], r["round"]) == ("submitted", "approved", 2)
    assert _status(engine, doc) == "approved"
    with engine.connect() as conn:
        moves = [e for e in reversed(audit.entries(conn, audit.AuditFilter(target=f"document:{doc}")))]
    assert [(e["action"], e["actor"], e["actor_role"], e["before"], (e["after"] or {}).get("status"))
            for e in moves if e["action"] != "workflow.comment"] == [
        ("workflow.submit", "经办甲", "officer", {"status": "draft"}, "submitted"),
        ("workflow.return", "审核丙", "reviewer", {"status": "submitted"}, "returned"),
        ("workflow.submit", "经办甲", "officer", {"status": "returned"}, "submitted"),
        ("workflow.approve", "审核丙", "reviewer", {"status": "submitted"}, "approved")]
    assert all(e["department"] == DEPT and e["at"] for e in moves)
    comment_entry = [e for e in moves if e["action"] == "workflow.comment"][0]
    assert comment_entry["before"] is None and comment_entry["after"]["opinion"] == 4
    assert comment_entry["after"]["text"] == "合格率应写百分比"


@pytest.mark.parametrize(("status", "actor", "action", "refusal", "words"), [
    ("submitted", OFFICER, "submit", TransitionError, "当前状态为“已报送”，不能报送"),
    ("approved", OFFICER, "submit", TransitionError, "当前状态为“已审核通过”，不能报送"),
    ("draft", REVIEWER, "approve", TransitionError, "当前状态为“草稿”，不能审核通过"),
    ("returned", REVIEWER, "return", TransitionError, "当前状态为“已退回”，不能退回修改"),
    ("approved", REVIEWER, "return", TransitionError, "不能退回修改"),
    ("submitted", REVIEWER, "return", TransitionError, "退回前须至少填写一条审核意见"),
    ("submitted", OFFICER, "approve", PermissionDenied, "部门填报人员“经办甲”无权审核通过"),
    ("draft", STRANGER, "submit", PermissionDenied, "无权报送部门“某某市交通局”的表"),
    ("draft", REVIEWER, "submit", PermissionDenied, "无权报送"),
    ("submitted", ASSIGNED_ELSEWHERE, "approve", PermissionDenied, "无权审核通过"),
    ("submitted", Actor("分析己", "analyst"), "return", PermissionDenied, "无权退回"),
])
def test_an_illegal_move_is_refused_in_chinese_and_changes_nothing(tmp_path, status, actor, action, refusal, words):
    engine, doc = stored(f"sqlite:///{tmp_path / 'wf.db'}", status)
    before = _audit_count(engine)
    with pytest.raises(refusal) as caught:
        facade.move(engine, actor, doc, action)
    assert words in caught.value.message
    assert _status(engine, doc) == status and _audit_count(engine) == before


def test_return_with_a_reason_stores_it_as_a_comment(store_url):
    engine, doc = stored(store_url, "submitted")
    facade.move(engine, REVIEWER, doc, "return", "请补充成本指标")
    with engine.connect() as conn:
        from jixiao.workflow.comments import comments_of

        (c,) = comments_of(conn, doc)
    assert (c["text"], c["project"], c["indicator"], c["author"], c["round"]) == ("请补充成本指标", None, None,
                                                                                  "审核丙", 1)
    assert _status(engine, doc) == "returned"


def test_no_such_document(tmp_path):
    engine, _ = stored(f"sqlite:///{tmp_path / 'wf.db'}")
    with pytest.raises(NotFound, match="没有编号为 999 的文档"):
        facade.move(engine, ADMIN, 999, "submit")


def _opinions_of_rules_md() -> dict[int, str]:
    """The reviewer's opinion list as rules.md §8.3 prints it: `1 指标不够完整, 2 …, 11 其他`."""
    section = (SHARED / "rules.md").read_text(encoding="utf-8").split("### 8.3", 1)[1]
    listed = section.split("opinion list", 1)[1].split(":", 1)[1].split(".\n", 1)[0]
    return {int(n): label.strip() for n, label in re.findall(r"(\d+)\s+([^,]+?)(?:,|$)", " ".join(listed.split()))}


def test_the_vocabulary_is_the_national_opinion_list():
    expected = _opinions_of_rules_md()
    assert len(expected) == 11
    assert {code: o.label for code, o in OPINIONS.items()} == expected
    assert all(o.fix for o in OPINIONS.values())


def test_each_opinion_code_is_accepted_and_read_back_with_its_label(store_url):
    engine, doc = stored(store_url, "submitted")
    for code in OPINIONS:
        facade.comment(engine, REVIEWER, doc, project_index=0, indicator_seq=1 + code % 3, opinion_code=code,
                       text=f"意见{code}")
    back = facade.comments(engine, REVIEWER, doc)
    assert [(c["opinion"], c["opinion_label"], c["text"]) for c in back] == [
        (code, o.label, f"意见{code}") for code, o in OPINIONS.items()]
    # with no fix of the reviewer's own and no rule attached, the department reads the opinion's fix
    assert [c["fix"] for c in back] == [o.fix for o in OPINIONS.values()]
    assert [c["indicator"] for c in back[:3]] == ["养护合格率", "群众满意度", "养护道路里程"]


def test_a_comment_carries_the_findings_of_the_rules_attached(store_url):
    engine, doc = stored(store_url, "submitted")
    findings = [f for f in review_document(make_document()) if f.project_index == 0 and f.indicator_seq == 2]
    assert findings, "the review should flag 养护合格率 = 较高"
    rule = findings[0].rule
    c = facade.comment(engine, REVIEWER, doc, project_index=0, indicator_seq=2, opinion_code=2,
                       text="请写明合格率目标", rules=[rule.lower(), "JX101"])
    attached = {f["rule"]: f for f in c["findings"]}
    assert attached[rule]["message"] == findings[0].message and attached[rule]["fix"] == findings[0].fix
    assert attached["JX101"]["fix"]  # a rule jixiao did not fire on this row is attached with its catalog fix
    assert c["fix"].startswith(findings[0].fix)  # the rules' fix, not the opinion's, when the reviewer gave none
    own = facade.comment(engine, REVIEWER, doc, project_index=0, indicator_seq=2, opinion_code=2, fix="改为“≥98%”",
                         rules=[rule])
    assert own["fix"] == "改为“≥98%”"


@pytest.mark.parametrize(("fields", "words"), [
    ({"opinion_code": 12}, "不在全国审核意见清单中"),
    ({"opinion_code": "x"}, "不在全国审核意见清单中"),
    ({}, "审核意见为空"),
    ({"text": "   "}, "审核意见为空"),
    ({"project_index": 5, "text": "意见"}, "文档中没有第 6 个项目"),
    ({"project_index": 0, "indicator_seq": 9, "text": "意见"}, "没有序号为 9 的指标"),
    ({"indicator_seq": 1, "text": "意见"}, "没有指定项目"),
    ({"text": "意见", "rules": ["JX999"]}, "规则 JX999 不在规则目录中"),
    ({"text": "长" * 2001}, "审核意见过长"),
])
def test_a_bad_comment_is_refused(tmp_path, fields, words):
    engine, doc = stored(f"sqlite:///{tmp_path / 'wf.db'}", "submitted")
    with pytest.raises(CommentError, match=words):
        facade.comment(engine, REVIEWER, doc, **fields)
    assert facade.comments(engine, REVIEWER, doc) == []


def test_only_a_reviewer_comments_and_only_on_a_table_under_review(tmp_path):
    engine, doc = stored(f"sqlite:///{tmp_path / 'wf.db'}", "draft")
    with pytest.raises(CommentError, match="只能对已报送、正在审核的表填写审核意见（当前状态：草稿）"):
        facade.comment(engine, REVIEWER, doc, text="意见")
    facade.move(engine, OFFICER, doc, "submit")
    with pytest.raises(PermissionDenied, match="无权填写审核意见"):
        facade.comment(engine, OFFICER, doc, text="自己的意见")
    with pytest.raises(PermissionDenied, match="无权填写审核意见"):
        facade.comment(engine, ASSIGNED_ELSEWHERE, doc, text="意见")
    with pytest.raises(PermissionDenied, match="无权查看审核意见"):
        facade.comments(engine, STRANGER, doc)
    facade.comment(engine, REVIEWER, doc, text="意见")
    assert [c["text"] for c in facade.comments(engine, OFFICER, doc)] == ["意见"]  # the department reads them


def test_the_sheet_puts_comments_and_findings_beside_their_rows(store_url):
    engine, doc = stored(store_url, "submitted")
    facade.comment(engine, REVIEWER, doc, project_index=1, indicator_seq=2, opinion_code=2, text="效益要量化")
    facade.comment(engine, REVIEWER, doc, project_index=0, opinion_code=8)
    facade.comment(engine, REVIEWER, doc, text="整体偏弱")
    s = facade.sheet(engine, OFFICER, doc)
    rows = {(p["index"], r["seq"]): r for p in s["projects"] for r in p["rows"]}
    assert [c["text"] for c in rows[(1, 2)]["comments"]] == ["效益要量化"]
    assert all(not r["comments"] for k, r in rows.items() if k != (1, 2))
    assert [c["opinion"] for c in s["projects"][0]["comments"]] == [8]
    assert [c["text"] for c in s["comments"]] == ["整体偏弱"]
    expected = review_document(make_document())
    beside = {(f["project_index"], f["indicator_seq"], f["rule"]) for (pi, _), r in rows.items() for f in r["findings"]
              for f in [dict(f, project_index=pi)]}
    assert beside == {(f.project_index, f.indicator_seq, f.rule) for f in expected
                      if f.project_index is not None and f.indicator_seq is not None}
    assert s["actions"] == []  # the officer may not move a submitted table
    assert facade.sheet(engine, REVIEWER, doc)["actions"] == ["return", "approve"]
    with pytest.raises(PermissionDenied):
        facade.sheet(engine, STRANGER, doc)


def test_audit_record_is_one_call_for_every_part(store_url):
    """Uploads, edits, deletes and user changes are recorded by their own parts with the same call."""
    engine = open_engine(store_url)
    with engine.begin() as conn:
        first = audit.record(conn, ADMIN, "user.set-role", "user:经办甲", {"role": "analyst"},
                             {"role": "officer", "departments": {DEPT}})
        audit.record(conn, "经办甲", "document.upload", "document:7", None, {"name": "表.xlsx"}, DEPT)
        audit.record(conn, None, "document.delete", "document:7", {"name": "表.xlsx", "projects": 3}, None, DEPT)
    audit.record(engine, make_principal(), "draft.save", "draft:2", {"version": 1}, {"version": 2})
    with engine.connect() as conn:
        rows = audit.entries(conn)
        assert audit.count(conn, audit.AuditFilter(department=DEPT)) == 2
        assert [r["action"] for r in audit.entries(conn, audit.AuditFilter(action="document."))] == [
            "document.delete", "document.upload"]
        assert [r["id"] for r in audit.entries(conn, audit.AuditFilter(actor="经办甲"))] == [first + 1]
    assert [(r["actor"], r["actor_role"], r["action"], r["target"], r["before"], r["after"]) for r in rows] == [
        ("审核庚", "reviewer", "draft.save", "draft:2", {"version": 1}, {"version": 2}),
        ("系统", None, "document.delete", "document:7", {"name": "表.xlsx", "projects": 3}, None),
        ("经办甲", None, "document.upload", "document:7", None, {"name": "表.xlsx"}),
        ("管理员戊", "administrator", "user.set-role", "user:经办甲", {"role": "analyst"},
         {"role": "officer", "departments": [DEPT]})]
    assert all(r["at"].endswith("+00:00") for r in rows)


def make_principal():
    """A principal shaped like the accounts part's (name, role code, departments None = all)."""
    from types import SimpleNamespace

    return SimpleNamespace(name="审核庚", role="reviewer", departments=None, user_id=3)


def test_a_principal_of_the_accounts_part_is_an_actor():
    assert as_actor(make_principal()) == Actor("审核庚", "reviewer", ())
    from types import SimpleNamespace

    assert as_actor(SimpleNamespace(name="经办", role="officer", departments=frozenset({DEPT}))).departments == (DEPT,)
    assert as_actor(SimpleNamespace(name="", role="visitor", departments=None)) == Actor("访客", None, ())
    assert as_actor(SimpleNamespace(name="管理", role="admin", departments=None)).role == "administrator"


def test_audit_log_is_for_administrators(tmp_path):
    engine, doc = stored(f"sqlite:///{tmp_path / 'wf.db'}")
    facade.move(engine, OFFICER, doc, "submit")
    for who in (OFFICER, REVIEWER):
        with pytest.raises(PermissionDenied, match="无权查看审计日志"):
            facade.audit_log(engine, who)
    total, rows = facade.audit_log(engine, ADMIN)
    assert total == 1 and rows[0]["action"] == "workflow.submit"


def test_a_store_at_the_previous_revision_is_carried_over(store_url):
    """A store at 0007 (with a document in it) gains the comment and audit tables; its document moves on."""
    old = create_engine(resolve_url(store_url))
    upgrade(old, "0007")
    with old.begin() as c:
        doc_id = c.execute(text(
            "INSERT INTO documents (sha256, source_name, format, has_overall, n_projects, n_indicators, has_budget, "
            "department, kind, has_execution, has_evaluation) "
            "VALUES (:sha, 'old.txt', 'text', false, 1, 1, false, :d, 'target', false, false) RETURNING id"),
            {"sha": "f" * 64, "d": DEPT}).scalar()
        c.execute(text("INSERT INTO projects (document_id, position, name, has_plan, has_budget, has_execution, "
                       "has_evaluation) VALUES (:d, 0, '旧项目', false, false, false, false)"), {"d": doc_id})
    old.dispose()
    engine = open_engine(store_url)
    assert _status(engine, doc_id) == "published"  # 0007's default: a table read from a published file
    with engine.begin() as conn:
        assert set_status(conn, doc_id, "submitted", expected="published")  # handed in for review
    facade.comment(engine, REVIEWER, doc_id, project_index=0, opinion_code=9, text="请增加产出指标")
    facade.move(engine, REVIEWER, doc_id, "return")
    assert _status(engine, doc_id) == "returned"
    assert [c["project"] for c in facade.comments(engine, OFFICER, doc_id)] == ["旧项目"]


def test_a_move_only_lands_on_the_status_it_was_made_from(tmp_path):
    """Two reviewers pressing 通过 and 退回 at once: the second update finds the status changed and does nothing."""
    engine, doc = stored(f"sqlite:///{tmp_path / 'wf.db'}", "submitted")
    with engine.begin() as conn:
        assert set_status(conn, doc, "approved", expected="submitted")
        assert not set_status(conn, doc, "returned", expected="submitted")
    assert _status(engine, doc) == "approved"


def test_a_comment_with_a_nul_character_is_refused_on_both_backends(store_url):
    engine, doc = stored(store_url, "submitted")
    with pytest.raises(CommentError, match="无效字符"):
        facade.comment(engine, REVIEWER, doc, text="意见\x00")


def test_audit_time_bounds_in_any_offset(store_url):
    from datetime import UTC, datetime, timedelta, timezone

    engine = open_engine(store_url)
    before = datetime.now(UTC)
    audit.record(engine, ADMIN, "document.upload", "document:1", None, {"name": "a"})
    after = datetime.now(UTC)
    east8 = timezone(timedelta(hours=8))
    with engine.connect() as conn:
        def n(since=None, until=None) -> int:
            return audit.count(conn, audit.AuditFilter(since=since, until=until))

        assert n(since=before.astimezone(east8)) == 1 and n(until=before.astimezone(east8)) == 0
        assert n(since=after.astimezone(east8) + timedelta(seconds=1)) == 0
        assert n(since=before.replace(tzinfo=None), until=after.replace(tzinfo=None) + timedelta(seconds=1)) == 1


def test_a_table_naming_no_department_answers_to_its_projects_department(store_url):
    from jixiao.workflow.status import document_info, documents_in

    engine = open_engine(store_url)
    shared = make_document("1").model_copy(update={"department": None})
    mixed = make_document("2").model_copy(update={"department": None})
    mixed.projects[1] = mixed.projects[1].model_copy(update={"department": OTHER})
    with engine.begin() as conn:
        for d in (shared, mixed):
            store_document(conn, d)
        ids = [r[0] for r in conn.execute(text("SELECT id FROM documents ORDER BY id"))]
        for i in ids:
            set_status(conn, i, "submitted")  # handed in for review (a stored file is `published`)
        assert [document_info(conn, i)["department"] for i in ids] == [DEPT, None]
        assert [(r["id"], r["department"]) for r in documents_in(conn, ("submitted",))] == [(ids[1], None),
                                                                                          (ids[0], DEPT)]
        assert [r["id"] for r in documents_in(conn, ("submitted",), DEPT)] == [ids[0]]
    assert [r["id"] for r in facade.tables(engine, OFFICER)] == [ids[0]]  # an officer lists their own only
    assert [r["actions"] for r in facade.tables(engine, REVIEWER)] == [["return", "approve"]] * 2


def test_a_comment_is_taken_back_by_its_author_and_the_log_keeps_it(store_url):
    engine, doc = stored(store_url, "submitted")
    other_reviewer = Actor("审核辛", "reviewer")
    mine = facade.comment(engine, REVIEWER, doc, project_index=0, indicator_seq=1, opinion_code=5, text="拆开")
    kept = facade.comment(engine, REVIEWER, doc, text="保留")
    with pytest.raises(PermissionDenied, match="只能删除自己填写的审核意见"):
        facade.uncomment(engine, other_reviewer, doc, mine["id"])
    with pytest.raises(PermissionDenied):
        facade.uncomment(engine, OFFICER, doc, mine["id"])
    with pytest.raises(NotFound):
        facade.uncomment(engine, REVIEWER, doc, 999)
    gone = facade.uncomment(engine, REVIEWER, doc, mine["id"])
    assert gone["text"] == "拆开"
    assert [c["id"] for c in facade.comments(engine, REVIEWER, doc)] == [kept["id"]]
    with engine.connect() as conn:
        (entry,) = audit.entries(conn, audit.AuditFilter(action="workflow.comment.delete"))
    assert entry["actor"] == "审核丙" and entry["after"] is None
    assert (entry["before"]["text"], entry["before"]["opinion"], entry["before"]["indicator"]) == ("拆开", 5,
                                                                                                  "养护道路里程")
    facade.move(engine, REVIEWER, doc, "return")
    with pytest.raises(CommentError, match="只能删除正在审核的表上本轮的审核意见"):
        facade.uncomment(engine, ADMIN, doc, kept["id"])


def test_an_officers_list_is_narrowed_in_the_query(tmp_path):
    """With more tables of other departments than the list shows, an officer still sees their own."""
    url = f"sqlite:///{tmp_path / 'wf.db'}"
    engine, own = stored(url, "submitted", "0")
    for n in range(1, 4):
        stored(url, "submitted", str(n), OTHER)
    assert [r["id"] for r in facade.tables(engine, OFFICER, limit=2)] == [own]
    assert len(facade.tables(engine, REVIEWER, limit=2)) == 2
    assert facade.tables(engine, Actor("无部门", "officer")) == []


def test_a_revised_table_keeps_its_comments_beside_the_same_rows(store_url):
    """A revision rewrites the rows under the same document: a row that moved keeps its comment (found by
    name); a row that is gone shows its comment under its project with the name it had, in the letter too."""
    engine, doc = stored(store_url, "submitted")
    facade.comment(engine, REVIEWER, doc, project_index=0, indicator_seq=2, opinion_code=4, text="合格率写百分比")
    facade.comment(engine, REVIEWER, doc, project_index=1, indicator_seq=2, opinion_code=2, text="便利程度要量化")
    with engine.begin() as conn:  # the officer's revision: one row renamed away, one moved to 序号 3
        conn.execute(text("UPDATE indicators SET name = '养护达标率' WHERE document_id = :d AND name = '养护合格率'"),
                     {"d": doc})
        conn.execute(text("UPDATE indicators SET seq = 3 WHERE document_id = :d AND name = '夜间出行便利程度'"),
                     {"d": doc})
    s = facade.sheet(engine, REVIEWER, doc)
    moved = [r for r in s["projects"][1]["rows"] if r["seq"] == 3][0]
    assert [c["text"] for c in moved["comments"]] == ["便利程度要量化"] and not moved["comments"][0]["orphan"]
    assert [(c["text"], c["orphan"]) for c in s["projects"][0]["comments"]] == [("合格率写百分比", True)]
    assert all(not r["comments"] for r in s["projects"][0]["rows"])
    from jixiao.workflow.letter import letter_rows

    where = {r[1]: r[0] for _, rows in letter_rows(s) for r in rows if "】" in r[1] and "jixiao" not in r[1]}
    assert where == {"【4 指标与指标值不匹配】合格率写百分比": "原第2项 养护合格率",
                     "【2 指标不够细化、量化】便利程度要量化": "第3项 夜间出行便利程度"}
