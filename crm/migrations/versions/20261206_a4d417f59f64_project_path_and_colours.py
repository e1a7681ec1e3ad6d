"""A project's path after signing, each district's shape of it and its 红黄绿 thresholds

project_node holds the nodes (注册 … 上规) with planned and actual dates and the unit responsible; 开工, 投产 and
达产 keep their dates on the project. path_step is a district's choice of nodes, order and default offsets;
colour_rule its thresholds. A 代办事项 may name the node it serves (service_item.node).

Revision ID: a4d417f59f64
Revises: 5d7e2a1c9b40
Create Date: 2026-12-06 22:21:52.561616

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = 'a4d417f59f64'
down_revision = '5d7e2a1c9b40'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('colour_rule',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('district_id', sa.Integer(), nullable=False),
    sa.Column('soon_days', sa.Integer(), nullable=False),
    sa.Column('late_days', sa.Integer(), nullable=False),
    sa.Column('issue_days', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint('soon_days >= 0 AND late_days >= 0 AND issue_days >= 0', name=op.f('ck_colour_rule_days_not_negative')),
    sa.ForeignKeyConstraint(['district_id'], ['district.id'], name=op.f('fk_colour_rule_district_id_district')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_colour_rule')),
    sa.UniqueConstraint('district_id', name=op.f('uq_colour_rule_district_id'))
    )
    op.create_table('path_step',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('district_id', sa.Integer(), nullable=False),
    sa.Column('node', sa.Enum('registered', 'filed', 'land', 'permits', 'started', 'completed', 'producing', 'capacity', 'in_statistics', 'above_scale', name='node', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('enabled', sa.Boolean(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('offset_days', sa.Integer(), nullable=True),
    sa.CheckConstraint('offset_days >= 0', name=op.f('ck_path_step_offset_not_negative')),
    sa.ForeignKeyConstraint(['district_id'], ['district.id'], name=op.f('fk_path_step_district_id_district')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_path_step')),
    sa.UniqueConstraint('district_id', 'node', name=op.f('uq_path_step_district_id_node'))
    )
    with op.batch_alter_table('path_step', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_path_step_district_id'), ['district_id'], unique=False)

    op.create_table('project_node',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('node', sa.Enum('registered', 'filed', 'land', 'permits', 'started', 'completed', 'producing', 'capacity', 'in_statistics', 'above_scale', name='node', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('planned_on', sa.Date(), nullable=True),
    sa.Column('actual_on', sa.Date(), nullable=True),
    sa.Column('responsible_unit', sa.String(length=100), nullable=True),
    sa.CheckConstraint("node NOT IN ('started', 'producing', 'capacity') OR (planned_on IS NULL AND actual_on IS NULL)", name=op.f('ck_project_node_dates_on_the_project')),
    sa.ForeignKeyConstraint(['project_id'], ['project.id'], name=op.f('fk_project_node_project_id_project'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_project_node')),
    sa.UniqueConstraint('project_id', 'node', name=op.f('uq_project_node_project_id_node'))
    )
    with op.batch_alter_table('project_node', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_project_node_project_id'), ['project_id'], unique=False)

    with op.batch_alter_table('service_item', schema=None) as batch_op:
        batch_op.add_column(sa.Column('node', sa.String(length=20), nullable=True))



def downgrade():
    with op.batch_alter_table('service_item', schema=None) as batch_op:
        batch_op.drop_column('node')

    with op.batch_alter_table('project_node', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_project_node_project_id'))

    op.drop_table('project_node')
    with op.batch_alter_table('path_step', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_path_step_district_id'))

    op.drop_table('path_step')
    op.drop_table('colour_rule')
