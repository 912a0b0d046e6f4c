"""Changes of the case itself: situation, stage, referent, needs, closing and reopening.

Each is a case event (what it was, what it became, who, when, why) for the timeline, and an
audit event naming the fields. A save made from an older version of the case is refused.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime

from sqlalchemy import exists, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import flag_modified

from psad.audit import services as audit
from psad.audit.actions import AuditAction
from psad.auth.models import Structure, User
from psad.errors import DomainError
from psad.followup import stages
from psad.followup.models import CaseEvent, CaseEventKind, Contact, Task, TaskRule
from psad.reference.models import ReferenceItem
from psad.youth import services as youth_services
from psad.youth.models import Case, CaseStage, CaseStatus, KnownToPartner, Youth

SOLUTION_FOUND = "solution_found"


STALE_CASE = (
    "Ce dossier a été modifié par quelqu'un d'autre pendant que vous le consultiez : "
    "voici son état actuel ; refaites votre modification si elle est toujours utile."
)


class CaseVersionError(DomainError):
    status_code = 409


def check_version(case: Case, expected: int | None) -> None:
    """Refuse a save prepared on an older version of the case (optimistic locking)."""
    if expected is not None and expected != case.version:
        raise CaseVersionError(STALE_CASE)


def _event(
    session: Session,
    case: Case,
    kind: CaseEventKind,
    *,
    by: User | None,
    now: datetime,
    before: str | None = None,
    after: str | None = None,
    reason: str | None = None,
) -> None:
    session.add(
        CaseEvent(
            case_id=case.id,
            kind=kind,
            occurred_at=now,
            author=by,
            before=(before or None) and before[:300],
            after=(after or None) and after[:300],
            reason=(reason or "").strip() or None,
        )
    )


def _audit(
    session: Session, actor: audit.Actor, case: Case, action: AuditAction, what: str
) -> None:
    audit.record(session, actor, action, object_type="youth", object_id=case.youth_id, detail=what)


def _open(case: Case) -> None:
    if not case.is_open:
        raise DomainError("Ce dossier est clos : rouvrez-le d'abord.")


def change_situation(
    session: Session,
    *,
    case: Case,
    situation: ReferenceItem,
    by: User,
    now: datetime,
    actor: audit.Actor,
) -> None:
    _open(case)
    before = case.situation.label if case.situation else None
    case.situation = situation
    _event(
        session, case, CaseEventKind.SITUATION, by=by, now=now, before=before, after=situation.label
    )
    _audit(session, actor, case, AuditAction.CASE_CHANGED, "champs=situation")
    session.flush()


def reached_once(session: Session, case: Case) -> bool:
    return bool(
        session.scalar(
            select(exists().where(Contact.case_id == case.id, Contact.reached.is_(True)))
        )
    )


def current_stage(session: Session, case: Case) -> CaseStage:
    attempts = session.scalar(select(exists().where(Contact.case_id == case.id)))
    return stages.current_stage(case.decided_stage, attempts=int(bool(attempts)))


def change_stage(
    session: Session,
    *,
    case: Case,
    wanted: CaseStage,
    by: User,
    now: datetime,
    actor: audit.Actor,
) -> None:
    _open(case)
    current = current_stage(session, case)
    stages.check_change(current, wanted, reached=reached_once(session, case))
    case.decided_stage = wanted
    _event(
        session, case, CaseEventKind.STAGE, by=by, now=now, before=current.label, after=wanted.label
    )
    _audit(session, actor, case, AuditAction.CASE_CHANGED, "champs=étape")
    session.flush()


def _referent_label(user: User | None, structure: Structure | None) -> str:
    return (
        " · ".join(
            p
            for p in (user.full_name if user else None, structure.name if structure else None)
            if p
        )
        or "aucun"
    )


def assign_referent(
    session: Session,
    *,
    case: Case,
    user: User | None,
    structure: Structure | None,
    by: User,
    now: datetime,
    actor: audit.Actor,
) -> None:
    """The referent user and/or structure; partners of the structure then see the youth."""
    if structure is not None and structure.psad_id != case.psad_id:
        raise DomainError("Cette structure n'appartient pas à la PSAD du dossier.")
    if user is not None and user.membership_in(case.psad_id) is None:
        raise DomainError("Ce référent n'a pas de rôle dans la PSAD du dossier.")
    before = _referent_label(case.referent_user, case.referent_structure)
    case.referent_user, case.referent_structure = user, structure
    after = _referent_label(user, structure)
    _event(session, case, CaseEventKind.REFERENT, by=by, now=now, before=before, after=after)
    _audit(session, actor, case, AuditAction.CASE_CHANGED, "champs=référent")
    session.flush()


def update_needs(
    session: Session,
    *,
    case: Case,
    project: str | None,
    needs: list[ReferenceItem],
    by: User,
    now: datetime,
    actor: audit.Actor,
) -> None:
    case.project = (project or "").strip()[:500] or None
    case.needs = needs
    flag_modified(case, "project")  # the version moves even when only the list changed
    after = "; ".join([*(item.label for item in needs), *([case.project] if case.project else [])])
    _event(session, case, CaseEventKind.NEEDS, by=by, now=now, after=after or "aucun")
    _audit(session, actor, case, AuditAction.CASE_CHANGED, "champs=besoins")
    session.flush()


def close_case(
    session: Session,
    *,
    case: Case,
    reason: ReferenceItem,
    known_to_partner: KnownToPartner,
    solution: ReferenceItem | None,
    solution_since: date | None,
    on: date,
    by: User | None,
    now: datetime,
    actor: audit.Actor,
) -> None:
    """Close with a reason; « solution trouvée » says which solution and since when. ``by``
    None: no person closed it (retention's age limit)."""
    _open(case)
    if reason.code == SOLUTION_FOUND and (solution is None or solution_since is None):
        raise DomainError("Pour « Solution trouvée », indiquez la solution et sa date de début.")
    case.status, case.closed_on, case.closing_reason = CaseStatus.CLOSED, on, reason
    case.known_to_partner = known_to_partner
    case.solution, case.solution_since = (
        (solution, solution_since) if reason.code == SOLUTION_FOUND else (None, None)
    )
    for task in session.scalars(
        select(Task).where(Task.case_id == case.id, Task.done_at.is_(None))
    ):
        if task.rule is not TaskRule.MANUAL:
            task.done_at, task.done_comment = now, "Dossier clos."
    after = reason.label + (f" : {solution.label}" if case.solution and solution else "")
    _event(session, case, CaseEventKind.CLOSED, by=by, now=now, after=after)
    _audit(session, actor, case, AuditAction.CASE_CLOSED, f"motif={reason.code}")
    session.flush()


def reopen_case(
    session: Session,
    *,
    case: Case,
    reason: str,
    by: User,
    now: datetime,
    actor: audit.Actor,
) -> None:
    """Reopen a closed case, with a reason (pilotes and co-pilotes; the view checks who)."""
    if case.is_open:
        raise DomainError("Ce dossier est déjà ouvert.")
    if not reason.strip():
        raise DomainError("Dites pourquoi le dossier est rouvert.")
    if case.youth.open_case is not None:
        raise DomainError("Ce jeune a déjà un autre dossier ouvert.")
    before = case.closing_reason.label if case.closing_reason else None
    case.status, case.closed_on, case.closing_reason = CaseStatus.OPEN, None, None
    case.solution, case.solution_since, case.decided_stage = None, None, None
    _event(session, case, CaseEventKind.REOPENED, by=by, now=now, before=before, reason=reason)
    _audit(session, actor, case, AuditAction.CASE_REOPENED, "motif=saisi")
    session.flush()


def edit_youth(
    session: Session,
    *,
    youth: Youth,
    changes: Mapping[str, object],
    guardian: youth_services.GuardianData | None = None,
    expected_version: int | None = None,
    by: User,
    now: datetime,
    actor: audit.Actor,
) -> list[str]:
    """Edit the file's identity, contact details, legal guardian and schooling
    (``youth.services.update_youth``); the timeline of the youth's case names the fields
    changed, never their values. Refused when the file changed since ``expected_version``."""
    changed = youth_services.update_youth(
        session,
        youth=youth,
        changes=changes,
        guardian=guardian,
        expected_version=expected_version,
        now=now,
        actor=actor,
    )
    case = youth.latest_case
    if changed and case is not None:
        names = ", ".join(youth_services.FIELD_LABELS[name] for name in changed)
        _event(session, case, CaseEventKind.IDENTITY, by=by, now=now, after=names)
    return changed
