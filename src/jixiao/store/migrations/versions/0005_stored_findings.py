"""stored review findings and scores (service layer)

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01 16:00:00

`reviews` records that a document was reviewed under one set of review settings (`settings_key`: a hash of
the rules' code and the settings); `findings` holds that review's findings, so the review pages and the
findings endpoints page in SQL. Existing stores keep every row; their documents have no review yet and are
reviewed on first use (`jixiao.service.findings.ensure_reviewed`, or `jixiao review --db … --refresh`), so the
upgrade itself is instant on a large store and needs no review code at migration time.

Indicators also get `level1_points` (the points a first-level label prints, 产出指标(50分) → 50), which the
weight rule JX603 reads: without it a stored document would be reviewed differently from its file. Existing
rows have it null (re-ingest with --replace to fill it).
"""
import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("indicators", sa.Column("level1_points", sa.Float(), nullable=True))
    op.create_table(
        "reviews",
        sa.Column("document_id", sa.Integer(), sa.ForeignKey("documents.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("settings_key", sa.String(40), primary_key=True),
        sa.Column("n_findings", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("reviewed_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    )
    op.create_index("ix_reviews_settings_key", "reviews", ["settings_key"])
    op.create_table(
        "findings",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("settings_key", sa.String(40), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("rule", sa.String(16), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("severity", sa.String(8), nullable=False),
        sa.Column("severity_rank", sa.Integer(), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("evidence", sa.Text(), nullable=False),
        sa.Column("fix", sa.Text(), nullable=False),
        sa.Column("document", sa.Text(), nullable=False),
        sa.Column("department", sa.Text(), nullable=True),
        sa.Column("unit", sa.Text(), nullable=True),
        sa.Column("project", sa.Text(), nullable=True),
        sa.Column("project_index", sa.Integer(), nullable=True),
        sa.Column("project_id", sa.Integer(), nullable=True),
        sa.Column("indicator_seq", sa.Integer(), nullable=True),
        sa.Column("indicator", sa.Text(), nullable=True),
        sa.Column("loc", sa.JSON(), nullable=True),
        sa.ForeignKeyConstraint(["document_id", "settings_key"], ["reviews.document_id", "reviews.settings_key"],
                                ondelete="CASCADE"),
    )
    op.create_index("ix_findings_key_document", "findings", ["settings_key", "document_id", "position"])
    op.create_index("ix_findings_key_rank", "findings", ["settings_key", "severity_rank", "document"])


def downgrade() -> None:
    op.drop_index("ix_findings_key_rank", table_name="findings")
    op.drop_index("ix_findings_key_document", table_name="findings")
    op.drop_table("findings")
    op.drop_index("ix_reviews_settings_key", table_name="reviews")
    op.drop_table("reviews")
    with op.batch_alter_table("indicators") as batch:
        batch.drop_column("level1_points")
