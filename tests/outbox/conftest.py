"""The outbox's tests: a real SMTP server on loopback, messages queued at a fixed instant.

Fixtures ``smtp_server`` (plain), ``starttls_server`` and ``smtps_server`` (implicit TLS) come
from ``tests.mailserver``; ``mail_settings(server, **over)`` gives the ``[mail]`` settings
that reach one of them.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy.orm import Session

from psad.outbox.models import OutboxMessage, OutboxPurpose
from psad.outbox.services import enqueue
from tests.mailserver import (
    LoopbackSmtp,
    mail_settings,
    smtp_server,
    smtps_server,
    starttls_server,
)

__all__ = ["LoopbackSmtp", "mail_settings", "smtp_server", "smtps_server", "starttls_server"]

NOW = datetime(2026, 12, 7, 6, 0, tzinfo=UTC)  # 7:00 in Paris, the digests' hour
RECIPIENT = "claire.martin@psad.example"
SUBJECT = "PSAD de Lille : vos rappels du 7 décembre 2026"
TEXT = "Bonjour,\n\n3 jeunes n'ont jamais été contactés.\n"
HTML = "<p>Bonjour,</p><p>3 jeunes n'ont jamais été contactés.</p>"


def queue(session: Session, key: str = "digest:1:2026-12-07", **over: Any) -> OutboxMessage:
    """Queue one digest at NOW (flushed, not committed); fails if the key is taken."""
    values: dict[str, Any] = {
        "purpose": OutboxPurpose.DIGEST,
        "recipient": RECIPIENT,
        "subject": SUBJECT,
        "body_text": TEXT,
        "body_html": HTML,
        "psad_id": None,
        "user_id": None,
        "now": NOW,
        **over,
    }
    message = enqueue(session, key=key, **values)
    assert message is not None, f"key {key} already queued"
    return message


def reloaded(session: Session, message: OutboxMessage | int) -> OutboxMessage:
    """The row as stored now (another session or a commit may have changed it)."""
    session.expire_all()
    message_id = message if isinstance(message, int) else message.id
    return session.get_one(OutboxMessage, message_id)
