"""Districts: one deployment holds the city's districts; every team, enterprise and ranking rule is a district's

An existing install becomes its configured district (DISTRICT_NAME, PROJECT_CODE_PREFIX): every team,
enterprise, user, scoring rule and frozen ranking is given to it, so no figure changes.

Revision ID: 727a34c30ab1
Revises: 15bfbadf2b92
Create Date: 2026-12-03 13:31:20.675892

"""
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op
from flask import current_app

# revision identifiers, used by Alembic.
revision = '727a34c30ab1'
down_revision = '15bfbadf2b92'
branch_labels = None
depends_on = None

ROLES_BEFORE = "role IN ('admin', 'leader', 'lead', 'member')"
ROLES_AFTER = "role IN ('admin', 'leader', 'lead', 'member', 'city')"
CITY_ONLY_WHERE = sa.text('district_id IS NULL')
COUNTED_COLUMNS = ['verified', 'voided', 'total_investment_yuan', 'signed_on', 'code', 'industry']


def upgrade():
    district = op.create_table('district',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=64), nullable=False),
    sa.Column('code', sa.String(length=8), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_district')),
    sa.UniqueConstraint('code', name=op.f('uq_district_code')),
    sa.UniqueConstraint('name', name=op.f('uq_district_name'))
    )
    config = current_app.config
    op.bulk_insert(district, [{'id': 1, 'name': config.get('DISTRICT_NAME') or '本区',
                               'code': config.get('PROJECT_CODE_PREFIX') or 'ZW', 'active': True,
                               'created_at': datetime.now(UTC)}])
    if op.get_bind().dialect.name == 'postgresql':
        op.execute("SELECT setval(pg_get_serial_sequence('district', 'id'), 1)")

    for table in ('enterprise', 'team', 'user', 'ranking_settings', 'ranking_snapshot'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('district_id', sa.Integer(), nullable=True))
        op.execute(sa.text(f'UPDATE "{table}" SET district_id = 1'))

    with op.batch_alter_table('enterprise', schema=None) as batch_op:
        batch_op.alter_column('district_id', existing_type=sa.Integer(), nullable=False)
        batch_op.drop_constraint(batch_op.f('uq_enterprise_credit_code'), type_='unique')
        batch_op.create_index(batch_op.f('ix_enterprise_district_id'), ['district_id'], unique=False)
        batch_op.create_unique_constraint(batch_op.f('uq_enterprise_district_id_credit_code'), ['district_id', 'credit_code'])
        batch_op.create_foreign_key(batch_op.f('fk_enterprise_district_id_district'), 'district', ['district_id'], ['id'])

    with op.batch_alter_table('ranking_settings', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_ranking_settings_year'), type_='unique')
        batch_op.create_index('uq_ranking_settings_city_year', ['year'], unique=True, sqlite_where=CITY_ONLY_WHERE, postgresql_where=CITY_ONLY_WHERE)
        batch_op.create_unique_constraint(batch_op.f('uq_ranking_settings_district_id_year'), ['district_id', 'year'])
        batch_op.create_foreign_key(batch_op.f('fk_ranking_settings_district_id_district'), 'district', ['district_id'], ['id'])

    with op.batch_alter_table('ranking_snapshot', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_ranking_snapshot_year_quarter'), type_='unique')
        batch_op.create_index('uq_ranking_snapshot_city_quarter', ['year', 'quarter'], unique=True, sqlite_where=CITY_ONLY_WHERE, postgresql_where=CITY_ONLY_WHERE)
        batch_op.create_unique_constraint(batch_op.f('uq_ranking_snapshot_district_id_year_quarter'), ['district_id', 'year', 'quarter'])
        batch_op.create_foreign_key(batch_op.f('fk_ranking_snapshot_district_id_district'), 'district', ['district_id'], ['id'])

    with op.batch_alter_table('team', schema=None) as batch_op:
        batch_op.alter_column('district_id', existing_type=sa.Integer(), nullable=False)
        batch_op.drop_constraint(batch_op.f('uq_team_name'), type_='unique')
        batch_op.create_index(batch_op.f('ix_team_district_id'), ['district_id'], unique=False)
        batch_op.create_unique_constraint(batch_op.f('uq_team_district_id_name'), ['district_id', 'name'])
        batch_op.create_foreign_key(batch_op.f('fk_team_district_id_district'), 'district', ['district_id'], ['id'])

    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_user_district_id'), ['district_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_user_district_id_district'), 'district', ['district_id'], ['id'])
        batch_op.drop_constraint(batch_op.f('ck_user_role'), type_='check')
        batch_op.create_check_constraint(batch_op.f('ck_user_role'), ROLES_AFTER)
        batch_op.create_check_constraint(
            batch_op.f('ck_user_district_unless_city'),
            "(role = 'city' AND district_id IS NULL) OR (role != 'city' AND district_id IS NOT NULL)")

    # a district's visits are read as its teams' runs: the enterprise in the index spares the table lookups
    op.drop_index('ix_visit_team_date', table_name='visit')
    op.create_index('ix_visit_team_date', 'visit', ['team_id', 'visited_on', 'enterprise_id'], unique=False)
    # a district's counted projects and industries: the team is read in the index
    op.drop_index('ix_project_counted_investment', table_name='project')
    op.create_index('ix_project_counted_investment', 'project', COUNTED_COLUMNS + ['team_id'], unique=False)
    op.create_index('ix_project_team_industry', 'project', ['team_id', 'industry'], unique=False)


def downgrade():
    # Back to one district: only an install that holds a single district and no city users can go back.
    bind = op.get_bind()
    if bind.scalar(sa.text('SELECT count(*) FROM district')) > 1:
        raise RuntimeError('this database holds several districts: it cannot go back to one')
    op.execute(sa.text("DELETE FROM \"user\" WHERE role = 'city'"))
    op.execute(sa.text('DELETE FROM ranking_snapshot WHERE district_id IS NULL'))
    op.execute(sa.text('DELETE FROM ranking_settings WHERE district_id IS NULL'))
    op.drop_index('ix_visit_team_date', table_name='visit')
    op.create_index('ix_visit_team_date', 'visit', ['team_id', 'visited_on'], unique=False)
    op.drop_index('ix_project_team_industry', table_name='project')
    op.drop_index('ix_project_counted_investment', table_name='project')
    op.create_index('ix_project_counted_investment', 'project', COUNTED_COLUMNS, unique=False)
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_user_district_unless_city'), type_='check')
        batch_op.drop_constraint(batch_op.f('ck_user_role'), type_='check')
        batch_op.create_check_constraint(batch_op.f('ck_user_role'), ROLES_BEFORE)
        batch_op.drop_constraint(batch_op.f('fk_user_district_id_district'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_user_district_id'))
        batch_op.drop_column('district_id')

    with op.batch_alter_table('team', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_team_district_id_district'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('uq_team_district_id_name'), type_='unique')
        batch_op.drop_index(batch_op.f('ix_team_district_id'))
        batch_op.create_unique_constraint(batch_op.f('uq_team_name'), ['name'])
        batch_op.drop_column('district_id')

    with op.batch_alter_table('ranking_snapshot', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_ranking_snapshot_district_id_district'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('uq_ranking_snapshot_district_id_year_quarter'), type_='unique')
        batch_op.drop_index('uq_ranking_snapshot_city_quarter', sqlite_where=CITY_ONLY_WHERE, postgresql_where=CITY_ONLY_WHERE)
        batch_op.create_unique_constraint(batch_op.f('uq_ranking_snapshot_year_quarter'), ['year', 'quarter'])
        batch_op.drop_column('district_id')

    with op.batch_alter_table('ranking_settings', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_ranking_settings_district_id_district'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('uq_ranking_settings_district_id_year'), type_='unique')
        batch_op.drop_index('uq_ranking_settings_city_year', sqlite_where=CITY_ONLY_WHERE, postgresql_where=CITY_ONLY_WHERE)
        batch_op.create_unique_constraint(batch_op.f('uq_ranking_settings_year'), ['year'])
        batch_op.drop_column('district_id')

    with op.batch_alter_table('enterprise', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_enterprise_district_id_district'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('uq_enterprise_district_id_credit_code'), type_='unique')
        batch_op.drop_index(batch_op.f('ix_enterprise_district_id'))
        batch_op.create_unique_constraint(batch_op.f('uq_enterprise_credit_code'), ['credit_code'])
        batch_op.drop_column('district_id')

    op.drop_table('district')
