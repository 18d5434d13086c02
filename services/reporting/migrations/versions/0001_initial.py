"""initial: the reporting projection (retreats, sessions, speakers, registrations, attendance, permits,
notification outcomes, rebuild state) and the bus tables (outbox, inbox, cursors, gaps).

Revision ID: 0001
Revises: 
Create Date: 2026-12-01 18:53:28.265786
"""
from alembic import op
import sqlalchemy as sa


revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('attendance',
    sa.Column('registration_id', sa.String(length=36), nullable=False),
    sa.Column('session_id', sa.String(length=36), nullable=False),
    sa.Column('retreat_id', sa.String(length=36), nullable=False),
    sa.Column('status', sa.String(length=40), nullable=False),
    sa.Column('scanned_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('method', sa.String(length=100), nullable=True),
    sa.Column('device_id', sa.Text(), nullable=True),
    sa.Column('sequence', sa.BigInteger(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('registration_id', 'session_id')
    )
    op.create_index(op.f('ix_attendance_retreat_id'), 'attendance', ['retreat_id'], unique=False)
    op.create_index(op.f('ix_attendance_session_id'), 'attendance', ['session_id'], unique=False)
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
    op.create_table('notification_outcomes',
    sa.Column('notification_id', sa.String(length=36), nullable=False),
    sa.Column('registration_id', sa.String(length=36), nullable=True),
    sa.Column('retreat_id', sa.String(length=36), nullable=True),
    sa.Column('channel', sa.String(length=40), nullable=False),
    sa.Column('kind', sa.String(length=100), nullable=False),
    sa.Column('status', sa.String(length=40), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('error', sa.Text(), nullable=True),
    sa.Column('provider', sa.String(length=100), nullable=True),
    sa.Column('source', sa.String(length=40), nullable=False),
    sa.Column('sequence', sa.BigInteger(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('notification_id')
    )
    op.create_index(op.f('ix_notification_outcomes_registration_id'), 'notification_outcomes', ['registration_id'], unique=False)
    op.create_index(op.f('ix_notification_outcomes_retreat_id'), 'notification_outcomes', ['retreat_id'], unique=False)
    op.create_table('permits',
    sa.Column('permit_id', sa.String(length=36), nullable=False),
    sa.Column('registration_id', sa.String(length=36), nullable=False),
    sa.Column('retreat_id', sa.String(length=36), nullable=False),
    sa.Column('kind', sa.String(length=100), nullable=False),
    sa.Column('status', sa.String(length=40), nullable=False),
    sa.Column('session_ids', sa.JSON(), nullable=False),
    sa.Column('starts_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('ends_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('sequence', sa.BigInteger(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('permit_id')
    )
    op.create_index(op.f('ix_permits_registration_id'), 'permits', ['registration_id'], unique=False)
    op.create_index(op.f('ix_permits_retreat_id'), 'permits', ['retreat_id'], unique=False)
    op.create_table('projection_rebuild',
    sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('state', sa.String(length=40), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('events_replayed', sa.BigInteger(), nullable=False),
    sa.Column('error', sa.Text(), nullable=True),
    sa.Column('targets', sa.JSON(), nullable=True),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_table('registrations',
    sa.Column('registration_id', sa.String(length=36), nullable=False),
    sa.Column('retreat_id', sa.String(length=36), nullable=True),
    sa.Column('nip', sa.String(length=40), nullable=True),
    sa.Column('name', sa.Text(), nullable=True),
    sa.Column('position', sa.Text(), nullable=True),
    sa.Column('position_kind', sa.String(length=100), nullable=True),
    sa.Column('unit_code', sa.String(length=100), nullable=True),
    sa.Column('unit_name', sa.Text(), nullable=True),
    sa.Column('rank', sa.String(length=100), nullable=True),
    sa.Column('echelon', sa.String(length=100), nullable=True),
    sa.Column('profile_sequence', sa.BigInteger(), nullable=False),
    sa.Column('status', sa.String(length=40), nullable=True),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('status_sequence', sa.BigInteger(), nullable=False),
    sa.Column('group', sa.Text(), nullable=True),
    sa.Column('room', sa.Text(), nullable=True),
    sa.Column('group_sequence', sa.BigInteger(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('registration_id')
    )
    op.create_index(op.f('ix_registrations_nip'), 'registrations', ['nip'], unique=False)
    op.create_index(op.f('ix_registrations_retreat_id'), 'registrations', ['retreat_id'], unique=False)
    op.create_table('retreats',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('code', sa.Text(), nullable=True),
    sa.Column('title', sa.Text(), nullable=True),
    sa.Column('organizer', sa.Text(), nullable=True),
    sa.Column('venue', sa.Text(), nullable=True),
    sa.Column('timezone', sa.String(length=100), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=True),
    sa.Column('ends_on', sa.Date(), nullable=True),
    sa.Column('status', sa.String(length=40), nullable=True),
    sa.Column('attendance_threshold', sa.Float(), nullable=False),
    sa.Column('late_tolerance_minutes', sa.Integer(), nullable=False),
    sa.Column('capacity', sa.Integer(), nullable=True),
    sa.Column('response_deadline', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_sequence', sa.BigInteger(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_table('sessions',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('retreat_id', sa.String(length=36), nullable=False),
    sa.Column('title', sa.Text(), nullable=True),
    sa.Column('kind', sa.String(length=100), nullable=True),
    sa.Column('starts_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('ends_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('location', sa.Text(), nullable=True),
    sa.Column('mandatory', sa.Boolean(), nullable=False),
    sa.Column('audience_groups', sa.JSON(), nullable=False),
    sa.Column('speaker_ids', sa.JSON(), nullable=False),
    sa.Column('status', sa.String(length=40), nullable=False),
    sa.Column('last_sequence', sa.BigInteger(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index(op.f('ix_sessions_retreat_id'), 'sessions', ['retreat_id'], unique=False)
    op.create_table('speakers',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('retreat_id', sa.String(length=36), nullable=False),
    sa.Column('name', sa.Text(), nullable=True),
    sa.Column('position', sa.Text(), nullable=True),
    sa.Column('institution', sa.Text(), nullable=True),
    sa.Column('status', sa.String(length=40), nullable=False),
    sa.Column('last_sequence', sa.BigInteger(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index(op.f('ix_speakers_retreat_id'), 'speakers', ['retreat_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_speakers_retreat_id'), table_name='speakers')
    op.drop_table('speakers')
    op.drop_index(op.f('ix_sessions_retreat_id'), table_name='sessions')
    op.drop_table('sessions')
    op.drop_table('retreats')
    op.drop_index(op.f('ix_registrations_retreat_id'), table_name='registrations')
    op.drop_index(op.f('ix_registrations_nip'), table_name='registrations')
    op.drop_table('registrations')
    op.drop_table('projection_rebuild')
    op.drop_index(op.f('ix_permits_retreat_id'), table_name='permits')
    op.drop_index(op.f('ix_permits_registration_id'), table_name='permits')
    op.drop_table('permits')
    op.drop_index(op.f('ix_notification_outcomes_retreat_id'), table_name='notification_outcomes')
    op.drop_index(op.f('ix_notification_outcomes_registration_id'), table_name='notification_outcomes')
    op.drop_table('notification_outcomes')
    op.drop_index(op.f('ix_bus_outbox_retreat_id'), table_name='bus_outbox')
    op.drop_table('bus_outbox')
    op.drop_table('bus_inbox')
    op.drop_table('bus_gaps')
    op.drop_table('bus_cursors')
    op.drop_index(op.f('ix_attendance_session_id'), table_name='attendance')
    op.drop_index(op.f('ix_attendance_retreat_id'), table_name='attendance')
    op.drop_table('attendance')
