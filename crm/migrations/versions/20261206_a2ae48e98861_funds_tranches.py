"""Funds in place (到资): a project's dated tranches, verified by the office

Each tranche holds its day, amount in yuan (and the foreign amount with its rate), source (省外/省内市外/市内),
use (固定资产/流动资金) and the bank receipt among the project's documents.

Revision ID: a2ae48e98861
Revises: 606391660deb
Create Date: 2026-12-06 22:28:22.508720

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'a2ae48e98861'
down_revision = '606391660deb'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('funds_tranche',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('received_on', sa.Date(), nullable=False),
    sa.Column('amount_yuan', sa.BigInteger(), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('original_amount', sa.BigInteger(), nullable=True),
    sa.Column('fx_rate', sa.Numeric(precision=14, scale=6), nullable=True),
    sa.Column('source', sa.Enum('province_out', 'province_in', 'city_in', name='fund_source', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('kind', sa.Enum('fixed_asset', 'working', name='fund_kind', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('document_id', sa.Integer(), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('verified', sa.Boolean(), nullable=False),
    sa.Column('verified_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('verified_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("currency = 'CNY' OR (original_amount IS NOT NULL AND fx_rate IS NOT NULL)", name=op.f('ck_funds_tranche_foreign_amount_has_rate')),
    sa.CheckConstraint('amount_yuan > 0', name=op.f('ck_funds_tranche_amount_positive')),
    sa.CheckConstraint('original_amount > 0 AND fx_rate > 0', name=op.f('ck_funds_tranche_foreign_amount_positive')),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_funds_tranche_created_by_id_user')),
    sa.ForeignKeyConstraint(['document_id'], ['project_document.id'], name=op.f('fk_funds_tranche_document_id_project_document'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['project_id'], ['project.id'], name=op.f('fk_funds_tranche_project_id_project'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['verified_by_id'], ['user.id'], name=op.f('fk_funds_tranche_verified_by_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_funds_tranche'))
    )
    with op.batch_alter_table('funds_tranche', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_funds_tranche_project_id'), ['project_id'], unique=False)
        batch_op.create_index('ix_funds_tranche_verified_day', ['verified', 'received_on', 'project_id', 'amount_yuan', 'kind'], unique=False)



def downgrade():
    with op.batch_alter_table('funds_tranche', schema=None) as batch_op:
        batch_op.drop_index('ix_funds_tranche_verified_day')
        batch_op.drop_index(batch_op.f('ix_funds_tranche_project_id'))

    op.drop_table('funds_tranche')
