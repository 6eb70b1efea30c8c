"""The review engine: a catalog of small rule functions, each registered with one decorator.

A rule receives a Context (the document, the project, the indicator where it applies, the settings)
and yields Findings. Rules are modeled on ruff: a code (`JX` + number), a short English name, a
severity, a rationale citing its source, and a bad and a good example that are also its tests.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from ..errors import JixiaoError
from ..model import Document, Indicator, Project

Severity = Literal["error", "warning", "info"]
Scope = Literal["document", "project", "indicator"]
SEVERITIES: tuple[Severity, ...] = ("error", "warning", "info")


@dataclass(frozen=True)
class Example:
    """A small case for a rule's docs and tests: a project (or document) as keyword data."""

    description: str
    project: dict | None = None
    document: dict | None = None


@dataclass(frozen=True)
class Rule:
    code: str
    name: str
    severity: Severity
    scope: Scope
    family: str
    summary: str  # what it checks, in Chinese
    rationale: str  # why, with its source
    fix: str  # how to fix, in Chinese
    bad: Example
    good: Example
    func: Callable[..., Iterable[Finding]]
    defaults: dict = field(default_factory=dict)
    enabled: bool = True  # False: an experimental rule a reviewer turns on with `enable = [...]`


@dataclass
class Finding:
    rule: str
    severity: Severity
    message: str
    evidence: str
    document: str = ""
    department: str | None = None
    unit: str | None = None
    project: str | None = None
    project_index: int | None = None
    indicator_seq: int | None = None
    indicator: str | None = None
    fix: str = ""
    name: str = ""
    loc: dict | None = None

    def to_dict(self) -> dict:
        return {
            "rule": self.rule, "name": self.name, "severity": self.severity, "document": self.document,
            "department": self.department, "unit": self.unit, "project": self.project,
            "indicator_seq": self.indicator_seq, "indicator": self.indicator, "message": self.message,
            "evidence": self.evidence, "fix": self.fix, "loc": self.loc,
        }


@dataclass
class Settings:
    """What a TOML file may change: disabled rules, severities, thresholds (see docs/rules.md)."""

    disabled: set[str] = field(default_factory=set)
    enabled: set[str] = field(default_factory=set)
    severity: dict[str, Severity] = field(default_factory=dict)
    options: dict[str, dict] = field(default_factory=dict)

    def is_active(self, rule: Rule) -> bool:
        return rule.code not in self.disabled and (rule.enabled or rule.code in self.enabled)

    def option(self, rule: Rule, key: str):
        return self.options.get(rule.code, {}).get(key, rule.defaults[key])

    @classmethod
    def load(cls, path: str | Path | None) -> Settings:
        """```toml
        [review]
        disable = ["JX103"]
        enable = ["JX504"]          # experimental rules are off by default
        [review.severity]
        JX105 = "info"
        [review.options.JX105]
        min_indicators = 4
        ```"""
        if path is None:
            return cls()
        try:
            data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise JixiaoError(f"审核配置无法读取：{exc}", str(path)) from exc
        section = data.get("review", data)
        settings = cls(set(section.get("disable", [])), set(section.get("enable", [])),
                       dict(section.get("severity", {})), {k: dict(v) for k, v in section.get("options", {}).items()})
        all_rules()
        unknown = (settings.disabled | settings.enabled | set(settings.severity) | set(settings.options)) - set(REGISTRY)
        if unknown:
            raise JixiaoError(f"审核配置中有未知规则：{', '.join(sorted(unknown))}", str(path))
        bad = {k: v for k, v in settings.severity.items() if v not in SEVERITIES}
        if bad:
            raise JixiaoError(f"审核配置中的严重程度无效：{bad}（可用 error、warning、info）", str(path))
        return settings


REGISTRY: dict[str, Rule] = {}


def rule(code: str, name: str, severity: Severity, scope: Scope, *, summary: str, rationale: str, fix: str,
         bad: Example, good: Example, enabled: bool = True, **defaults) -> Callable:
    """Register a rule function: `def check(ctx) -> Iterator[Finding]` (use `ctx.finding(...)`)."""

    def register(func: Callable) -> Callable:
        if code in REGISTRY:
            raise ValueError(f"duplicate rule code {code}")
        family = func.__module__.rsplit(".", 1)[-1]
        REGISTRY[code] = Rule(code, name, severity, scope, family, summary, rationale, fix, bad, good, func,
                              defaults, enabled)
        return func

    return register


@dataclass
class Context:
    rule: Rule
    settings: Settings
    document: Document
    project: Project | None = None
    project_index: int | None = None
    indicator: Indicator | None = None
    cache: dict = field(default_factory=dict)

    def option(self, key: str):
        return self.settings.option(self.rule, key)

    def finding(self, message: str, evidence: str = "", indicator: Indicator | None = None,
                project: Project | None = None) -> Finding:
        ind = indicator or self.indicator
        proj = project or self.project
        loc = None
        if ind is not None and ind.loc is not None:
            loc = ind.loc.model_dump(exclude_none=True)
        elif proj is not None and proj.loc is not None:
            loc = proj.loc.model_dump(exclude_none=True)
        return Finding(
            rule=self.rule.code, name=self.rule.name,
            severity=self.settings.severity.get(self.rule.code, self.rule.severity),
            message=message, evidence=evidence, document=self.document.source.name,
            department=(proj.department if proj else None) or self.document.department,
            unit=proj.unit if proj else None, project=proj.name if proj else None,
            project_index=self.project_index if proj is self.project else None,
            indicator_seq=ind.seq if ind else None, indicator=ind.name if ind else None,
            fix=self.rule.fix, loc=loc)


def _load_rules() -> None:
    from .rules import arithmetic, completeness, consistency, copying, execution, measurability  # noqa: F401


def all_rules() -> list[Rule]:
    _load_rules()
    return sorted(REGISTRY.values(), key=lambda r: r.code)


def review_document(document: Document, settings: Settings | None = None) -> list[Finding]:
    """Every active rule over the document. A rule that fails is reported as a JixiaoError naming it,
    never as a traceback."""
    try:
        return _review(document, settings or Settings())
    except JixiaoError:
        raise
    except Exception as exc:  # noqa: BLE001 - a bug in one rule must reach the user as one line
        raise JixiaoError(f"审核时出错（{type(exc).__name__}: {exc}）", document.source.name) from exc


def _review(document: Document, settings: Settings) -> list[Finding]:
    active = [r for r in all_rules() if settings.is_active(r)]
    shared: dict = {}
    findings: list[Finding] = []
    for r in active:
        if r.scope == "document":
            findings.extend(r.func(Context(r, settings, document, cache=shared)))
    for index, project in enumerate(document.projects):
        for r in active:
            if r.scope == "project":
                findings.extend(r.func(Context(r, settings, document, project, index, cache=shared)))
            elif r.scope == "indicator":
                for ind in project.indicators:
                    findings.extend(r.func(Context(r, settings, document, project, index, ind, cache=shared)))
    for section in overall_sections(document):
        for r in active:
            if r.scope == "indicator":
                for ind in section.indicators:
                    findings.extend(r.func(Context(r, settings, document, section, None, ind, cache=shared)))
    return findings


def overall_sections(document: Document) -> list[Project]:
    """A department-wide table's sections, each as a project with no index, so the indicator rules read them
    too. The project-level rules (levels, goal, budget) are for project tables and do not run on them; their
    findings name the section and count against the department."""
    if document.overall is None:
        return []
    return [Project(name=s.title, department=document.department, goal=s.goal or document.overall.goal,
                    indicators=s.indicators) for s in document.overall.sections if s.indicators]


def iter_indicator_targets(ind: Indicator) -> Iterator[tuple[str, object]]:
    for label, target in (("年度指标值", ind.annual), ("实施周期指标值", ind.period)):
        if target is not None:
            yield label, target
