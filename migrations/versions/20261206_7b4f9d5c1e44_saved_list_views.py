"""saved list views

A user names a filtered youth list (its query string) to come back to it: one row per user,
PSAD and name.

Revision ID: 7b4f9d5c1e44
Revises: 4e1a0c5d2b11
Create Date: 2026-12-06 20:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '7b4f9d5c1e44'
down_revision = '4e1a0c5d2b11'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('saved_list_views',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('psad_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=80), nullable=False),
    sa.Column('query', sa.String(length=500), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['psad_id'], ['psads.id'], name=op.f('fk_saved_list_views_psad_id_psads'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_saved_list_views_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_saved_list_views')),
    sa.UniqueConstraint('user_id', 'psad_id', 'name', name=op.f('uq_saved_list_views_user_id_psad_id_name'))
    )


def downgrade():
    op.drop_table('saved_list_views')
