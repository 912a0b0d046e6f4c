"""Writing to and reading from the audit log."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import ColumnElement, Select, and_, or_, select
from sqlalchemy.orm import Session

from psad.audit.actions import SIGN_IN_ACTIONS, AuditAction
from psad.audit.models import AuditEvent
from psad.clock import PARIS


@dataclass(frozen=True)
class Actor:
    """Who acts and from where; entry points build it from the request."""

    user_id: int | None
    psad_id: int | None
    ip_address: str | None = None


def record(
    session: Session,
    actor: Actor,
    action: AuditAction,
    *,
    object_type: str | None = None,
    object_id: int | None = None,
    detail: str | None = None,
    psad_id: int | None = None,
) -> AuditEvent:
    """Append one event. ``detail`` names fields and ids, never a youth's personal data."""
    event = AuditEvent(
        user_id=actor.user_id,
        psad_id=psad_id if psad_id is not None else actor.psad_id,
        action=action.value,
        object_type=object_type,
        object_id=object_id,
        ip_address=actor.ip_address,
        detail=detail[:2000] if detail else None,
    )
    session.add(event)
    return event


def record_refused_youth_read(session: Session, actor: Actor, *, youth_id: int) -> AuditEvent:
    """A youth's file asked for and answered 404: whether it is missing or out of the
    viewer's scope, the log does not say (the pilote reading it must not learn it either)."""
    return record(
        session, actor, AuditAction.YOUTH_ACCESS_REFUSED, object_type="youth", object_id=youth_id
    )


@dataclass(frozen=True)
class AuditFilter:
    action: str | None = None
    user_id: int | None = None
    object_type: str | None = None
    object_id: int | None = None
    since: date | None = None
    until: date | None = None


def events_query(
    *,
    psad_ids: list[int] | None,
    filters: AuditFilter,
    members: Select[int] | None = None,
) -> Select[AuditEvent]:
    """Events of the given PSADs (None: every PSAD, for administrators), newest first.

    ``members`` (user ids) adds the sign-in events of those accounts: a pilote sees how the
    members of their PSAD log in, although a log-in belongs to no PSAD.
    """
    query = select(AuditEvent).order_by(AuditEvent.occurred_at.desc(), AuditEvent.id.desc())
    if psad_ids is not None:
        in_psads: ColumnElement[bool] = AuditEvent.psad_id.in_(psad_ids)
        if members is not None:
            in_psads = or_(
                in_psads,
                and_(
                    AuditEvent.action.in_([a.value for a in SIGN_IN_ACTIONS]),
                    AuditEvent.object_type == "user",
                    AuditEvent.object_id.in_(members),
                ),
            )
        query = query.where(in_psads)
    if filters.action:
        query = query.where(AuditEvent.action == filters.action)
    if filters.user_id:
        query = query.where(AuditEvent.user_id == filters.user_id)
    if filters.object_type:
        query = query.where(AuditEvent.object_type == filters.object_type)
    if filters.object_id:
        query = query.where(AuditEvent.object_id == filters.object_id)
    if filters.since:
        query = query.where(AuditEvent.occurred_at >= _start_of(filters.since))
    if filters.until:
        query = query.where(AuditEvent.occurred_at < _start_of(filters.until + timedelta(days=1)))
    return query


def _start_of(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=PARIS)
