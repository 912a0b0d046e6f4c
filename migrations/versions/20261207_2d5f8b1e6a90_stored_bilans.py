"""Stored bilans: the dashboard and the regional view read figures computed nightly (or on
« Recalculer »), psad.reports.snapshots.

Revision ID: 2d5f8b1e6a90
Revises: 1c4e9a7d2f55
Create Date: 2026-12-07 05:30:58.154080

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '2d5f8b1e6a90'
down_revision = '1c4e9a7d2f55'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('bilan_snapshots',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('psads', sa.String(length=500), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=False),
    sa.Column('computed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('results', sa.JSON(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_bilan_snapshots')),
    sa.UniqueConstraint('psads', 'starts_on', 'ends_on', name=op.f('uq_bilan_snapshots_psads_starts_on_ends_on'))
    )


def downgrade():
    op.drop_table('bilan_snapshots')
