"""duplicates and merges

The probable pairs of youth found in each PSAD and what finds them again when a file
changes (each youth's blocking keys, the version they were computed from), « pas un
doublon » remembered per pair, and the merges made (the merged-away id, not a foreign key:
its row is gone).

Revision ID: 5d2b7f3a9c22
Revises: 7b4f9d5c1e44
Create Date: 2026-12-06 20:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5d2b7f3a9c22'
down_revision = '7b4f9d5c1e44'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('duplicate_keys',
    sa.Column('youth_id', sa.Integer(), nullable=False),
    sa.Column('key', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('psad_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['youth_id'], ['youths.id'], name=op.f('fk_duplicate_keys_youth_id_youths'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('youth_id', 'key', name=op.f('pk_duplicate_keys')),
    sqlite_with_rowid=False
    )
    with op.batch_alter_table('duplicate_keys', schema=None) as batch_op:
        batch_op.create_index('ix_duplicate_keys_psad_key_youth', ['psad_id', 'key', 'youth_id'], unique=False)

    op.create_table('duplicate_checks',
    sa.Column('youth_id', sa.Integer(), nullable=False),
    sa.Column('psad_id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['psad_id'], ['psads.id'], name=op.f('fk_duplicate_checks_psad_id_psads')),
    sa.ForeignKeyConstraint(['youth_id'], ['youths.id'], name=op.f('fk_duplicate_checks_youth_id_youths'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('youth_id', name=op.f('pk_duplicate_checks'))
    )
    op.create_table('probable_duplicates',
    sa.Column('low_youth_id', sa.Integer(), nullable=False),
    sa.Column('high_youth_id', sa.Integer(), nullable=False),
    sa.Column('psad_id', sa.Integer(), nullable=False),
    sa.Column('strength', sa.Integer(), nullable=False),
    sa.Column('reasons', sa.String(length=200), nullable=False),
    sa.CheckConstraint('low_youth_id < high_youth_id', name=op.f('ck_probable_duplicates_canonical_order')),
    sa.ForeignKeyConstraint(['high_youth_id'], ['youths.id'], name=op.f('fk_probable_duplicates_high_youth_id_youths'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['low_youth_id'], ['youths.id'], name=op.f('fk_probable_duplicates_low_youth_id_youths'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['psad_id'], ['psads.id'], name=op.f('fk_probable_duplicates_psad_id_psads')),
    sa.PrimaryKeyConstraint('low_youth_id', 'high_youth_id', name=op.f('pk_probable_duplicates'))
    )
    with op.batch_alter_table('probable_duplicates', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_probable_duplicates_high_youth_id'), ['high_youth_id'], unique=False)
        batch_op.create_index('ix_probable_duplicates_order', ['psad_id', 'strength', 'low_youth_id', 'high_youth_id'], unique=False)

    op.create_table('duplicate_dismissals',
    sa.Column('low_youth_id', sa.Integer(), nullable=False),
    sa.Column('high_youth_id', sa.Integer(), nullable=False),
    sa.Column('psad_id', sa.Integer(), nullable=False),
    sa.Column('dismissed_by_id', sa.Integer(), nullable=True),
    sa.Column('dismissed_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('low_youth_id < high_youth_id', name=op.f('ck_duplicate_dismissals_canonical_order')),
    sa.ForeignKeyConstraint(['dismissed_by_id'], ['users.id'], name=op.f('fk_duplicate_dismissals_dismissed_by_id_users')),
    sa.ForeignKeyConstraint(['high_youth_id'], ['youths.id'], name=op.f('fk_duplicate_dismissals_high_youth_id_youths'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['low_youth_id'], ['youths.id'], name=op.f('fk_duplicate_dismissals_low_youth_id_youths'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['psad_id'], ['psads.id'], name=op.f('fk_duplicate_dismissals_psad_id_psads')),
    sa.PrimaryKeyConstraint('low_youth_id', 'high_youth_id', name=op.f('pk_duplicate_dismissals'))
    )
    with op.batch_alter_table('duplicate_dismissals', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_duplicate_dismissals_high_youth_id'), ['high_youth_id'], unique=False)

    op.create_table('youth_merges',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('merged_id', sa.Integer(), nullable=False),
    sa.Column('kept_id', sa.Integer(), nullable=False),
    sa.Column('psad_id', sa.Integer(), nullable=False),
    sa.Column('merged_by_id', sa.Integer(), nullable=True),
    sa.Column('merged_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('detail_json', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['kept_id'], ['youths.id'], name=op.f('fk_youth_merges_kept_id_youths'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['merged_by_id'], ['users.id'], name=op.f('fk_youth_merges_merged_by_id_users')),
    sa.ForeignKeyConstraint(['psad_id'], ['psads.id'], name=op.f('fk_youth_merges_psad_id_psads')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_youth_merges'))
    )
    with op.batch_alter_table('youth_merges', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_youth_merges_kept_id'), ['kept_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_youth_merges_merged_id'), ['merged_id'], unique=True)


def downgrade():
    with op.batch_alter_table('youth_merges', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_youth_merges_merged_id'))
        batch_op.drop_index(batch_op.f('ix_youth_merges_kept_id'))
    op.drop_table('youth_merges')
    with op.batch_alter_table('duplicate_dismissals', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_duplicate_dismissals_high_youth_id'))
    op.drop_table('duplicate_dismissals')
    with op.batch_alter_table('probable_duplicates', schema=None) as batch_op:
        batch_op.drop_index('ix_probable_duplicates_order')
        batch_op.drop_index(batch_op.f('ix_probable_duplicates_high_youth_id'))
    op.drop_table('probable_duplicates')
    op.drop_table('duplicate_checks')
    with op.batch_alter_table('duplicate_keys', schema=None) as batch_op:
        batch_op.drop_index('ix_duplicate_keys_psad_key_youth')
    op.drop_table('duplicate_keys')
