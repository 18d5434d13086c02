"""Initial schema: users, sign-in throttles, retreats, officials, registrations, and the bus tables.

Revision ID: 0001
Revises:
Create Date: 2025-01-01
"""
from alembic import op
import sqlalchemy as sa


revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('bus_cursors',
    sa.Column('source', sa.String(length=40), nullable=False),
    sa.Column('high_water', sa.BigInteger(), nullable=False),
    sa.Column('max_seen', sa.BigInteger(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('source')
    )
    op.create_table('bus_gaps',
    sa.Column('source', sa.String(length=40), nullable=False),
    sa.Column('sequence', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('detected_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('requested_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('requests', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('source', 'sequence')
    )
    op.create_table('bus_inbox',
    sa.Column('source', sa.String(length=40), nullable=False),
    sa.Column('sequence', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('source', 'sequence')
    )
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
    op.create_table('officials',
    sa.Column('nip', sa.String(length=18), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('position', sa.String(length=200), nullable=True),
    sa.Column('position_kind', sa.String(length=20), nullable=True),
    sa.Column('unit_code', sa.String(length=50), nullable=True),
    sa.Column('unit_name', sa.String(length=200), nullable=True),
    sa.Column('rank', sa.String(length=10), nullable=True),
    sa.Column('echelon', sa.String(length=10), nullable=True),
    sa.Column('email', sa.String(length=254), nullable=True),
    sa.Column('phone', sa.String(length=20), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('nip')
    )
    op.create_index(op.f('ix_officials_unit_code'), 'officials', ['unit_code'], unique=False)
    op.create_table('retreats',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('code', sa.String(length=50), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('organizer', sa.String(length=200), nullable=True),
    sa.Column('venue', sa.String(length=200), nullable=True),
    sa.Column('timezone', sa.String(length=64), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('attendance_threshold', sa.Float(), nullable=False),
    sa.Column('late_tolerance_minutes', sa.Integer(), nullable=False),
    sa.Column('capacity', sa.Integer(), nullable=True),
    sa.Column('response_deadline', sa.DateTime(timezone=True), nullable=True),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('cancelled_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('code')
    )
    op.create_index(op.f('ix_retreats_status'), 'retreats', ['status'], unique=False)
    op.create_table('sign_in_throttles',
    sa.Column('username', sa.String(length=64), nullable=False),
    sa.Column('address', sa.String(length=64), nullable=False),
    sa.Column('failures', sa.Integer(), nullable=False),
    sa.Column('last_failure_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('blocked_until', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('username', 'address')
    )
    op.create_table('users',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('username', sa.String(length=64), nullable=False),
    sa.Column('password_hash', sa.String(length=255), nullable=False),
    sa.Column('role', sa.String(length=20), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('username')
    )
    op.create_table('registrations',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('retreat_id', sa.String(length=36), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('official_nip', sa.String(length=18), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('token_version', sa.Integer(), nullable=False),
    sa.Column('invited_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('responded_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('shirt_size', sa.String(length=20), nullable=True),
    sa.Column('health_notes', sa.Text(), nullable=True),
    sa.Column('emergency_contact', sa.String(length=500), nullable=True),
    sa.Column('group', sa.String(length=100), nullable=True),
    sa.Column('room', sa.String(length=100), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['official_nip'], ['officials.nip'], ),
    sa.ForeignKeyConstraint(['retreat_id'], ['retreats.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('retreat_id', 'number', name='uq_registrations_retreat_number'),
    sa.UniqueConstraint('retreat_id', 'official_nip', name='uq_registrations_retreat_official')
    )
    op.create_index(op.f('ix_registrations_official_nip'), 'registrations', ['official_nip'], unique=False)
    op.create_index('ix_registrations_retreat_status_number', 'registrations', ['retreat_id', 'status', 'number'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_registrations_retreat_status_number', table_name='registrations')
    op.drop_index(op.f('ix_registrations_official_nip'), table_name='registrations')
    op.drop_table('registrations')
    op.drop_table('users')
    op.drop_table('sign_in_throttles')
    op.drop_index(op.f('ix_retreats_status'), table_name='retreats')
    op.drop_table('retreats')
    op.drop_index(op.f('ix_officials_unit_code'), table_name='officials')
    op.drop_table('officials')
    op.drop_index(op.f('ix_bus_outbox_retreat_id'), table_name='bus_outbox')
    op.drop_table('bus_outbox')
    op.drop_table('bus_inbox')
    op.drop_table('bus_gaps')
    op.drop_table('bus_cursors')
