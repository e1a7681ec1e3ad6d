"""Versions on the records edited by forms; the team that holds a contact

An enterprise, a trip, a visit, a team, a user, a project's service item (代办事项) and a year's ranking settings
carry a version, so that an edit made from an older one is refused rather than overwriting the newer; rows already
there start at version 1. A contact records the team that holds it (whose members see its phone and WeChat ID in
full); contacts already there are held by none, so only admins see them in full until someone reveals one.

Revision ID: 9c5e4f1a3b65
Revises: 8b4d3e0f2a54
Create Date: 2026-12-06 16:00:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '9c5e4f1a3b65'
down_revision = '8b4d3e0f2a54'
branch_labels = None
depends_on = None

VERSIONED = ('enterprise', 'trip', 'visit', 'team', 'user', 'service_item', 'ranking_settings')


def upgrade():
    for table in VERSIONED:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('version', sa.Integer(), nullable=False, server_default='1'))
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.alter_column('version', existing_type=sa.Integer(), server_default=None)
    with op.batch_alter_table('contact', schema=None) as batch_op:
        batch_op.add_column(sa.Column('team_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_contact_team_id_team'), 'team', ['team_id'], ['id'])


def downgrade():
    with op.batch_alter_table('contact', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_contact_team_id_team'), type_='foreignkey')
        batch_op.drop_column('team_id')
    for table in reversed(VERSIONED):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column('version')
