"""Messages: sessions as events told them, fan-outs (reminders, schedule changes to many), announcements, and
templates saved by admins, attachments of a notification (QR badge, agenda .ics), a registration's invitation
link (for reminders), the language of officials and retreats.

Revision ID: 0002_messages
Revises: 0001
"""
from alembic import op
import sqlalchemy as sa


revision = '0002_messages'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('notifications', sa.Column('attachments', sa.JSON(), nullable=True))
    op.add_column('notifications', sa.Column('bulk', sa.Boolean(), server_default=sa.false(), nullable=False))
    op.add_column('recipients', sa.Column('invitation_url', sa.Text(), nullable=True))
    op.add_column('recipients', sa.Column('language', sa.String(length=5), nullable=True))
    op.add_column('retreats', sa.Column('language', sa.String(length=5), nullable=True))
    op.create_table('sessions',
    sa.Column('session_id', sa.String(length=36), nullable=False),
    sa.Column('retreat_id', sa.String(length=36), nullable=False),
    sa.Column('title', sa.Text(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('location', sa.Text(), nullable=True),
    sa.Column('description', sa.Text(), nullable=True),
    sa.Column('starts_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('ends_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('mandatory', sa.Boolean(), nullable=False),
    sa.Column('audience_groups', sa.JSON(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('occurred_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('session_id')
    )
    op.create_index(op.f('ix_sessions_retreat_id'), 'sessions', ['retreat_id'], unique=False)
    op.create_table('fanouts',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('key', sa.String(length=200), nullable=False),
    sa.Column('retreat_id', sa.String(length=36), nullable=False),
    sa.Column('session_id', sa.String(length=36), nullable=True),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('due_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('until', sa.DateTime(timezone=True), nullable=True),
    sa.Column('data', sa.JSON(), nullable=False),
    sa.Column('done_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('outcome', sa.String(length=20), nullable=True),
    sa.Column('recipients', sa.Integer(), nullable=True),
    sa.Column('cursor', sa.String(length=36), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('key')
    )
    op.create_index('ix_fanouts_due', 'fanouts', ['done_at', 'due_at'], unique=False)
    op.create_index(op.f('ix_fanouts_retreat_id'), 'fanouts', ['retreat_id'], unique=False)
    op.create_table('announcements',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('idempotency_key', sa.String(length=200), nullable=False),
    sa.Column('request_hash', sa.String(length=64), nullable=False),
    sa.Column('retreat_id', sa.String(length=36), nullable=False),
    sa.Column('audience', sa.JSON(), nullable=False),
    sa.Column('channels', sa.JSON(), nullable=False),
    sa.Column('subject', sa.Text(), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('send_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('recipients', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('created_by', sa.String(length=100), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('fanned_out_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('idempotency_key')
    )
    op.create_index(op.f('ix_announcements_retreat_id'), 'announcements', ['retreat_id'], unique=False)
    op.create_table('message_templates',
    sa.Column('key', sa.String(length=80), nullable=False),
    sa.Column('subject', sa.Text(), nullable=True),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('html', sa.Text(), nullable=True),
    sa.Column('updated_by', sa.String(length=100), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('key')
    )


def downgrade() -> None:
    op.drop_table('message_templates')
    op.drop_index(op.f('ix_announcements_retreat_id'), table_name='announcements')
    op.drop_table('announcements')
    op.drop_index(op.f('ix_fanouts_retreat_id'), table_name='fanouts')
    op.drop_index('ix_fanouts_due', table_name='fanouts')
    op.drop_table('fanouts')
    op.drop_index(op.f('ix_sessions_retreat_id'), table_name='sessions')
    op.drop_table('sessions')
    op.drop_column('retreats', 'language')
    op.drop_column('recipients', 'language')
    op.drop_column('recipients', 'invitation_url')
    op.drop_column('notifications', 'bulk')
    op.drop_column('notifications', 'attachments')
