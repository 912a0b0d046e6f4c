"""listings keep a row once

A listing whose row is the same as the one of the youth's previous listing (same
fingerprint) no longer stores the row's JSON again: the youth's earlier listing with that
fingerprint holds it. Each monthly list would otherwise copy the personal data of every
unchanged youth once more.

Revision ID: 135c6e6381d0
Revises: 712c6a9f4acf
Create Date: 2026-11-30 13:30:00

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "135c6e6381d0"
down_revision = "712c6a9f4acf"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("listings", schema=None) as batch_op:
        batch_op.alter_column("row_json", existing_type=sa.Text(), nullable=True)


def downgrade():
    # The rows a listing left out are copied back from the youth's earlier listing.
    op.execute(
        "UPDATE listings SET row_json = (SELECT earlier.row_json FROM listings AS earlier "
        "WHERE earlier.youth_id = listings.youth_id AND earlier.row_hash = listings.row_hash "
        "AND earlier.row_json IS NOT NULL ORDER BY earlier.id LIMIT 1) "
        "WHERE row_json IS NULL"
    )
    op.execute("UPDATE listings SET row_json = '[]' WHERE row_json IS NULL")
    with op.batch_alter_table("listings", schema=None) as batch_op:
        batch_op.alter_column("row_json", existing_type=sa.Text(), nullable=False)
