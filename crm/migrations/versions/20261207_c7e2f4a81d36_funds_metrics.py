"""到资 and 固投完成额 as ranking metrics: a team may be set targets for them

Their weights live in the rankings' JSON settings (absent means 0), so only the targets' CHECK grows.

Revision ID: c7e2f4a81d36
Revises: a4d417f59f64
Create Date: 2026-12-07 01:00:00

"""
from alembic import op

# revision identifiers, used by Alembic.
revision = 'c7e2f4a81d36'
down_revision = 'a4d417f59f64'
branch_labels = None
depends_on = None

BEFORE = "metric IN ('trips', 'enterprises', 'visits', 'new_leads', 'signed', 'yi_signed', 'investment', 'started', " \
         "'producing')"
AFTER = "metric IN ('trips', 'enterprises', 'visits', 'new_leads', 'signed', 'yi_signed', 'investment', 'started', " \
        "'producing', 'funds', 'fixed_asset')"


def upgrade():
    with op.batch_alter_table('team_target', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_team_target_metric'), type_='check')
        batch_op.create_check_constraint(batch_op.f('ck_team_target_metric'), AFTER)


def downgrade():
    op.execute("DELETE FROM team_target WHERE metric IN ('funds', 'fixed_asset')")
    with op.batch_alter_table('team_target', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_team_target_metric'), type_='check')
        batch_op.create_check_constraint(batch_op.f('ck_team_target_metric'), BEFORE)
