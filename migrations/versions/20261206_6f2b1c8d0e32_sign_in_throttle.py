"""Sign-in throttle: per account and per address budgets that no one else can spend or reset

Revision ID: 6f2b1c8d0e32
Revises: 5e1a0b7c9d21
Create Date: 2026-12-06 16:00:00

"""
import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

# revision identifiers, used by Alembic.
revision = '6f2b1c8d0e32'
down_revision = '5e1a0b7c9d21'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
