"""Reminders: a district's rules and group robots, the reminders raised, each person's channels and e-mail

Revision ID: 5fe98d62593a
Revises: c7e2f4a81d36
Create Date: 2026-12-07 03:58:44.084093

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '5fe98d62593a'
down_revision = 'c7e2f4a81d36'
branch_labels = None
depends_on = None

REMINDER_KIND = sa.Enum('lead_idle', 'follow_up', 'node', 'service_item', 'issue', 'supervision', 'verification',
                        name='kind', native_enum=False, create_constraint=True, length=20)
WEBHOOK_KIND = sa.Enum('wecom', 'dingtalk', name='kind', native_enum=False, create_constraint=True, length=20)


def upgrade():
    op.create_table('district_webhook',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('district_id', sa.Integer(), nullable=False),
    sa.Column('kind', WEBHOOK_KIND, nullable=False),
    sa.Column('url', sa.String(length=500), nullable=False),
    sa.Column('secret', sa.String(length=200), nullable=True),
    sa.Column('enabled', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['district_id'], ['district.id'], name=op.f('fk_district_webhook_district_id_district')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_district_webhook')),
    sa.UniqueConstraint('district_id', 'kind', name=op.f('uq_district_webhook_district_id_kind'))
    )
    with op.batch_alter_table('district_webhook', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_district_webhook_district_id'), ['district_id'], unique=False)

    op.create_table('reminder_rule',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('district_id', sa.Integer(), nullable=False),
    sa.Column('kind', REMINDER_KIND, nullable=False),
    sa.Column('enabled', sa.Boolean(), nullable=False),
    sa.Column('days', sa.Integer(), nullable=False),
    sa.Column('escalate_after_days', sa.Integer(), nullable=False),
    sa.CheckConstraint('days >= 0', name=op.f('ck_reminder_rule_days_not_negative')),
    sa.CheckConstraint('escalate_after_days >= 1', name=op.f('ck_reminder_rule_escalation_after_a_day')),
    sa.ForeignKeyConstraint(['district_id'], ['district.id'], name=op.f('fk_reminder_rule_district_id_district')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reminder_rule')),
    sa.UniqueConstraint('district_id', 'kind', name=op.f('uq_reminder_rule_district_id_kind'))
    )
    with op.batch_alter_table('reminder_rule', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_reminder_rule_district_id'), ['district_id'], unique=False)

    op.create_table('reminder_preference',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('district_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('kind', REMINDER_KIND, nullable=False),
    sa.Column('in_app', sa.Boolean(), nullable=False),
    sa.Column('by_email', sa.Boolean(), nullable=False),
    sa.Column('by_webhook', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['district_id'], ['district.id'], name=op.f('fk_reminder_preference_district_id_district')),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_reminder_preference_user_id_user'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reminder_preference')),
    sa.UniqueConstraint('user_id', 'kind', name=op.f('uq_reminder_preference_user_id_kind'))
    )
    with op.batch_alter_table('reminder_preference', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_reminder_preference_district_id'), ['district_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_reminder_preference_user_id'), ['user_id'], unique=False)

    op.create_table('reminder',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('district_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('kind', REMINDER_KIND, nullable=False),
    sa.Column('record_type', sa.String(length=20), nullable=False),
    sa.Column('record_id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=True),
    sa.Column('subject', sa.String(length=300), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('level', sa.Integer(), nullable=False),
    sa.Column('raised_on', sa.Date(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('read_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('emailed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('pushed_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint('level >= 0', name=op.f('ck_reminder_level_not_negative')),
    sa.ForeignKeyConstraint(['district_id'], ['district.id'], name=op.f('fk_reminder_district_id_district')),
    sa.ForeignKeyConstraint(['project_id'], ['project.id'], name=op.f('fk_reminder_project_id_project'),
                            ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_reminder_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reminder')),
    sa.UniqueConstraint('user_id', 'kind', 'record_type', 'record_id', 'due_on',
                        name=op.f('uq_reminder_user_id_kind_record_type_record_id_due_on'))
    )
    with op.batch_alter_table('reminder', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_reminder_district_id'), ['district_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_reminder_project_id'), ['project_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_reminder_raised_on'), ['raised_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_reminder_user_id'), ['user_id'], unique=False)

    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('email', sa.String(length=254), nullable=True))
        batch_op.add_column(sa.Column('weekly_digest', sa.Boolean(), nullable=False, server_default=sa.false()))
    with op.batch_alter_table('user', schema=None) as batch_op:  # the default fills the rows there are; the app sets it
        batch_op.alter_column('weekly_digest', server_default=None)



def downgrade():
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_column('weekly_digest')
        batch_op.drop_column('email')

    with op.batch_alter_table('reminder', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_reminder_user_id'))
        batch_op.drop_index(batch_op.f('ix_reminder_raised_on'))
        batch_op.drop_index(batch_op.f('ix_reminder_project_id'))
        batch_op.drop_index(batch_op.f('ix_reminder_district_id'))

    op.drop_table('reminder')
    with op.batch_alter_table('reminder_preference', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_reminder_preference_user_id'))
        batch_op.drop_index(batch_op.f('ix_reminder_preference_district_id'))

    op.drop_table('reminder_preference')
    with op.batch_alter_table('reminder_rule', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_reminder_rule_district_id'))

    op.drop_table('reminder_rule')
    with op.batch_alter_table('district_webhook', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_district_webhook_district_id'))

    op.drop_table('district_webhook')
