"""drop bus_outbox: reporting only consumes events (it is no event's source), so it never had an outbox to fill.

Revision ID: 0002
Revises: 0001
"""
from alembic import op
import sqlalchemy as sa


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_index(op.f('ix_bus_outbox_retreat_id'), table_name='bus_outbox')
    op.drop_table('bus_outbox')


def downgrade() -> None:
    op.create_table('bus_outbox',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('sequence', sa.BigInteger(), nullable=True),
    sa.Column('event_id', sa.String(length=36), nullable=False),
    sa.Column('type', sa.String(length=100), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('retreat_id', sa.String(length=36), nullable=True),
    sa.Column('trace_id', sa.String(length=64), nullable=False),
    sa.Column('occurred_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('data', sa.JSON(), nullable=False),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('event_id'),
    sa.UniqueConstraint('sequence')
    )
    op.create_index(op.f('ix_bus_outbox_retreat_id'), 'bus_outbox', ['retreat_id'], unique=False)
