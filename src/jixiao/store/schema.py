"""The corpus store's tables: every field of the interchange format as a queryable column.

Budgets are four columns plus a `has_budget` flag (a Budget whose cells are all blank is still a Budget).
Targets have their own table (one row per annual or period value) and compound parts another.
`search_index` holds the text that full-text search looks in, as character bigrams (see search.py)."""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    String,
    Text,
    func,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class BudgetColumns:
    has_budget: Mapped[bool] = mapped_column(Boolean, default=False)
    budget_total: Mapped[float | None] = mapped_column(Float)
    budget_fiscal: Mapped[float | None] = mapped_column(Float)
    budget_special: Mapped[float | None] = mapped_column(Float)
    budget_other: Mapped[float | None] = mapped_column(Float)


class LocColumns:
    """Where a row was read (`loc` of the interchange format): page, table, row, col, line, and the PDF
    box `[x0, y0, x1, y1]` in points."""

    loc_page: Mapped[int | None] = mapped_column(Integer)
    loc_table: Mapped[int | None] = mapped_column(Integer)
    loc_row: Mapped[int | None] = mapped_column(Integer)
    loc_col: Mapped[int | None] = mapped_column(Integer)
    loc_line: Mapped[int | None] = mapped_column(Integer)
    loc_x0: Mapped[float | None] = mapped_column(Float)
    loc_y0: Mapped[float | None] = mapped_column(Float)
    loc_x1: Mapped[float | None] = mapped_column(Float)
    loc_y1: Mapped[float | None] = mapped_column(Float)


class ExecutionColumns:
    """The execution fields of a project, or of a department-wide document's `overall` (spec: Execution):
    the 年度资金总额 row (`exec_*`), the year's result beside the goal, and the printed evaluation."""

    has_execution: Mapped[bool] = mapped_column(Boolean, default=False)
    exec_planned: Mapped[float | None] = mapped_column(Float)
    exec_adjusted: Mapped[float | None] = mapped_column(Float)
    exec_spent: Mapped[float | None] = mapped_column(Float)
    exec_forecast: Mapped[float | None] = mapped_column(Float)
    exec_rate: Mapped[float | None] = mapped_column(Float)
    exec_weight: Mapped[float | None] = mapped_column(Float)
    exec_score: Mapped[float | None] = mapped_column(Float)
    result: Mapped[str | None] = mapped_column(Text)
    has_evaluation: Mapped[bool] = mapped_column(Boolean, default=False)
    eval_score: Mapped[float | None] = mapped_column(Float)
    eval_grade: Mapped[str | None] = mapped_column(Text)
    eval_conclusion: Mapped[str | None] = mapped_column(Text)
    eval_problems: Mapped[str | None] = mapped_column(Text)
    eval_measures: Mapped[str | None] = mapped_column(Text)


EXECUTION_COLUMNS = ("has_execution", "exec_planned", "exec_adjusted", "exec_spent", "exec_forecast", "exec_rate",
                     "exec_weight", "exec_score", "result", "has_evaluation", "eval_score", "eval_grade",
                     "eval_conclusion", "eval_problems", "eval_measures")


LOC_COLUMNS = ("loc_page", "loc_table", "loc_row", "loc_col", "loc_line", "loc_x0", "loc_y0", "loc_x1", "loc_y1")


class DocumentRow(BudgetColumns, ExecutionColumns, Base):
    __tablename__ = "documents"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    source_name: Mapped[str] = mapped_column(Text)
    format: Mapped[str] = mapped_column(String(8))
    title: Mapped[str | None] = mapped_column(Text)
    year: Mapped[int | None] = mapped_column(Integer, index=True)
    department: Mapped[str | None] = mapped_column(Text, index=True)
    money_unit: Mapped[str | None] = mapped_column(String(8))
    has_overall: Mapped[bool] = mapped_column(Boolean, default=False)
    overall_goal: Mapped[str | None] = mapped_column(Text)
    n_projects: Mapped[int] = mapped_column(Integer, default=0)
    n_indicators: Mapped[int] = mapped_column(Integer, default=0)
    kind: Mapped[str] = mapped_column(String(16), default="target", index=True)  # target | monitoring | self_evaluation
    status: Mapped[str] = mapped_column(String(16), server_default="published", index=True)  # authoring/workflow (0007)
    as_of_month: Mapped[int | None] = mapped_column(Integer)
    ingested_at: Mapped[object] = mapped_column(DateTime(timezone=True), server_default=func.now())


class UnitRow(BudgetColumns, Base):
    __tablename__ = "units"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(Text)
    code: Mapped[str | None] = mapped_column(String(32))


class ProblemRow(LocColumns, Base):
    """What the parser kept raw instead of guessing (`problems` of the interchange format)."""

    __tablename__ = "problems"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    message: Mapped[str] = mapped_column(Text)
    raw: Mapped[str | None] = mapped_column(Text)


class ProjectRow(BudgetColumns, LocColumns, ExecutionColumns, Base):
    __tablename__ = "projects"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    department: Mapped[str | None] = mapped_column(Text, index=True)
    unit: Mapped[str | None] = mapped_column(Text)
    unit_code: Mapped[str | None] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(Text)
    code: Mapped[str | None] = mapped_column(String(64))
    content: Mapped[str | None] = mapped_column(Text)
    goal: Mapped[str | None] = mapped_column(Text)
    has_plan: Mapped[bool] = mapped_column(Boolean, default=False)


class SpendingPointRow(Base):
    __tablename__ = "spending_points"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"), index=True)
    month: Mapped[int] = mapped_column(Integer)
    cumulative_pct: Mapped[float | None] = mapped_column(Float)


class SectionRow(Base):
    __tablename__ = "sections"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(Text)
    goal: Mapped[str | None] = mapped_column(Text)


class IndicatorRow(LocColumns, Base):
    __tablename__ = "indicators"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), index=True)
    project_id: Mapped[int | None] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"), index=True)
    section_id: Mapped[int | None] = mapped_column(ForeignKey("sections.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    seq: Mapped[int] = mapped_column(Integer)
    level1: Mapped[str | None] = mapped_column(String(16), index=True)
    level2: Mapped[str | None] = mapped_column(String(16), index=True)
    level2_code: Mapped[str | None] = mapped_column(String(8))
    name: Mapped[str] = mapped_column(Text)
    description: Mapped[str | None] = mapped_column(Text)
    basis: Mapped[str | None] = mapped_column(Text)
    problem: Mapped[str | None] = mapped_column(Text)
    # execution fields; `actual` and `forecast` are rows of `targets` (which = actual | forecast)
    weight: Mapped[float | None] = mapped_column(Float)
    score: Mapped[float | None] = mapped_column(Float)
    deviation: Mapped[str | None] = mapped_column(Text)
    likelihood: Mapped[str | None] = mapped_column(Text)
    level1_points: Mapped[float | None] = mapped_column(Float)  # 产出指标(50分) → 50 (migration 0005)

    # project indicators (most) have no section: only department-level ones need the index
    __table_args__ = (Index("ix_indicators_section_id", "section_id", sqlite_where=text("section_id IS NOT NULL"),
                            postgresql_where=text("section_id IS NOT NULL")),)


class TargetRow(Base):
    __tablename__ = "targets"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    indicator_id: Mapped[int] = mapped_column(ForeignKey("indicators.id", ondelete="CASCADE"), index=True)
    which: Mapped[str] = mapped_column(String(8))  # annual | period | actual | forecast
    raw: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(10))
    op: Mapped[str | None] = mapped_column(String(2))
    value: Mapped[float | None] = mapped_column(Float)
    high: Mapped[float | None] = mapped_column(Float)
    unit: Mapped[str | None] = mapped_column(String(32))


class TargetPartRow(Base):
    __tablename__ = "target_parts"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    target_id: Mapped[int] = mapped_column(ForeignKey("targets.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    label: Mapped[str | None] = mapped_column(Text)
    op: Mapped[str | None] = mapped_column(String(2))
    value: Mapped[float | None] = mapped_column(Float)
    unit: Mapped[str | None] = mapped_column(String(32))


class SearchRow(Base):
    """What search looks in: a project's name and goal (one row), an indicator's name (one row)."""

    __tablename__ = "search_index"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(16))  # project (name and goal) | indicator_name
    ref_id: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)  # character bigrams: `满意 意度`


class StoreMetaRow(Base):
    """Bookkeeping of the store itself, such as how far the SQLite search index has got."""

    __tablename__ = "store_meta"
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[int] = mapped_column(Integer)


class LibraryEntryRow(Base):
    """One indicator of the library: its name variants, where it is placed, how its targets are set."""

    __tablename__ = "library_entries"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(Text, unique=True)
    name: Mapped[str] = mapped_column(Text)
    count: Mapped[int] = mapped_column(Integer)
    n_projects: Mapped[int] = mapped_column(Integer)
    variants: Mapped[list | None] = mapped_column(JSON)
    placements: Mapped[list | None] = mapped_column(JSON)
    targets: Mapped[list | None] = mapped_column(JSON)


class LibraryMemberRow(Base):
    __tablename__ = "library_members"
    entry_id: Mapped[int] = mapped_column(ForeignKey("library_entries.id", ondelete="CASCADE"), primary_key=True)
    indicator_id: Mapped[int] = mapped_column(ForeignKey("indicators.id", ondelete="CASCADE"), primary_key=True,
                                              index=True)


class LibraryKeyRow(Base):
    """Every library key (an indicator name's `entry_key`) and the entry it belongs to, so an indicator stored
    later joins its entry without regrouping the library (`library_sync`, migration 0009). `suffix` is the
    key's last three characters: the grouping compares a new key only with roots ending alike."""

    __tablename__ = "library_keys"
    key: Mapped[str] = mapped_column(Text, primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("library_entries.id", ondelete="CASCADE"), index=True)
    suffix: Mapped[str] = mapped_column(Text, index=True)


class ReviewRow(Base):
    """A document reviewed under one set of review settings (`settings_key`: the rules' code and the
    settings, hashed). Its findings hang off it: deleting it deletes them."""

    __tablename__ = "reviews"
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), primary_key=True)
    settings_key: Mapped[str] = mapped_column(String(40), primary_key=True, index=True)
    n_findings: Mapped[int] = mapped_column(Integer, default=0)
    reviewed_at: Mapped[object] = mapped_column(DateTime(timezone=True), server_default=func.now())


class FindingRow(Base):
    """One stored review finding, so the review pages page in SQL instead of reviewing every document per
    request. `position` keeps the engine's order within the document; `severity_rank` sorts worst first."""

    __tablename__ = "findings"
    __table_args__ = (
        ForeignKeyConstraint(["document_id", "settings_key"], ["reviews.document_id", "reviews.settings_key"],
                             ondelete="CASCADE"),
        Index("ix_findings_key_document", "settings_key", "document_id", "position"),
        Index("ix_findings_key_rank", "settings_key", "severity_rank", "document"),
        Index("ix_findings_key_department", "settings_key", "department"),  # a department's review page (0010)
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(Integer)
    settings_key: Mapped[str] = mapped_column(String(40))
    position: Mapped[int] = mapped_column(Integer)
    rule: Mapped[str] = mapped_column(String(16))
    name: Mapped[str] = mapped_column(Text)
    severity: Mapped[str] = mapped_column(String(8))
    severity_rank: Mapped[int] = mapped_column(Integer)
    message: Mapped[str] = mapped_column(Text)
    evidence: Mapped[str] = mapped_column(Text)
    fix: Mapped[str] = mapped_column(Text)
    document: Mapped[str] = mapped_column(Text)  # the source file's name, as findings name it
    department: Mapped[str | None] = mapped_column(Text)
    unit: Mapped[str | None] = mapped_column(Text)
    project: Mapped[str | None] = mapped_column(Text)
    project_index: Mapped[int | None] = mapped_column(Integer)
    project_id: Mapped[int | None] = mapped_column(Integer)
    indicator_seq: Mapped[int | None] = mapped_column(Integer)
    indicator: Mapped[str | None] = mapped_column(Text)
    loc: Mapped[dict | None] = mapped_column(JSON)


from ..authoring import tables as _authoring_tables  # noqa: E402, F401  (drafts, revisions: migration 0007)
from ..workflow import tables as _workflow_tables  # noqa: E402, F401  (review comments, audit log: migration 0008)
