"""Import jobs: liveness in the database (heartbeat), bounded previews

Revision ID: 5e1a0b7c9d21
Revises: b4d1e7c9a2f3
Create Date: 2026-12-06 16:00:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '5e1a0b7c9d21'
down_revision = 'b4d1e7c9a2f3'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('import_job', schema=None) as batch_op:
        batch_op.add_column(sa.Column('heartbeat_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('runner', sa.String(length=100), nullable=True))


def downgrade():
    with op.batch_alter_table('import_job', schema=None) as batch_op:
        batch_op.drop_column('runner')
        batch_op.drop_column('heartbeat_at')
