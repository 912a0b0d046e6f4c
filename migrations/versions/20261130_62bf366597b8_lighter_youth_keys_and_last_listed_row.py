"""lighter youth keys and last listed row

Redundant youth indexes go (each slowed a large import); on PostgreSQL the ASCII keys (INE,
folded names) are compared byte by byte (collation "C"), which fills their indexes faster.
``youths.last_row_hash`` keeps the fingerprint of each youth's latest listing, filled here
from the listings already stored.

Revision ID: 62bf366597b8
Revises: 0f4200ac0813
Create Date: 2026-11-30 10:55:14.242468

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "62bf366597b8"
down_revision = "0f4200ac0813"
branch_labels = None
depends_on = None


ASCII_KEYS = (("ine", 11), ("search_key", 250), ("identity_key", 260))


def upgrade():
    with op.batch_alter_table("listings", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_listings_row_hash"))

    with op.batch_alter_table("youths", schema=None) as batch_op:
        batch_op.add_column(sa.Column("last_row_hash", sa.String(length=40), nullable=True))
        batch_op.drop_index(batch_op.f("ix_youths_psad_id"))
        batch_op.drop_index(batch_op.f("ix_youths_psad_id_youths_identity_key"))
        batch_op.drop_index(batch_op.f("ix_youths_psad_id_youths_ine"))
        batch_op.create_index(
            batch_op.f("ix_youths_psad_id_youths_last_row_hash"),
            ["psad_id", "last_row_hash"],
            unique=False,
        )

    if op.get_bind().dialect.name == "postgresql":
        for column, length in ASCII_KEYS:
            op.alter_column(
                "youths",
                column,
                type_=sa.String(length, collation="C"),
                existing_type=sa.String(length),
            )
    op.execute(
        "UPDATE youths SET last_row_hash = (SELECT listings.row_hash FROM listings "
        "WHERE listings.youth_id = youths.id ORDER BY listings.id DESC LIMIT 1)"
    )


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        for column, length in ASCII_KEYS:
            op.alter_column(
                "youths",
                column,
                type_=sa.String(length),
                existing_type=sa.String(length, collation="C"),
            )
    with op.batch_alter_table("youths", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_youths_psad_id_youths_last_row_hash"))
        batch_op.create_index(
            batch_op.f("ix_youths_psad_id_youths_ine"), ["psad_id", "ine"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_youths_psad_id_youths_identity_key"),
            ["psad_id", "identity_key"],
            unique=False,
        )
        batch_op.create_index(batch_op.f("ix_youths_psad_id"), ["psad_id"], unique=False)
        batch_op.drop_column("last_row_hash")

    with op.batch_alter_table("listings", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_listings_row_hash"), ["row_hash"], unique=False)
