"""one code name per term

``of_interview_on`` read as the English « of »: the case's obligation de formation
milestones are named ``training_obligation_*`` (values kept). A case opened by a
signalement has the source ``referral`` (the code's one name for a signalement), no longer
``signalement``.

Revision ID: 3b1f0c2d9e7a
Revises: 179d087cc4b9
Create Date: 2026-12-06 19:00:00

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "3b1f0c2d9e7a"
down_revision = "179d087cc4b9"
branch_labels = None
depends_on = None

STEPS = ("interview_on", "convened_on", "transmitted_on")


def _source(old: str, new: str) -> None:
    op.execute(sa.text("UPDATE cases SET source = :new WHERE source = :old").bindparams(old=old, new=new))


def upgrade():
    with op.batch_alter_table("cases", schema=None) as batch_op:
        for step in STEPS:
            batch_op.alter_column(f"of_{step}", new_column_name=f"training_obligation_{step}")
    _source("signalement", "referral")


def downgrade():
    _source("referral", "signalement")
    with op.batch_alter_table("cases", schema=None) as batch_op:
        for step in STEPS:
            batch_op.alter_column(f"training_obligation_{step}", new_column_name=f"of_{step}")
