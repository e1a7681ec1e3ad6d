"""督办: supervision orders on a project or one of its issues, and their answers (办理情况)

Revision ID: 5d7e2a1c9b40
Revises: a2ae48e98861
Create Date: 2026-12-06 22:30:00

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '5d7e2a1c9b40'
down_revision = 'a2ae48e98861'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('supervision',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('issue_id', sa.Integer(), nullable=True),
    sa.Column('what', sa.Text(), nullable=False),
    sa.Column('receiver_unit', sa.String(length=100), nullable=True),
    sa.Column('receiver_id', sa.Integer(), nullable=True),
    sa.Column('deadline', sa.Date(), nullable=False),
    sa.Column('issuer_id', sa.Integer(), nullable=False),
    sa.Column('issued_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('status', sa.Enum('open', 'returned', 'closed', name='status', native_enum=False,
                                create_constraint=True, length=20), nullable=False),
    sa.Column('return_note', sa.Text(), nullable=True),
    sa.Column('closed_on', sa.Date(), nullable=True),
    sa.CheckConstraint('receiver_unit IS NOT NULL OR receiver_id IS NOT NULL', name=op.f('ck_supervision_has_receiver')),
    sa.CheckConstraint("closed_on IS NULL OR status = 'closed'", name=op.f('ck_supervision_closed_only_when_closed')),
    sa.ForeignKeyConstraint(['issue_id'], ['project_issue.id'], name=op.f('fk_supervision_issue_id_project_issue'),
                            ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['issuer_id'], ['user.id'], name=op.f('fk_supervision_issuer_id_user')),
    sa.ForeignKeyConstraint(['project_id'], ['project.id'], name=op.f('fk_supervision_project_id_project'),
                            ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['receiver_id'], ['user.id'], name=op.f('fk_supervision_receiver_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_supervision'))
    )
    with op.batch_alter_table('supervision', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_supervision_deadline'), ['deadline'], unique=False)
        batch_op.create_index(batch_op.f('ix_supervision_issue_id'), ['issue_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_supervision_project_id'), ['project_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_supervision_receiver_id'), ['receiver_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_supervision_status'), ['status'], unique=False)

    op.create_table('supervision_answer',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('supervision_id', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('answered_by_id', sa.Integer(), nullable=False),
    sa.Column('answered_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['answered_by_id'], ['user.id'], name=op.f('fk_supervision_answer_answered_by_id_user')),
    sa.ForeignKeyConstraint(['supervision_id'], ['supervision.id'],
                            name=op.f('fk_supervision_answer_supervision_id_supervision'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_supervision_answer'))
    )
    with op.batch_alter_table('supervision_answer', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_supervision_answer_supervision_id'), ['supervision_id'], unique=False)


def downgrade():
    with op.batch_alter_table('supervision_answer', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_supervision_answer_supervision_id'))
    op.drop_table('supervision_answer')
    with op.batch_alter_table('supervision', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_supervision_status'))
        batch_op.drop_index(batch_op.f('ix_supervision_receiver_id'))
        batch_op.drop_index(batch_op.f('ix_supervision_project_id'))
        batch_op.drop_index(batch_op.f('ix_supervision_issue_id'))
        batch_op.drop_index(batch_op.f('ix_supervision_deadline'))
    op.drop_table('supervision')
