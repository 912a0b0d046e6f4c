"""Tasks: by hand, or made by a rule on a recorded fact and closed when the fact is done."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from psad.audit import services as audit
from psad.audit.actions import AuditAction
from psad.auth.models import Structure, User
from psad.errors import DomainError
from psad.followup.deadlines import Obligation, StepState, obligation
from psad.followup.models import (
    CaseEvent,
    CaseEventKind,
    ObligationStep,
    ObligationStepRecord,
    Task,
    TaskRule,
)
from psad.youth.models import Case, CaseStage

RULE_OF_STEP = {
    ObligationStep.INTERVIEW: TaskRule.OBLIGATION_INTERVIEW,
    ObligationStep.TRANSMISSION: TaskRule.OBLIGATION_TRANSMISSION,
}


def add_task(
    session: Session,
    *,
    case: Case,
    title: str,
    due_on: date,
    user: User | None,
    structure: Structure | None,
    by: User | None,
    actor: audit.Actor,
    rule: TaskRule = TaskRule.MANUAL,
    fact_id: int | None = None,
) -> Task:
    """A task on a case, for a user and/or a structure (the author's own when neither)."""
    if not title.strip():
        raise DomainError("Dites ce qu'il faut faire.")
    if user is None and structure is None:
        user = by
    task = Task(
        case=case,
        title=title.strip()[:200],
        due_on=due_on,
        assignee_user=user,
        assignee_structure=structure,
        rule=rule,
        fact_id=fact_id,
        created_by=by,
    )
    session.add(task)
    session.flush()
    audit.record(
        session,
        actor,
        AuditAction.TASK_CREATED,
        object_type="youth",
        object_id=case.youth_id,
        detail=f"tâche={task.id}; règle={rule.value}",
    )
    return task


def complete_task(
    session: Session,
    *,
    task: Task,
    by: User,
    now: datetime,
    comment: str | None,
    actor: audit.Actor,
) -> None:
    if task.done_at is not None:
        raise DomainError("Cette tâche est déjà faite.")
    task.done_at, task.done_by, task.done_comment = now, by, (comment or "").strip() or None
    audit.record(
        session,
        actor,
        AuditAction.TASK_DONE,
        object_type="youth",
        object_id=task.case.youth_id,
        detail=f"tâche={task.id}",
    )


def open_rule_tasks(session: Session, case: Case, rule: TaskRule) -> list[Task]:
    return list(
        session.scalars(
            select(Task).where(Task.case_id == case.id, Task.rule == rule, Task.done_at.is_(None))
        )
    )


def close_rule_tasks(
    session: Session, *, case: Case, rule: TaskRule, now: datetime, why: str
) -> int:
    """Close the open tasks a rule made on the case, now that what they asked is recorded."""
    tasks = open_rule_tasks(session, case, rule)
    for task in tasks:
        task.done_at, task.done_comment = now, why
    return len(tasks)


def ensure_rule_task(
    session: Session,
    *,
    case: Case,
    rule: TaskRule,
    due_on: date,
    fact_id: int | None = None,
    default_user: User | None = None,
) -> Task:
    """The open task of this rule on the case, made for its referent when missing (for
    ``default_user`` when the case has no referent)."""
    for task in open_rule_tasks(session, case, rule):
        if task.fact_id == fact_id:
            task.due_on = due_on
            return task
    task = Task(
        case=case,
        title=rule.label,
        due_on=due_on,
        assignee_user_id=case.referent_user_id,
        assignee_structure_id=None if case.referent_user_id else case.referent_structure_id,
        rule=rule,
        fact_id=fact_id,
    )
    if task.assignee_user_id is None and task.assignee_structure_id is None:
        task.assignee_user = default_user
    session.add(task)
    session.flush()
    return task


def obligation_of(
    session: Session,
    case: Case,
    today: date,
    *,
    steps: dict[ObligationStep, date] | None = None,
) -> Obligation:
    """The obligation de formation of the case on ``today``, from its recorded steps (a step
    recorded twice counts on its latest date: a second convocation restarts the delay).
    ``steps`` are the case's recorded steps when the caller loaded them already."""
    return obligation(
        birth_date=case.youth.birth_date,
        opened_on=case.opened_on,
        done=steps if steps is not None else recorded_steps(session, [case.id])[case.id],
        has_solution=case.decided_stage is CaseStage.SOLUTION,
        today=today,
    )


def recorded_steps(session: Session, case_ids: list[int]) -> dict[int, dict[ObligationStep, date]]:
    """The obligation steps recorded on these cases (one query), each on its latest date."""
    found: dict[int, dict[ObligationStep, date]] = {case_id: {} for case_id in case_ids}
    if not case_ids:
        return found
    records = session.execute(
        select(
            ObligationStepRecord.case_id, ObligationStepRecord.step, ObligationStepRecord.done_on
        )
        .where(ObligationStepRecord.case_id.in_(case_ids))
        .order_by(ObligationStepRecord.done_on, ObligationStepRecord.id)
    )
    for case_id, step, done_on in records:
        found[case_id][step] = done_on
    return found


def sync_obligation_tasks(session: Session, *, case: Case, today: date, now: datetime) -> None:
    """Obligation de formation tasks follow the steps: made when due, closed when done or no
    longer due, and closed with a history entry once the youth is 18."""
    if not case.is_open:
        return
    status = obligation_of(session, case, today)
    ended = False
    for step in status.steps:
        rule = RULE_OF_STEP.get(step.step)
        if rule is None:
            continue
        if step.state in (StepState.DUE, StepState.OVERDUE) and step.due_on is not None:
            ensure_rule_task(session, case=case, rule=rule, due_on=step.due_on)
        elif step.state is StepState.DONE:
            close_rule_tasks(session, case=case, rule=rule, now=now, why="Étape enregistrée.")
        elif step.state is StepState.NOT_YET:  # a solution under way: no transmission due
            close_rule_tasks(session, case=case, rule=rule, now=now, why="Plus due.")
        elif step.state is StepState.ENDED:
            ended |= bool(
                close_rule_tasks(session, case=case, rule=rule, now=now, why="Le jeune a 18 ans.")
            )
    if ended:
        session.add(
            CaseEvent(
                case_id=case.id,
                kind=CaseEventKind.TRAINING_OBLIGATION_ENDED,
                occurred_at=now,
                after=f"18 ans le {status.ends_on:%d/%m/%Y}" if status.ends_on else None,
            )
        )
