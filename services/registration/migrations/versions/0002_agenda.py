"""The agenda: sessions, speakers, and which speakers speak in which session.

Revision ID: 0002_agenda
Revises: 0001
Create Date: 2025-01-02
"""
from alembic import op
import sqlalchemy as sa


revision = '0002_agenda'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('sessions',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('retreat_id', sa.String(length=36), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('description', sa.Text(), nullable=True),
    sa.Column('starts_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('ends_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('location', sa.String(length=200), nullable=True),
    sa.Column('mandatory', sa.Boolean(), nullable=False),
    sa.Column('audience_groups', sa.JSON(), nullable=False),
    sa.Column('checkin_opens_before_minutes', sa.Integer(), nullable=False),
    sa.Column('checkin_closes_after_minutes', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('cancelled_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['retreat_id'], ['retreats.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_sessions_retreat_starts', 'sessions', ['retreat_id', 'starts_at', 'id'], unique=False)
    op.create_table('speakers',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('retreat_id', sa.String(length=36), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('position', sa.String(length=200), nullable=True),
    sa.Column('institution', sa.String(length=200), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('topic', sa.String(length=500), nullable=True),
    sa.Column('notes', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['retreat_id'], ['retreats.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_speakers_retreat_created', 'speakers', ['retreat_id', 'created_at', 'id'], unique=False)
    op.create_table('session_speakers',
    sa.Column('session_id', sa.String(length=36), nullable=False),
    sa.Column('speaker_id', sa.String(length=36), nullable=False),
    sa.Column('ordinal', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['session_id'], ['sessions.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['speaker_id'], ['speakers.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('session_id', 'speaker_id')
    )
    op.create_index(op.f('ix_session_speakers_speaker_id'), 'session_speakers', ['speaker_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_session_speakers_speaker_id'), table_name='session_speakers')
    op.drop_table('session_speakers')
    op.drop_index('ix_speakers_retreat_created', table_name='speakers')
    op.drop_table('speakers')
    op.drop_index('ix_sessions_retreat_starts', table_name='sessions')
    op.drop_table('sessions')
