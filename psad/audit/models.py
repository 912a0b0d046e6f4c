"""The audit log: append-only record of who did what to which record, from where."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, event
from sqlalchemy.orm import Mapped, ORMExecuteState, Session, mapped_column

from psad import clock
from psad.db import Base


class AuditEvent(Base):
    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    occurred_at: Mapped[datetime] = mapped_column(default=clock.now, index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    psad_id: Mapped[int | None] = mapped_column(ForeignKey("psads.id", ondelete="SET NULL"))
    action: Mapped[str] = mapped_column(String(60))
    object_type: Mapped[str | None] = mapped_column(String(40))
    object_id: Mapped[int | None]
    ip_address: Mapped[str | None] = mapped_column(String(45))
    detail: Mapped[str | None] = mapped_column(String(2000))

    __table_args__ = (
        Index(None, "psad_id", "occurred_at"),
        Index(None, "object_type", "object_id"),
    )


class AuditLogIsAppendOnly(RuntimeError):
    pass


@event.listens_for(Session, "before_flush")
def _refuse_audit_changes(session: Session, flush_context: object, instances: object) -> None:
    """Nobody edits or deletes an audit event, through any code path of the app."""
    for obj in list(session.dirty) + list(session.deleted):
        if isinstance(obj, AuditEvent) and (obj in session.deleted or session.is_modified(obj)):
            raise AuditLogIsAppendOnly("audit events cannot be changed or deleted")


@event.listens_for(Session, "do_orm_execute")
def _refuse_bulk_audit_changes(state: ORMExecuteState) -> None:
    """The same rule for ``update(AuditEvent)`` and ``delete(AuditEvent)`` statements."""
    if (state.is_update or state.is_delete) and any(
        mapper.class_ is AuditEvent for mapper in state.all_mappers
    ):
        raise AuditLogIsAppendOnly("audit events cannot be changed or deleted")
