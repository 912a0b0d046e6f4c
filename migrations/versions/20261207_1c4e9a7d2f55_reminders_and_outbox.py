"""Reminders: per-PSAD thresholds, notifications, the e-mail outbox, the digest preference.

Revision ID: 1c4e9a7d2f55
Revises: 9b3d7f2a6c88
Create Date: 2026-12-07 02:15:29.162936

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '1c4e9a7d2f55'
down_revision = '9b3d7f2a6c88'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('notifications',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('psad_id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('kind', sa.Enum('tasks_overdue', 'tasks_today', 'darfi_overdue', 'darfi_soon', 'obligation_interview', 'obligation_transmission', 'majority', 'list_not_contacted', 'no_contact', 'decisions_overdue', 'orientation_stalled', 'committee_soon', 'age_limit', name='reminderkind', native_enum=False, length=32), nullable=False),
    sa.Column('subject_id', sa.Integer(), nullable=False),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.Column('text', sa.String(length=300), nullable=False),
    sa.Column('link', sa.String(length=1000), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('read_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['psad_id'], ['psads.id'], name=op.f('fk_notifications_psad_id_psads')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_notifications_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notifications')),
    sa.UniqueConstraint('user_id', 'psad_id', 'day', 'kind', 'subject_id', name=op.f('uq_notifications_user_id_psad_id_day_kind_subject_id'))
    )
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.create_index('ix_notifications_unread', ['user_id', 'read_at'], unique=False)

    op.create_table('outbox_messages',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=120), nullable=False),
    sa.Column('purpose', sa.Enum('digest', name='outboxpurpose', native_enum=False, length=32), nullable=False),
    sa.Column('psad_id', sa.Integer(), nullable=True),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('recipient', sa.String(length=254), nullable=False),
    sa.Column('subject', sa.String(length=300), nullable=False),
    sa.Column('body_text', sa.Text(), nullable=False),
    sa.Column('body_html', sa.Text(), nullable=True),
    sa.Column('state', sa.Enum('queued', 'sending', 'sent', 'failed', name='outboxstate', native_enum=False, length=32), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('next_attempt_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('claimed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_error', sa.String(length=500), nullable=True),
    sa.ForeignKeyConstraint(['psad_id'], ['psads.id'], name=op.f('fk_outbox_messages_psad_id_psads')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_outbox_messages_user_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outbox_messages')),
    sa.UniqueConstraint('key', name=op.f('uq_outbox_messages_key'))
    )
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.create_index('ix_outbox_due', ['state', 'next_attempt_at'], unique=False)

    op.create_table('reminder_rules',
    sa.Column('psad_id', sa.Integer(), nullable=False),
    sa.Column('list_not_contacted_days', sa.Integer(), nullable=True),
    sa.Column('no_contact_days', sa.Integer(), nullable=True),
    sa.Column('darfi_notice_days', sa.Integer(), nullable=True),
    sa.Column('obligation_notice_days', sa.Integer(), nullable=True),
    sa.Column('majority_notice_days', sa.Integer(), nullable=True),
    sa.Column('committee_notice_days', sa.Integer(), nullable=True),
    sa.Column('digest_initials', sa.Boolean(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['psad_id'], ['psads.id'], name=op.f('fk_reminder_rules_psad_id_psads')),
    sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], name=op.f('fk_reminder_rules_updated_by_id_users')),
    sa.PrimaryKeyConstraint('psad_id', name=op.f('pk_reminder_rules'))
    )
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('digest_frequency', sa.Enum('daily', 'weekly', 'none', name='digestfrequency', native_enum=False, length=32), server_default='daily', nullable=False))



def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('digest_frequency')

    op.drop_table('reminder_rules')
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.drop_index('ix_outbox_due')

    op.drop_table('outbox_messages')
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.drop_index('ix_notifications_unread')

    op.drop_table('notifications')
