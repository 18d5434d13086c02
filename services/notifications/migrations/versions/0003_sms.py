"""SMS: rate limits per provider (shared by every worker) and the replies officials send by SMS (two-way SMS).

Revision ID: 0003_sms
Revises: 0002_messages
"""
from alembic import op
import sqlalchemy as sa


revision = '0003_sms'
down_revision = '0002_messages'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('sms_rate_limits',
    sa.Column('provider', sa.String(length=40), nullable=False),
    sa.Column('next_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('provider')
    )
    op.create_table('sms_replies',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('gateway_id', sa.String(length=100), nullable=True),
    sa.Column('sender', sa.String(length=40), nullable=False),
    sa.Column('receiver', sa.String(length=40), nullable=True),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('answer', sa.String(length=10), nullable=True),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('registration_id', sa.String(length=36), nullable=True),
    sa.Column('outcome', sa.String(length=20), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('gateway_id')
    )
    op.create_index(op.f('ix_sms_replies_registration_id'), 'sms_replies', ['registration_id'], unique=False)
    op.create_index(op.f('ix_sms_replies_sender'), 'sms_replies', ['sender'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_sms_replies_sender'), table_name='sms_replies')
    op.drop_index(op.f('ix_sms_replies_registration_id'), table_name='sms_replies')
    op.drop_table('sms_replies')
    op.drop_table('sms_rate_limits')
