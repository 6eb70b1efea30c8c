"""`jixiao workflow …` (move a table, comment, the 审核意见书) and `jixiao audit …` (read and export the audit
log). Registered on the `jixiao` app by one import at the end of cli.py.

The CLI acts for whoever can open the store, as an administrator; `--actor` names them in the audit log
(default: the login name)."""

from __future__ import annotations

import getpass
import json
import sys
from datetime import datetime
from enum import StrEnum
from pathlib import Path

import typer
from rich.markup import escape
from rich.table import Table

from .cli import CONFIG_OPTION, DB_OPTION, _engine, app, err, out_console
from .errors import JixiaoError
from .workflow import facade
from .workflow.actor import Actor
from .workflow.audit import AuditFilter
from .workflow.opinions import ACTION_ZH, OPINIONS, STATUS_ZH

workflow_app = typer.Typer(no_args_is_help=True, help="审核流转：报送、退回、审核通过、逐项审核意见、审核意见书（DOCX）。")
audit_app = typer.Typer(no_args_is_help=True, help="审计日志：谁、何时、做了什么、前后状态。")
app.add_typer(workflow_app, name="workflow")
app.add_typer(audit_app, name="audit")

ACTOR = typer.Option(None, "--actor", help="写入审计日志的操作人（默认当前登录名）")


def _actor(name: str | None) -> Actor:
    try:
        default = getpass.getuser()
    except (KeyError, OSError):
        default = "本机用户"
    return Actor(name or default, "administrator")


def _settings(config: Path | None):
    """The review settings of `--config` (the findings a letter lists and a rule code attaches), as `review`."""
    from .review import Settings

    return Settings.load(config) if config else None


def _fail(exc: JixiaoError) -> None:
    err.print(f"[red]错误[/red] {escape(str(exc))}", soft_wrap=True)
    raise typer.Exit(1) from exc


@workflow_app.command("status")
def status(doc_id: int = typer.Argument(..., help="文档编号"), db: str | None = DB_OPTION) -> None:
    """表的审核状态和流转记录。例：jixiao workflow status 12"""
    try:
        s = facade.state(_engine(db), _actor(None), doc_id)
    except JixiaoError as exc:
        _fail(exc)
    console = out_console()
    console.print(f"{s['id']} {escape(s['title'] or s['name'])}（{escape(s['department'] or '未注明部门')}）：{s['status_zh']}")
    for h in s["history"]:
        before, after = (h["before"] or {}).get("status"), (h["after"] or {}).get("status")
        moved = f" {STATUS_ZH.get(before, before)} → {STATUS_ZH.get(after, after)}" if after else ""
        console.print(f"  {h['at'][:19].replace('T', ' ')} {escape(h['actor'])} "
                      f"{ACTION_ZH.get(h['action'].split('.', 1)[1], h['action'])}{moved}")


def _move(action: str, doc_id: int, db: str | None, actor: str | None, note: str | None = None) -> None:
    try:
        r = facade.move(_engine(db), _actor(actor), doc_id, action, note)
    except JixiaoError as exc:
        _fail(exc)
    out_console().print(f"文档 {doc_id}：{STATUS_ZH[r['before']]} → {STATUS_ZH[r['after']]}（第 {r['round']} 轮）")


@workflow_app.command("submit")
def submit(doc_id: int = typer.Argument(..., help="文档编号"), db: str | None = DB_OPTION, actor: str | None = ACTOR):
    """报送草稿或修改后的退回表。例：jixiao workflow submit 12"""
    _move("submit", doc_id, db, actor)


@workflow_app.command("return")
def return_(doc_id: int = typer.Argument(..., help="文档编号"),
            note: str | None = typer.Option(None, "--note", "-m", help="退回理由（本轮没有逐项意见时必填）"),
            db: str | None = DB_OPTION, actor: str | None = ACTOR):
    """退回已报送的表修改。例：jixiao workflow return 12 -m "请补充效益指标" """
    _move("return", doc_id, db, actor, note)


@workflow_app.command("approve")
def approve(doc_id: int = typer.Argument(..., help="文档编号"),
            note: str | None = typer.Option(None, "--note", "-m", help="说明（可空）"),
            db: str | None = DB_OPTION, actor: str | None = ACTOR):
    """审核通过已报送的表。例：jixiao workflow approve 12"""
    _move("approve", doc_id, db, actor, note)


@workflow_app.command("comment")
def comment(doc_id: int = typer.Argument(..., help="文档编号"),
            project: int | None = typer.Option(None, "--project", "-p", help="第几个项目（从 1 起）；不填：整表意见"),
            indicator: int | None = typer.Option(None, "--indicator", "-i", help="指标序号；不填：项目意见"),
            opinion: int | None = typer.Option(None, "--opinion", "-o",
                                               help="全国审核意见清单代码：" + "；".join(
                                                   f"{o.code} {o.label}" for o in OPINIONS.values())),
            text: str | None = typer.Option(None, "--text", "-t", help="意见说明"),
            fix: str | None = typer.Option(None, "--fix", help="修改建议（不填：取意见类型和规则的建议）"),
            rule: list[str] = typer.Option([], "--rule", "-r", help="附上 jixiao 规则（可重复），如 JX201"),
            db: str | None = DB_OPTION, actor: str | None = ACTOR, config: Path | None = CONFIG_OPTION) -> None:
    """对指标、项目或整表填写审核意见。例：jixiao workflow comment 12 -p 1 -i 3 -o 2 -t "请量化" """
    try:
        c = facade.comment(_engine(db), _actor(actor), doc_id, project_index=None if project is None else project - 1,
                           indicator_seq=indicator, opinion_code=opinion, text=text, fix=fix, rules=rule,
                           settings=_settings(config))
    except JixiaoError as exc:
        _fail(exc)
    where = c["project"] or "整表"
    if c["indicator"]:
        where += f" 第{c['indicator_seq']}项 {c['indicator']}"
    out_console().print(f"已记录审核意见 {c['id']}：{escape(where)}")


@workflow_app.command("comments")
def comments(doc_id: int = typer.Argument(..., help="文档编号"), db: str | None = DB_OPTION,
             as_json: bool = typer.Option(False, "--json", help="输出 JSON")) -> None:
    """表的全部审核意见（各轮）。例：jixiao workflow comments 12"""
    try:
        rows = facade.comments(_engine(db), _actor(None), doc_id)
    except JixiaoError as exc:
        _fail(exc)
    if as_json:
        sys.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2) + "\n")
        return
    table = Table("轮", "项目", "指标", "意见", "说明", "规则", "修改建议", "审核人")
    for c in rows:
        table.add_row(str(c["round"]), escape(c["project"] or "整表"),
                      escape(f"{c['indicator_seq']}. {c['indicator']}" if c["indicator"] else ""),
                      escape(f"{c['opinion']} {c['opinion_label']}" if c["opinion"] else ""), escape(c["text"] or ""),
                      " ".join(f["rule"] for f in c["findings"]), escape(c["fix"]), escape(c["author"]))
    out_console().print(table)


@workflow_app.command("letter")
def letter(doc_ids: list[int] = typer.Argument(None, help="文档编号（可多个）"),
           department: str | None = typer.Option(None, "--department", "-d", help="部门：该部门的全部表"),
           output: Path = typer.Option(..., "--output", "-o", help="写入的 DOCX 文件"),
           db: str | None = DB_OPTION, actor: str | None = ACTOR, config: Path | None = CONFIG_OPTION) -> None:
    """写出审核意见书（DOCX）：逐项目列出审核意见和系统发现，各附依据规则和修改建议。
    例：jixiao workflow letter -d 某某局 -o 审核意见书.docx"""
    if not doc_ids and not department:
        err.print("[red]错误[/red] 请给出文档编号或 --department")
        raise typer.Exit(2)
    try:
        engine = _engine(db)
        settings = _settings(config)
        data = (facade.department_letter(engine, _actor(actor), department, settings) if department
                else facade.letter(engine, _actor(actor), doc_ids, settings))
    except JixiaoError as exc:
        _fail(exc)
    output.write_bytes(data)
    err.print(f"已写入 {escape(str(output))}")


class AuditFormat(StrEnum):
    csv = "csv"
    json = "json"


def _when(value: str | None, name: str) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError as exc:
        err.print(f"[red]错误[/red] {name} 应为 ISO 日期或时间，如 2026-12-01 或 2026-12-01T08:00:00+00:00")
        raise typer.Exit(2) from exc


def _audit_filter(action, actor_name, target, department, since, until, limit) -> AuditFilter:
    return AuditFilter(action=action, actor=actor_name, target=target, department=department,
                       since=_when(since, "--since"), until=_when(until, "--until"), limit=limit)


ACTION = typer.Option(None, "--action", help="操作，如 workflow.return；以点结尾为前缀，如 workflow.")
WHO = typer.Option(None, "--who", help="操作人")
TARGET = typer.Option(None, "--target", help="对象，如 document:12")
DEPARTMENT = typer.Option(None, "--department", "-d", help="部门")
SINCE = typer.Option(None, "--since", help="起始时间（含），ISO 格式")
UNTIL = typer.Option(None, "--until", help="截止时间（不含），ISO 格式")


@audit_app.command("list")
def audit_list(db: str | None = DB_OPTION, action: str | None = ACTION, who: str | None = WHO,
               target: str | None = TARGET, department: str | None = DEPARTMENT, since: str | None = SINCE,
               until: str | None = UNTIL, limit: int = typer.Option(50, "--limit", "-n", help="最多显示条数")) -> None:
    """审计日志最新的记录。例：jixiao audit list --action workflow."""
    try:
        total, rows = facade.audit_log(_engine(db), _actor(None),
                                       _audit_filter(action, who, target, department, since, until, limit))
    except JixiaoError as exc:
        _fail(exc)
    table = Table("编号", "时间（UTC）", "操作人", "操作", "对象", "操作前", "操作后")
    for r in rows:
        table.add_row(str(r["id"]), r["at"][:19].replace("T", " "), escape(r["actor"]), r["action"], escape(r["target"]),
                      escape(json.dumps(r["before"], ensure_ascii=False) if r["before"] is not None else ""),
                      escape(json.dumps(r["after"], ensure_ascii=False) if r["after"] is not None else ""))
    out_console().print(table)
    err.print(f"共 {total} 条，显示 {len(rows)} 条")


@audit_app.command("export")
def audit_export(output: Path | None = typer.Option(None, "--output", "-o", help="写入的文件（默认标准输出）"),
                 fmt: AuditFormat = typer.Option(AuditFormat.csv, "--format", "-f", help="csv 或 json"),
                 db: str | None = DB_OPTION, action: str | None = ACTION, who: str | None = WHO,
                 target: str | None = TARGET, department: str | None = DEPARTMENT, since: str | None = SINCE,
                 until: str | None = UNTIL) -> None:
    """导出全部符合条件的记录：CSV（带 BOM 的 UTF-8，Excel 可直接打开）或 JSON。例：jixiao audit export -o audit.csv"""
    try:
        text = facade.audit_export(_engine(db), _actor(None), fmt.value,
                                   _audit_filter(action, who, target, department, since, until, None))
    except JixiaoError as exc:
        _fail(exc)
    if output is None:
        sys.stdout.write(text.lstrip("\ufeff"))
    else:
        output.write_text(text, encoding="utf-8")
        err.print(f"已写入 {escape(str(output))}")
