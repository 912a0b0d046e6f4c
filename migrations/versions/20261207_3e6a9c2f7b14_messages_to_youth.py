"""Messages to youth: templates, messages sent (e-mail, SMS), personal reply links and
answers, opposition (STOP), automatic reminders; the outbox learns SMS (psad.messages).

Revision ID: 3e6a9c2f7b14
Revises: 2d5f8b1e6a90
Create Date: 2026-12-07 05:38:47.465261

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '3e6a9c2f7b14'
down_revision = '2d5f8b1e6a90'
branch_labels = None
depends_on = None

NEW_ITEMS = [
    ("contact_channel", "online_reply", "Réponse en ligne (lien personnel)", 6),
    ("contact_outcome", "message_sent", "Message envoyé", 8),
    ("contact_outcome", "solution_declared", "Solution déclarée par le jeune", 9),
]


def upgrade():
    op.create_table('message_templates',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('psad_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('subject', sa.String(length=200), nullable=False),
    sa.Column('email_tu', sa.Text(), nullable=False),
    sa.Column('email_vous', sa.Text(), nullable=False),
    sa.Column('sms_tu', sa.Text(), nullable=True),
    sa.Column('sms_vous', sa.Text(), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['psad_id'], ['psads.id'], name=op.f('fk_message_templates_psad_id_psads'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], name=op.f('fk_message_templates_updated_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_message_templates')),
    sa.UniqueConstraint('psad_id', 'code', name=op.f('uq_message_templates_psad_id_code'))
    )
    op.create_table('messaging_settings',
    sa.Column('psad_id', sa.Integer(), nullable=False),
    sa.Column('sms_enabled', sa.Boolean(), nullable=False),
    sa.Column('auto_reminder_days', sa.Integer(), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['psad_id'], ['psads.id'], name=op.f('fk_messaging_settings_psad_id_psads'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], name=op.f('fk_messaging_settings_updated_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('psad_id', name=op.f('pk_messaging_settings'))
    )
    op.create_table('auto_reminder_suspensions',
    sa.Column('youth_id', sa.Integer(), nullable=False),
    sa.Column('suspended_by_id', sa.Integer(), nullable=True),
    sa.Column('suspended_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['suspended_by_id'], ['users.id'], name=op.f('fk_auto_reminder_suspensions_suspended_by_id_users')),
    sa.ForeignKeyConstraint(['youth_id'], ['youths.id'], name=op.f('fk_auto_reminder_suspensions_youth_id_youths'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('youth_id', name=op.f('pk_auto_reminder_suspensions'))
    )
    op.create_table('contact_blocks',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('psad_id', sa.Integer(), nullable=False),
    sa.Column('youth_id', sa.Integer(), nullable=False),
    sa.Column('source', sa.Enum('sms_stop', 'reply_page', 'person', name='blocksource', native_enum=False, length=32), nullable=False),
    sa.Column('blocked_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('blocked_by_id', sa.Integer(), nullable=True),
    sa.Column('lifted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('lifted_by_id', sa.Integer(), nullable=True),
    sa.Column('lift_reason', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['blocked_by_id'], ['users.id'], name=op.f('fk_contact_blocks_blocked_by_id_users')),
    sa.ForeignKeyConstraint(['lifted_by_id'], ['users.id'], name=op.f('fk_contact_blocks_lifted_by_id_users')),
    sa.ForeignKeyConstraint(['psad_id'], ['psads.id'], name=op.f('fk_contact_blocks_psad_id_psads')),
    sa.ForeignKeyConstraint(['youth_id'], ['youths.id'], name=op.f('fk_contact_blocks_youth_id_youths'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_contact_blocks'))
    )
    with op.batch_alter_table('contact_blocks', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_contact_blocks_youth_id'), ['youth_id'], unique=False)
        batch_op.create_index('uq_contact_blocks_active', ['youth_id'], unique=True, sqlite_where=sa.text('lifted_at IS NULL'), postgresql_where=sa.text('lifted_at IS NULL'))

    op.create_table('reply_tokens',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('psad_id', sa.Integer(), nullable=False),
    sa.Column('youth_id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_visit_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('answers', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_reply_tokens_case_id_cases'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['psad_id'], ['psads.id'], name=op.f('fk_reply_tokens_psad_id_psads')),
    sa.ForeignKeyConstraint(['youth_id'], ['youths.id'], name=op.f('fk_reply_tokens_youth_id_youths'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reply_tokens')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_reply_tokens_token_hash'))
    )
    with op.batch_alter_table('reply_tokens', schema=None) as batch_op:
        batch_op.create_index('ix_reply_tokens_youth', ['youth_id', 'created_at'], unique=False)

    op.create_table('reply_answers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('token_id', sa.Integer(), nullable=False),
    sa.Column('youth_id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('call_back', 'solution', 'refusal', name='answerkind', native_enum=False, length=32), nullable=False),
    sa.Column('time_slot', sa.Enum('morning', 'afternoon', 'late_afternoon', 'any', name='timeslot', native_enum=False, length=32), nullable=True),
    sa.Column('solution_kind', sa.Enum('training', 'employment', 'support', name='solutionkind', native_enum=False, length=32), nullable=True),
    sa.Column('phone_proposed', sa.String(length=20), nullable=True),
    sa.Column('phone_review', sa.Enum('pending', 'confirmed', 'dismissed', name='reviewstate', native_enum=False, length=32), nullable=True),
    sa.Column('situation_review', sa.Enum('pending', 'confirmed', 'dismissed', name='reviewstate', native_enum=False, length=32), nullable=True),
    sa.Column('refusal_review', sa.Enum('pending', 'confirmed', 'dismissed', name='reviewstate', native_enum=False, length=32), nullable=True),
    sa.Column('contact_id', sa.Integer(), nullable=True),
    sa.Column('answered_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('reviewed_by_id', sa.Integer(), nullable=True),
    sa.Column('reviewed_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_reply_answers_case_id_cases'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['contact_id'], ['contacts.id'], name=op.f('fk_reply_answers_contact_id_contacts'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['reviewed_by_id'], ['users.id'], name=op.f('fk_reply_answers_reviewed_by_id_users')),
    sa.ForeignKeyConstraint(['token_id'], ['reply_tokens.id'], name=op.f('fk_reply_answers_token_id_reply_tokens'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['youth_id'], ['youths.id'], name=op.f('fk_reply_answers_youth_id_youths'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reply_answers'))
    )
    with op.batch_alter_table('reply_answers', schema=None) as batch_op:
        batch_op.create_index('ix_reply_answers_youth', ['youth_id', 'answered_at'], unique=False)

    op.create_table('youth_messages',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('psad_id', sa.Integer(), nullable=False),
    sa.Column('youth_id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('sending_key', sa.String(length=40), nullable=False),
    sa.Column('channel', sa.Enum('email', 'sms', name='messagechannel', native_enum=False, length=32), nullable=False),
    sa.Column('register', sa.Enum('tu', 'vous', name='register', native_enum=False, length=32), nullable=False),
    sa.Column('template_id', sa.Integer(), nullable=True),
    sa.Column('template_name', sa.String(length=120), nullable=False),
    sa.Column('recipient', sa.String(length=254), nullable=False),
    sa.Column('subject', sa.String(length=300), nullable=True),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('reply_token_id', sa.Integer(), nullable=True),
    sa.Column('outbox_message_id', sa.Integer(), nullable=False),
    sa.Column('contact_id', sa.Integer(), nullable=True),
    sa.Column('sent_by_id', sa.Integer(), nullable=True),
    sa.Column('reminder_of_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_youth_messages_case_id_cases'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['contact_id'], ['contacts.id'], name=op.f('fk_youth_messages_contact_id_contacts'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['outbox_message_id'], ['outbox_messages.id'], name=op.f('fk_youth_messages_outbox_message_id_outbox_messages')),
    sa.ForeignKeyConstraint(['psad_id'], ['psads.id'], name=op.f('fk_youth_messages_psad_id_psads')),
    sa.ForeignKeyConstraint(['reminder_of_id'], ['youth_messages.id'], name=op.f('fk_youth_messages_reminder_of_id_youth_messages')),
    sa.ForeignKeyConstraint(['reply_token_id'], ['reply_tokens.id'], name=op.f('fk_youth_messages_reply_token_id_reply_tokens')),
    sa.ForeignKeyConstraint(['sent_by_id'], ['users.id'], name=op.f('fk_youth_messages_sent_by_id_users')),
    sa.ForeignKeyConstraint(['template_id'], ['message_templates.id'], name=op.f('fk_youth_messages_template_id_message_templates'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['youth_id'], ['youths.id'], name=op.f('fk_youth_messages_youth_id_youths'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_youth_messages')),
    sa.UniqueConstraint('contact_id', name=op.f('uq_youth_messages_contact_id')),
    sa.UniqueConstraint('outbox_message_id', name=op.f('uq_youth_messages_outbox_message_id')),
    sa.UniqueConstraint('reminder_of_id', name=op.f('uq_youth_messages_reminder_of_id')),
    sa.UniqueConstraint('sending_key', 'youth_id', 'channel', name=op.f('uq_youth_messages_sending_key_youth_id_channel'))
    )
    with op.batch_alter_table('youth_messages', schema=None) as batch_op:
        batch_op.create_index('ix_youth_messages_youth', ['youth_id', 'created_at'], unique=False)

    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.add_column(sa.Column('channel', sa.Enum('email', 'sms', name='outboxchannel', native_enum=False, length=32), server_default='email', nullable=False))
        batch_op.add_column(sa.Column('secret', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('reply_to', sa.String(length=254), nullable=True))


    # The reference items the messages record contacts with, on a database seeded before.
    items = sa.table(
        "reference_items",
        sa.column("kind", sa.String),
        sa.column("code", sa.String),
        sa.column("label", sa.String),
        sa.column("position", sa.Integer),
        sa.column("active", sa.Boolean),
    )
    connection = op.get_bind()
    seeded = connection.execute(sa.select(sa.func.count()).select_from(items)).scalar()
    for kind, code, label, position in NEW_ITEMS:
        exists = connection.execute(
            sa.select(items.c.code).where(items.c.kind == kind, items.c.code == code)
        ).first()
        if seeded and exists is None:
            op.bulk_insert(
                items,
                [{"kind": kind, "code": code, "label": label, "position": position, "active": True}],
            )


def downgrade():
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.drop_column('reply_to')
        batch_op.drop_column('secret')
        batch_op.drop_column('channel')

    with op.batch_alter_table('youth_messages', schema=None) as batch_op:
        batch_op.drop_index('ix_youth_messages_youth')

    op.drop_table('youth_messages')
    with op.batch_alter_table('reply_answers', schema=None) as batch_op:
        batch_op.drop_index('ix_reply_answers_youth')

    op.drop_table('reply_answers')
    with op.batch_alter_table('reply_tokens', schema=None) as batch_op:
        batch_op.drop_index('ix_reply_tokens_youth')

    op.drop_table('reply_tokens')
    with op.batch_alter_table('contact_blocks', schema=None) as batch_op:
        batch_op.drop_index('uq_contact_blocks_active', sqlite_where=sa.text('lifted_at IS NULL'), postgresql_where=sa.text('lifted_at IS NULL'))
        batch_op.drop_index(batch_op.f('ix_contact_blocks_youth_id'))

    op.drop_table('contact_blocks')
    op.drop_table('auto_reminder_suspensions')
    op.drop_table('messaging_settings')
    op.drop_table('message_templates')
