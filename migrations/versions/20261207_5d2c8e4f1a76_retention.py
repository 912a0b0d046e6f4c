"""Retention: each PSAD's rule (age limit, years after the last case closed) and the
youth's anonymisation date (psad.privacy).

Revision ID: 5d2c8e4f1a76
Revises: 4b7e1d9c2a53
Create Date: 2026-12-07 09:05:25.462857

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5d2c8e4f1a76'
down_revision = '4b7e1d9c2a53'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('psads', schema=None) as batch_op:
        batch_op.add_column(sa.Column('retention_age', sa.Integer(), server_default='27', nullable=False))
        batch_op.add_column(sa.Column('retention_years_after_close', sa.Integer(), server_default='2', nullable=False))

    with op.batch_alter_table('youths', schema=None) as batch_op:
        batch_op.add_column(sa.Column('anonymised_at', sa.DateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table('youths', schema=None) as batch_op:
        batch_op.drop_column('anonymised_at')

    with op.batch_alter_table('psads', schema=None) as batch_op:
        batch_op.drop_column('retention_years_after_close')
        batch_op.drop_column('retention_age')

