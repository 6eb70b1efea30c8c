"""`jixiao export-table`: a project, a department, a search result or the given files as the published
target table (XLSX, DOCX) or as the national system's import sheet. Registered on the `jixiao` app by one
import at the end of cli.py.

Exit codes: 0 all written; 1 a file could not be read or (import sheet) some rows would not load — the
file is still written with every row that loads, and each row left out is one Chinese line on stderr;
2 bad options or nothing to export."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path

import typer
from rich.markup import escape

from . import cli_zh
from .cli import DB_OPTION, DEPT, TEXT, YEAR, _engine, _expand, _fail, app, err
from .errors import JixiaoError, describe


class TableFormat(StrEnum):
    xlsx = "xlsx"
    docx = "docx"
    import_ = "import"


class FrameworkChoice(StrEnum):
    keep = "keep"
    f2021 = "2021"
    old = "old"


@app.command("export-table")
def export_table(
    paths: list[Path] = typer.Argument(None, help="要导出的文件或目录（绩效目标表或 jixiao.document/1 JSON）；不给出时从库中取"),
    fmt: TableFormat = typer.Option(..., "--format", "-f",
                                    help="xlsx、docx（标准公开格式）或 import（国家系统导入表）"),
    out: Path = typer.Option(..., "--out", "-o", help="输出文件"),
    framework: FrameworkChoice = typer.Option(
        FrameworkChoice.keep, "--framework",
        help="指标框架：keep（按原表，默认）、2021（财预〔2021〕101号，成本指标为一级指标）、old（原三类一级指标，成本指标归入产出指标）"),
    db: str | None = DB_OPTION, department: str | None = DEPT, year: int | None = YEAR,
    project: int | None = typer.Option(None, "--project", "-p", help="库中项目的编号（jixiao projects 的 ID）"),
    search: str | None = TEXT,
) -> None:
    """导出标准格式的绩效目标表（XLSX/DOCX，每个项目一张表）或国家系统导入表（超长、占位符等无法导入的行逐行列出）。"""
    from .export.standard_export import stored_selection, write_tables

    if not out.parent.is_dir():
        _fail(out, f"无法写入：目录 {out.parent} 不存在")
        raise typer.Exit(2)
    failed = 0
    if paths:
        if project is not None or department or year is not None or search:
            err.print("[red]错误[/red] 给出文件时不能同时使用 --project、--department、--year 或 --search")
            raise typer.Exit(2)
        selection, failed = _from_files(paths)
    else:
        try:
            with _engine(db).connect() as conn:
                selection = stored_selection(conn, project, department, year, search)
        except JixiaoError as exc:
            err.print(f"[red]错误[/red] {escape(exc.message)}", soft_wrap=True)
            raise typer.Exit(2) from exc
    if not selection:
        err.print("[red]错误[/red] 没有可导出的文档")
        raise typer.Exit(2 if not failed else 1)
    tmp = out.with_name(out.name + ".part")
    try:
        written = write_tables(selection, fmt.value, tmp, framework.value)
        tmp.replace(out)
    except JixiaoError as exc:
        tmp.unlink(missing_ok=True)
        _fail(exc.path or out, exc.message)
        raise typer.Exit(2) from exc
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        _fail(out, f"无法写入：{cli_zh.os_error(exc)}")
        raise typer.Exit(1) from exc
    except Exception as exc:  # noqa: BLE001 - a bug is still one line naming the file, never a traceback
        tmp.unlink(missing_ok=True)
        _fail(out, f"导出失败（{type(exc).__name__}），请报告此问题")
        raise typer.Exit(1) from exc
    for line in written.rejected:
        err.print(f"[yellow]未导出[/yellow] {escape(line)}", soft_wrap=True)
    what = f"{written.tables} 行指标" if fmt is TableFormat.import_ else f"{written.tables} 张表"
    err.print(f"已导出 {written.projects} 个项目（{what}）到 {out}"
              + (f"；{len(written.rejected)} 行无法导入，已列出" if written.rejected else ""))
    if failed or written.rejected:
        raise typer.Exit(1)


def _from_files(paths: list[Path]):
    """Every file parsed (or read as interchange JSON); a bad file is one line and the rest go on."""
    from .cli_score import read_documents

    selection = []
    failed = 0
    for path in _expand(paths):
        try:
            docs = read_documents(path)
        except Exception as exc:  # noqa: BLE001 - a bad file (or a bug) is one line naming it: the one policy
            failed += 1
            _fail(path, describe(exc).message)
            continue
        for doc in docs:
            if not doc.projects and (doc.overall is None or not (doc.overall.sections or doc.overall.goal)):
                failed += 1
                _fail(path, "文档中没有项目，无法导出")
                continue
            selection.append((doc, None))
    return selection, failed
