"""Second factor (TOTP, recovery codes) and the sessions an account holds

Revision ID: 7a3c2d9e1f43
Revises: 6f2b1c8d0e32
Create Date: 2026-12-06 16:00:00

"""
import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

# revision identifiers, used by Alembic.
revision = '7a3c2d9e1f43'
down_revision = '6f2b1c8d0e32'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
