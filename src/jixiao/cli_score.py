"""`jixiao score` and `jixiao track`: recompute self-evaluations, light monitoring tables, and set each
one beside its approved targets. Registered on the `jixiao` app by one import at the end of cli.py."""

from __future__ import annotations

import json
import sys
from enum import StrEnum
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

from .cli import DB_OPTION, DEPT, TEXT, UNIT, YEAR, _engine, _expand, _filters, app, err
from .errors import JixiaoError
from .ingest import parse_path
from .model import Document
from .readers import DEFAULT_MAX_BYTES


class ScoreFormat(StrEnum):
    text = "text"
    json = "json"
    xlsx = "xlsx"
    html = "html"


_LIGHT_STYLE = {"red": "[bold red]红[/bold red]", "yellow": "[yellow]黄[/yellow]", "green": "[green]绿[/green]",
                "blue": "[blue]蓝[/blue]", None: "—"}


def _fail(exc: JixiaoError, path: Path | str | None = None) -> None:
    err.print(f"[red]错误[/red] {exc.path or path}: {exc.message}" if (exc.path or path) else f"[red]错误[/red] {exc}",
              soft_wrap=True)


def read_documents(path: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> list[Document]:
    """A table file through the parser, or the interchange JSON `jixiao parse` writes (one document or a list),
    so a parsed (or hand-corrected) document can be scored without parsing again."""
    if path.suffix.lower() != ".json":
        return [parse_path(path, max_bytes=max_bytes)]
    from pydantic import ValidationError

    from . import SCHEMA_ID

    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise JixiaoError(f"无法读取 JSON：{exc}", str(path)) from exc
    items = data if isinstance(data, list) else [data]
    if not items or not all(isinstance(d, dict) and d.get("schema") == SCHEMA_ID for d in items):
        raise JixiaoError(f"不是 {SCHEMA_ID} 文档（先用 jixiao parse 解析原表）", str(path))
    try:
        return [Document.model_validate(d) for d in items]
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(x) for x in first["loc"])
        raise JixiaoError(f"文档字段无效：{where}：{first['msg']}", str(path)) from exc


def _warn_unread(path: Path, doc: Document, limit: int = 3) -> None:
    """One line per row the parser could not read in full (a weight printed as text: `分值“十”不是数字`), so
    a figure missing from the score has its reason beside the file name."""
    rows = [i for p in doc.projects for i in p.indicators if i.problem]
    if doc.overall:
        rows += [i for sec in doc.overall.sections for i in sec.indicators if i.problem]
    for i in rows[:limit]:
        err.print(f"[yellow]提示[/yellow] {path}: 第{i.seq}项“{i.name}”：{i.problem}", soft_wrap=True)
    if len(rows) > limit:
        err.print(f"[yellow]提示[/yellow] {path}: 另有 {len(rows) - limit} 个指标未完整读取", soft_wrap=True)


def _documents(paths: list[Path] | None, db, department, unit, year, search, max_size: float
               ) -> tuple[list[Document], int]:
    """Documents to score from files, or from the store with the usual filters; (documents, failures)."""
    from .execution.report import check_scorable
    from .execution.scoring import has_execution_fields

    docs: list[Document] = []
    failed = skipped = 0
    if paths:
        named = {p.resolve() for p in paths if not p.is_dir()}
        for path in _expand(paths):
            try:
                read = read_documents(path, int(max_size * 1048576))
            except JixiaoError as exc:
                failed += 1
                _fail(exc, path)
                continue
            except Exception as exc:  # noqa: BLE001 - a bug must still be one line naming the file
                failed += 1
                err.print(f"[red]错误[/red] {path}: 内部错误（{type(exc).__name__}: {exc}），请报告此文件", soft_wrap=True)
                continue
            for doc in read:
                why = check_scorable(doc)
                if why and not has_execution_fields(doc) and path.resolve() not in named:
                    skipped += 1  # a target table found in a directory is not an error
                elif why:
                    failed += 1
                    err.print(f"[red]错误[/red] {path}: {why}", soft_wrap=True)
                else:
                    docs.append(doc)
                    _warn_unread(path, doc)
        if skipped:
            err.print(f"[dim]跳过 {skipped} 个目标表（没有执行字段）[/dim]")
        if not docs and not failed:
            err.print("[red]错误[/red] 没有找到自评表或监控表")
            failed = 1
        return docs, failed
    from sqlalchemy import select

    from .store import document_ids, load_document
    from .store.schema import DocumentRow

    with _engine(db).connect() as conn:
        # only monitoring and self-evaluation tables are loaded: a store is mostly target tables
        wanted = set(conn.execute(select(DocumentRow.id).where(DocumentRow.kind != "target")).scalars())
        for doc_id in document_ids(conn, _filters(department, unit, year, None, None, None, search, None)):
            if doc_id in wanted and check_scorable(doc := load_document(conn, doc_id)) is None:
                docs.append(doc)
    if not docs:
        err.print("库中没有符合条件的自评表或监控表")
    return docs, failed


def _config(config: Path | None):
    from .execution import load_config

    try:
        return load_config(config)
    except JixiaoError as exc:
        _fail(exc)
        raise typer.Exit(2) from exc


@app.command()
def score(
    paths: list[Path] = typer.Argument(None, help="自评表、监控表文件或目录；不给出时取库中的文档（可用下列条件筛选）"),
    fmt: ScoreFormat = typer.Option(ScoreFormat.text, "--format", "-f", help="text、json、xlsx 或 html"),
    out: Path | None = typer.Option(None, "--out", "-o", help="报告文件（xlsx、html 必填；json 缺省时打印）"),
    config: Path | None = typer.Option(None, "--config", "-c", help="评分配置（TOML）：一级指标分值、反向指标规则、执行率计分、阈值"),
    db: str | None = DB_OPTION, department: str | None = DEPT, unit: str | None = UNIT, year: int | None = YEAR,
    search: str | None = TEXT,
    max_size: float = typer.Option(DEFAULT_MAX_BYTES / 1048576, "--max-size", help="单个文件大小上限（MB）"),
) -> None:
    """复算绩效自评表（预算执行、各指标按方向计分、一级指标小计、总分与等级），给监控表亮灯，并列出执行类问题。

    例：jixiao score 自评表.xlsx --format json"""
    from .execution.report import score_documents, write_html, write_json, write_xlsx

    cfg = _config(config)
    if fmt in (ScoreFormat.xlsx, ScoreFormat.html) and out is None:
        err.print(f"[red]错误[/red] --format {fmt.value} 需要用 --out 指定报告文件")
        raise typer.Exit(2)
    docs, failed = _documents(paths, db, department, unit, year, search, max_size)
    try:
        report = score_documents(docs, cfg)
    except JixiaoError as exc:
        _fail(exc)
        raise typer.Exit(1) from exc
    if fmt is ScoreFormat.json:
        text = write_json(report, out, cfg)
        if out is None:
            sys.stdout.write(text + "\n")
    elif fmt is ScoreFormat.xlsx:
        write_xlsx(report, out)
    elif fmt is ScoreFormat.html:
        write_html(report, out)
    else:
        _print_scores(report)
    if out is not None:
        err.print(f"已写入 {out}")
    if failed:
        raise typer.Exit(1)


def _v(x) -> str:
    if x is None:
        return "—"
    return f"{x:g}" if isinstance(x, float) else str(x)


def _print_scores(report) -> None:
    from .execution.measure import DIRECTION_ZH
    from .execution.report import KIND_ZH

    console = Console()
    for d in report:
        month = f" 1-{d.document.as_of_month}月" if d.document.as_of_month else ""
        monitoring = d.document.kind == "monitoring"
        for s in d.subjects:
            pl = d.lights_for(s)
            light = f"  灯 {_LIGHT_STYLE[pl.color]}" if pl else ""
            console.rule(f"{s.name}  [dim]{s.unit or ''} {d.name} {KIND_ZH.get(s.kind, s.kind)}{month}[/dim]{light}")
            if not monitoring:
                total_rec = _v(s.total_recomputed) + ("" if s.complete else "（部分指标无法复算）")
                summed = None if s.sum_printed is None else round(s.sum_printed, 2)
                console.print(f"总分：表 {_v(s.total_printed)}  各项合计 {_v(summed)}  复算 {total_rec}   "
                              f"等级：表 {s.grade_printed or '—'}  复算 {s.grade_recomputed or '—'}", soft_wrap=True)
            ex = s.execution
            if ex:
                rate = "—" if ex.rate_computed is None else f"{ex.rate_computed:.2f}%"
                printed = "—" if ex.rate_printed is None else f"{ex.rate_printed:g}%"
                line = f"预算执行：执行率 表 {printed} 复算 {rate}"
                if not monitoring:
                    line += f"  分值 {_v(ex.weight)}  得分 表 {_v(ex.printed)} 复算 {_v(ex.recomputed)}  [dim]{ex.rule}[/dim]"
                if pl and pl.budget:
                    line += f"  预算执行灯 {_LIGHT_STYLE[pl.budget.color]} [dim]{pl.budget.rule}[/dim]"
                console.print(line, soft_wrap=True)
            if pl:
                console.print(f"[dim]预期进度 {_v(None if pl.expected_share is None else round(pl.expected_share * 100, 1))}%"
                              f"（{pl.share_source}）[/dim]")
            table = Table(show_lines=False)
            if monitoring:
                cols = ["#", "一级", "三级指标", "目标", f"1-{d.document.as_of_month or 'm'}月", "全年预计", "可能性", "进度",
                        "灯", "偏差原因"]
            else:
                cols = ["#", "一级", "三级指标", "目标", "实际", "方向", "分值", "得分(表)", "得分(复算)", "规则", "说明"]
            for c in cols:
                table.add_column(c, overflow="fold")
            rules: list[str] = []
            lights = pl.indicators if pl else [None] * len(s.indicators)
            for x, il in zip(s.indicators, lights, strict=True):
                i = x.indicator
                head = [str(i.seq), i.level1 or "", i.name, i.annual.raw if i.annual else ""]
                if monitoring:
                    progress = None if il.light.progress is None else f"{il.light.progress:.0f}%"
                    table.add_row(*head, i.actual.raw if i.actual else "", i.forecast.raw if i.forecast else "",
                                  i.likelihood or "", progress or "", _LIGHT_STYLE[il.light.color], i.deviation or "")
                    continue
                if x.rule not in rules:
                    rules.append(x.rule)
                rec = _v(x.recomputed)
                if x.differs:
                    rec = f"[bold red]{rec}[/bold red]"
                weight = _v(None if x.weight is None else round(x.weight, 2)) + ("*" if x.weight_derived else "")
                table.add_row(*head, i.actual.raw if i.actual else "", DIRECTION_ZH.get(x.direction, "未知"), weight,
                              _v(x.printed), rec, f"R{rules.index(x.rule) + 1}", x.note or "")
            console.print(table)
            for k, r in enumerate(rules, start=1):
                console.print(f"  [dim]R{k} {r}[/dim]", soft_wrap=True)
            if s.levels and not monitoring:
                console.print("一级指标：" + "；".join(
                    f"{lv.level1} 分值 {lv.weight:g} 表 {_v(None if lv.printed is None else round(lv.printed, 2))} "
                    f"复算 {_v(None if lv.recomputed is None else round(lv.recomputed, 2))}" for lv in s.levels),
                    soft_wrap=True)
        for f in d.findings:
            where = f"第{f.indicator_seq}项 {f.indicator}" if f.indicator_seq else (f.project or "文档")
            console.print(f"  [yellow]{f.rule}[/yellow] [{where}] {f.message}  [dim]{f.evidence}[/dim]", soft_wrap=True)
    n = sum(len(d.findings) for d in report)
    derived = any(x.weight_derived for d in report if d.document.kind != "monitoring" for s in d.subjects
                  for x in s.indicators)
    console.print(f"共 {sum(len(d.subjects) for d in report)} 个项目，{n} 个执行类问题"
                  + ("；* 分值按配置的一级指标分值分配" if derived else ""))


class TrackFormat(StrEnum):
    text = "text"
    json = "json"


@app.command()
def track(
    paths: list[Path] = typer.Argument(..., help="自评表或监控表文件、目录"),
    approved: list[Path] = typer.Option(None, "--approved", "-a", help="已批复的目标表文件或目录（缺省时从库中取）"),
    fmt: TrackFormat = typer.Option(TrackFormat.text, "--format", "-f", help="text 或 json"),
    out: Path | None = typer.Option(None, "--out", "-o", help="输出文件"),
    config: Path | None = typer.Option(None, "--config", "-c", help="评分配置（TOML）"),
    db: str | None = DB_OPTION, department: str | None = DEPT, year: int | None = YEAR,
) -> None:
    """把自评表、监控表与已批复的目标表对照：每个指标的 目标 | 实际 | 分值 | 得分（表/复算） | 灯，
    并标出批复后被改动（降低、提高）的目标和新增、删除的指标。

    例：jixiao track 自评表.xlsx --approved 目标表.pdf"""
    from .execution.link import candidate_document_ids, track_documents

    cfg = _config(config)
    docs, failed = _documents(paths, None, None, None, None, None, DEFAULT_MAX_BYTES / 1048576)
    if approved:
        targets: list[Document] = []
        for p in _expand(approved):
            try:
                targets.extend(read_documents(p))
            except JixiaoError as exc:
                failed += 1
                _fail(exc, p)
    else:
        from .store import document_ids, load_document

        with _engine(db).connect() as conn:
            scope = None
            if department or year is not None:
                scope = document_ids(conn, _filters(department, None, year, None, None, None, None, None))
            targets = [load_document(conn, i) for i in candidate_document_ids(conn, docs, scope)]
    tracks = track_documents(docs, targets, cfg)
    if fmt is TrackFormat.json:
        text = json.dumps([t.to_dict() for t in tracks], ensure_ascii=False, indent=2)
        if out:
            out.write_text(text, encoding="utf-8")
            err.print(f"已写入 {out}")
        else:
            sys.stdout.write(text + "\n")
    else:
        _print_tracks(tracks)
    if failed:
        raise typer.Exit(1)


def _print_tracks(tracks) -> None:
    from .execution.link import CHANGE_ZH

    console = Console()
    for t in tracks:
        approved = f"批复表：{t.approved_project}（{t.approved_document}，{t.match}）" if t.approved_project else \
            f"[yellow]未找到批复的目标表[/yellow]（{t.match}）"
        console.rule(f"{t.project}  [dim]{t.document}[/dim]")
        console.print(approved + f"  目标降低 {t.lowered}，新增 {t.added}，删除 {t.dropped}", soft_wrap=True)
        table = Table()
        for c in ("#", "三级指标", "批复目标", "自评目标", "实际", "分值", "得分(表)", "得分(复算)", "灯", "变化"):
            table.add_column(c, overflow="fold")
        for r in t.rows:
            change = CHANGE_ZH.get(r["change"], "—")
            if r["change"] in ("lowered", "removed", "added"):
                change = f"[bold red]{change}[/bold red]"
            table.add_row(_v(r["seq"]), r["name"], r["approved_target"] or "", r["target"] or "", r["actual"] or "",
                          _v(r["weight"]), _v(r["printed"]), _v(r["recomputed"]), _LIGHT_STYLE[r["light"]],
                          change + (f" {r['detail']}" if r["detail"] else ""))
        console.print(table)


class TemplateKind(StrEnum):
    self_evaluation = "self-evaluation"
    monitoring = "monitoring"


@app.command()
def template(
    kind: TemplateKind = typer.Argument(..., help="self-evaluation（10号项目支出绩效自评表）或 monitoring（136号执行监控表）"),
    source: Path | None = typer.Option(None, "--from", help="目标表文件（每个项目一张工作表）"),
    project: int | None = typer.Option(None, "--project", "-p", help="库中的项目编号（与 --db 一起用）"),
    document: int | None = typer.Option(None, "--document", help="库中的文档编号：其中每个项目一张工作表"),
    out: Path = typer.Option(..., "--out", "-o", help="输出的 XLSX 文件"),
    month: int = typer.Option(7, "--month", "-m", min=1, max=12, help="监控表的截止月份 m（1-m月，136号默认 7）"),
    weights: bool = typer.Option(True, "--weights/--no-weights",
                                 help="目标表未列分值时，按一级指标分值（10号：产出50、效益30、满意度10）平均预填分值"),
    config: Path | None = typer.Option(None, "--config", "-c", help="评分配置（TOML）：一级指标分值、预算执行分值"),
    db: str | None = DB_OPTION,
) -> None:
    """生成预填的绩效自评表或执行监控表（XLSX）。

    项目信息、年初预算数、年度总体目标和各指标的年度指标值已填好，实际完成值、得分、偏差原因等留空由单位填写；
    填好后可直接用 jixiao parse、jixiao score 读回。

    例：jixiao template self-evaluation --from 目标表.xlsx --out 自评表.xlsx"""
    from .export.templates import Options, stored_project, template_projects, write_template

    if sum(x is not None for x in (source, project, document)) != 1:
        err.print("[red]错误[/red] 请用 --from 给出目标表文件，或用 --project / --document 给出库中的编号（三者选一）",
                  soft_wrap=True)
        raise typer.Exit(2)
    if out.suffix.lower() != ".xlsx":
        err.print(f"[red]错误[/red] {out}: 模板只能写成 .xlsx 文件", soft_wrap=True)
        raise typer.Exit(2)
    cfg = _config(config)
    try:
        if source is not None:
            docs = read_documents(source)
            if len(docs) != 1:
                raise JixiaoError(f"文件中有 {len(docs)} 个文档，请只给一个", str(source))
            doc, projects = docs[0], template_projects(docs[0])
        else:
            from .store import Filters, document_ids, load_document

            with _engine(db).connect() as conn:
                if project is not None:
                    found = stored_project(conn, project)
                    if found is None:
                        raise JixiaoError(f"库中没有编号为 {project} 的项目")
                    doc, projects = found[0], [found[1]]
                else:
                    if document not in set(document_ids(conn, Filters())):
                        raise JixiaoError(f"库中没有编号为 {document} 的文档")
                    doc = load_document(conn, document)
                    projects = template_projects(doc)
        internal = "self_evaluation" if kind is TemplateKind.self_evaluation else "monitoring"
        n = write_template(doc, out, internal, projects, Options(weights=weights, month=month, config=cfg))
    except JixiaoError as exc:
        _fail(exc, source)
        raise typer.Exit(1) from exc
    label = "绩效自评表" if internal == "self_evaluation" else f"执行监控表（1-{month}月）"
    err.print(f"已写入 {out}：{n} 个项目的{label}模板", soft_wrap=True)
