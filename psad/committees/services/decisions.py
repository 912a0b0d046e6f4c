"""What the comité decides for one youth of its agenda, and what the decision creates in the
same transaction.

- orientation proposed: the orientation (proposed, ``decision_id`` set); a full site needs
  the user's confirmation (the orientations' ``SiteFullError``);
- referent assigned: the case's referent (user and/or structure), no task;
- contact to make: a task for who acts, by the due date;
- close: the case closed with the reason;
- keep watching: a task when who acts and a due date are given;
- adjourned: nothing else (the next agenda proposes the youth again).

Every decision but a referent or a close that names who acts and a due date makes a task
(rule ``committee_decision``, ``fact_id`` the decision). One decision per agenda line: a
second one is refused and the first one shown (``DecisionExistsError``), never overwritten.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, joinedload

from psad import clock
from psad.audit import services as audit
from psad.audit.actions import AuditAction
from psad.auth.models import Structure, User
from psad.committees.models import TEXT_LENGTH, AgendaItem, Committee, Decision, DecisionKind
from psad.committees.services.state import ensure_published, hold, moved_on
from psad.errors import DomainError
from psad.followup import services as followup
from psad.followup.models import TaskRule
from psad.orientations import services as orientations
from psad.orientations.models import Programme, ProgrammeSite
from psad.reference.models import ReferenceItem
from psad.youth.models import Case, KnownToPartner

Kind = DecisionKind
Row = TypeVar("Row", Programme, ProgrammeSite)
# Closings the comité does not record: each has its own procedure on the file (the solution
# and its date; the transfer to the other PSAD; the merge of duplicates).
NOT_FROM_A_COMMITTEE = ("solution_found", "transferred", "merged")
TASKLESS = (Kind.REFERENT, Kind.CLOSE)

NEEDS_PROGRAMME = "Choisissez le dispositif (et son site) proposé."
NEEDS_REFERENT = "Indiquez la structure ou la personne référente."
NEEDS_WHO = "Indiquez qui prend contact : une structure ou une personne."
NEEDS_DUE = "Indiquez l'échéance du contact."
NEEDS_REASON = "Choisissez le motif de clôture."
DUE_BEFORE = "L'échéance ne peut pas précéder la date du comité ({:%d/%m/%Y})."
CLOSING_ELSEWHERE = (
    "Ce motif de clôture se saisit depuis le dossier du jeune (« Clore le dossier »), avec ce "
    "qu'il demande."
)
STRUCTURE_ELSEWHERE = "Cette structure n'appartient pas à la PSAD du comité."
USER_ELSEWHERE = "Cette personne n'a pas de rôle dans la PSAD du comité."
TOO_LONG = f"Le commentaire dépasse {TEXT_LENGTH} caractères."
CASE_CLOSED = (
    "Le dossier de ce jeune a été clos entre-temps : aucune décision ne peut plus être "
    "enregistrée pour lui à ce comité."
)
NO_CASE = "Ce jeune n'a pas de dossier de suivi : aucune décision ne peut être enregistrée."


class DecisionInputError(DomainError):
    """A value of the decision does not fit; ``field`` names the form's field."""

    status_code = 422

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class DecisionExistsError(DomainError):
    """The line has a decision already (another member recorded it first)."""

    status_code = 409

    def __init__(self, message: str, decision: Decision | None = None) -> None:
        super().__init__(message)
        self.decision = decision


class DecisionRaceError(DomainError):
    """Another member's decision on the line was saved at the same instant: the entry point
    rolls back and reads it (``decision_conflict``)."""

    status_code = 409


class DecisionCaseClosedError(DomainError):
    status_code = 409


def problems(
    kind: DecisionKind | None,
    *,
    has_programme: bool,
    has_reason: bool,
    has_who: bool,
    due_on: date | None,
    committee_day: date,
) -> dict[str, str]:
    """What the decision lacks, by field of the form (empty: it may be saved)."""
    found: dict[str, str] = {}
    if kind is Kind.ORIENTATION and not has_programme:
        found["choice"] = NEEDS_PROGRAMME
    if kind is Kind.REFERENT and not has_who:
        found["acting_structure"] = NEEDS_REFERENT
    if kind is Kind.CONTACT:
        if not has_who:
            found["acting_structure"] = NEEDS_WHO
        if due_on is None:
            found["due_on"] = NEEDS_DUE
    if kind is Kind.CLOSE and not has_reason:
        found["closing_reason"] = NEEDS_REASON
    if due_on is not None and due_on < committee_day and "due_on" not in found:
        found["due_on"] = DUE_BEFORE.format(committee_day)
    return found


def committee_day(committee: Committee) -> date:
    return clock.local(committee.starts_at).date()


def committee_title(committee: Committee) -> str:
    """« Comité technique du 08/12/2026 »."""
    return f"{committee.kind.label} du {committee_day(committee):%d/%m/%Y}"


def what_of(
    kind: DecisionKind,
    *,
    programme: Programme | None = None,
    site: ProgrammeSite | None = None,
    closing_reason: ReferenceItem | None = None,
) -> str:
    """The decision in a few words: « Orientation proposée · E2C · E2C Lille (Roubaix) »."""
    parts = [kind.label]
    if kind is Kind.ORIENTATION:
        parts += [p for p in (programme and programme.name, site and site.label) if p]
    if kind is Kind.CLOSE and closing_reason is not None:
        parts.append(closing_reason.label)
    return " · ".join(parts)


def who_acts(structure: Structure | None, user: User | None) -> str | None:
    """« Mission locale de Lille · Karim Benali »."""
    return (
        " · ".join(p for p in (structure and structure.name, user and user.full_name) if p) or None
    )


def decision_what(session: Session, decision: Decision) -> str:
    """``what_of`` a stored decision (reads its dispositif and site)."""
    return decision_whats(session, [decision])[decision.id]


def decision_whats(session: Session, decisions: Sequence[Decision]) -> dict[int, str]:
    """``what_of`` stored decisions, by id: their dispositifs and sites read at once."""
    programmes = _by_id(session, Programme, {d.programme_id for d in decisions})
    sites = _by_id(session, ProgrammeSite, {d.site_id for d in decisions})
    return {
        decision.id: what_of(
            decision.kind,
            programme=programmes.get(decision.programme_id or 0),
            site=sites.get(decision.site_id or 0),
            closing_reason=decision.closing_reason,
        )
        for decision in decisions
    }


def _by_id(session: Session, model: type[Row], ids: set[int | None]) -> dict[int, Row]:
    wanted = {key for key in ids if key is not None}
    if not wanted:
        return {}
    return {row.id: row for row in session.scalars(select(model).where(model.id.in_(wanted)))}


def existing_decision(session: Session, item_id: int) -> Decision | None:
    return session.scalar(
        select(Decision)
        .where(Decision.item_id == item_id)
        .options(joinedload(Decision.recorded_by), joinedload(Decision.closing_reason))
    )


def decision_conflict(session: Session, decision: Decision, today: date) -> DecisionExistsError:
    """« Karim Benali a déjà enregistré la décision de ce jeune à 14 h 32 : … »."""
    at = clock.local(decision.recorded_at)
    when = f"à {at:%H} h {at:%M}" if at.date() == today else f"le {at:%d/%m/%Y} à {at:%H} h {at:%M}"
    who = decision.recorded_by.full_name if decision.recorded_by else "Un membre"
    message = (
        f"{who} a déjà enregistré la décision de ce jeune {when} : "
        f"{decision_what(session, decision)}. Rien n'a été modifié ; la voici."
    )
    return DecisionExistsError(message, decision)


def record_decision(
    session: Session,
    *,
    item: AgendaItem,
    kind: DecisionKind,
    programme: Programme | None,
    site: ProgrammeSite | None,
    closing_reason: ReferenceItem | None,
    acting_structure: Structure | None,
    acting_user: User | None,
    due_on: date | None,
    comment: str | None,
    by: User,
    actor: audit.Actor,
    today: date,
    confirm_full: bool = False,
    now: datetime | None = None,
) -> Decision:
    """Record the comité's decision for the youth of ``item`` and what it implies."""
    committee, now = item.committee, now or clock.now()
    hold(session, committee)  # a validation at the same instant waits, or is seen
    ensure_published(committee)
    existing = existing_decision(session, item.id)
    if existing is not None:
        raise decision_conflict(session, existing, today)
    case = _open_case(item)
    programme, site = (programme, site) if kind is Kind.ORIENTATION else (None, None)
    closing_reason = closing_reason if kind is Kind.CLOSE else None
    comment = _checked(
        committee, kind, programme, closing_reason, acting_structure, acting_user, due_on, comment
    )
    decision = Decision(
        committee_id=committee.id,
        item=item,
        youth_id=item.youth_id,
        case_id=case.id,
        kind=kind,
        programme_id=programme.id if programme else None,
        site_id=site.id if site else None,
        closing_reason=closing_reason,
        acting_structure=acting_structure,
        acting_user=acting_user,
        due_on=due_on,
        comment=comment,
        recorded_by=by,
        recorded_at=now,
    )
    session.add(decision)
    moved_on(committee)  # minutes read before this decision are not validated unseen
    try:
        session.flush()
    except IntegrityError as error:  # another member's decision, saved at the same instant
        raise DecisionRaceError("Une autre décision a été enregistrée en même temps.") from error
    made = [_implied(session, decision, case, programme, site, by, actor, today, now, confirm_full)]
    if kind not in TASKLESS and due_on is not None and (acting_structure or acting_user):
        what = what_of(kind, programme=programme, site=site, closing_reason=closing_reason)
        task = followup.add_task(
            session,
            case=case,
            title=f"Décision du comité du {committee_day(committee):%d/%m/%Y} : {what}",
            due_on=due_on,
            user=acting_user,
            structure=acting_structure,
            by=by,
            actor=actor,
            rule=TaskRule.COMMITTEE_DECISION,
            fact_id=decision.id,
        )
        made.append(f"tâche={task.id}")
    audit.record(
        session,
        actor,
        AuditAction.DECISION_RECORDED,
        object_type="youth",
        object_id=item.youth_id,
        psad_id=committee.psad_id,
        detail="; ".join(
            [f"comité={committee.id}; point={item.id}; décision={decision.id}; type={kind.value}"]
            + [part for part in made if part]
        ),
    )
    return decision


def _open_case(item: AgendaItem) -> Case:
    case = item.youth.open_case
    if case is None:
        raise DecisionCaseClosedError(CASE_CLOSED if item.youth.cases else NO_CASE)
    return case


def _checked(
    committee: Committee,
    kind: DecisionKind,
    programme: Programme | None,
    closing_reason: ReferenceItem | None,
    acting_structure: Structure | None,
    acting_user: User | None,
    due_on: date | None,
    comment: str | None,
) -> str | None:
    """The decision has what its kind needs, people and structures of the PSAD; returns the
    comment trimmed."""
    found = problems(
        kind,
        has_programme=programme is not None,
        has_reason=closing_reason is not None,
        has_who=acting_structure is not None or acting_user is not None,
        due_on=due_on,
        committee_day=committee_day(committee),
    )
    if found:
        field, message = next(iter(found.items()))
        raise DecisionInputError(message, field)
    if closing_reason is not None and closing_reason.code in NOT_FROM_A_COMMITTEE:
        raise DecisionInputError(CLOSING_ELSEWHERE, "closing_reason")
    if acting_structure is not None and acting_structure.psad_id != committee.psad_id:
        raise DecisionInputError(STRUCTURE_ELSEWHERE, "acting_structure")
    if acting_user is not None and acting_user.membership_in(committee.psad_id) is None:
        raise DecisionInputError(USER_ELSEWHERE, "acting_user")
    comment = (comment or "").strip() or None
    if comment is not None and len(comment) > TEXT_LENGTH:
        raise DecisionInputError(TOO_LONG, "comment")
    return comment


def _implied(
    session: Session,
    decision: Decision,
    case: Case,
    programme: Programme | None,
    site: ProgrammeSite | None,
    by: User,
    actor: audit.Actor,
    today: date,
    now: datetime,
    confirm_full: bool,
) -> str | None:
    """Create what the decision implies besides its task; returns its ids for the audit."""
    if decision.kind is Kind.ORIENTATION:
        assert programme is not None  # checked
        orientation = orientations.propose_orientation(
            session,
            case=case,
            programme=programme,
            site=site,
            on=today,
            by=by,
            actor=actor,
            comment=decision.comment,
            confirm_full=confirm_full,
            decision_id=decision.id,
            today=today,
        )
        return f"orientation={orientation.id}"
    if decision.kind is Kind.REFERENT:
        followup.assign_referent(
            session,
            case=case,
            user=decision.acting_user,
            structure=decision.acting_structure,
            by=by,
            now=now,
            actor=actor,
        )
        return f"dossier={case.id}"
    if decision.kind is Kind.CLOSE:
        assert decision.closing_reason is not None  # checked
        known = case.known_to_partner
        followup.close_case(
            session,
            case=case,
            reason=decision.closing_reason,
            known_to_partner=known or KnownToPartner.UNKNOWN,
            solution=None,
            solution_since=None,
            on=today,
            by=by,
            now=now,
            actor=actor,
        )
        # The comité says nothing of whether partners knew the youth (the bilan's « jeunes
        # découverts »): the answer stays as it was.
        case.known_to_partner = known
        return f"dossier={case.id}"
    return None
