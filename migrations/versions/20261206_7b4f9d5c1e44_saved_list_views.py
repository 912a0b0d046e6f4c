"""saved list views (stub)

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
    pass


def downgrade():
    pass
