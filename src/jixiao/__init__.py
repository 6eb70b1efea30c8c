"""jixiao: budget performance target tables (项目支出绩效目标表) as structured data."""

__version__ = "0.1.0"
SCHEMA_ID = "jixiao.document/1"
