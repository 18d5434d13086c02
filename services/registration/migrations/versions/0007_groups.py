"""Groups: the retreat's rooms plan, manual overrides of group and room, the health category.

Revision ID: 0007_groups
Revises: 0006_attendance
Create Date: 2026-12-04
"""
from alembic import op
import sqlalchemy as sa


revision = '0007_groups'
down_revision = '0006_attendance'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('retreat_rooms',
    sa.Column('retreat_id', sa.String(length=36), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('ordinal', sa.Integer(), nullable=False),
    sa.Column('capacity', sa.Integer(), nullable=False),
    sa.Column('floor', sa.Integer(), nullable=True),
    sa.Column('near_clinic', sa.Boolean(), nullable=False),
    sa.Column('gender', sa.String(length=1), nullable=True),
    sa.ForeignKeyConstraint(['retreat_id'], ['retreats.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('retreat_id', 'name')
    )
    with op.batch_alter_table('registrations') as batch:
        batch.add_column(sa.Column('group_manual', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch.add_column(sa.Column('room_manual', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch.add_column(sa.Column('health_category', sa.String(length=10), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('registrations') as batch:
        batch.drop_column('health_category')
        batch.drop_column('room_manual')
        batch.drop_column('group_manual')
    op.drop_table('retreat_rooms')
