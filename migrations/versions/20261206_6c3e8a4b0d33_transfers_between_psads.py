"""transfers between PSADs

A youth offered by the PSAD that follows them to another PSAD, or requested by a PSAD whose
list met them (a conflict of its import): one row per transfer, from its proposal to its
decision; at most one pending transfer per youth (a partial unique index, as cases have for
their open case).

Revision ID: 6c3e8a4b0d33
Revises: 5d2b7f3a9c22
Create Date: 2026-12-06 20:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '6c3e8a4b0d33'
down_revision = '5d2b7f3a9c22'
branch_labels = None
depends_on = None

PENDING = sa.text("state = 'proposed'")


def upgrade():
    op.create_table('transfers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('youth_id', sa.Integer(), nullable=False),
    sa.Column('from_psad_id', sa.Integer(), nullable=False),
    sa.Column('to_psad_id', sa.Integer(), nullable=False),
    sa.Column('direction', sa.Enum('offer', 'request', name='transferdirection', native_enum=False, length=32), nullable=False),
    sa.Column('state', sa.Enum('proposed', 'accepted', 'refused', 'cancelled', name='transferstate', native_enum=False, length=32), nullable=False),
    sa.Column('comment', sa.String(length=1000), nullable=False),
    sa.Column('proposed_by_id', sa.Integer(), nullable=True),
    sa.Column('proposed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('refusal_reason', sa.String(length=1000), nullable=True),
    sa.Column('batch_id', sa.Integer(), nullable=True),
    sa.Column('line', sa.Integer(), nullable=True),
    sa.Column('subject_last_name', sa.String(length=120), nullable=False),
    sa.Column('subject_first_name', sa.String(length=120), nullable=False),
    sa.Column('subject_birth_date', sa.Date(), nullable=True),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.ForeignKeyConstraint(['batch_id'], ['import_batches.id'], name=op.f('fk_transfers_batch_id_import_batches'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_transfers_decided_by_id_users')),
    sa.ForeignKeyConstraint(['from_psad_id'], ['psads.id'], name=op.f('fk_transfers_from_psad_id_psads')),
    sa.ForeignKeyConstraint(['proposed_by_id'], ['users.id'], name=op.f('fk_transfers_proposed_by_id_users')),
    sa.ForeignKeyConstraint(['to_psad_id'], ['psads.id'], name=op.f('fk_transfers_to_psad_id_psads')),
    sa.ForeignKeyConstraint(['youth_id'], ['youths.id'], name=op.f('fk_transfers_youth_id_youths'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_transfers'))
    )
    with op.batch_alter_table('transfers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_transfers_from_psad_id'), ['from_psad_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_transfers_to_psad_id'), ['to_psad_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_transfers_youth_id'), ['youth_id'], unique=False)
        batch_op.create_index('uq_transfers_one_pending_per_youth', ['youth_id'], unique=True, sqlite_where=PENDING, postgresql_where=PENDING)


def downgrade():
    with op.batch_alter_table('transfers', schema=None) as batch_op:
        batch_op.drop_index('uq_transfers_one_pending_per_youth', sqlite_where=PENDING, postgresql_where=PENDING)
        batch_op.drop_index(batch_op.f('ix_transfers_youth_id'))
        batch_op.drop_index(batch_op.f('ix_transfers_to_psad_id'))
        batch_op.drop_index(batch_op.f('ix_transfers_from_psad_id'))

    op.drop_table('transfers')
