"""Sign-in throttle: per account and per address budgets that no one else can spend or reset

Revision ID: 6f2b1c8d0e32
Revises: 5e1a0b7c9d21
Create Date: 2026-12-06 16:00:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '6f2b1c8d0e32'
down_revision = '5e1a0b7c9d21'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('login_attempt', schema=None) as batch_op:
        batch_op.add_column(sa.Column('device', sa.String(length=32), nullable=True))
        batch_op.create_index(batch_op.f('ix_login_attempt_device'), ['device'], unique=False)


def downgrade():
    with op.batch_alter_table('login_attempt', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_login_attempt_device'))
        batch_op.drop_column('device')
