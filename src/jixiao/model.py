"""The interchange model `jixiao.document/1` (see shared/spec/document.md) as pydantic v2 classes.

Field order follows the spec so the JSON reads like the spec's tables.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from . import SCHEMA_ID

# the name a project gets where its table prints none (a department-wide form, a fragment): not a name to match
UNNAMED_PROJECT = "（未注明项目名称）"

Kind = Literal["number", "range", "compound", "bool", "deadline", "text"]
Op = Literal[">=", ">", "<=", "<", "="]


class Part(BaseModel):
    label: str | None = None
    op: Op | None = None
    value: float | None = None
    unit: str | None = None


class Target(BaseModel):
    raw: str
    kind: Kind
    op: Op | None = None
    value: float | None = None
    high: float | None = None
    unit: str | None = None
    parts: list[Part] | None = None


class Budget(BaseModel):
    total: float | None = None
    fiscal: float | None = None
    special: float | None = None
    other: float | None = None


class Loc(BaseModel):
    """Where something was read: 1-based page, table, row, col, text line; bbox in PDF points; for a scan,
    the recognition confidence."""

    page: int | None = None
    table: int | None = None
    row: int | None = None
    col: int | None = None
    line: int | None = None
    bbox: list[float] | None = None
    confidence: float | None = None  # OCR: the lowest recognition confidence (0–1) of the row's cells


class Indicator(BaseModel):
    seq: int
    level1: str | None = None
    level2: str | None = None
    level2_code: str | None = None
    name: str
    description: str | None = None
    annual: Target | None = None
    period: Target | None = None
    basis: str | None = None
    # execution fields (monitoring and self-evaluation tables); null on a target table
    actual: Target | None = None
    forecast: Target | None = None
    weight: float | None = None
    score: float | None = None
    deviation: str | None = None
    likelihood: str | None = None
    # the points printed on the indicator's first-level label (`产出指标(50分)`): stated by the table, so not a
    # `_guess`; an extra field beside the spec's (its schema allows them), for the weight check JX603
    level1_points: float | None = None
    loc: Loc | None = None
    problem: str | None = Field(default=None, description="set when the item could not be fully parsed")


class Execution(BaseModel):
    """The funding block's 年度资金总额 row of a monitoring or self-evaluation table (amounts in money_unit)."""

    planned: float | None = None
    adjusted: float | None = None
    spent: float | None = None
    forecast: float | None = None
    rate: float | None = None
    weight: float | None = None
    score: float | None = None


class Evaluation(BaseModel):
    """The printed outcome of a self-evaluation: total points, grade and the closing text blocks."""

    score: float | None = None
    grade: str | None = None
    conclusion: str | None = None
    problems: str | None = None
    measures: str | None = None


class SpendingPoint(BaseModel):
    month: int
    cumulative_pct: float | None = None


class Project(BaseModel):
    department: str | None = None
    unit: str | None = None
    unit_code: str | None = None
    name: str
    code: str | None = None
    content: str | None = None
    budget: Budget | None = None
    spending_plan: list[SpendingPoint] | None = None
    goal: str | None = None
    indicators: list[Indicator] = Field(default_factory=list)
    execution: Execution | None = None
    result: str | None = None
    evaluation: Evaluation | None = None
    loc: Loc | None = None


class Unit(BaseModel):
    name: str
    code: str | None = None
    budget: Budget | None = None


class Section(BaseModel):
    title: str
    goal: str | None = None
    indicators: list[Indicator] = Field(default_factory=list)


class Overall(BaseModel):
    goal: str | None = None
    sections: list[Section] = Field(default_factory=list)
    execution: Execution | None = None
    result: str | None = None
    evaluation: Evaluation | None = None


class Source(BaseModel):
    name: str
    sha256: str
    format: Literal["text", "html", "docx", "xlsx", "pdf"]


class Problem(BaseModel):
    """Something the parser kept raw instead of guessing; the review reports it."""

    message: str
    raw: str | None = None
    loc: Loc | None = None


class Document(BaseModel):
    schema_: str = Field(default=SCHEMA_ID, alias="schema")
    source: Source
    title: str | None = None
    year: int | None = None
    department: str | None = None
    money_unit: str | None = None
    total: Budget | None = None
    units: list[Unit] = Field(default_factory=list)
    overall: Overall | None = None
    projects: list[Project] = Field(default_factory=list)
    kind: Literal["target", "monitoring", "self_evaluation"] = "target"
    as_of_month: int | None = None
    problems: list[Problem] = Field(default_factory=list)

    model_config = {"populate_by_name": True}

    def to_json_dict(self) -> dict:
        data = self.model_dump(by_alias=True, mode="json")
        _drop_empty_locs(data)
        return data


# optional keys left out of the JSON when null: a target table carries no execution fields (spec: Execution)
_OPTIONAL_KEYS = ("loc", "problem", "actual", "forecast", "weight", "score", "deviation", "likelihood", "level1_points",
                  "execution", "result", "evaluation", "as_of_month")


def _drop_empty_locs(obj: object) -> None:
    """Remove `loc: null`, empty loc keys, `problem: null` and null execution fields so the JSON carries
    only what is known."""
    if isinstance(obj, dict):
        for key in _OPTIONAL_KEYS:
            if key in obj and obj[key] is None:
                del obj[key]
        if obj.get("kind") == "target" and "schema" in obj:
            del obj["kind"]
        loc = obj.get("loc")
        if isinstance(loc, dict):
            for k in [k for k, v in loc.items() if v is None]:
                del loc[k]
        for v in obj.values():
            _drop_empty_locs(v)
    elif isinstance(obj, list):
        for v in obj:
            _drop_empty_locs(v)
