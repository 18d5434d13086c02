"""Attendance: attendances, scans (idempotent by scan id), station tokens, permits, and the manifest's versions.

Revision ID: 0006_attendance
Revises: 0005_badges
Create Date: 2026-12-04
"""
from alembic import op
import sqlalchemy as sa


revision = '0006_attendance'
down_revision = '0005_badges'
branch_labels = None
depends_on = None

VERSIONED = ('retreats', 'registrations', 'sessions')


def _timestamps() -> list:
    return [sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
            sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False)]


def upgrade() -> None:
    for table in VERSIONED:
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column('manifest_version', sa.BigInteger(), nullable=False, server_default='0'))
    op.create_table(
        'attendances',
        sa.Column('id', sa.String(length=36), nullable=False),
        sa.Column('retreat_id', sa.String(length=36), nullable=False),
        sa.Column('registration_id', sa.String(length=36), nullable=False),
        sa.Column('session_id', sa.String(length=36), nullable=False),
        sa.Column('status', sa.String(length=20), nullable=False),
        sa.Column('scanned_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('method', sa.String(length=20), nullable=False),
        sa.Column('device_id', sa.String(length=100), nullable=True),
        sa.Column('scan_id', sa.String(length=100), nullable=True),
        *_timestamps(),
        sa.ForeignKeyConstraint(['retreat_id'], ['retreats.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['registration_id'], ['registrations.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['session_id'], ['sessions.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('registration_id', 'session_id', name='uq_attendances_registration_session'),
    )
    op.create_index('ix_attendances_retreat_created', 'attendances', ['retreat_id', 'created_at', 'id'])
    op.create_index('ix_attendances_session', 'attendances', ['session_id'])
    op.create_table(
        'scans',
        sa.Column('retreat_id', sa.String(length=36), nullable=False),
        sa.Column('scan_id', sa.String(length=100), nullable=False),
        sa.Column('registration_id', sa.String(length=36), nullable=False),
        sa.Column('session_id', sa.String(length=36), nullable=False),
        sa.Column('scanned_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('method', sa.String(length=20), nullable=False),
        sa.Column('device_id', sa.String(length=100), nullable=True),
        sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['retreat_id'], ['retreats.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['registration_id'], ['registrations.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['session_id'], ['sessions.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('retreat_id', 'scan_id'),
    )
    op.create_index('ix_scans_registration_id', 'scans', ['registration_id'])
    op.create_table(
        'station_tokens',
        sa.Column('id', sa.String(length=36), nullable=False),
        sa.Column('retreat_id', sa.String(length=36), nullable=False),
        sa.Column('device_id', sa.String(length=100), nullable=False),
        sa.Column('label', sa.String(length=200), nullable=True),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('created_by', sa.String(length=64), nullable=True),
        *_timestamps(),
        sa.ForeignKeyConstraint(['retreat_id'], ['retreats.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_station_tokens_retreat_created', 'station_tokens', ['retreat_id', 'created_at', 'id'])
    op.create_table(
        'permits',
        sa.Column('id', sa.String(length=36), nullable=False),
        sa.Column('retreat_id', sa.String(length=36), nullable=False),
        sa.Column('registration_id', sa.String(length=36), nullable=False),
        sa.Column('kind', sa.String(length=20), nullable=False),
        sa.Column('reason', sa.Text(), nullable=True),
        sa.Column('session_ids', sa.JSON(), nullable=False),
        sa.Column('starts_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('ends_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('status', sa.String(length=20), nullable=False),
        sa.Column('requested_by', sa.String(length=64), nullable=False),
        sa.Column('decided_by', sa.String(length=64), nullable=True),
        sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('decision_reason', sa.Text(), nullable=True),
        *_timestamps(),
        sa.ForeignKeyConstraint(['retreat_id'], ['retreats.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['registration_id'], ['registrations.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_permits_retreat_created', 'permits', ['retreat_id', 'created_at', 'id'])
    op.create_index('ix_permits_registration_id', 'permits', ['registration_id'])


def downgrade() -> None:
    op.drop_table('permits')
    op.drop_table('station_tokens')
    op.drop_table('scans')
    op.drop_table('attendances')
    for table in reversed(VERSIONED):
        with op.batch_alter_table(table) as batch:
            batch.drop_column('manifest_version')
