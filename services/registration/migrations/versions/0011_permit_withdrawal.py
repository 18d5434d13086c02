"""A permit can be withdrawn: who withdrew it, when and why (apart from decided_by, which keeps the approver).

Revision ID: 0011_permit_withdrawal
Revises: 0010_official_language
Create Date: 2026-12-04
"""
from alembic import op
import sqlalchemy as sa


revision = '0011_permit_withdrawal'
down_revision = '0010_official_language'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Nullable: no permit was withdrawn before; status stays a plain string ('withdrawn' needs no constraint change).
    with op.batch_alter_table('permits') as batch:
        batch.add_column(sa.Column('withdrawn_by', sa.String(length=64), nullable=True))
        batch.add_column(sa.Column('withdrawn_at', sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column('withdrawal_reason', sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('permits') as batch:
        batch.drop_column('withdrawal_reason')
        batch.drop_column('withdrawn_at')
        batch.drop_column('withdrawn_by')
