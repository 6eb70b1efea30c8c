"""`jixiao docs delete|replace`: take a stored document out of the store, or put a corrected file in its
place (same id, same status, so comments and audit entries stay attached). Registered on the `jixiao` app by
one import at the end of cli.py."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.markup import escape

from .cli import DB_OPTION, _engine, app, err
from .errors import JixiaoError
from .ingest import parse_path
from .readers import DEFAULT_MAX_BYTES

docs_app = typer.Typer(no_args_is_help=True, help="删除或替换库中的文档。")
app.add_typer(docs_app, name="docs")


def _line(info: dict) -> str:
    return (f"文档 {info['id']}（{info['source_name']}；{info.get('department') or '部门不详'}，"
            f"{info.get('year') or '年度不详'}；{info['n_projects']} 个项目、{info['n_indicators']} 个指标）")


def _error(exc: JixiaoError, where: str) -> None:
    err.print(f"[red]错误[/red] {escape(str(exc.path or where))}: {escape(exc.message)}", soft_wrap=True)


@docs_app.command("delete")
def delete(ids: list[int] = typer.Argument(..., help="文档编号（可多个）"), db: str | None = DB_OPTION,
           yes: bool = typer.Option(False, "--yes", "-y", help="不询问，直接删除")) -> None:
    """删除文档（连同其项目、指标、审核意见；在线编写的文档连同草稿与修订记录）。"""
    from .authoring import store

    engine = _engine(db)
    failed = 0
    for doc_id in ids:
        try:
            with engine.connect() as conn:
                info = store.document_summary(conn, doc_id)
            if not yes and not typer.confirm(f"删除{_line(info)}？此操作无法恢复", default=False):
                err.print(f"已跳过文档 {doc_id}")
                continue
            store.delete_document(engine, doc_id)
            err.print(f"已删除{_line(info)}" + ("，以及其草稿与修订记录" if info["draft_id"] else ""))
        except JixiaoError as exc:
            failed += 1
            _error(exc, f"文档 {doc_id}")
    if failed:
        raise typer.Exit(1)


@docs_app.command("replace")
def replace(doc_id: int = typer.Argument(..., help="要替换的文档编号"),
            file: Path = typer.Argument(..., help="新的绩效目标表文件"), db: str | None = DB_OPTION,
            max_bytes: int = typer.Option(DEFAULT_MAX_BYTES, "--max-bytes", help="文件大小上限（字节）"),
            yes: bool = typer.Option(False, "--yes", "-y", help="不询问，直接替换")) -> None:
    """以新文件替换文档：编号与状态不变，内容按新文件重建。"""
    from .authoring import store
    from .authoring.who import author

    engine = _engine(db)
    try:
        with engine.connect() as conn:
            info = store.document_summary(conn, doc_id)
        doc = parse_path(file, max_bytes=max_bytes)
        if not yes and not typer.confirm(f"以 {file.name} 替换{_line(info)}？", default=False):
            err.print("已取消")
            raise typer.Exit(1)
        result = store.replace_document(engine, doc_id, doc, author())
    except JixiaoError as exc:
        _error(exc, str(file) if exc.path else f"文档 {doc_id}")
        raise typer.Exit(1) from exc
    except OSError as exc:
        err.print(f"[red]错误[/red] {escape(str(file))}: 无法读取（{exc.strerror or exc}）", soft_wrap=True)
        raise typer.Exit(1) from exc
    if result["unchanged"]:
        err.print(f"文档 {doc_id} 已是此文件的内容，未改动")
    else:
        err.print(f"已替换：{_line(result['before'])} → {_line(result['after'])}")
