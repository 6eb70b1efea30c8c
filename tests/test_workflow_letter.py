"""The 审核意见书 (DOCX), read back with python-docx: every comment of the current round with its opinion, its
rule and its fix, and every jixiao finding with its rule and fix, per project; the CLI writes the same."""

from __future__ import annotations

import io

import docx
from test_workflow import ADMIN, DEPT, OFFICER, OTHER, REVIEWER, make_document, stored
from typer.testing import CliRunner

from jixiao.cli import app
from jixiao.review import review_document
from jixiao.workflow import facade
from jixiao.workflow.letter import HEADERS

runner = CliRunner()


def _read(data: bytes) -> tuple[list[str], list[list[list[str]]]]:
    d = docx.Document(io.BytesIO(data))
    return [p.text for p in d.paragraphs], [[[c.text for c in row.cells] for row in t.rows] for t in d.tables]


def _comment(engine):
    doc_engine, doc = engine
    finding = next(f for f in review_document(make_document()) if f.project_index == 0 and f.indicator_seq == 2)
    facade.comment(doc_engine, REVIEWER, doc, project_index=0, indicator_seq=2, opinion_code=2,
                   text="合格率应写成百分比", rules=[finding.rule])
    facade.comment(doc_engine, REVIEWER, doc, project_index=1, opinion_code=8)
    facade.comment(doc_engine, REVIEWER, doc, project_index=1, indicator_seq=2, opinion_code=4,
                   text="便利程度无法衡量", fix="改为“夜间照明覆盖率≥95%”")
    facade.comment(doc_engine, REVIEWER, doc, text="整体指标偏少")
    return finding


def test_the_letter_lists_each_comment_with_its_rule_and_fix(store_url):
    engine, doc = stored(store_url, "submitted")
    finding = _comment((engine, doc))
    paragraphs, tables = _read(facade.letter(engine, REVIEWER, [doc]))
    assert paragraphs[0] == "项目支出绩效目标审核意见书" and paragraphs[1] == f"{DEPT}："
    assert "一、道路养护" in paragraphs and "二、路灯维修" in paragraphs and "三、整表意见" in paragraphs
    assert any(p.startswith("审核人：审核丙") for p in paragraphs)
    rows = [r for t in tables for r in t[1:]]
    assert all(t[0] == list(HEADERS) for t in tables)
    comments = facade.comments(engine, REVIEWER, doc)
    assert len(comments) == 4
    for c in comments:
        where = (f"第{c['indicator_seq']}项 {c['indicator']}" if c["indicator"] else
                 "本项目" if c["project"] else "整表")
        match = [r for r in rows if r[1] == where and (c["text"] or "") in r[2]
                 and (c["opinion"] is None or f"【{c['opinion']} {c['opinion_label']}】" in r[2])]
        assert len(match) == 1, c
        _, _, _, basis, fix = match[0]
        assert fix == c["fix"] and fix  # the fix the department reads
        if c["opinion"] is not None:
            assert f"全国审核意见清单第{c['opinion']}项“{c['opinion_label']}”" in basis
        for f in c["findings"]:
            assert f"{f['rule']} {f['name']}" in basis
    attached = [r for r in rows if r[1] == "第2项 养护合格率" and finding.rule in r[3]]
    assert len(attached) == 1 and finding.fix in attached[0][4]  # an attached finding is not listed twice
    # every other finding of jixiao's is listed with its rule and fix
    for f in review_document(make_document()):
        if f.project_index == 0 and f.indicator_seq == 2 and f.rule == finding.rule:
            continue
        assert any(f"{f.rule} {f.name}" == r[3] and r[4] == f.fix and f.message in r[2] for r in rows), f.rule


def test_the_letter_of_a_resubmitted_table_holds_the_new_round_only(tmp_path):
    engine, doc = stored(f"sqlite:///{tmp_path / 'wf.db'}", "submitted")
    facade.comment(engine, REVIEWER, doc, project_index=0, indicator_seq=1, opinion_code=11, text="第一轮意见")
    facade.move(engine, REVIEWER, doc, "return")
    facade.move(engine, OFFICER, doc, "submit")
    facade.comment(engine, REVIEWER, doc, project_index=0, indicator_seq=1, opinion_code=11, text="第二轮意见")
    paragraphs, tables = _read(facade.letter(engine, REVIEWER, [doc]))
    cells = " ".join(c for t in tables for r in t for c in r)
    assert "第二轮意见" in cells and "第一轮意见" not in cells
    assert any("第 2 轮审核" in p for p in paragraphs)


def test_a_department_letter_covers_its_tables_only_and_the_cli_writes_it(tmp_path):
    url = f"sqlite:///{tmp_path / 'wf.db'}"
    engine, first = stored(url, "submitted", "a")
    _, second = stored(url, "submitted", "b")
    _, other = stored(url, "submitted", "c", OTHER)
    facade.comment(engine, REVIEWER, second, project_index=0, opinion_code=10, text="缺少满意度调查对象")
    facade.comment(engine, REVIEWER, other, text="别的部门的意见")
    out = tmp_path / "意见书.docx"
    result = runner.invoke(app, ["workflow", "letter", "-d", DEPT, "-o", str(out), "--db", url, "--actor", "审核丙"])
    assert result.exit_code == 0, result.output
    paragraphs, tables = _read(out.read_bytes())
    assert [p for p in paragraphs if p.startswith("文件：")] == [
        "文件：目标表a.txt；状态：已报送；第 1 轮审核", "文件：目标表b.txt；状态：已报送；第 1 轮审核"]
    cells = " ".join(c for t in tables for r in t for c in r)
    assert "缺少满意度调查对象" in cells and "别的部门的意见" not in cells
    assert paragraphs[-1].startswith("审核人：审核丙")
    by_id = tmp_path / "one.docx"
    assert runner.invoke(app, ["workflow", "letter", str(first), "-o", str(by_id), "--db", url]).exit_code == 0
    assert "缺少满意度调查对象" not in " ".join(c for t in _read(by_id.read_bytes())[1] for r in t for c in r)


def test_the_letter_is_for_reviewers(tmp_path):
    import pytest

    from jixiao.workflow.permissions import PermissionDenied

    engine, doc = stored(f"sqlite:///{tmp_path / 'wf.db'}", "submitted")
    with pytest.raises(PermissionDenied, match="无权导出审核意见书"):
        facade.letter(engine, OFFICER, [doc])
    assert facade.letter(engine, ADMIN, [doc])[:2] == b"PK"
    result = runner.invoke(app, ["workflow", "letter", "-d", "没有这个部门", "-o", str(tmp_path / "x.docx"),
                                 "--db", str(tmp_path / "wf.db")])
    assert result.exit_code == 1 and "没有可审核的表" in result.output and "Traceback" not in result.output


def test_the_letter_follows_the_review_config_in_use(tmp_path):
    """A rule the server's (or `--config`'s) review settings turn off is not in the letter; the others are."""
    from jixiao.review import Settings

    url = f"sqlite:///{tmp_path / 'wf.db'}"
    engine, doc = stored(url, "submitted")
    fired = sorted({f.rule for f in review_document(make_document())})
    assert len(fired) >= 2
    off = fired[0]

    def rules_in(data: bytes) -> set[str]:
        return {r[3].split()[0] for t in _read(data)[1] for r in t[1:] if r[3][:2] == "JX"}

    assert rules_in(facade.letter(engine, REVIEWER, [doc])) == set(fired)
    assert rules_in(facade.letter(engine, REVIEWER, [doc], Settings(disabled={off}))) == set(fired) - {off}
    config = tmp_path / "review.toml"
    config.write_text(f'[review]\ndisable = ["{off}"]\n', encoding="utf-8")
    out = tmp_path / "l.docx"
    result = runner.invoke(app, ["workflow", "letter", str(doc), "-o", str(out), "--db", url, "-c", str(config)])
    assert result.exit_code == 0 and rules_in(out.read_bytes()) == set(fired) - {off}
