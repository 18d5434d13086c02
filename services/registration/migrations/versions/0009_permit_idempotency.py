"""A permit remembers the Idempotency-Key of the request that made it, and a hash of that request.

Revision ID: 0009_permit_idempotency
Revises: 0008_retreat_language
Create Date: 2026-12-04
"""
from alembic import op
import sqlalchemy as sa


revision = '0009_permit_idempotency'
down_revision = '0008_retreat_language'
branch_labels = None
depends_on = None

KEYED = sa.text('idempotency_key IS NOT NULL')


def upgrade() -> None:
    with op.batch_alter_table('permits') as batch:
        batch.add_column(sa.Column('idempotency_key', sa.String(length=200), nullable=True))
        batch.add_column(sa.Column('request_hash', sa.String(length=64), nullable=True))
    # Partial: permits made without a key (older clients, every permit before this revision) stay unconstrained.
    op.create_index('uq_permits_registration_idempotency_key', 'permits', ['registration_id', 'idempotency_key'],
                    unique=True, postgresql_where=KEYED, sqlite_where=KEYED)


def downgrade() -> None:
    op.drop_index('uq_permits_registration_idempotency_key', table_name='permits')
    with op.batch_alter_table('permits') as batch:
        batch.drop_column('request_hash')
        batch.drop_column('idempotency_key')
