"""An official's own language for messages (id or en; none: the retreat's).

Revision ID: 0010_official_language
Revises: 0009_permit_idempotency
Create Date: 2026-12-04
"""
from alembic import op
import sqlalchemy as sa


revision = '0010_official_language'
down_revision = '0009_permit_idempotency'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Nullable, no default: every official known before keeps the retreat's language, as before.
    with op.batch_alter_table('officials') as batch:
        batch.add_column(sa.Column('language', sa.String(length=2), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('officials') as batch:
        batch.drop_column('language')
