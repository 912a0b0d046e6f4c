"""list state of each youth

A youth keeps the list's copy of facts recorded elsewhere (state in the work lists, call-back
due date, latest contact, current case, next task due, DARFI waiting, call-back asked,
partner's signalement), so that one index answers a tab's rows and counts at 200,000 youth.
The upgrade fills the copy with psad.followup.liststate.refresh_all, the code that keeps it
afterwards (should a later schema break that import, freeze its SQL here).

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
    with op.batch_alter_table('youths', schema=None) as batch_op:
        batch_op.add_column(sa.Column('list_state', sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column('call_back_due_on', sa.Date(), nullable=True))
        batch_op.add_column(
            sa.Column('last_contact_at', sa.DateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(sa.Column('current_case_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('next_task_due_on', sa.Date(), nullable=True))
        for name in ('darfi_waiting', 'call_back_asked', 'partner_referral'):
            batch_op.add_column(
                sa.Column(name, sa.Boolean(), server_default=sa.false(), nullable=False)
            )
        batch_op.add_column(sa.Column('referent_user_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('referent_structure_id', sa.Integer(), nullable=True))
        batch_op.create_index(
            'ix_youths_list',
            [
                'psad_id',
                'list_state',
                'search_key',
                'id',
                'call_back_due_on',
                'birth_date',
                'darfi_waiting',
                'call_back_asked',
                'partner_referral',
            ],
            unique=False,
        )
        for column in ('referent_structure_id', 'referent_user_id'):
            where = sa.text(f'{column} IS NOT NULL')
            batch_op.create_index(
                f'ix_youths_{column.removesuffix("_id")}',
                ['psad_id', column, 'list_state'],
                unique=False,
                sqlite_where=where,
                postgresql_where=where,
            )
    with op.batch_alter_table('tasks', schema=None) as batch_op:
        batch_op.create_index(
            'ix_tasks_case_open', ['case_id', 'done_at', 'due_on'], unique=False
        )
        batch_op.create_index(
            'ix_tasks_assignee_open', ['assignee_user_id', 'done_at', 'due_on'], unique=False
        )
    from sqlalchemy.orm import Session

    from psad.followup import liststate

    with Session(bind=op.get_bind()) as session:
        liststate.refresh_all(session)
        session.flush()


def downgrade():
    with op.batch_alter_table('tasks', schema=None) as batch_op:
        batch_op.drop_index('ix_tasks_assignee_open')
        batch_op.drop_index('ix_tasks_case_open')
    with op.batch_alter_table('youths', schema=None) as batch_op:
        batch_op.drop_index('ix_youths_referent_user')
        batch_op.drop_index('ix_youths_referent_structure')
        batch_op.drop_index('ix_youths_list')
        for name in (
            'referent_structure_id',
            'referent_user_id',
            'partner_referral',
            'call_back_asked',
            'darfi_waiting',
            'next_task_due_on',
            'current_case_id',
            'last_contact_at',
            'call_back_due_on',
            'list_state',
        ):
            batch_op.drop_column(name)
