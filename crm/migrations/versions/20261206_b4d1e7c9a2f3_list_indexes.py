"""List indexes: the visits, leads and projects lists walked newest first, each stopping once its page is full

A district's list was read through its teams' runs and sorted whole for a page of 50 (a million visits at
province scale); these indexes hold each list's order, with the team last so the district is checked in the index.
The project list's index also holds the amount and the industry, so a period's counted signings (the charts) are
read from it alone, and the industry index gains the team: the district's industries are read from it alone.

Revision ID: b4d1e7c9a2f3
Revises: 3f0c2a9d41b7
Create Date: 2026-12-06 15:00:00

"""
from alembic import op

# revision identifiers, used by Alembic.
revision = 'b4d1e7c9a2f3'
down_revision = '3f0c2a9d41b7'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('visit', schema=None) as batch_op:
        batch_op.create_index('ix_visit_date_id_team', ['visited_on', 'id', 'team_id'], unique=False)
    with op.batch_alter_table('lead', schema=None) as batch_op:
        batch_op.create_index('ix_lead_created_id_team', ['created_at', 'id', 'team_id'], unique=False)
    with op.batch_alter_table('project', schema=None) as batch_op:
        batch_op.create_index('ix_project_counted_signed', ['verified', 'voided', 'signed_on', 'id', 'team_id',
                                                            'total_investment_yuan', 'industry'], unique=False)
        batch_op.drop_index(batch_op.f('ix_project_industry'))
        batch_op.create_index('ix_project_industry_team', ['industry', 'team_id'], unique=False)


def downgrade():
    with op.batch_alter_table('project', schema=None) as batch_op:
        batch_op.drop_index('ix_project_industry_team')
        batch_op.create_index(batch_op.f('ix_project_industry'), ['industry'], unique=False)
        batch_op.drop_index('ix_project_counted_signed')
    with op.batch_alter_table('lead', schema=None) as batch_op:
        batch_op.drop_index('ix_lead_created_id_team')
    with op.batch_alter_table('visit', schema=None) as batch_op:
        batch_op.drop_index('ix_visit_date_id_team')
