"""The language of a retreat's messages to its officials (id or en).

Revision ID: 0008_retreat_language
Revises: 0007_groups
Create Date: 2026-12-04
"""
from alembic import op
import sqlalchemy as sa


revision = '0008_retreat_language'
down_revision = '0007_groups'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('retreats') as batch:
        batch.add_column(sa.Column('language', sa.String(length=2), nullable=False, server_default='id'))


def downgrade() -> None:
    with op.batch_alter_table('retreats') as batch:
        batch.drop_column('language')
