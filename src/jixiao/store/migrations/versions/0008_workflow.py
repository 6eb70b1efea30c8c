"""review comments and the audit log

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01 16:00:00

Reserved in the migration chain so the parts of the application can land in any order; the owner of this
revision fills in its tables.
"""

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
