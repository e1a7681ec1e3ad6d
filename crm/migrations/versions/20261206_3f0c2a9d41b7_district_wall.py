"""The district wall: import mappings remembered per district, visit UUIDs unique per team

A mapping confirmed before is given to the district of the user who confirmed it (else the first district).
A visit's UUID was unique in the whole city, so a UUID used in another district made an insert fail; it is now
unique within its team, and still indexed for the lookups by UUID.

Revision ID: 3f0c2a9d41b7
Revises: 727a34c30ab1
Create Date: 2026-12-06 13:40:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '3f0c2a9d41b7'
down_revision = '727a34c30ab1'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('import_mapping', schema=None) as batch_op:
        batch_op.add_column(sa.Column('district_id', sa.Integer(), nullable=True))
    op.execute("UPDATE import_mapping SET district_id = (SELECT u.district_id FROM \"user\" u "
               "WHERE u.id = import_mapping.updated_by_id)")
    op.execute("UPDATE import_mapping SET district_id = (SELECT min(id) FROM district) WHERE district_id IS NULL")
    op.execute("DELETE FROM import_mapping WHERE district_id IS NULL")  # no district at all: nothing to keep
    with op.batch_alter_table('import_mapping', schema=None) as batch_op:
        batch_op.alter_column('district_id', existing_type=sa.Integer(), nullable=False)
        batch_op.drop_constraint('uq_import_mapping_kind_signature', type_='unique')
        batch_op.create_unique_constraint(batch_op.f('uq_import_mapping_district_id_kind_signature'),
                                          ['district_id', 'kind', 'signature'])
        batch_op.create_foreign_key(batch_op.f('fk_import_mapping_district_id_district'), 'district',
                                    ['district_id'], ['id'])
    with op.batch_alter_table('visit', schema=None) as batch_op:
        batch_op.drop_constraint('uq_visit_uuid', type_='unique')
        batch_op.create_unique_constraint(batch_op.f('uq_visit_team_id_uuid'), ['team_id', 'uuid'])
        batch_op.create_index(batch_op.f('ix_visit_uuid'), ['uuid'], unique=False)


def downgrade():
    with op.batch_alter_table('visit', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_visit_uuid'))
        batch_op.drop_constraint(batch_op.f('uq_visit_team_id_uuid'), type_='unique')
        batch_op.create_unique_constraint('uq_visit_uuid', ['uuid'])
    with op.batch_alter_table('import_mapping', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_import_mapping_district_id_district'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('uq_import_mapping_district_id_kind_signature'), type_='unique')
        batch_op.create_unique_constraint('uq_import_mapping_kind_signature', ['kind', 'signature'])
        batch_op.drop_column('district_id')
