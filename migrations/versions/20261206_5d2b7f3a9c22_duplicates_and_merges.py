"""duplicates and merges (stub)

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
    pass


def downgrade():
    pass
