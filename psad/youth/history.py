"""A youth's history as shown on their file: cases opened and closed, changes, listings."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from psad.audit.actions import AuditAction, label_of
from psad.audit.models import AuditEvent
from psad.auth.models import User
from psad.youth.models import Youth

SHOWN_ACTIONS = [
    a.value
    for a in (
        AuditAction.YOUTH_CREATED,
        AuditAction.YOUTH_UPDATED,
        AuditAction.CASE_OPENED,
        AuditAction.CASE_REOPENED,
        AuditAction.IMPORT_APPLIED,
    )
]


@dataclass(frozen=True)
class HistoryEntry:
    at: datetime
    label: str
    author: str | None
    detail: str | None


def youth_history(session: Session, youth: Youth, limit: int = 50) -> list[HistoryEntry]:
    """What happened to the file, newest first (reads are in the audit log, not here)."""
    rows = session.execute(
        select(AuditEvent, User.full_name)
        .outerjoin(User, User.id == AuditEvent.user_id)
        .where(
            AuditEvent.object_type == "youth",
            AuditEvent.object_id == youth.id,
            AuditEvent.action.in_(SHOWN_ACTIONS),
        )
        .order_by(AuditEvent.occurred_at.desc(), AuditEvent.id.desc())
        .limit(limit)
    ).all()
    return [
        HistoryEntry(
            at=event.occurred_at, label=label_of(event.action), author=name, detail=event.detail
        )
        for event, name in rows
    ]
