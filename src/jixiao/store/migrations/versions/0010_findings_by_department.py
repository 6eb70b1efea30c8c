"""stored findings indexed by department

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01 19:30:00

The review page of one department (what reviewers and officers open most) filtered the stored findings by
settings key and department with a scan of every finding in the store; this index reads only that
department's. No data changes.
"""
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_findings_key_department", "findings", ["settings_key", "department"])


def downgrade() -> None:
    op.drop_index("ix_findings_key_department", table_name="findings")
