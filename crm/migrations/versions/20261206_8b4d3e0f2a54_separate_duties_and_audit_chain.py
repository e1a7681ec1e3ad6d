"""Separate duties (security and audit administrators) and the chained audit trail

The audit events already written get their district (their user's), their result (what the action says) and
their place in the hash chain, oldest first; then the database itself refuses to change an event or to delete
one younger than 180 days.

Revision ID: 8b4d3e0f2a54
Revises: 7a3c2d9e1f43
Create Date: 2026-12-06 16:00:00

"""
import sqlalchemy as sa
from alembic import op

from crm.core.audit import result_of
from crm.core.audit_chain import GENESIS, event_hash
from crm.models.audit import guard_statements, unguard_statements

# revision identifiers, used by Alembic.
revision = '8b4d3e0f2a54'
down_revision = '7a3c2d9e1f43'
branch_labels = None
depends_on = None

ROLES_BEFORE = "role IN ('admin', 'leader', 'lead', 'member', 'city')"
ROLES_AFTER = "role IN ('admin', 'leader', 'lead', 'member', 'city', 'security', 'auditor')"
RESULTS = "result IN ('success', 'refused', 'failed')"

events = sa.table('audit_event', sa.column('id', sa.Integer), sa.column('at', sa.DateTime(timezone=True)),
                  sa.column('user_id', sa.Integer), sa.column('district_id', sa.Integer),
                  sa.column('action', sa.String), sa.column('result', sa.String), sa.column('entity', sa.String),
                  sa.column('entity_id', sa.Integer), sa.column('changes', sa.JSON), sa.column('address', sa.String),
                  sa.column('detail', sa.Text), sa.column('prev_hash', sa.String), sa.column('hash', sa.String))
users = sa.table('user', sa.column('id', sa.Integer), sa.column('district_id', sa.Integer))


def chain_existing_events(bind) -> None:
    """Give the events written so far a district, a result and their place in the chain, oldest first."""
    districts = dict(bind.execute(sa.select(users.c.id, users.c.district_id)).all())
    head = GENESIS
    rows = bind.execute(sa.select(events).order_by(events.c.id)).mappings().all()
    for row in rows:
        fields = dict(row) | {"district_id": districts.get(row["user_id"]), "result": result_of(row["action"]).value}
        prev, head = head, event_hash(head, fields)
        bind.execute(events.update().where(events.c.id == row["id"]).values(
            district_id=fields["district_id"], result=fields["result"], prev_hash=prev, hash=head))


def upgrade():
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_user_role'), type_='check')
        batch_op.create_check_constraint(batch_op.f('ck_user_role'), ROLES_AFTER)

    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.add_column(sa.Column('district_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('result', sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column('prev_hash', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('hash', sa.String(length=64), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_audit_event_district_id_district'), 'district',
                                    ['district_id'], ['id'])
        batch_op.create_index('ix_audit_event_district_id', ['district_id', 'id'], unique=False)

    chain_existing_events(op.get_bind())

    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.alter_column('result', existing_type=sa.String(length=20), nullable=False)
        batch_op.alter_column('prev_hash', existing_type=sa.String(length=64), nullable=False)
        batch_op.alter_column('hash', existing_type=sa.String(length=64), nullable=False)
        batch_op.create_check_constraint(batch_op.f('ck_audit_event_audit_result'), RESULTS)

    for statement in guard_statements(op.get_bind().dialect.name):
        op.execute(statement)


def downgrade():
    for statement in unguard_statements(op.get_bind().dialect.name):
        op.execute(statement)

    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_audit_event_audit_result'), type_='check')
        batch_op.drop_index('ix_audit_event_district_id')
        batch_op.drop_constraint(batch_op.f('fk_audit_event_district_id_district'), type_='foreignkey')
        batch_op.drop_column('hash')
        batch_op.drop_column('prev_hash')
        batch_op.drop_column('result')
        batch_op.drop_column('district_id')

    # the separate duties' accounts cannot be kept by a schema without their roles
    op.execute("DELETE FROM \"user\" WHERE role IN ('security', 'auditor')")
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_user_role'), type_='check')
        batch_op.create_check_constraint(batch_op.f('ck_user_role'), ROLES_BEFORE)
