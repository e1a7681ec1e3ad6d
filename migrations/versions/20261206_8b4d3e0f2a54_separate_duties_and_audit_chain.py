"""Separate duties (security and audit administrators) and the chained audit trail

Revision ID: 8b4d3e0f2a54
Revises: 7a3c2d9e1f43
Create Date: 2026-12-06 16:00:00

"""
import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

# revision identifiers, used by Alembic.
revision = '8b4d3e0f2a54'
down_revision = '7a3c2d9e1f43'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
