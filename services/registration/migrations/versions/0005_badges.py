"""Badge codes: the random nonce each registration's badge code signs (existing registrations get one).

Revision ID: 0005_badges
Revises: 0004_audit
Create Date: 2026-12-04
"""
import secrets

from alembic import op
import sqlalchemy as sa


revision = '0005_badges'
down_revision = '0004_audit'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('registrations') as batch:
        batch.add_column(sa.Column('badge_nonce', sa.String(length=32), nullable=True))
    registrations = sa.table('registrations', sa.column('id', sa.String), sa.column('badge_nonce', sa.String))
    bind = op.get_bind()
    for (registration_id,) in bind.execute(sa.select(registrations.c.id)).all():
        bind.execute(registrations.update().where(registrations.c.id == registration_id)
                     .values(badge_nonce=secrets.token_urlsafe(12)))
    with op.batch_alter_table('registrations') as batch:
        batch.alter_column('badge_nonce', existing_type=sa.String(length=32), nullable=False)
        batch.create_unique_constraint('uq_registrations_badge_nonce', ['badge_nonce'])


def downgrade() -> None:
    with op.batch_alter_table('registrations') as batch:
        batch.drop_constraint('uq_registrations_badge_nonce', type_='unique')
        batch.drop_column('badge_nonce')
