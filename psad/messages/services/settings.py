"""The PSAD's messaging settings: SMS on or off, the automatic reminder."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from psad.audit.actions import AuditAction
from psad.audit.services import Actor, record
from psad.auth.models import User
from psad.messages.models import MessagingSettings
from psad.messages.services.errors import MessagingError

AUTO_REMINDER_DAYS = (1, 90)


def settings_of(session: Session, psad_id: int) -> MessagingSettings:
    """The PSAD's messaging settings; the defaults (not stored) when it has none."""
    found = session.get(MessagingSettings, psad_id)
    if found is not None:
        return found
    return MessagingSettings(psad_id=psad_id, sms_enabled=False, auto_reminder_days=None)


def save_settings(
    session: Session,
    *,
    psad_id: int,
    sms_enabled: bool,
    auto_reminder_days: int | None,
    by: User,
    actor: Actor,
    now: datetime,
) -> MessagingSettings:
    """Switch SMS on or off for the PSAD and set the automatic reminder (None: none)."""
    low, high = AUTO_REMINDER_DAYS
    if auto_reminder_days is not None and not low <= auto_reminder_days <= high:
        raise MessagingError(
            f"La relance automatique se fait entre {low} et {high} jours après le message "
            f"(reçu {auto_reminder_days}) ; laissez vide pour ne pas relancer."
        )
    row = session.get(MessagingSettings, psad_id)
    if row is None:
        row = MessagingSettings(psad_id=psad_id)
        session.add(row)
    row.sms_enabled, row.auto_reminder_days = sms_enabled, auto_reminder_days
    row.updated_at, row.updated_by_id = now, by.id
    session.flush()
    days = "non" if auto_reminder_days is None else str(auto_reminder_days)
    record(
        session,
        actor,
        AuditAction.MESSAGING_SETTINGS_CHANGED,
        object_type="psad",
        object_id=psad_id,
        detail=f"sms={'oui' if sms_enabled else 'non'}; relance_jours={days}",
        psad_id=psad_id,
    )
    return row
