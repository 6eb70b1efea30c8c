"""A score report: each document's subjects scored (printed beside recomputed, with the rule used), its
monitoring lights, and the execution-family review findings — as a dict (json), xlsx or html.

`score_files` / `score_documents` are what the CLI (and later the API) call; the report is computed once and
each face only formats it."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from ..model import Document
from ..review.engine import Finding, Settings, review_document
from ..review.report import SEVERITY_ZH
from .config import ScoreConfig
from .lights import LIGHT_ZH, ProjectLights, light_document
from .measure import DIRECTION_ZH
from .scoring import STATUS_ZH, SubjectScore, has_execution_fields, score_document

KIND_ZH = {"self_evaluation": "自评表", "monitoring": "监控表", "target": "目标表"}


@dataclass
class DocumentScore:
    document: Document
    subjects: list[SubjectScore]
    lights: list[ProjectLights]
    findings: list[Finding] = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.document.source.name

    def lights_for(self, subject: SubjectScore) -> ProjectLights | None:
        return next((pl for pl in self.lights if pl.name == subject.name and pl.unit == subject.unit), None)

    def to_dict(self) -> dict:
        out = []
        for s in self.subjects:
            d = s.to_dict()
            pl = self.lights_for(s)
            if self.document.kind == "monitoring":  # month m: no points, total or grade to recompute
                for key in ("total", "grade", "levels"):
                    d.pop(key)
            if pl is not None:
                d["light"] = pl.color
                d["budget_light"] = pl.budget.to_dict() if pl.budget else None
                d["expected_share"] = pl.to_dict()["expected_share"]
                d["share_source"] = pl.share_source
                for row, il in zip(d["indicators"], pl.indicators, strict=True):
                    row["light"] = il.light.color
                    row["light_rule"] = il.light.rule
                    row["progress"] = il.light.to_dict()["progress"]
                    row["forecast"] = il.indicator.forecast.raw if il.indicator.forecast else None
                    row["likelihood"] = il.indicator.likelihood
            out.append(d)
        return {"document": self.name, "kind": self.document.kind, "year": self.document.year,
                "as_of_month": self.document.as_of_month, "projects": out,
                "findings": [f.to_dict() for f in self.findings]}


def settings_for(cfg: ScoreConfig, base: Settings | None = None) -> Settings:
    """Review settings whose execution-rule options carry the score config, so findings agree with scores."""
    s = base or Settings()
    opts = {k: dict(v) for k, v in s.options.items()}
    mapping = {
        "JX605": {"execution_rule": cfg.execution_rule, "execution_bands": [list(b) for b in cfg.execution_bands]},
        "JX606": {"deviation_threshold": cfg.deviation_threshold},
        "JX609": {"deviation_threshold": cfg.deviation_threshold},
        "JX610": {"grades": [list(g) for g in cfg.grades]},
        "JX615": {"reason_required": list(cfg.reason_required), "positive": list(cfg.positive)},
        "JX617": {"positive": list(cfg.positive)},
        "JX618": {"reverse_rule": cfg.reverse_rule, "tolerance": cfg.tolerance},
        "JX602": {"tolerance": cfg.tolerance},
    }
    for code, values in mapping.items():
        opts[code] = {**values, **opts.get(code, {})}
    return Settings(set(s.disabled), set(s.enabled), dict(s.severity), opts)


def score_documents(docs: list[Document], cfg: ScoreConfig | None = None,
                    settings: Settings | None = None) -> list[DocumentScore]:
    cfg = cfg or ScoreConfig()
    settings = settings_for(cfg, settings)
    out = []
    for doc in docs:
        findings = [f for f in review_document(doc, settings) if f.rule.startswith("JX6")]
        lights = light_document(doc, cfg) if doc.kind == "monitoring" else []
        out.append(DocumentScore(doc, score_document(doc, cfg), lights, findings))
    return out


def check_scorable(doc: Document) -> str | None:
    """Why a document cannot be scored (one Chinese line), or None."""
    if not has_execution_fields(doc):
        return "不是自评表或监控表：没有实际完成值、分值、得分等执行字段"
    inds = [i for p in doc.projects for i in p.indicators]
    if doc.overall:
        inds += [i for s in doc.overall.sections for i in s.indicators]
    if inds and all(i.annual is None for i in inds) and any(i.actual is not None for i in inds):
        return f"自评表的目标一侧无法读取：{len(inds)} 个指标都没有年度指标值"
    return None


def config_dict(cfg: ScoreConfig) -> dict:
    """The template choices a report was made with, so a reader can tell which rules gave its figures."""
    from dataclasses import asdict

    return {k: (list(v) if isinstance(v, tuple) else v) for k, v in asdict(cfg).items()}


def to_json(report: list[DocumentScore], cfg: ScoreConfig | None = None) -> dict:
    docs = [d.to_dict() for d in report]
    subjects = [s for d in report for s in d.subjects]
    return {"summary": {"documents": len(report), "projects": len(subjects),
                        "indicators": sum(len(s.indicators) for s in subjects),
                        "differs": sum(1 for s in subjects for x in s.indicators if x.differs),
                        "findings": sum(len(d.findings) for d in report)},
            "config": config_dict(cfg or ScoreConfig()),
            "documents": docs}


def write_json(report: list[DocumentScore], path: Path | None, cfg: ScoreConfig | None = None) -> str:
    text = json.dumps(to_json(report, cfg), ensure_ascii=False, indent=2)
    if path:
        path.write_text(text, encoding="utf-8")
    return text


def _n(v: float | None) -> float | None:
    return None if v is None else round(v, 2)


INDICATOR_COLUMNS = ["文件", "项目", "序号", "一级指标", "三级指标", "年度指标值", "实际完成值", "方向", "完成情况", "分值",
                     "得分（表）", "得分（复算）", "计分规则", "说明", "灯", "偏差原因"]


def indicator_rows(report: list[DocumentScore]):
    for d in report:
        for s in d.subjects:
            pl = d.lights_for(s)
            lights = [il.light.color for il in pl.indicators] if pl else [None] * len(s.indicators)
            for x, color in zip(s.indicators, lights, strict=True):
                i = x.indicator
                yield [d.name, s.name, i.seq, i.level1, i.name, i.annual.raw if i.annual else None,
                       i.actual.raw if i.actual else None, DIRECTION_ZH.get(x.direction, "未知"), STATUS_ZH[x.status],
                       _n(x.weight), x.printed, x.recomputed, x.rule, x.note, LIGHT_ZH[color] if color else None,
                       i.deviation]


def write_xlsx(report: list[DocumentScore], path: Path) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill

    wb = Workbook()
    ws = wb.active
    ws.title = "指标得分"
    ws.append(INDICATOR_COLUMNS)
    red = PatternFill("solid", fgColor="FFD7D7")
    for row in indicator_rows(report):
        ws.append(row)
        printed, rec = row[10], row[11]
        if printed is not None and rec is not None and abs(printed - rec) > 0.1:
            ws.cell(ws.max_row, 12).fill = red
    for col, width in zip("ABCDEFGHIJKLMNOP", (16, 24, 6, 10, 26, 14, 14, 8, 10, 8, 9, 9, 36, 30, 5, 30), strict=True):
        ws.column_dimensions[col].width = width
    summary = wb.create_sheet("项目汇总")
    summary.append(["文件", "类型", "项目", "单位", "执行率（表）", "执行率（复算）", "执行分值", "执行得分（表）",
                    "执行得分（复算）", "总分（表）", "各项得分合计", "总分（复算）", "复算完整", "等级（表）", "等级（复算）", "灯"])
    for d in report:
        for s in d.subjects:
            ex = s.execution
            pl = d.lights_for(s)
            summary.append([d.name, KIND_ZH.get(s.kind, s.kind), s.name, s.unit, ex.rate_printed if ex else None,
                            _n(ex.rate_computed) if ex else None, ex.weight if ex else None,
                            ex.printed if ex else None, ex.recomputed if ex else None, s.total_printed,
                            _n(s.sum_printed), s.total_recomputed, "是" if s.complete else "否", s.grade_printed,
                            s.grade_recomputed, LIGHT_ZH[pl.color] if pl and pl.color else None])
    levels = wb.create_sheet("一级指标")
    levels.append(["文件", "项目", "一级指标", "标注分值", "指标数", "分值", "得分（表）", "得分（复算）"])
    for d in report:
        for s in d.subjects:
            for lv in s.levels:
                levels.append([d.name, s.name, lv.level1, lv.points, lv.indicators, _n(lv.weight),
                               _n(lv.printed), _n(lv.recomputed)])
    problems = wb.create_sheet("问题")
    problems.append(["文件", "项目", "指标序号", "三级指标", "严重程度", "规则", "问题", "证据", "修改建议"])
    for d in report:
        for f in d.findings:
            problems.append([f.document, f.project, f.indicator_seq, f.indicator, f.severity, f"{f.rule} {f.name}",
                             f.message, f.evidence, f.fix])
    for sheet in wb.worksheets:
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in sheet.iter_rows(min_row=2):
            for cell in row:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
    wb.save(path)


def write_html(report: list[DocumentScore], path: Path) -> None:
    from jinja2 import Environment, PackageLoader, select_autoescape

    env = Environment(loader=PackageLoader("jixiao", "templates"), autoescape=select_autoescape(["html"]))
    path.write_text(env.get_template("score_report.html").render(
        report=report, summary=to_json(report)["summary"], light_zh=LIGHT_ZH, status_zh=STATUS_ZH,
        direction_zh=DIRECTION_ZH, kind_zh=KIND_ZH, severity_zh=SEVERITY_ZH), encoding="utf-8")
