"""execution fields: monitoring and self-evaluation tables (spec: Execution)

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01 14:00:00

Documents get `kind` (target | monitoring | self_evaluation; every stored document so far is a target table)
and `as_of_month`; projects and documents (a department-wide table's `overall`) get the 年度资金总额 row, the
result and the printed evaluation as columns; indicators get weight, score, deviation and likelihood. An
indicator's `actual` and `forecast` are rows of `targets` with `which` = actual | forecast, so no table
changes for them. Existing rows keep every value; the new columns are null (flags false).
"""
import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def _execution_columns() -> list[sa.Column]:
    def flag(name: str) -> sa.Column:
        return sa.Column(name, sa.Boolean(), nullable=False, server_default=sa.false())

    floats = ["exec_planned", "exec_adjusted", "exec_spent", "exec_forecast", "exec_rate", "exec_weight", "exec_score"]
    return [flag("has_execution"), *(sa.Column(n, sa.Float(), nullable=True) for n in floats),
            sa.Column("result", sa.Text(), nullable=True), flag("has_evaluation"),
            sa.Column("eval_score", sa.Float(), nullable=True),
            *(sa.Column(n, sa.Text(), nullable=True) for n in ("eval_grade", "eval_conclusion", "eval_problems",
                                                               "eval_measures"))]


def upgrade() -> None:
    # plain ADD COLUMN (SQLite and PostgreSQL both have it): no table is rebuilt, so a large store upgrades
    # in moments and keeps its rows where they are
    op.add_column("documents", sa.Column("kind", sa.String(16), nullable=False, server_default="target"))
    op.add_column("documents", sa.Column("as_of_month", sa.Integer(), nullable=True))
    for table in ("documents", "projects"):
        for column in _execution_columns():
            op.add_column(table, column)
    op.create_index("ix_documents_kind", "documents", ["kind"])
    op.add_column("indicators", sa.Column("weight", sa.Float(), nullable=True))
    op.add_column("indicators", sa.Column("score", sa.Float(), nullable=True))
    op.add_column("indicators", sa.Column("deviation", sa.Text(), nullable=True))
    op.add_column("indicators", sa.Column("likelihood", sa.Text(), nullable=True))


def downgrade() -> None:
    op.execute("DELETE FROM targets WHERE which IN ('actual', 'forecast')")
    with op.batch_alter_table("indicators") as batch:
        for name in ("likelihood", "deviation", "score", "weight"):
            batch.drop_column(name)
    names = [c.name for c in _execution_columns()]
    with op.batch_alter_table("projects") as batch:
        for name in reversed(names):
            batch.drop_column(name)
    op.drop_index("ix_documents_kind", table_name="documents")
    with op.batch_alter_table("documents") as batch:
        for name in reversed(names):
            batch.drop_column(name)
        batch.drop_column("as_of_month")
        batch.drop_column("kind")
