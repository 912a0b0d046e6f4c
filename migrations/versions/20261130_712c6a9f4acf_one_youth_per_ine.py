"""one youth per INE

An INE names one pupil in the whole country, and the application already refuses a second
youth with a known INE (signalement, import). The unique index makes the database say so
too: two PSADs importing, or a user signalling, the same new INE at the same moment can no
longer both create that youth (the second gets a clear message and retries).

Youth with the same INE left by the race this closes stop the upgrade, with their number:
they are to be merged by hand first (nothing is deleted here).

Revision ID: 712c6a9f4acf
Revises: 62bf366597b8
Create Date: 2026-11-30 13:20:00

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "712c6a9f4acf"
down_revision = "62bf366597b8"
branch_labels = None
depends_on = None


def upgrade():
    shared = (
        op.get_bind()
        .execute(
            sa.text(
                "SELECT COUNT(*) FROM (SELECT ine FROM youths WHERE ine IS NOT NULL "
                "GROUP BY ine HAVING COUNT(*) > 1) AS shared"
            )
        )
        .scalar_one()
    )
    if shared:
        raise RuntimeError(
            f"Mise à jour impossible : {shared} INE sont portés par plusieurs jeunes. "
            "Fusionnez ou corrigez ces dossiers (SELECT ine FROM youths GROUP BY ine "
            "HAVING COUNT(*) > 1), puis relancez « psad db upgrade »."
        )
    with op.batch_alter_table("youths", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_youths_ine"))
        batch_op.create_index(batch_op.f("ix_youths_ine"), ["ine"], unique=True)


def downgrade():
    with op.batch_alter_table("youths", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_youths_ine"))
        batch_op.create_index(batch_op.f("ix_youths_ine"), ["ine"], unique=False)
