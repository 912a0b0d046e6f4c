"""comites techniques

The PSAD's meetings (comité technique, comité de pilotage...) with their invited structures,
agenda items (a youth and why), attendance, one decision per agenda item (what, who acts, by
when; the orientation and tasks it created name it), amendments to validated minutes, each
PSAD's usual rhythm and agenda thresholds, and the users' secret calendar addresses.

Revision ID: 9b3d7f2a6c88
Revises: 8a5c2e6f1b77
Create Date: 2026-12-06 23:32:03.618300

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '9b3d7f2a6c88'
down_revision = '8a5c2e6f1b77'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('calendar_tokens',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('psad_id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['psad_id'], ['psads.id'], name=op.f('fk_calendar_tokens_psad_id_psads')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_calendar_tokens_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_calendar_tokens')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_calendar_tokens_token_hash'))
    )
    with op.batch_alter_table('calendar_tokens', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_calendar_tokens_user_id'), ['user_id'], unique=False)

    op.create_table('committee_rhythms',
    sa.Column('psad_id', sa.Integer(), nullable=False),
    sa.Column('weekday', sa.Integer(), nullable=False),
    sa.Column('week_of_month', sa.Integer(), nullable=False),
    sa.Column('starts_at', sa.Time(), nullable=False),
    sa.Column('duration_minutes', sa.Integer(), nullable=False),
    sa.Column('place', sa.String(length=300), nullable=True),
    sa.Column('no_solution_weeks', sa.Integer(), nullable=False),
    sa.Column('overdue_decision_days', sa.Integer(), nullable=False),
    sa.Column('max_proposed', sa.Integer(), server_default='30', nullable=False),
    sa.ForeignKeyConstraint(['psad_id'], ['psads.id'], name=op.f('fk_committee_rhythms_psad_id_psads')),
    sa.PrimaryKeyConstraint('psad_id', name=op.f('pk_committee_rhythms'))
    )
    op.create_table('committees',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('psad_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('technical', 'steering', 'other', name='committeekind', native_enum=False, length=32), nullable=False),
    sa.Column('starts_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('duration_minutes', sa.Integer(), nullable=False),
    sa.Column('place', sa.String(length=300), nullable=True),
    sa.Column('video_link', sa.String(length=500), nullable=True),
    sa.Column('agenda_note', sa.Text(), nullable=True),
    sa.Column('status', sa.Enum('draft', 'published', 'validated', 'cancelled', name='committeestatus', native_enum=False, length=32), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('published_by_id', sa.Integer(), nullable=True),
    sa.Column('validated_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('validated_by_id', sa.Integer(), nullable=True),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_committees_created_by_id_users')),
    sa.ForeignKeyConstraint(['psad_id'], ['psads.id'], name=op.f('fk_committees_psad_id_psads')),
    sa.ForeignKeyConstraint(['published_by_id'], ['users.id'], name=op.f('fk_committees_published_by_id_users')),
    sa.ForeignKeyConstraint(['validated_by_id'], ['users.id'], name=op.f('fk_committees_validated_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_committees'))
    )
    with op.batch_alter_table('committees', schema=None) as batch_op:
        batch_op.create_index('ix_committees_psad_starts', ['psad_id', 'starts_at'], unique=False)

    op.create_table('agenda_items',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('committee_id', sa.Integer(), nullable=False),
    sa.Column('youth_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('reasons', sa.String(length=300), nullable=False),
    sa.Column('detail', sa.String(length=2000), nullable=True),
    sa.Column('added_by_id', sa.Integer(), nullable=True),
    sa.Column('added_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['added_by_id'], ['users.id'], name=op.f('fk_agenda_items_added_by_id_users')),
    sa.ForeignKeyConstraint(['committee_id'], ['committees.id'], name=op.f('fk_agenda_items_committee_id_committees'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['youth_id'], ['youths.id'], name=op.f('fk_agenda_items_youth_id_youths'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_agenda_items')),
    sa.UniqueConstraint('committee_id', 'youth_id', name=op.f('uq_agenda_items_committee_id_youth_id'))
    )
    with op.batch_alter_table('agenda_items', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_agenda_items_committee_id'), ['committee_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_agenda_items_youth_id'), ['youth_id'], unique=False)

    op.create_table('attendances',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('committee_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('guest_name', sa.String(length=200), nullable=True),
    sa.Column('structure_id', sa.Integer(), nullable=True),
    sa.Column('structure_label', sa.String(length=200), nullable=True),
    sa.Column('present', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['committee_id'], ['committees.id'], name=op.f('fk_attendances_committee_id_committees'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['structure_id'], ['structures.id'], name=op.f('fk_attendances_structure_id_structures')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_attendances_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_attendances')),
    sa.UniqueConstraint('committee_id', 'user_id', name=op.f('uq_attendances_committee_id_user_id'))
    )
    with op.batch_alter_table('attendances', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_attendances_committee_id'), ['committee_id'], unique=False)

    op.create_table('committee_invitations',
    sa.Column('committee_id', sa.Integer(), nullable=False),
    sa.Column('structure_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['committee_id'], ['committees.id'], name=op.f('fk_committee_invitations_committee_id_committees'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['structure_id'], ['structures.id'], name=op.f('fk_committee_invitations_structure_id_structures')),
    sa.PrimaryKeyConstraint('committee_id', 'structure_id', name=op.f('pk_committee_invitations'))
    )
    op.create_table('committee_decisions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('committee_id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('youth_id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.Enum('orientation', 'referent', 'contact', 'close', 'watch', 'adjourned', name='decisionkind', native_enum=False, length=32), nullable=False),
    sa.Column('programme_id', sa.Integer(), nullable=True),
    sa.Column('site_id', sa.Integer(), nullable=True),
    sa.Column('closing_reason_id', sa.Integer(), nullable=True),
    sa.Column('acting_structure_id', sa.Integer(), nullable=True),
    sa.Column('acting_user_id', sa.Integer(), nullable=True),
    sa.Column('due_on', sa.Date(), nullable=True),
    sa.Column('comment', sa.String(length=2000), nullable=True),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.ForeignKeyConstraint(['acting_structure_id'], ['structures.id'], name=op.f('fk_committee_decisions_acting_structure_id_structures')),
    sa.ForeignKeyConstraint(['acting_user_id'], ['users.id'], name=op.f('fk_committee_decisions_acting_user_id_users')),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_committee_decisions_case_id_cases')),
    sa.ForeignKeyConstraint(['closing_reason_id'], ['reference_items.id'], name=op.f('fk_committee_decisions_closing_reason_id_reference_items')),
    sa.ForeignKeyConstraint(['committee_id'], ['committees.id'], name=op.f('fk_committee_decisions_committee_id_committees'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['item_id'], ['agenda_items.id'], name=op.f('fk_committee_decisions_item_id_agenda_items'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['programme_id'], ['programmes.id'], name=op.f('fk_committee_decisions_programme_id_programmes')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_committee_decisions_recorded_by_id_users')),
    sa.ForeignKeyConstraint(['site_id'], ['programme_sites.id'], name=op.f('fk_committee_decisions_site_id_programme_sites')),
    sa.ForeignKeyConstraint(['youth_id'], ['youths.id'], name=op.f('fk_committee_decisions_youth_id_youths'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_committee_decisions')),
    sa.UniqueConstraint('item_id', name=op.f('uq_committee_decisions_item_id'))
    )
    with op.batch_alter_table('committee_decisions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_committee_decisions_committee_id'), ['committee_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_committee_decisions_youth_id'), ['youth_id'], unique=False)

    op.create_table('committee_amendments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('committee_id', sa.Integer(), nullable=False),
    sa.Column('decision_id', sa.Integer(), nullable=True),
    sa.Column('text', sa.String(length=2000), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_committee_amendments_author_id_users')),
    sa.ForeignKeyConstraint(['committee_id'], ['committees.id'], name=op.f('fk_committee_amendments_committee_id_committees'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['decision_id'], ['committee_decisions.id'], name=op.f('fk_committee_amendments_decision_id_committee_decisions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_committee_amendments'))
    )
    with op.batch_alter_table('committee_amendments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_committee_amendments_committee_id'), ['committee_id'], unique=False)



def downgrade():
    with op.batch_alter_table('committee_amendments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_committee_amendments_committee_id'))

    op.drop_table('committee_amendments')
    with op.batch_alter_table('committee_decisions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_committee_decisions_youth_id'))
        batch_op.drop_index(batch_op.f('ix_committee_decisions_committee_id'))

    op.drop_table('committee_decisions')
    op.drop_table('committee_invitations')
    with op.batch_alter_table('attendances', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_attendances_committee_id'))

    op.drop_table('attendances')
    with op.batch_alter_table('agenda_items', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_agenda_items_youth_id'))
        batch_op.drop_index(batch_op.f('ix_agenda_items_committee_id'))

    op.drop_table('agenda_items')
    with op.batch_alter_table('committees', schema=None) as batch_op:
        batch_op.drop_index('ix_committees_psad_starts')

    op.drop_table('committees')
    op.drop_table('committee_rhythms')
    with op.batch_alter_table('calendar_tokens', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_calendar_tokens_user_id'))

    op.drop_table('calendar_tokens')
