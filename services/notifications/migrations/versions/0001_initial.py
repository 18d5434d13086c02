"""Initial schema: notifications, their status history, retreats and recipients as events told them,
and the bus tables (outbox, inbox, cursors, gaps).

Revision ID: 0001
Revises: 
Create Date: 2026-12-01 18:55:58.218369
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
    op.create_table('notifications',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('idempotency_key', sa.String(length=512), nullable=False),
    sa.Column('event_id', sa.String(length=36), nullable=True),
    sa.Column('retreat_id', sa.String(length=36), nullable=True),
    sa.Column('registration_id', sa.String(length=36), nullable=True),
    sa.Column('channel', sa.String(length=10), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('language', sa.String(length=5), nullable=False),
    sa.Column('recipient', sa.String(length=320), nullable=False),
    sa.Column('recipient_name', sa.String(length=300), nullable=True),
    sa.Column('subject', sa.Text(), nullable=True),
    sa.Column('body_text', sa.Text(), nullable=False),
    sa.Column('body_html', sa.Text(), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('provider', sa.String(length=40), nullable=True),
    sa.Column('error', sa.Text(), nullable=True),
    sa.Column('due_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('sending_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('message_id', sa.String(length=200), nullable=False),
    sa.Column('trace_id', sa.String(length=64), nullable=True),
    sa.Column('provider_message_id', sa.String(length=200), nullable=True),
    sa.Column('timezone', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('idempotency_key')
    )
    op.create_index('ix_notifications_due', 'notifications', ['status', 'due_at'], unique=False)
    op.create_index('ix_notifications_page', 'notifications', ['created_at', 'id'], unique=False)
    op.create_index(op.f('ix_notifications_registration_id'), 'notifications', ['registration_id'], unique=False)
    op.create_index(op.f('ix_notifications_retreat_id'), 'notifications', ['retreat_id'], unique=False)
    op.create_table('recipients',
    sa.Column('registration_id', sa.String(length=36), nullable=False),
    sa.Column('retreat_id', sa.String(length=36), nullable=False),
    sa.Column('nip', sa.String(length=32), nullable=False),
    sa.Column('name', sa.Text(), nullable=True),
    sa.Column('email', sa.String(length=320), nullable=True),
    sa.Column('phone', sa.String(length=40), nullable=True),
    sa.Column('unit_code', sa.String(length=100), nullable=True),
    sa.Column('position_kind', sa.String(length=40), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=True),
    sa.Column('group', sa.Text(), nullable=True),
    sa.Column('room', sa.Text(), nullable=True),
    sa.Column('contact_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('status_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('group_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('registration_id')
    )
    op.create_index(op.f('ix_recipients_nip'), 'recipients', ['nip'], unique=False)
    op.create_index(op.f('ix_recipients_retreat_id'), 'recipients', ['retreat_id'], unique=False)
    op.create_table('retreats',
    sa.Column('retreat_id', sa.String(length=36), nullable=False),
    sa.Column('code', sa.String(length=100), nullable=False),
    sa.Column('title', sa.Text(), nullable=False),
    sa.Column('organizer', sa.Text(), nullable=True),
    sa.Column('venue', sa.Text(), nullable=True),
    sa.Column('timezone', sa.String(length=64), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('response_deadline', sa.DateTime(timezone=True), nullable=True),
    sa.Column('occurred_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('retreat_id')
    )
    op.create_table('notification_status_history',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('notification_id', sa.String(length=36), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('detail', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['notification_id'], ['notifications.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index(op.f('ix_notification_status_history_notification_id'), 'notification_status_history', ['notification_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_notification_status_history_notification_id'), table_name='notification_status_history')
    op.drop_table('notification_status_history')
    op.drop_table('retreats')
    op.drop_index(op.f('ix_recipients_retreat_id'), table_name='recipients')
    op.drop_index(op.f('ix_recipients_nip'), table_name='recipients')
    op.drop_table('recipients')
    op.drop_index(op.f('ix_notifications_retreat_id'), table_name='notifications')
    op.drop_index(op.f('ix_notifications_registration_id'), table_name='notifications')
    op.drop_index('ix_notifications_page', table_name='notifications')
    op.drop_index('ix_notifications_due', table_name='notifications')
    op.drop_table('notifications')
    op.drop_index(op.f('ix_bus_outbox_retreat_id'), table_name='bus_outbox')
    op.drop_table('bus_outbox')
    op.drop_table('bus_inbox')
    op.drop_table('bus_gaps')
    op.drop_table('bus_cursors')
