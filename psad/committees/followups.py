"""What became of the comités' decisions: their tasks overdue by the PSAD's number of days
(``CommitteeRhythm.overdue_decision_days``, 7 without a rhythm), shown to the pilote."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session, joinedload

from psad.committees.models import Committee, CommitteeRhythm, Decision
from psad.committees.services.decisions import committee_title, decision_whats, who_acts
from psad.followup.models import Task, TaskRule
from psad.youth.models import Case, Youth

DEFAULT_OVERDUE_DAYS = 7


@dataclass(frozen=True)
class OverdueDecision:
    task: Task
    decision: Decision
    committee: Committee
    youth: Youth
    committee_title: str  # « Comité technique du 08/12/2026 »
    what: str  # the decision in a few words
    who_acts: str | None  # the task's assignee
    days_late: int


def overdue_days(session: Session, psad_id: int) -> int:
    days = session.scalar(
        select(CommitteeRhythm.overdue_decision_days).where(CommitteeRhythm.psad_id == psad_id)
    )
    return DEFAULT_OVERDUE_DAYS if days is None else days


def _late(psad_id: int, today: date, days: int) -> list[ColumnElement[bool]]:
    """The open tasks of the comités' decisions on the PSAD's cases (joined to ``Case`` and
    ``Decision``), due ``days`` days ago or more."""
    return [
        Task.rule == TaskRule.COMMITTEE_DECISION,
        Task.done_at.is_(None),
        Task.due_on <= today - timedelta(days=days),
        Case.psad_id == psad_id,
    ]


def overdue_count(session: Session, psad_id: int, today: date) -> int:
    """How many decisions' tasks are overdue by the PSAD's number of days."""
    query = (
        select(func.count(Task.id))
        .join(Case, Case.id == Task.case_id)
        .join(Decision, Decision.id == Task.fact_id)
        .where(*_late(psad_id, today, overdue_days(session, psad_id)))
    )
    return session.scalar(query) or 0


def overdue_decision_tasks(
    session: Session, psad_id: int, today: date, days: int
) -> list[OverdueDecision]:
    """The open tasks of the comités' decisions on the PSAD's cases, due ``days`` days ago or
    more, the latest first."""
    found = session.execute(
        select(Task, Decision, Committee, Youth)
        .join(Case, Case.id == Task.case_id)
        .join(Decision, Decision.id == Task.fact_id)
        .join(Committee, Committee.id == Decision.committee_id)
        .join(Youth, Youth.id == Decision.youth_id)
        .where(*_late(psad_id, today, days))
        .options(
            joinedload(Task.assignee_user),
            joinedload(Task.assignee_structure),
            joinedload(Decision.closing_reason),
        )
        .order_by(Task.due_on, Task.id)
    ).all()
    whats = decision_whats(session, [decision for _, decision, _, _ in found])
    return [
        OverdueDecision(
            task=task,
            decision=decision,
            committee=committee,
            youth=youth,
            committee_title=committee_title(committee),
            what=whats[decision.id],
            who_acts=who_acts(task.assignee_structure, task.assignee_user),
            days_late=task.days_late(today),
        )
        for task, decision, committee, youth in found
    ]
