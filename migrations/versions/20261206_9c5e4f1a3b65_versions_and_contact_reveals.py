"""Versions on enterprises and trips; revealed contacts

Revision ID: 9c5e4f1a3b65
Revises: 8b4d3e0f2a54
Create Date: 2026-12-06 16:00:00

"""
import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

# revision identifiers, used by Alembic.
revision = '9c5e4f1a3b65'
down_revision = '8b4d3e0f2a54'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
