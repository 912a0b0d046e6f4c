"""transfers between PSADs (stub)

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


def upgrade():
    pass


def downgrade():
    pass
