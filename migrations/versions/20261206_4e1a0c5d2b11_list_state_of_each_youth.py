"""list state of each youth (stub, filled by the lists work)

Revision ID: 4e1a0c5d2b11
Revises: 07bff8df949c
Create Date: 2026-12-06 20:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '4e1a0c5d2b11'
down_revision = '07bff8df949c'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
