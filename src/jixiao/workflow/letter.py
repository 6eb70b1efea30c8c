"""The 审核意见书: what the finance bureau sends a department after reviewing its tables, as DOCX.

Per project, one table row per reviewer comment (the opinion from the national list and the reviewer's
words, the rule it rests on, the fix) and per jixiao finding the reviewer did not already attach (message,
rule, the rule's fix); then the comments and findings on the whole table. Comments are those of the current
round (the latest submission), so a resubmitted table's letter is about the revision."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from pathlib import Path

from cn2an import an2cn
from sqlalchemy import Connection

from ..review.report import SEVERITY_ZH
from .actor import as_actor
from .opinions import STATUS_ZH, STATUSES
from .permissions import require
from .sheet import review_sheet
from .status import NotFound, document_info, documents_in

HEADERS = ("序号", "指标", "审核意见", "依据", "修改建议")
FONT = "仿宋"


def department_documents(conn: Connection, department: str) -> list[int]:
    """The department's tables in the workflow, oldest first; a JixiaoError when it has none."""
    ids = sorted(d["id"] for d in documents_in(conn, STATUSES, department, limit=10_000))
    if not ids:
        raise NotFound(f"部门“{department}”没有可审核的表")
    return ids


def _rule_text(comment: dict) -> str:
    parts = [f"{f['rule']} {f['name']}：{f['message']}" if f.get("message") else f"{f['rule']} {f['name']}"
             for f in comment["findings"]]
    if comment["opinion"] is not None:
        parts.insert(0, f"全国审核意见清单第{comment['opinion']}项“{comment['opinion_label']}”")
    return "；".join(parts) or "—"


def _opinion_text(comment: dict) -> str:
    head = f"【{comment['opinion']} {comment['opinion_label']}】" if comment["opinion"] is not None else ""
    return head + (comment["text"] or "")


def _where(row: dict | None) -> str:
    return f"第{row['seq']}项 {row['name']}" if row else "本项目"


def _comment_where(row: dict | None, comment: dict, default: str = "本项目") -> str:
    """Where a comment is, or (its row gone since) where it was: 原第3项 受益人数."""
    if not comment.get("orphan"):
        return _where(row) if row is not None or default == "本项目" else default
    if comment["indicator"]:
        return f"原第{comment['indicator_seq']}项 {comment['indicator']}"
    return f"原项目 {comment['project']}"


def letter_rows(sheet: dict) -> list[tuple[str, list[tuple[str, str, str, str]]]]:
    """(section title, rows of 指标 / 审核意见 / 依据 / 修改建议) per project with anything to say, then the table."""
    sections = []
    for p in sheet["projects"]:
        rows: list[tuple[str, str, str, str]] = []
        for row in [None, *p["rows"]]:
            comments = [c for c in (row or p)["comments"] if c["current"]]
            findings = (row or p)["findings"]
            cited = {(f["rule"], f["message"]) for c in comments for f in c["findings"]}
            rows += [(_comment_where(row, c), _opinion_text(c), _rule_text(c), c["fix"]) for c in comments]
            rows += [(_where(row), f"【jixiao {SEVERITY_ZH[f['severity']]}】{f['message']}",
                      f"{f['rule']} {f['name']}", f["fix"]) for f in findings if (f["rule"], f["message"]) not in cited]
        if rows:
            title = p["name"] + (f"（{p['unit']}）" if p.get("unit") else "")
            sections.append((title, rows))
    overall = [(_comment_where(None, c, "整表"), _opinion_text(c), _rule_text(c), c["fix"])
               for c in sheet["comments"] if c["current"]]
    overall += [("整表", f"【jixiao {SEVERITY_ZH[f['severity']]}】{f['message']}", f"{f['rule']} {f['name']}", f["fix"])
                for f in sheet["findings"]]
    if overall:
        sections.append(("整表意见", overall))
    return sections


def _default_font(doc) -> None:
    """仿宋 10.5 pt for the whole document, East Asian text included, set once on the Normal style (setting
    it on every run is most of the time a long letter takes)."""
    from docx.oxml.ns import qn
    from docx.shared import Pt

    normal = doc.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(10.5)
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), FONT)


def _font(run, size: float | None = None, bold: bool = False) -> None:
    from docx.shared import Pt

    if size and size != 10.5:
        run.font.size = Pt(size)
    if bold:
        run.bold = True


def _para(doc, text: str, size: float = 12, bold: bool = False, center: bool = False):
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    p = doc.add_paragraph()
    _font(p.add_run(text), size, bold)
    if center:
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    return p


def build_letter(conn: Connection, principal, doc_ids: list[int], settings=None) -> bytes:
    """The DOCX bytes of one 审核意见书 covering these tables (all of one department, as a rule); findings
    under `settings`, the review config in use."""
    from docx import Document as Docx
    from docx.shared import Cm

    infos = [document_info(conn, i) for i in doc_ids]
    for info in infos:
        require(principal, "workflow.letter", info["department"])
    sheets = [review_sheet(conn, principal, i, settings=settings) for i in doc_ids]
    departments = sorted({i["department"] or "（未注明部门）" for i in infos})
    doc = Docx()
    _default_font(doc)
    grid = doc.styles["Table Grid"]
    for section in doc.sections:
        section.left_margin = section.right_margin = Cm(2.2)
    _para(doc, "项目支出绩效目标审核意见书", 18, bold=True, center=True)
    _para(doc, "、".join(departments) + "：")
    n_comments = sum(1 for s in sheets for _ in _current_comments(s))
    _para(doc, f"你单位报送的 {len(sheets)} 张项目支出绩效目标表已经审核。审核意见 {n_comments} 条，"
               f"系统审核发现问题 {sum(s['n_findings'] for s in sheets)} 个，逐项列明如下，请按修改建议修改后重新报送。")
    for sheet in sheets:
        d = sheet["document"]
        _para(doc, f"{d['title'] or d['name']}", 14, bold=True)
        _para(doc, f"文件：{d['name']}；状态：{STATUS_ZH.get(d['status'], d['status'])}；第 {sheet['round']} 轮审核", 10.5)
        sections = letter_rows(sheet)
        if not sections:
            _para(doc, "无审核意见。")
        for number, (title, rows) in enumerate(sections, start=1):
            _para(doc, f"{an2cn(number)}、{title}", 12, bold=True)
            table = doc.add_table(rows=1, cols=len(HEADERS))
            table._tbl.tblPr.style = grid.style_id  # by id: python-docx's setter searches the styles each time
            for cell, text in zip(table.rows[0].cells, HEADERS, strict=True):
                _font(cell.paragraphs[0].add_run(text), 10.5, bold=True)
            for n, values in enumerate(rows, start=1):
                cells = table.add_row().cells
                for cell, text in zip(cells, (str(n), *values), strict=True):
                    cell.text = text
            for row in table.rows:
                for cell, width in zip(row.cells, (1.2, 3.6, 5.0, 4.0, 4.0), strict=True):
                    cell.width = Cm(width)
    actor = as_actor(principal)
    _para(doc, "")
    _para(doc, f"审核人：{actor.name}　　日期：{datetime.now(UTC).date().isoformat()}")
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def _current_comments(sheet: dict):
    for p in sheet["projects"]:
        for c in p["comments"] + [c for r in p["rows"] for c in r["comments"]]:
            if c["current"]:
                yield c
    yield from (c for c in sheet["comments"] if c["current"])


def write_letter(conn: Connection, principal, doc_ids: list[int], path: Path) -> Path:
    path.write_bytes(build_letter(conn, principal, doc_ids))
    return path
