"""Export documents from the store: JSON (interchange format), CSV and XLSX (one row per indicator with its
project's fields), Parquet (the same rows, typed)."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Iterator
from pathlib import Path

from ..model import Document

COLUMNS = [
    "document", "title", "year", "department", "money_unit", "unit", "unit_code", "project", "project_code",
    "project_budget_total", "project_budget_fiscal", "project_goal", "section", "seq", "level1", "level2",
    "level2_code", "indicator", "description", "annual_raw", "annual_kind", "annual_op", "annual_value",
    "annual_high", "annual_unit", "period_raw", "period_kind", "period_op", "period_value", "period_high",
    "period_unit", "basis",
]
NUMERIC = {"year", "project_budget_total", "project_budget_fiscal", "seq", "annual_value", "annual_high",
           "period_value", "period_high"}


def indicator_rows(docs: Iterable[Document]) -> Iterator[dict]:
    for d in docs:
        base = {"document": d.source.name, "title": d.title, "year": d.year, "money_unit": d.money_unit}
        owners = [(p, None, p.indicators) for p in d.projects]
        if d.overall:
            owners += [(None, s.title, s.indicators) for s in d.overall.sections]
        for p, section, indicators in owners:
            head = dict(base, department=(p.department if p else None) or d.department, unit=p.unit if p else None,
                        unit_code=p.unit_code if p else None, project=p.name if p else None,
                        project_code=p.code if p else None,
                        project_budget_total=p.budget.total if p and p.budget else None,
                        project_budget_fiscal=p.budget.fiscal if p and p.budget else None,
                        project_goal=p.goal if p else None, section=section)
            for i in indicators:
                row = dict(head, seq=i.seq, level1=i.level1, level2=i.level2, level2_code=i.level2_code,
                           indicator=i.name, description=i.description, basis=i.basis)
                for which, t in (("annual", i.annual), ("period", i.period)):
                    for key in ("raw", "kind", "op", "value", "high", "unit"):
                        row[f"{which}_{key}"] = getattr(t, key) if t is not None else None
                yield row


def write_json(docs: Iterable[Document], path: Path) -> int:
    n = 0
    with path.open("w", encoding="utf-8") as fh:
        fh.write("[\n")
        for d in docs:
            fh.write((",\n" if n else "") + json.dumps(d.to_json_dict(), ensure_ascii=False))
            n += 1
        fh.write("\n]\n")
    return n


def write_csv(docs: Iterable[Document], path: Path) -> int:
    n = 0
    with path.open("w", encoding="utf-8-sig", newline="") as fh:  # the BOM lets Excel open UTF-8 Chinese text
        writer = csv.DictWriter(fh, fieldnames=COLUMNS)
        writer.writeheader()
        for row in indicator_rows(docs):
            writer.writerow(row)
            n += 1
    return n


# XLSX headers (Chinese, for people) and widths; CSV and Parquet keep the column names above (for programs)
XLSX_HEADERS = {
    "document": ("文件", 22), "title": ("文档标题", 30), "year": ("年度", 7), "department": ("部门", 22),
    "money_unit": ("金额单位", 8), "unit": ("单位", 22), "unit_code": ("单位编码", 10), "project": ("项目", 30),
    "project_code": ("项目编码", 14), "project_budget_total": ("项目预算总计", 12),
    "project_budget_fiscal": ("财政拨款", 12), "project_goal": ("绩效目标", 40), "section": ("整体目标分项", 16),
    "seq": ("序号", 6), "level1": ("一级指标", 10), "level2": ("二级指标", 12), "level2_code": ("二级编码", 8),
    "indicator": ("三级指标", 30), "description": ("指标说明", 30), "annual_raw": ("年度指标值", 16),
    "annual_kind": ("年度值类型", 10), "annual_op": ("年度比较符", 8), "annual_value": ("年度数值", 10),
    "annual_high": ("年度上限", 10), "annual_unit": ("年度计量单位", 10), "period_raw": ("实施周期指标值", 16),
    "period_kind": ("周期值类型", 10), "period_op": ("周期比较符", 8), "period_value": ("周期数值", 10),
    "period_high": ("周期上限", 10), "period_unit": ("周期计量单位", 10), "basis": ("指标值确定依据", 24),
}


def write_xlsx(docs: Iterable[Document], path: Path) -> int:
    from .sheet import write_sheets

    rows = ([row[c] for c in COLUMNS] for row in indicator_rows(docs))
    return write_sheets(path, [("指标", [XLSX_HEADERS[c] for c in COLUMNS], rows)])


def write_parquet(docs: Iterable[Document], path: Path) -> int:
    import pyarrow as pa
    import pyarrow.parquet as pq

    schema = pa.schema([(c, pa.float64() if c in NUMERIC - {"year", "seq"} else
                         pa.int64() if c in ("year", "seq") else pa.string()) for c in COLUMNS])
    writer = pq.ParquetWriter(str(path), schema)
    n = 0
    batch: list[dict] = []

    def flush() -> None:
        if batch:
            writer.write_table(pa.Table.from_pylist(batch, schema=schema))
            batch.clear()

    try:
        for row in indicator_rows(docs):
            batch.append(row)
            n += 1
            if len(batch) >= 50_000:
                flush()
        flush()
    finally:
        writer.close()
    return n


WRITERS = {"json": write_json, "csv": write_csv, "xlsx": write_xlsx, "parquet": write_parquet}
