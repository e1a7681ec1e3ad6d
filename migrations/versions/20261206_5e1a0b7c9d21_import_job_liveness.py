"""Import jobs: liveness in the database (heartbeat), bounded previews

Revision ID: 5e1a0b7c9d21
Revises: b4d1e7c9a2f3
Create Date: 2026-12-06 16:00:00

"""
import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

# revision identifiers, used by Alembic.
revision = '5e1a0b7c9d21'
down_revision = 'b4d1e7c9a2f3'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
