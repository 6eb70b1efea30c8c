"""The `jixiao` command."""

from __future__ import annotations

import json
import logging
import os
import sys
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from . import cli_zh
from .errors import JixiaoError, describe, zh_os_text
from .ingest import expand_paths, parse_path
from .model import Document
from .readers import DEFAULT_MAX_BYTES

cli_zh.install()
app = typer.Typer(add_completion=False, no_args_is_help=True, context_settings={"help_option_names": ["-h", "--help"]},
                  help="jixiao：解析、审核、比较预算项目绩效目标表。")
err = Console(stderr=True, highlight=False)


def _width() -> int | None:
    """The terminal's width even when stdout is piped (taken from stderr or stdin, or COLUMNS); a pipe with
    no terminal at all gets wide lines rather than names folded over five lines."""
    if os.environ.get("COLUMNS", "").isdigit():
        return int(os.environ["COLUMNS"])
    if sys.stdout.isatty():
        return None
    for fd in (2, 0):
        try:
            return os.get_terminal_size(fd).columns
        except OSError:
            continue
    return 240


def out_console() -> Console:
    return Console(width=_width(), highlight=False)


def _fail(path, message: str) -> None:
    """One error line naming the file as the user gave it, with the OS's reason in Chinese."""
    message = zh_os_text(message)
    err.print(f"[red]错误[/red] {escape(_as_given(path))}: {escape(message)}", soft_wrap=True, markup=True,
              highlight=False)


def _as_given(path) -> str:
    """The path as typed on the command line (`./a.txt` stays `./a.txt`; typer's Path drops the `./`)."""
    text = str(path)
    for arg in sys.argv[1:]:
        if arg != text and not arg.startswith("-") and os.path.normpath(arg) == os.path.normpath(text):
            return arg
    return text


def _version(value: bool) -> None:
    if value:
        from importlib.metadata import PackageNotFoundError, version

        try:
            v = version("jixiao")
        except PackageNotFoundError:
            v = "未安装"
        sys.stdout.write(f"jixiao {v}\n")
        raise typer.Exit()


class OutFormat(StrEnum):
    json = "json"
    table = "table"
    csv = "csv"


@app.callback()
def _root(version: bool = typer.Option(False, "--version", "-V", callback=_version, is_eager=True,
                                       help="显示版本并退出")) -> None:
    """jixiao：解析、审核、比较预算项目绩效目标表。"""


@contextmanager
def _page_progress(path: Path):
    """A page bar on a terminal for a long PDF or scan (shown from the tenth page, gone when done)."""
    if not err.is_terminal:
        yield None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    with Progress(TextColumn(escape(path.name)), BarColumn(), MofNCompleteColumn(), TextColumn("页"),
                  TimeRemainingColumn(), console=err, transient=True) as bar:
        task = None

        def on_page(done: int, total: int) -> None:
            nonlocal task
            if task is None and total >= 10:
                task = bar.add_task("", total=total)
            if task is not None:
                bar.update(task, completed=done)

        yield on_page


@app.command()
def parse(
    files: list[Path] = typer.Argument(..., help="要解析的文件或目录（文本、HTML、DOCX、XLSX、PDF、扫描图片；目录递归）"),
    fmt: OutFormat = typer.Option(OutFormat.json, "--format", "-f", help="输出格式：json、table 或 csv（每个项目一行）"),
    out: Path | None = typer.Option(None, "--out", "-o", help="把每个文档写到 DIR/<文件名>.json"),
    max_size: float = typer.Option(DEFAULT_MAX_BYTES / 1048576, "--max-size", help="单个文件大小上限（MB）"),
) -> None:
    """把绩效目标表解析为 jixiao.document/1（JSON）或可读的摘要表。"""
    failed = 0
    docs: list[Document] = []
    written: set[Path] = set()
    if out is not None:
        out.mkdir(parents=True, exist_ok=True)
    paths = expand_paths(files)
    csv_rows: list[dict] = []
    for path in paths:
        try:
            with _page_progress(path) as on_page:
                doc = parse_path(path, max_bytes=int(max_size * 1048576), progress=on_page)
        except JixiaoError as exc:
            failed += 1
            _fail(path, exc.message)
            continue
        except Exception as exc:  # noqa: BLE001 - a bug must still be one line naming the file
            failed += 1
            _fail(path, f"{describe(exc).message}，请报告此文件")
            continue
        if out is not None:
            target = out / f"{path.stem}.json"
            if target in written:  # two inputs with one stem (`表.pdf`, `表.docx`): keep both
                target = out / f"{path.stem}{path.suffix}.json"
                err.print(f"[yellow]注意[/yellow] {path.name} 与前一个文件同名，写入 {target.name}")
            written.add(target)
            tmp = target.with_suffix(".json.tmp")
            tmp.write_text(json.dumps(doc.to_json_dict(), ensure_ascii=False, indent=2), encoding="utf-8")
            tmp.replace(target)
            err.print(f"已写入 {target}")
        if fmt is OutFormat.table:
            print_summary(doc)
        elif fmt is OutFormat.csv:
            csv_rows += summary_rows(doc)
        elif out is None:
            docs.append(doc)
    if fmt is OutFormat.csv:
        _write_csv(csv_rows, list(SUMMARY_COLUMNS.values()))
    if docs:
        single = len(docs) == 1 and len(paths) == 1 and not files[0].is_dir()
        payload = docs[0].to_json_dict() if single else [d.to_json_dict() for d in docs]
        sys.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2) + "\n")
    if failed:
        raise typer.Exit(1)


def _money(v: float | None) -> str:
    return "" if v is None else f"{v:,.2f}"


SUMMARY_COLUMNS = {"document": "文件", "n": "#", "unit": "单位", "project": "项目", "budget": "总计",
                   "产出指标": "产出", "效益指标": "效益", "满意度指标": "满意度", "成本指标": "成本", "problems": "未解析"}


def summary_rows(doc: Document) -> list[dict]:
    rows = []
    for n, p in enumerate(doc.projects, start=1):
        row = {"文件": doc.source.name, "#": n, "单位": p.unit or "", "项目": p.name,
               "总计": _money(p.budget.total if p.budget else None)}
        for k in ("产出指标", "效益指标", "满意度指标", "成本指标"):
            row[SUMMARY_COLUMNS[k]] = sum(1 for i in p.indicators if i.level1 == k)
        row["未解析"] = sum(1 for i in p.indicators if i.problem)
        rows.append(row)
    return rows


def _write_csv(rows: list[dict], columns: list[str]) -> None:
    import csv

    writer = csv.DictWriter(sys.stdout, fieldnames=columns or (list(rows[0]) if rows else []))
    writer.writeheader()
    writer.writerows(rows)


def print_summary(doc: Document) -> None:
    console = out_console()
    console.print(f"[bold]{doc.source.name}[/bold]  {doc.title or '（无标题）'}")
    console.print(f"年度：{doc.year or '—'}  部门：{doc.department or '—'}  金额单位：{doc.money_unit or '—'}  "
                  f"单位数：{len(doc.units)}  项目数：{len(doc.projects)}  "
                  f"指标数：{sum(len(p.indicators) for p in doc.projects)}")
    if doc.total:
        console.print(f"合计：总计 {_money(doc.total.total)}  财政拨款 {_money(doc.total.fiscal)}")
    table = Table(show_lines=False)
    for col in ("#", "单位", "项目", "总计", "产出", "效益", "满意度", "成本", "未解析"):
        table.add_column(col, overflow="fold", justify="right" if col in ("#", "总计") else "left")
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


DB_OPTION = typer.Option(None, "--db", help="数据库：SQLite 文件路径或 postgresql://… 地址（默认 JIXIAO_DB 或 jixiao.db）")


def _engine(db: str | None, create: bool = False):
    """Open the store. Only `ingest` (and `serve` with an explicit --db) may create a new SQLite file: a
    command that reads and finds none says so instead of answering from a new, empty store."""
    from .store import StoreError, open_engine, resolve_url

    url = resolve_url(db)
    if not create and url.startswith("sqlite:///"):
        path = Path(url.removeprefix("sqlite:///"))
        if not path.exists():
            given = db or os.environ.get("JIXIAO_DB")
            hint = "用 --db 指定数据库文件，或先用 jixiao ingest 入库" if not given else "请检查路径"
            err.print(f"[red]错误[/red] {given or path}: 数据库不存在（{hint}）", soft_wrap=True)
            raise typer.Exit(2)
    try:
        return open_engine(db)
    except StoreError as exc:
        err.print(f"[red]错误[/red] {exc}", soft_wrap=True)
        raise typer.Exit(2) from exc


CONFIG_OPTION = typer.Option(None, "--config", "-c", help="审核配置（TOML）：停用规则、调整严重程度和阈值")
DEPT = typer.Option(None, "--department", "-d", help="部门（包含）")
UNIT = typer.Option(None, "--unit", "-u", help="单位（包含）")
YEAR = typer.Option(None, "--year", "-y", help="预算年度")
LEVEL1 = typer.Option(None, "--level1", help="一级指标，如 产出指标")
LEVEL2 = typer.Option(None, "--level2", help="二级指标，如 数量指标")
KIND = typer.Option(None, "--kind", help="年度指标值类型：number、range、compound、bool、deadline、text")
TEXT = typer.Option(None, "--search", "-s", help="全文检索（支持两个字的词，如 满意）")
LIMIT = typer.Option(200, "--limit", help="最多返回多少行（0 表示不限）")
OFFSET = typer.Option(0, "--offset", help="跳过前多少行（分页）")


def _filters(department, unit, year, level1, level2, kind, text, limit, offset=0):
    from .store import Filters

    return Filters(department=department, unit=unit, year=year, level1=level1, level2=level2, kind=kind, text=text,
                   limit=limit, offset=offset)


class ReviewFormat(StrEnum):
    text = "text"
    json = "json"
    xlsx = "xlsx"
    html = "html"


_expand = expand_paths  # the one folder walker (parse, review, ingest, compare and score all use it)


@app.command()
def review(
    paths: list[Path] = typer.Argument(None, help="要审核的文件或目录；不给出时审核库中的文档（可用下列条件筛选）"),
    fmt: ReviewFormat = typer.Option(ReviewFormat.text, "--format", "-f", help="text、json、xlsx 或 html"),
    out: Path | None = typer.Option(None, "--out", "-o", help="报告文件（xlsx、html 必填；json 缺省时打印）"),
    config: Path | None = CONFIG_OPTION,
    db: str | None = DB_OPTION, department: str | None = DEPT, unit: str | None = UNIT, year: int | None = YEAR,
    search: str | None = TEXT,
    max_size: float = typer.Option(DEFAULT_MAX_BYTES / 1048576, "--max-size", help="单个文件大小上限（MB）"),
    refresh: bool = typer.Option(False, "--refresh", help="重新审核库中所有文档并更新保存的审核意见（规则或配置改动后）"),
) -> None:
    """按财政部绩效目标管理规则审核绩效目标表，按部门、项目列出问题并排序。"""
    from . import service
    from .review import review_document
    from .review.report import build_report, write_html, write_json, write_xlsx

    try:
        settings = service.load_settings(config)
    except JixiaoError as exc:
        err.print(f"[red]错误[/red] {exc}", soft_wrap=True)
        raise typer.Exit(2) from exc
    if fmt in (ReviewFormat.xlsx, ReviewFormat.html) and out is None:
        err.print(f"[red]错误[/red] --format {fmt.value} 需要用 --out 指定报告文件")
        raise typer.Exit(2)
    pairs, failed = [], 0
    if paths:
        for path in expand_paths(paths):
            try:
                doc = parse_path(path, max_bytes=int(max_size * 1048576))
                pairs.append((doc, review_document(doc, settings)))
            except JixiaoError as exc:
                failed += 1
                _fail(path, exc.message)
    else:
        engine = _engine(db)
        if refresh:
            n = service.refresh(engine, settings)
            err.print(f"已重新审核 {n} 个文档")
        ids = service.document_ids_matching(engine, _filters(department, unit, year, None, None, None, search, None))
        pairs = service.review_documents(engine, ids, settings)
        if not pairs:
            err.print("库中没有符合条件的文档")
    report = build_report(pairs)
    if fmt is ReviewFormat.json:
        text = write_json(report, out)
        if out is None:
            sys.stdout.write(text + "\n")
    elif fmt is ReviewFormat.xlsx:
        write_xlsx(report, out)
    elif fmt is ReviewFormat.html:
        write_html(report, out)
    else:
        print_review(report)
    if out is not None:
        err.print(f"已写入 {out}")
    if failed:
        raise typer.Exit(1)


_SEVERITY_STYLE = {"error": "[bold red]错误[/bold red]", "warning": "[yellow]警告[/yellow]", "info": "[dim]提示[/dim]"}


def print_review(report) -> None:
    console = out_console()
    total = sum(len(d.findings) for d in report)
    console.print(f"共 {total} 个问题，{sum(len(d.projects) for d in report)} 个项目")
    for d in report:
        console.rule(f"{d.name}  部门得分 {d.score}")
        for f in d.general:
            console.print(f"  {_SEVERITY_STYLE[f.severity]} {f.rule} {f.message}  [dim]{f.evidence}[/dim]")
        for p in d.projects:
            if not p.findings:
                continue
            console.print(f"[bold]{p.name}[/bold]  {p.unit or ''}  [dim]{p.document}[/dim]  得分 {p.score}")
            for f in p.findings:
                where = f"第{f.indicator_seq}项 {f.indicator}" if f.indicator_seq else "项目"
                console.print(f"  {_SEVERITY_STYLE[f.severity]} {f.rule} [{where}] {f.message}", soft_wrap=True)
                console.print(f"      证据：{f.evidence}  建议：{f.fix}", style="dim", soft_wrap=True)


class RulesFormat(StrEnum):
    table = "table"
    md = "md"
    json = "json"


@app.command("rules")
def list_rules(fmt: RulesFormat = typer.Option(RulesFormat.table, "--format", "-f", help="table、md 或 json")) -> None:
    """列出审核规则目录（docs/rules.md 由 --format md 生成）。"""
    from .review.catalog import markdown
    from .review.engine import all_rules

    if fmt is RulesFormat.md:
        sys.stdout.write(markdown())
        return
    if fmt is RulesFormat.json:
        sys.stdout.write(json.dumps([{"code": r.code, "name": r.name, "severity": r.severity, "family": r.family,
                                      "enabled": r.enabled, "summary": r.summary, "rationale": r.rationale}
                                     for r in all_rules()], ensure_ascii=False, indent=2) + "\n")
        return
    from .review.catalog import _FAMILY_ZH
    from .review.report import SEVERITY_ZH

    table = Table()
    for col in ("代码", "检查内容", "严重程度", "类别"):
        table.add_column(col, overflow="fold", no_wrap=col in ("代码", "严重程度", "类别"))
    for r in all_rules():
        table.add_row(r.code, r.summary, SEVERITY_ZH[r.severity] + ("" if r.enabled else "（默认关闭）"),
                      _FAMILY_ZH.get(r.family, r.family))
    out_console().print(table)


@app.command()
def ingest(
    paths: list[Path] = typer.Argument(..., help="文件或目录（递归）"),
    db: str | None = DB_OPTION,
    workers: int = typer.Option(os.cpu_count() or 1, "--workers", "-w", help="并行解析的进程数"),
    replace: bool = typer.Option(False, "--replace", help="已入库的文件也重新解析并替换"),
    max_size: float = typer.Option(DEFAULT_MAX_BYTES / 1048576, "--max-size", help="单个文件大小上限（MB）"),
    executor: str | None = typer.Option(None, "--executor",
                                        help="在已有的 Dask 集群上解析：dask://主机:端口（默认本机多进程）"),
    config: Path | None = CONFIG_OPTION,
) -> None:
    """解析并入库：每个文件一个事务（连同其审核意见）；相同内容只存一份；失败的文件不影响其余文件。"""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    from . import service

    try:
        settings = service.load_settings(config)
    except JixiaoError as exc:
        err.print(f"[red]错误[/red] {exc}", soft_wrap=True)
        raise typer.Exit(2) from exc
    engine = _engine(db, create=True)
    files = expand_paths(paths)
    with Progress(TextColumn("入库"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                  TextColumn("{task.description}"), console=err) as progress:
        task = progress.add_task("", total=len(files))

        def tick(result) -> None:
            progress.update(task, advance=1, description=Path(result.path).name)

        try:
            summary = service.ingest_files(engine, files, workers=workers, replace=replace,
                                           max_bytes=int(max_size * 1048576), on_result=tick, executor=executor,
                                           settings=settings)
        except KeyboardInterrupt:
            err.print("已中断：已提交的文件保留在库中，重新运行会跳过它们并完成其余文件")
            raise typer.Exit(130) from None
        except JixiaoError as exc:  # the executor cannot be reached
            _fail(exc.path or executor or "", exc.message)
            raise typer.Exit(1) from None
    table = Table(title="入库结果")
    for col in ("新入库", "已替换", "未变化", "失败", "项目", "指标"):
        table.add_column(col)
    table.add_row(str(summary.count("stored")), str(summary.count("replaced")), str(summary.count("unchanged")),
                  str(len(summary.failed)), str(sum(r.projects for r in summary.results)),
                  str(sum(r.indicators for r in summary.results)))
    err.print(table)
    _warn_twins(engine, [r for r in summary.results if r.status in ("stored", "replaced")])
    for r in summary.failed:
        _fail(r.path, r.message)
    if summary.failed:
        raise typer.Exit(1)


def _warn_twins(engine, stored: list, limit: int = 200) -> None:
    """Say when a new file holds a table already stored from another file (the same table as PDF and as
    XLSX, say): stored twice, its projects show twice and its budget counts twice."""
    from .service import twins

    for path, twin in twins(engine, stored, limit):
        err.print(f"[yellow]注意[/yellow] {path}: 与已入库的 {twin} 是同一张表（项目和指标相同），"
                  "项目会重复显示、预算会重复计算", soft_wrap=True)


MONEY = {"budget_total", "budget_fiscal", "budget_other", "budget", "budget_a", "budget_b"}


def _cell(key: str, value) -> str:
    """One table cell: amounts with two decimals (7.00, 1,234.50) everywhere, other numbers as they are."""
    if value is None:
        return ""
    if key in MONEY and isinstance(value, int | float):
        return _money(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


class QueryFormat(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"


def _emit(rows: list[dict], fmt: QueryFormat, columns: list[tuple[str, str]]) -> None:
    if fmt is QueryFormat.json:
        sys.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2, default=str) + "\n")
        return
    if fmt is QueryFormat.csv:
        _write_csv(rows, [] if rows else [k for k, _ in columns])
        return
    table = Table()
    for key, title in columns:
        table.add_column(title, overflow="fold", justify="right" if key in MONEY or key in ("id", "seq") else "left")
    for r in rows:
        table.add_row(*(_cell(k, r.get(k)) for k, _ in columns))
    out_console().print(table)
    err.print(f"{len(rows)} 行")


@app.command()
def projects(db: str | None = DB_OPTION, department: str | None = DEPT, unit: str | None = UNIT,
             year: int | None = YEAR, level1: str | None = LEVEL1, level2: str | None = LEVEL2,
             kind: str | None = KIND, search: str | None = TEXT, limit: int = LIMIT, offset: int = OFFSET,
             fmt: QueryFormat = typer.Option(QueryFormat.table, "--format", "-f", help="table、json 或 csv")) -> None:
    """按条件列出库中的项目。"""
    from .service import projects as list_projects

    rows = list_projects(_engine(db), _filters(department, unit, year, level1, level2, kind, search, limit or None,
                                               offset))
    _emit(rows, fmt, [("id", "ID"), ("document", "文件"), ("year", "年度"), ("department", "部门"), ("unit", "单位"),
                      ("name", "项目"), ("budget_total", "总计"), ("indicators", "指标数")])


@app.command()
def indicators(db: str | None = DB_OPTION, department: str | None = DEPT, unit: str | None = UNIT,
               year: int | None = YEAR, level1: str | None = LEVEL1, level2: str | None = LEVEL2,
               kind: str | None = KIND, search: str | None = TEXT, limit: int = LIMIT, offset: int = OFFSET,
               fmt: QueryFormat = typer.Option(QueryFormat.table, "--format", "-f", help="table、json 或 csv")) -> None:
    """按条件列出库中的绩效指标。"""
    from .service import indicators as list_indicators

    rows = list_indicators(_engine(db), _filters(department, unit, year, level1, level2, kind, search,
                                                 limit or None, offset))
    _emit(rows, fmt, [("project", "项目"), ("seq", "序号"), ("level1", "一级"), ("level2", "二级"),
                      ("name", "三级指标"), ("annual", "年度指标值"), ("kind", "类型"), ("period", "实施周期指标值")])


class ExportFormat(StrEnum):
    json = "json"
    csv = "csv"
    xlsx = "xlsx"
    parquet = "parquet"


@app.command()
def export(out: Path = typer.Option(..., "--out", "-o", help="输出文件"),
           fmt: ExportFormat | None = typer.Option(None, "--format", "-f", help="json、csv、xlsx、parquet（缺省按扩展名）"),
           db: str | None = DB_OPTION, department: str | None = DEPT, unit: str | None = UNIT,
           year: int | None = YEAR, search: str | None = TEXT) -> None:
    """导出全库或筛选后的文档：JSON（交换格式）、CSV/XLSX/Parquet（每个指标一行）。"""
    from .export import WRITERS
    from .service import document_ids_matching, iter_documents

    kind = (fmt.value if fmt else out.suffix.lstrip(".").lower())
    if kind not in WRITERS:
        err.print(f"[red]错误[/red] 无法从扩展名判断导出格式：{out.name}（用 --format 指定）")
        raise typer.Exit(2)
    engine = _engine(db)
    if not out.parent.is_dir():
        _fail(out, f"无法写入：目录 {out.parent} 不存在")
        raise typer.Exit(1)
    ids = document_ids_matching(engine, _filters(department, unit, year, None, None, None, search, None))
    tmp = out.with_name(out.name + ".part")
    try:
        n = WRITERS[kind](iter_documents(engine, ids), tmp)
        tmp.replace(out)
    except OSError as exc:
        if tmp.parent.is_dir():
            tmp.unlink(missing_ok=True)
        _fail(out, f"无法写入：{describe(exc).message}")
        raise typer.Exit(1) from exc
    err.print(f"已导出 {len(ids)} 个文档（{n} {'个文档' if kind == 'json' else '行'}）到 {out}")


class CompareFormat(StrEnum):
    text = "text"
    json = "json"
    xlsx = "xlsx"


_CHANGE_ZH = {"added": "新增", "removed": "删除", "renamed": "改名", "moved": "调整层级", "raised": "提高",
              "lowered": "降低", "kind_changed": "类型变化", "changed": "表述变化", "unchanged": "未变"}


def _load_side(paths: list[Path] | None, db: str | None, department: str | None, year: int | None, label: str):
    if paths:
        docs = []
        for p in expand_paths(paths):
            try:
                docs.append(parse_path(p))
            except JixiaoError as exc:
                _fail(p, exc.message)
        return docs
    from .service import document_ids_matching, iter_documents

    engine = _engine(db)
    ids = document_ids_matching(engine, _filters(department, None, year, None, None, None, None, None))
    return list(iter_documents(engine, ids))


@app.command()
def compare(
    a: Path | None = typer.Argument(None, help="A：文件或目录（不给出时按 --year-a 从库中取）"),
    b: Path | None = typer.Argument(None, help="B：文件或目录（不给出时按 --year-b 从库中取）"),
    db: str | None = DB_OPTION, department: str | None = DEPT,
    year_a: int | None = typer.Option(None, "--year-a", help="从库中取 A 的年度"),
    year_b: int | None = typer.Option(None, "--year-b", help="从库中取 B 的年度"),
    fmt: CompareFormat = typer.Option(CompareFormat.text, "--format", "-f", help="text、json 或 xlsx"),
    out: Path | None = typer.Option(None, "--out", "-o", help="输出文件"),
) -> None:
    """比较两份（或两年）绩效目标：项目配对、指标增删改、目标升降（区分反向指标）与预算变化。"""
    from .compare import compare_documents

    if (a is None) != (b is None) or (a is None and (year_a is None or year_b is None)):
        err.print("[red]错误[/red] 请给出两个文件/目录，或用 --year-a、--year-b 从库中取两年的文档")
        raise typer.Exit(2)
    side_a = _load_side([a] if a else None, db, department, year_a, "A")
    side_b = _load_side([b] if b else None, db, department, year_b, "B")
    if not side_a or not side_b:
        err.print("[red]错误[/red] A 或 B 没有可比较的文档")
        raise typer.Exit(1)
    result = compare_documents(side_a, side_b)
    if fmt is CompareFormat.json:
        text = json.dumps(result, ensure_ascii=False, indent=2)
        if out:
            out.write_text(text, encoding="utf-8")
        else:
            sys.stdout.write(text + "\n")
    elif fmt is CompareFormat.xlsx:
        if out is None:
            err.print("[red]错误[/red] --format xlsx 需要 --out")
            raise typer.Exit(2)
        _compare_xlsx(result, out)
    else:
        _print_compare(result)
    if out:
        err.print(f"已写入 {out}")


def _print_compare(result: dict) -> None:
    console = out_console()
    s = result["summary"]
    console.print(f"配对 {s['matched']} 个项目，待确认 {s['ambiguous']} 个，仅 A 有 {s['only_a']} 个，仅 B 有 {s['only_b']} 个")
    for m in result["projects"]:
        if m["status"] == "matched":
            flag = "  [bold red]预算增加而目标降低[/bold red]" if m["budget_up_targets_down"] else ""
            budget = (f"  预算 {_money(m['budget_a'])} → {_money(m['budget_b'])}（{m['budget_change']:+,.2f}）"
                      if m["budget_change"] is not None else "")
            console.rule(f"{m['a']['name']} ⇄ {m['b']['name']}")
            console.print(f"[dim]{m['reason']}（{m['score']}）[/dim]{budget}{flag}")
            for c in m["indicators"]:
                if c["change"] == "unchanged":
                    continue
                name = (c["b"] or c["a"])["name"]
                ta = (c["target_a"] or {}).get("raw", "—")
                tb = (c["target_b"] or {}).get("raw", "—")
                console.print(f"  {_CHANGE_ZH[c['change']]}  {name}  {ta} → {tb}  [dim]{c['detail']}[/dim]",
                              soft_wrap=True)
        elif m["status"] == "ambiguous":
            cands = "；".join(f"{c['project']}（{c['score']}）" for c in m["candidates"])
            console.print(f"[yellow]待确认[/yellow] {m['a']['name']}：{cands}", soft_wrap=True)
    only = [m for m in result["projects"] if m["status"] in ("only_a", "only_b")]
    for m in only:
        side, p, money = (("仅 A", m["a"], m["budget_a"]) if m["status"] == "only_a" else ("仅 B", m["b"], m["budget_b"]))
        console.print(f"[dim]{side}：{p['name']}  预算 {_money(money) or '—'}[/dim]")


def _compare_xlsx(result: dict, path: Path) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "指标变化"
    ws.append(["A 项目", "B 项目", "配对", "理由", "预算 A", "预算 B", "预算增加而目标降低", "变化", "A 指标", "A 指标值",
               "B 指标", "B 指标值", "说明"])
    for m in result["projects"]:
        head = [(m["a"] or {}).get("name"), (m["b"] or {}).get("name"), m["status"], m["reason"], m["budget_a"],
                m["budget_b"], "是" if m["budget_up_targets_down"] else ""]
        if not m["indicators"]:
            ws.append(head)
        for c in m["indicators"]:
            ws.append(head + [_CHANGE_ZH[c["change"]], (c["a"] or {}).get("name"), (c["target_a"] or {}).get("raw"),
                              (c["b"] or {}).get("name"), (c["target_b"] or {}).get("raw"), c["detail"]])
    wb.save(path)


library_app = typer.Typer(help="指标库：把库中所有指标归并为条目，检索、查看。", no_args_is_help=True)
app.add_typer(library_app, name="library")


@library_app.command("build")
def library_build(db: str | None = DB_OPTION) -> None:
    """重建指标库（入库、替换、删除与审核通过时指标库已随之更新；此命令从头重新归并）。"""
    from .service import rebuild_library

    n = rebuild_library(_engine(db))
    err.print(f"指标库共 {n} 个条目")


@library_app.command("search")
def library_search(text: str = typer.Argument(..., help="指标名称或其中的词"), db: str | None = DB_OPTION,
                   limit: int = typer.Option(20, "--limit"),
                   fmt: QueryFormat = typer.Option(QueryFormat.table, "--format", "-f", help="table、json 或 csv")) -> None:
    """在指标库中检索指标。"""
    from .service import library_search as search_library

    rows = search_library(_engine(db), text, limit)
    if fmt is not QueryFormat.table:
        _emit(rows, fmt, [])
        return
    table = Table()
    for col in ("条目", "名称", "次数", "项目数", "写法", "常见层级", "常见指标值"):
        table.add_column(col, overflow="fold")
    for r in rows:
        table.add_row(str(r["id"]), r["name"], str(r["count"]), str(r["projects_using"]),
                      "、".join(v["name"] for v in r["variants"][:4]),
                      (r["placements"] or [{}])[0].get("level", ""),
                      "、".join(t["target"] for t in (r["targets"] or [])[:3]))
    out_console().print(table)


@library_app.command("show")
def library_show(entry: str = typer.Argument(..., help="条目编号或指标名称"), db: str | None = DB_OPTION) -> None:
    """查看一个指标库条目：写法及归并依据、层级分布、指标值分布、使用它的项目。"""
    from .service import NotFound, library_entry

    try:
        data = library_entry(_engine(db), entry)
    except NotFound:
        err.print(f"[red]错误[/red] 指标库中没有“{entry}”")
        raise typer.Exit(1) from None
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n")


@app.command()
def suggest(text: str = typer.Argument(..., help="新项目的名称或描述"), db: str | None = DB_OPTION,
            limit: int = typer.Option(10, "--limit"),
            fmt: QueryFormat = typer.Option(QueryFormat.table, "--format", "-f", help="table、json 或 csv")) -> None:
    """为新项目推荐绩效指标：参照库中相似项目用过的指标，给出常见指标值和来源项目。"""
    from .service import suggest as suggest_indicators

    rows = suggest_indicators(_engine(db), text, limit)
    if fmt is not QueryFormat.table:
        _emit(rows, fmt, [])
        return
    table = Table()
    for col in ("#", "指标", "层级", "常见指标值", "得分", "来自相似项目"):
        table.add_column(col, overflow="fold")
    for n, r in enumerate(rows, start=1):
        table.add_row(str(n), r["name"], r["level"] or "", "、".join(r["typical_targets"]), f"{r['score']:.2f}",
                      "；".join(p for p, _ in r["from_projects"][:3]))
    out_console().print(table)


@app.command()
def serve(db: str | None = DB_OPTION, host: str = typer.Option("127.0.0.1", "--host"),
          port: int = typer.Option(8000, "--port"),
          auth: bool = typer.Option(True, "--auth/--no-auth",
                                    help="账户与登录（默认开启）；--no-auth：本机单人使用，不需登录"),
          public_read: bool = typer.Option(False, "--public-read", help="未登录的访客可只读查看已公开的表"),
          workers: int = typer.Option(1, "--workers", min=1, max=64, help="工作进程数（共享服务器用 PostgreSQL）"),
          config: Path | None = CONFIG_OPTION) -> None:
    """启动网页界面和 JSON API（默认 http://127.0.0.1:8000）。"""
    import uvicorn

    from .api.app import create_app
    from .store import StoreError

    settings = _serve_settings(config)
    engine = _engine(db, create=db is not None)  # without --db, an existing jixiao.db (or JIXIAO_DB) is needed
    if auth:
        from .cli_user import announce_first_admin

        announce_first_admin(engine)
    engine.dispose()
    try:
        application = create_app(db, auth=auth, public_read=public_read)
        application.state.review_settings = settings
    except StoreError as exc:
        err.print(f"[red]错误[/red] {exc}", soft_wrap=True)
        raise typer.Exit(2) from exc
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(message)s", "%Y-%m-%d %H:%M:%S"))
    access = logging.getLogger("jixiao.access")
    access.addHandler(handler)
    access.setLevel(logging.INFO)
    err.print(f"jixiao 已启动：http://{host}:{port}/  （API 文档：/docs）")
    if workers > 1:  # each worker process builds its own app from the environment (api.app.create_app_from_env)
        os.environ.update(JIXIAO_DB=db or os.environ.get("JIXIAO_DB") or "", JIXIAO_AUTH="1" if auth else "0",
                          JIXIAO_PUBLIC_READ="1" if public_read else "0")
        from .api.app import serve_workers

        serve_workers(host, port, workers, log_level="warning", access_log=False, proxy_headers=True)
        return
    uvicorn.run(application, host=host, port=port, log_level="warning", access_log=False, proxy_headers=True)


def _serve_settings(config: Path | None):
    """The review settings the pages and the API use, the same `review --config` takes; worker processes
    read the file's path from JIXIAO_REVIEW_CONFIG (jixiao.api.context)."""
    from .service import load_settings

    try:
        settings = load_settings(config)
    except JixiaoError as exc:
        err.print(f"[red]错误[/red] {exc}", soft_wrap=True)
        raise typer.Exit(2) from exc
    if config is not None:
        os.environ["JIXIAO_REVIEW_CONFIG"] = str(config.resolve())
    return settings


def main() -> None:
    try:
        app()
    except KeyboardInterrupt:
        err.print("已中断")
        sys.exit(130)
    except OSError as exc:  # a file that cannot be written or read, named with the reason in Chinese
        _fail(exc.filename or "", describe(exc).message)
        sys.exit(1)
    except Exception as exc:  # a refusal (JixiaoError) or a database failing mid-command: one line, the one policy
        from sqlalchemy.exc import SQLAlchemyError

        if not isinstance(exc, JixiaoError | SQLAlchemyError):
            raise
        err.print(f"[red]错误[/red] {escape(describe(exc).line)}", soft_wrap=True)
        sys.exit(1)


from . import cli_score  # noqa: E402, F401, I001  (registers `score` and `track`)
from . import cli_user  # noqa: E402, F401  (registers `user`)
from . import cli_export  # noqa: E402, F401  (registers `export-table`)
from . import cli_workflow  # noqa: E402, F401  (registers `workflow` and `audit`)
from . import cli_docs  # noqa: E402, F401  (registers `docs delete` and `docs replace`)

if __name__ == "__main__":
    # run as `python -m jixiao.cli` this file is `__main__`, while the command modules register on
    # `jixiao.cli`: run that one, which has every command
    from jixiao.cli import main as _main

    _main()
