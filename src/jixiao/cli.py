"""The `jixiao` command."""

from __future__ import annotations

import json
import sys
from enum import StrEnum
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

from .errors import JixiaoError
from .ingest import parse_path
from .model import Document
from .readers import DEFAULT_MAX_BYTES

app = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="jixiao：解析、审核、比较预算项目绩效目标表。")
err = Console(stderr=True, highlight=False)


class OutFormat(StrEnum):
    json = "json"
    table = "table"


@app.callback()
def _root() -> None:
    """jixiao：解析、审核、比较预算项目绩效目标表。"""


@app.command()
def parse(
    files: list[Path] = typer.Argument(..., help="要解析的文件（文本、HTML、DOCX、XLSX、PDF）"),
    fmt: OutFormat = typer.Option(OutFormat.json, "--format", "-f", help="输出格式：json 或 table"),
    out: Path | None = typer.Option(None, "--out", "-o", help="把每个文档写到 DIR/<文件名>.json"),
    max_size: float = typer.Option(DEFAULT_MAX_BYTES / 1048576, "--max-size", help="单个文件大小上限（MB）"),
) -> None:
    """把绩效目标表解析为 jixiao.document/1（JSON）或可读的摘要表。"""
    failed = 0
    docs: list[Document] = []
    if out is not None:
        out.mkdir(parents=True, exist_ok=True)
    for path in files:
        try:
            doc = parse_path(path, max_bytes=int(max_size * 1048576))
        except JixiaoError as exc:
            failed += 1
            err.print(f"[red]错误[/red] {exc.path or path}: {exc.message}", soft_wrap=True)
            continue
        except Exception as exc:  # noqa: BLE001 - a bug must still be one line naming the file
            failed += 1
            err.print(f"[red]错误[/red] {path}: 内部错误（{type(exc).__name__}: {exc}），请报告此文件", soft_wrap=True)
            continue
        if out is not None:
            target = out / f"{path.stem}.json"
            tmp = target.with_suffix(".json.tmp")
            tmp.write_text(json.dumps(doc.to_json_dict(), ensure_ascii=False, indent=2), encoding="utf-8")
            tmp.replace(target)
            err.print(f"已写入 {target}")
        if fmt is OutFormat.table:
            print_summary(doc)
        elif out is None:
            docs.append(doc)
    if docs:
        payload = docs[0].to_json_dict() if len(docs) == 1 and len(files) == 1 else [d.to_json_dict() for d in docs]
        sys.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2) + "\n")
    if failed:
        raise typer.Exit(1)


def _money(v: float | None) -> str:
    return "" if v is None else f"{v:,.2f}"


def print_summary(doc: Document) -> None:
    console = Console()
    console.print(f"[bold]{doc.source.name}[/bold]  {doc.title or '（无标题）'}")
    console.print(f"年度：{doc.year or '—'}  部门：{doc.department or '—'}  金额单位：{doc.money_unit or '—'}  "
                  f"单位数：{len(doc.units)}  项目数：{len(doc.projects)}  "
                  f"指标数：{sum(len(p.indicators) for p in doc.projects)}")
    if doc.total:
        console.print(f"合计：总计 {_money(doc.total.total)}  财政拨款 {_money(doc.total.fiscal)}")
    table = Table(show_lines=False)
    for col in ("#", "单位", "项目", "总计", "产出", "效益", "满意度", "成本", "未解析"):
        table.add_column(col, overflow="fold")
    for n, p in enumerate(doc.projects, start=1):
        counts = {k: sum(1 for i in p.indicators if i.level1 == k) for k in ("产出指标", "效益指标", "满意度指标", "成本指标")}
        problems = sum(1 for i in p.indicators if i.problem)
        table.add_row(str(n), p.unit or "", p.name, _money(p.budget.total if p.budget else None),
                      *(str(v) for v in counts.values()), str(problems) if problems else "")
    console.print(table)
    if doc.overall:
        n = sum(len(s.indicators) for s in doc.overall.sections)
        console.print(f"部门整体绩效目标：{len(doc.overall.sections)} 个分项，{n} 个指标")
    for p in doc.projects:
        for i in p.indicators:
            if i.problem:
                console.print(f"[yellow]未完全解析[/yellow] {p.name} 第{i.seq}项：{i.problem}：{i.name}")


def main() -> None:
    try:
        app()
    except KeyboardInterrupt:
        err.print("已中断")
        sys.exit(130)


if __name__ == "__main__":
    main()
