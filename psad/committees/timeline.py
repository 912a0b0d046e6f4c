"""The comités' entries of a youth's timeline: each decision taken for the youth (« Comité
technique du 08/12/2026 : Orientation proposée · E2C », who acts, the due date, the comment,
who recorded it), and each comité whose minutes are validated where the youth was reviewed
without a decision. Dated by the meeting; read from the committees' own tables."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from psad.clock import local
from psad.committees.models import (
    AgendaItem,
    Committee,
    CommitteeStatus,
    Decision,
    DecisionKind,
)
from psad.committees.services.decisions import committee_title, decision_whats, who_acts
from psad.followup.timeline import Entry, When
from psad.youth.models import Youth

KIND = "committee"


def _when(committee: Committee, recorded_at: datetime | None = None) -> When:
    """The meeting's day; sorted at the time the decision was recorded that day, else at
    the meeting's start."""
    day = local(committee.starts_at).date()
    if recorded_at is not None and local(recorded_at).date() == day:
        return When(on=day, at=None, sort_at=recorded_at)
    return When(on=day, at=None, sort_at=committee.starts_at)


def entries(session: Session, youth: Youth) -> list[Entry]:
    """The youth's comités, oldest first (the page sorts the timeline)."""
    decided = session.execute(
        select(Decision, Committee)
        .join(Committee, Committee.id == Decision.committee_id)
        .where(Decision.youth_id == youth.id)
        .options(
            joinedload(Decision.acting_structure),
            joinedload(Decision.acting_user),
            joinedload(Decision.recorded_by),
            joinedload(Decision.closing_reason),
        )
        .order_by(Committee.starts_at, Decision.id)
    ).all()
    whats = decision_whats(session, [decision for decision, _ in decided])
    found = [
        Entry(
            when=_when(committee, decision.recorded_at),
            kind=KIND,
            what=f"{committee_title(committee)} : {whats[decision.id]}",
            details=_details(decision),
            who=decision.recorded_by.full_name if decision.recorded_by else None,
            anchor=f"comite-decision-{decision.id}",
        )
        for decision, committee in decided
    ]
    reviewed = session.execute(
        select(AgendaItem, Committee)
        .join(Committee, Committee.id == AgendaItem.committee_id)
        .where(
            AgendaItem.youth_id == youth.id,
            Committee.status == CommitteeStatus.VALIDATED,
            ~select(Decision.id).where(Decision.item_id == AgendaItem.id).exists(),
        )
        .order_by(Committee.starts_at, AgendaItem.id)
    ).all()
    found += [
        Entry(
            when=_when(committee),
            kind=KIND,
            what=f"Examiné en {committee.kind.label.lower()} du "
            f"{local(committee.starts_at):%d/%m/%Y} (sans décision)",
            anchor=f"comite-examen-{item.id}",
        )
        for item, committee in reviewed
    ]
    return found


def _details(decision: Decision) -> tuple[str, ...]:
    details = []
    acting = who_acts(decision.acting_structure, decision.acting_user)
    if acting:
        label = "Référent" if decision.kind is DecisionKind.REFERENT else "Qui agit"
        details.append(f"{label} : {acting}")
    if decision.due_on is not None:
        details.append(f"Échéance : {decision.due_on:%d/%m/%Y}")
    if decision.comment:
        details.append(decision.comment)
    return tuple(details)
