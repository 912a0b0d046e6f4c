"""DARFI requests and interviews; obligation de formation steps."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy.orm import Session

from psad.audit import services as audit
from psad.audit.actions import AuditAction
from psad.auth.models import User
from psad.errors import DomainError
from psad.followup.deadlines import darfi_interview_due
from psad.followup.models import (
    DarfiRequest,
    DarfiSource,
    Diploma,
    ObligationStep,
    ObligationStepRecord,
    TaskRule,
)
from psad.followup.services.tasks import (
    close_rule_tasks,
    ensure_rule_task,
    obligation_of,
    open_rule_tasks,
    sync_obligation_tasks,
)
from psad.youth.models import Case


def _not_in_future(day: date, today: date, what: str) -> None:
    if day > today:
        raise DomainError(f"La date {what} est dans le futur.")


def record_darfi_request(
    session: Session,
    *,
    case: Case,
    requested_on: date,
    source: DarfiSource,
    diploma: Diploma,
    wish: str | None,
    by: User,
    today: date,
    actor: audit.Actor,
) -> DarfiRequest:
    """A DARFI request; the interview is due within 15 days, a task says so to the referent
    (to the author when the case has none)."""
    if not case.is_open:
        raise DomainError("Ce dossier est clos : rouvrez-le d'abord.")
    _not_in_future(requested_on, today, "de la demande")
    request = DarfiRequest(
        case_id=case.id,
        requested_on=requested_on,
        source=source,
        diploma=diploma,
        wish=(wish or "").strip() or None,
        author=by,
    )
    session.add(request)
    session.flush()
    ensure_rule_task(
        session,
        case=case,
        rule=TaskRule.DARFI_INTERVIEW,
        due_on=darfi_interview_due(request),
        fact_id=request.id,
        default_user=by,
    )
    audit.record(
        session,
        actor,
        AuditAction.DARFI_RECORDED,
        object_type="youth",
        object_id=case.youth_id,
        detail=f"demande={request.id}",
    )
    return request


def record_darfi_interview(
    session: Session,
    *,
    case: Case,
    request: DarfiRequest,
    held_on: date,
    outcome: str | None,
    by: User,
    today: date,
    now: datetime,
    actor: audit.Actor,
) -> None:
    if request.case_id != case.id:
        raise DomainError("Cette demande DARFI n'est pas celle de ce dossier.")
    if request.interview_on is not None:
        held = f"{request.interview_on:%d/%m/%Y}"
        raise DomainError(f"L'entretien de cette demande est déjà enregistré (le {held}).")
    _not_in_future(held_on, today, "de l'entretien")
    if held_on < request.requested_on:
        raise DomainError("L'entretien ne peut précéder la demande.")
    request.interview_on, request.interview_by = held_on, by
    request.interview_outcome = (outcome or "").strip() or None
    for task in open_rule_tasks(session, case, TaskRule.DARFI_INTERVIEW):
        if task.fact_id == request.id:
            task.done_at, task.done_comment = now, "Entretien DARFI enregistré."
    audit.record(
        session,
        actor,
        AuditAction.DARFI_RECORDED,
        object_type="youth",
        object_id=case.youth_id,
        detail=f"entretien de la demande={request.id}",
    )


def record_obligation_step(
    session: Session,
    *,
    case: Case,
    step: ObligationStep,
    done_on: date,
    comment: str | None,
    by: User,
    today: date,
    now: datetime,
    actor: audit.Actor,
) -> ObligationStepRecord:
    _not_in_future(done_on, today, "de l'étape")
    if not obligation_of(session, case, today).steps:
        raise DomainError(
            "L'obligation de formation ne s'applique pas à ce jeune : il avait 18 ans ou plus "
            "à l'ouverture du dossier, ou sa date de naissance manque."
        )
    record = ObligationStepRecord(
        case_id=case.id,
        step=step,
        done_on=done_on,
        comment=(comment or "").strip() or None,
        author=by,
    )
    session.add(record)
    session.flush()
    sync_obligation_tasks(session, case=case, today=today, now=now)
    if step is ObligationStep.INTERVIEW:
        close_rule_tasks(
            session, case=case, rule=TaskRule.OBLIGATION_INTERVIEW, now=now, why="Entretien tenu."
        )
    audit.record(
        session,
        actor,
        AuditAction.OBLIGATION_STEP_RECORDED,
        object_type="youth",
        object_id=case.youth_id,
        detail=f"étape={step.value}",
    )
    return record
