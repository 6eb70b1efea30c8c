"""stored review findings and scores (service layer)

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01 16:00:00

Reserved in the migration chain so the parts of the application can land in any order; the owner of this
revision fills in its tables.
"""

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
