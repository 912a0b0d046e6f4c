"""dispositifs and orientations

The catalogue of dispositifs (shared by the installation) with its eligibility rules as rows,
their sites per PSAD with places per school year, the vacant places schools declare for the
DARFI, the orientations with their steps, the communes with their centres (the offer's map,
distances to vacant places), and each PSAD's delay before a started orientation without news
makes a task. The catalogue is seeded by the app (``psad dispositifs amorcer``, and with
each new PSAD), not here: a migration must not import the app.

Revision ID: 8a5c2e6f1b77
Revises: 6c3e8a4b0d33
Create Date: 2026-12-06 22:53:21.564109

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '8a5c2e6f1b77'
down_revision = '6c3e8a4b0d33'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('communes',
    sa.Column('code', sa.String(length=5), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('name_key', sa.String(length=120), nullable=False),
    sa.Column('postal_codes', sa.String(length=200), nullable=True),
    sa.Column('department', sa.String(length=3), nullable=False),
    sa.Column('latitude', sa.Double(), nullable=True),
    sa.Column('longitude', sa.Double(), nullable=True),
    sa.PrimaryKeyConstraint('code', name=op.f('pk_communes'))
    )
    with op.batch_alter_table('communes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_communes_name_key'), ['name_key'], unique=False)

    op.create_table('programmes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=40).with_variant(sa.String(length=40, collation='C'), 'postgresql'), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('family', sa.Enum('support', 'remobilisation', 'qualification', 'insertion', 'prevention', name='programmefamily', native_enum=False, length=32), nullable=False),
    sa.Column('public', sa.String(length=1000), nullable=True),
    sa.Column('conditions', sa.String(length=1000), nullable=True),
    sa.Column('description', sa.Text(), nullable=True),
    sa.Column('duration', sa.String(length=200), nullable=True),
    sa.Column('prescriber', sa.String(length=300), nullable=True),
    sa.Column('piloted_by', sa.String(length=200), nullable=True),
    sa.Column('entry_mode', sa.Enum('rolling', 'fixed_dates', name='entrymode', native_enum=False, length=32), nullable=False),
    sa.Column('entry_dates', sa.String(length=300), nullable=True),
    sa.Column('contact', sa.String(length=300), nullable=True),
    sa.Column('solution_id', sa.Integer(), nullable=True),
    sa.Column('national', sa.Boolean(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('retired_on', sa.Date(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['solution_id'], ['reference_items.id'], name=op.f('fk_programmes_solution_id_reference_items')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_programmes')),
    sa.UniqueConstraint('code', name=op.f('uq_programmes_code'))
    )
    op.create_table('programme_rules',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('programme_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('age', 'schooling', 'school_kind', 'out_of_school', 'last_class', 'diploma', 'situation', 'check', name='rulekind', native_enum=False, length=32), nullable=False),
    sa.Column('min_value', sa.Integer(), nullable=True),
    sa.Column('max_value', sa.Integer(), nullable=True),
    sa.Column('waiver_value', sa.Integer(), nullable=True),
    sa.Column('waiver_label', sa.String(length=200), nullable=True),
    sa.Column('values', sa.String(length=300), nullable=True),
    sa.Column('label', sa.String(length=300), nullable=True),
    sa.Column('exceptional', sa.Boolean(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['programme_id'], ['programmes.id'], name=op.f('fk_programme_rules_programme_id_programmes'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_programme_rules'))
    )
    with op.batch_alter_table('programme_rules', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_programme_rules_programme_id'), ['programme_id'], unique=False)

    op.create_table('programme_sites',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('programme_id', sa.Integer(), nullable=False),
    sa.Column('psad_id', sa.Integer(), nullable=False),
    sa.Column('structure_id', sa.Integer(), nullable=True),
    sa.Column('uai', sa.String(length=8), nullable=True),
    sa.Column('establishment', sa.String(length=200), nullable=True),
    sa.Column('commune', sa.String(length=120), nullable=False),
    sa.Column('commune_code', sa.String(length=5), nullable=True),
    sa.Column('address', sa.String(length=300), nullable=True),
    sa.Column('contact', sa.String(length=300), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['programme_id'], ['programmes.id'], name=op.f('fk_programme_sites_programme_id_programmes')),
    sa.ForeignKeyConstraint(['psad_id'], ['psads.id'], name=op.f('fk_programme_sites_psad_id_psads')),
    sa.ForeignKeyConstraint(['structure_id'], ['structures.id'], name=op.f('fk_programme_sites_structure_id_structures')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_programme_sites'))
    )
    with op.batch_alter_table('programme_sites', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_programme_sites_programme_id'), ['programme_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_programme_sites_psad_id'), ['psad_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_programme_sites_structure_id'), ['structure_id'], unique=False)

    op.create_table('vacant_places',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('psad_id', sa.Integer(), nullable=False),
    sa.Column('uai', sa.String(length=8), nullable=False),
    sa.Column('establishment', sa.String(length=200), nullable=True),
    sa.Column('commune', sa.String(length=120), nullable=True),
    sa.Column('commune_code', sa.String(length=5), nullable=True),
    sa.Column('formation', sa.String(length=200), nullable=False),
    sa.Column('field', sa.String(length=200), nullable=True),
    sa.Column('places', sa.Integer(), nullable=False),
    sa.Column('available_until', sa.Date(), nullable=False),
    sa.Column('structure_id', sa.Integer(), nullable=True),
    sa.Column('declared_by_id', sa.Integer(), nullable=True),
    sa.Column('declared_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('source', sa.String(length=200), nullable=True),
    sa.Column('withdrawn_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['declared_by_id'], ['users.id'], name=op.f('fk_vacant_places_declared_by_id_users')),
    sa.ForeignKeyConstraint(['psad_id'], ['psads.id'], name=op.f('fk_vacant_places_psad_id_psads')),
    sa.ForeignKeyConstraint(['structure_id'], ['structures.id'], name=op.f('fk_vacant_places_structure_id_structures')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_vacant_places'))
    )
    with op.batch_alter_table('vacant_places', schema=None) as batch_op:
        batch_op.create_index('ix_vacant_places_psad_until', ['psad_id', 'available_until'], unique=False)

    op.create_table('orientations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('youth_id', sa.Integer(), nullable=False),
    sa.Column('psad_id', sa.Integer(), nullable=False),
    sa.Column('programme_id', sa.Integer(), nullable=False),
    sa.Column('site_id', sa.Integer(), nullable=True),
    sa.Column('vacant_place_id', sa.Integer(), nullable=True),
    sa.Column('school_year', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('proposed', 'accepted', 'refused', 'started', 'completed', 'abandoned', 'cancelled', name='orientationstatus', native_enum=False, length=32), nullable=False),
    sa.Column('proposed_on', sa.Date(), nullable=False),
    sa.Column('proposed_by_id', sa.Integer(), nullable=True),
    sa.Column('decision_id', sa.Integer(), nullable=True),
    sa.Column('comment', sa.String(length=1000), nullable=True),
    sa.Column('over_capacity', sa.Boolean(), nullable=False),
    sa.Column('accepted_on', sa.Date(), nullable=True),
    sa.Column('refused_on', sa.Date(), nullable=True),
    sa.Column('refused_by', sa.Enum('youth', 'structure', name='refusedby', native_enum=False, length=32), nullable=True),
    sa.Column('started_on', sa.Date(), nullable=True),
    sa.Column('ended_on', sa.Date(), nullable=True),
    sa.Column('cancelled_on', sa.Date(), nullable=True),
    sa.Column('reason', sa.String(length=1000), nullable=True),
    sa.Column('last_news_on', sa.Date(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_orientations_case_id_cases'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['programme_id'], ['programmes.id'], name=op.f('fk_orientations_programme_id_programmes')),
    sa.ForeignKeyConstraint(['proposed_by_id'], ['users.id'], name=op.f('fk_orientations_proposed_by_id_users')),
    sa.ForeignKeyConstraint(['psad_id'], ['psads.id'], name=op.f('fk_orientations_psad_id_psads')),
    sa.ForeignKeyConstraint(['site_id'], ['programme_sites.id'], name=op.f('fk_orientations_site_id_programme_sites')),
    sa.ForeignKeyConstraint(['vacant_place_id'], ['vacant_places.id'], name=op.f('fk_orientations_vacant_place_id_vacant_places')),
    sa.ForeignKeyConstraint(['youth_id'], ['youths.id'], name=op.f('fk_orientations_youth_id_youths'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_orientations'))
    )
    with op.batch_alter_table('orientations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_orientations_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_orientations_programme_id'), ['programme_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_orientations_psad_id'), ['psad_id'], unique=False)
        batch_op.create_index('ix_orientations_psad_status', ['psad_id', 'status'], unique=False)
        batch_op.create_index('ix_orientations_site_year', ['site_id', 'school_year', 'status'], unique=False)
        batch_op.create_index(batch_op.f('ix_orientations_vacant_place_id'), ['vacant_place_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_orientations_youth_id'), ['youth_id'], unique=False)

    op.create_table('site_places',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('site_id', sa.Integer(), nullable=False),
    sa.Column('school_year', sa.Integer(), nullable=False),
    sa.Column('places', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['site_id'], ['programme_sites.id'], name=op.f('fk_site_places_site_id_programme_sites'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_site_places')),
    sa.UniqueConstraint('site_id', 'school_year', name=op.f('uq_site_places_site_id_school_year'))
    )
    op.create_table('orientation_steps',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('orientation_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('status', 'news', name='newskind', native_enum=False, length=32), nullable=False),
    sa.Column('status', sa.Enum('proposed', 'accepted', 'refused', 'started', 'completed', 'abandoned', 'cancelled', name='orientationstatus', native_enum=False, length=32), nullable=False),
    sa.Column('on', sa.Date(), nullable=False),
    sa.Column('occurred_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('comment', sa.String(length=1000), nullable=True),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_orientation_steps_author_id_users')),
    sa.ForeignKeyConstraint(['orientation_id'], ['orientations.id'], name=op.f('fk_orientation_steps_orientation_id_orientations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_orientation_steps'))
    )
    with op.batch_alter_table('orientation_steps', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_orientation_steps_orientation_id'), ['orientation_id'], unique=False)

    with op.batch_alter_table('psads', schema=None) as batch_op:
        batch_op.add_column(sa.Column('orientation_stalled_weeks', sa.Integer(), server_default='6', nullable=False))



def downgrade():
    with op.batch_alter_table('psads', schema=None) as batch_op:
        batch_op.drop_column('orientation_stalled_weeks')

    with op.batch_alter_table('orientation_steps', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_orientation_steps_orientation_id'))

    op.drop_table('orientation_steps')
    op.drop_table('site_places')
    with op.batch_alter_table('orientations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_orientations_youth_id'))
        batch_op.drop_index(batch_op.f('ix_orientations_vacant_place_id'))
        batch_op.drop_index('ix_orientations_site_year')
        batch_op.drop_index('ix_orientations_psad_status')
        batch_op.drop_index(batch_op.f('ix_orientations_psad_id'))
        batch_op.drop_index(batch_op.f('ix_orientations_programme_id'))
        batch_op.drop_index(batch_op.f('ix_orientations_case_id'))

    op.drop_table('orientations')
    with op.batch_alter_table('vacant_places', schema=None) as batch_op:
        batch_op.drop_index('ix_vacant_places_psad_until')

    op.drop_table('vacant_places')
    with op.batch_alter_table('programme_sites', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_programme_sites_structure_id'))
        batch_op.drop_index(batch_op.f('ix_programme_sites_psad_id'))
        batch_op.drop_index(batch_op.f('ix_programme_sites_programme_id'))

    op.drop_table('programme_sites')
    with op.batch_alter_table('programme_rules', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_programme_rules_programme_id'))

    op.drop_table('programme_rules')
    op.drop_table('programmes')
    with op.batch_alter_table('communes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_communes_name_key'))

    op.drop_table('communes')
