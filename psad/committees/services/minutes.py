"""The minutes (relevé de décisions) after the meeting: the pilote validates them, which locks
the meeting; a later correction is an amendment, dated, with its author, shown in the minutes
and the exports. Both are audited with ids only."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from psad.audit import services as audit
from psad.audit.actions import AuditAction
from psad.auth.models import User
from psad.committees.models import (
    TEXT_LENGTH,
    Amendment,
    Committee,
    CommitteeStatus,
    Decision,
)
from psad.committees.services.state import CommitteeStateError, ensure_published, hold
from psad.errors import DomainError

CHANGED_MEANWHILE = (
    "Ce comité a été modifié pendant que vous lisiez le relevé (une décision, les présences "
    "ou l'ordre du jour) : relisez-le, puis validez-le à nouveau."
)
NOT_VALIDATED = (
    "Un amendement corrige un relevé de décisions validé ; celui de ce comité ne l'est pas encore."
)
TEXT_REQUIRED = "Écrivez la correction apportée au relevé."
TEXT_TOO_LONG = f"La correction tient en {TEXT_LENGTH} caractères au plus."
UNKNOWN_DECISION = "Cette décision n'est pas une décision de ce comité."


class AmendmentError(DomainError):
    """The amendment cannot be recorded as written."""

    status_code = 422


def validate_minutes(
    session: Session,
    *,
    committee: Committee,
    version: int | None = None,
    by: User,
    now: datetime,
    actor: audit.Actor,
) -> None:
    """Validate the minutes of a held meeting: it is locked from now on (``ensure_open``
    refuses every change). ``version`` is the meeting's version the pilote read (None: no
    check, for scripts): if the meeting changed since, nothing is validated."""
    hold(session, committee)  # a decision at the same instant waits, or is seen
    ensure_published(committee)
    if version is not None and version != committee.version:
        raise CommitteeStateError(CHANGED_MEANWHILE)
    decided = session.scalar(
        select(func.count()).select_from(Decision).where(Decision.committee_id == committee.id)
    )
    committee.status = CommitteeStatus.VALIDATED
    committee.validated_at = now
    committee.validated_by_id = by.id
    session.flush()  # the version check: a concurrent change makes this fail (StaleDataError)
    audit.record(
        session,
        actor,
        AuditAction.MINUTES_VALIDATED,
        object_type="committee",
        object_id=committee.id,
        detail=f"lignes={len(committee.items)}; décisions={decided or 0}",
        psad_id=committee.psad_id,
    )


def amend_minutes(
    session: Session,
    *,
    committee: Committee,
    text: str,
    decision: Decision | None,
    by: User,
    now: datetime,
    actor: audit.Actor,
) -> Amendment:
    """Add a dated, signed correction to validated minutes, about one of its decisions or
    about the minutes as a whole."""
    if committee.status is not CommitteeStatus.VALIDATED:
        raise CommitteeStateError(NOT_VALIDATED)
    text = text.strip()
    if not text:
        raise AmendmentError(TEXT_REQUIRED)
    if len(text) > TEXT_LENGTH:
        raise AmendmentError(TEXT_TOO_LONG)
    if decision is not None and decision.committee_id != committee.id:
        raise AmendmentError(UNKNOWN_DECISION)
    amendment = Amendment(
        committee=committee,
        decision_id=decision.id if decision else None,
        text=text,
        author_id=by.id,
        created_at=now,
    )
    session.add(amendment)
    session.flush()
    audit.record(
        session,
        actor,
        AuditAction.MINUTES_AMENDED,
        object_type="committee",
        object_id=committee.id,
        detail=f"amendement={amendment.id}; décision={decision.id if decision else '-'}",
        psad_id=committee.psad_id,
    )
    return amendment
