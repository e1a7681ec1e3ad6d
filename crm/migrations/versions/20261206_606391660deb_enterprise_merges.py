"""The record of each enterprise merge, precise enough to undo it

Each merge notes which visits, leads, projects, contacts, overlaps and earlier-merged enterprises moved, and the
fields of both enterprises it changed with their values before and after. Merges made before this migration have
no record and cannot be undone.

Revision ID: 606391660deb
Revises: 9c5e4f1a3b65
Create Date: 2026-12-06 19:59:40.527255

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '606391660deb'
down_revision = '9c5e4f1a3b65'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('enterprise_merge',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('district_id', sa.Integer(), nullable=False),
    sa.Column('kept_id', sa.Integer(), nullable=False),
    sa.Column('merged_id', sa.Integer(), nullable=False),
    sa.Column('merged_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('merged_by_id', sa.Integer(), nullable=True),
    sa.Column('moved', sa.JSON(), nullable=False),
    sa.Column('kept_fields', sa.JSON(), nullable=False),
    sa.Column('merged_fields', sa.JSON(), nullable=False),
    sa.Column('undone_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('undone_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['district_id'], ['district.id'], name=op.f('fk_enterprise_merge_district_id_district')),
    sa.ForeignKeyConstraint(['kept_id'], ['enterprise.id'], name=op.f('fk_enterprise_merge_kept_id_enterprise')),
    sa.ForeignKeyConstraint(['merged_by_id'], ['user.id'], name=op.f('fk_enterprise_merge_merged_by_id_user')),
    sa.ForeignKeyConstraint(['merged_id'], ['enterprise.id'], name=op.f('fk_enterprise_merge_merged_id_enterprise')),
    sa.ForeignKeyConstraint(['undone_by_id'], ['user.id'], name=op.f('fk_enterprise_merge_undone_by_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_enterprise_merge'))
    )
    with op.batch_alter_table('enterprise_merge', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_enterprise_merge_district_id'), ['district_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_enterprise_merge_kept_id'), ['kept_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_enterprise_merge_merged_id'), ['merged_id'], unique=False)


def downgrade():
    with op.batch_alter_table('enterprise_merge', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_enterprise_merge_merged_id'))
        batch_op.drop_index(batch_op.f('ix_enterprise_merge_kept_id'))
        batch_op.drop_index(batch_op.f('ix_enterprise_merge_district_id'))

    op.drop_table('enterprise_merge')
